// Process configuration from the environment, parsed once with zod. Secrets stay here and never reach logs.
import { z } from 'zod';
import { HearthError } from './core/errors';
import { parseRef } from '../community/refs';

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

export const configSchema = z.object({
  HEARTH_DB: z.string().default('./data/hearth.db'),
  HEARTH_PROGRAM: optional,
  HEARTH_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  /** normal (the default: every commit survives a crash of Hearth) or full (also a power cut, at some speed). */
  HEARTH_DB_SYNC: z.enum(['normal', 'full']).default('normal'),
  /** Community groups Hearth serves besides the program's `groups`: `telegram:-1001234,wecom:wrkSFfCgAA…`. */
  HEARTH_GROUPS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const groups = (v ?? '')
        .split(',')
        .map((g) => g.trim())
        .filter((g) => g !== '');
      for (const g of groups) {
        const ref = parseRef(g);
        if ('problem' in ref) ctx.addIssue({ code: 'custom', message: ref.problem });
      }
      return groups;
    }),
  HEARTH_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** HMAC-SHA256 secret for signed purchase/refund events on the HTTP endpoint. */
  HEARTH_ORDERS_SECRET: optional,
  TELEGRAM_BOT_TOKEN: optional,
  TELEGRAM_API_ROOT: optional,
  TELEGRAM_WEBHOOK_URL: optional,
  TELEGRAM_WEBHOOK_SECRET: optional,
  /** The old name of the staff room on Telegram: TELEGRAM_STAFF_CHAT_ID=-100… is HEARTH_STAFF_ROOM=telegram:-100…. */
  TELEGRAM_STAFF_CHAT_ID: optional,
  /** The WeCom intelligent robot (企业微信智能机器人): its bot id and secret, both or neither. Never logged. */
  WECOM_BOT_ID: optional,
  WECOM_BOT_SECRET: optional,
  /** The robot's long-connection address, for a private deployment; the SDK's default is wss://openws.work.weixin.qq.com. */
  WECOM_WS_URL: optional.superRefine((v, ctx) => {
    if (v !== undefined && !/^wss?:\/\/\S+$/.test(v)) ctx.addIssue({ code: 'custom', message: 'must be a ws:// or wss:// URL' });
  }),
  /** A personal WeChat account through wechaty: the puppet package that drives it (wechaty-puppet-wechat4u, …). */
  WECHATY_PUPPET: optional,
  /** The token of a puppet service (wechaty-puppet-service needs one). Never logged. */
  WECHATY_PUPPET_SERVICE_TOKEN: optional,
  /** The memory card keeping the WeChat session (`NAME.memory-card.json`), so a restart needs no new scan; default hearth. */
  WECHATY_NAME: optional,
  /** Where the WeChat login QR is written as a PNG; default ./data/wechat-login.png. */
  WECHATY_QR_FILE: optional,
  /** The staff room, on any channel: `telegram:-1001234567890`, `wecom:<chatid>` or `wechat:<roomid>`. */
  HEARTH_STAFF_ROOM: optional.superRefine((v, ctx) => {
    if (v === undefined) return;
    const ref = parseRef(v);
    if ('problem' in ref) ctx.addIssue({ code: 'custom', message: ref.problem });
  }),
}).superRefine((c, ctx) => {
  // One without the other is a half-configured robot: say so rather than start without it.
  if ((c.WECOM_BOT_ID === undefined) !== (c.WECOM_BOT_SECRET === undefined)) {
    const missing = c.WECOM_BOT_ID === undefined ? 'WECOM_BOT_ID' : 'WECOM_BOT_SECRET';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'WECOM_BOT_ID and WECOM_BOT_SECRET go together: set both for WeCom, or neither' });
  }
  // A token without a puppet turns nothing on, and a puppet service without its token cannot log in: say so at start.
  if (c.WECHATY_PUPPET_SERVICE_TOKEN !== undefined && c.WECHATY_PUPPET === undefined) {
    ctx.addIssue({ code: 'custom', path: ['WECHATY_PUPPET'], message: 'WECHATY_PUPPET_SERVICE_TOKEN is set but WECHATY_PUPPET is not: name the puppet (e.g. wechaty-puppet-service)' });
  }
  if (c.WECHATY_PUPPET === 'wechaty-puppet-service' && c.WECHATY_PUPPET_SERVICE_TOKEN === undefined) {
    ctx.addIssue({ code: 'custom', path: ['WECHATY_PUPPET_SERVICE_TOKEN'], message: 'wechaty-puppet-service needs WECHATY_PUPPET_SERVICE_TOKEN' });
  }
});

export type Config = z.infer<typeof configSchema>;

/** The channel a bare member id from the shop belongs to: the first channel `start` runs (Telegram, WeCom, WeChat), else the console. */
export function defaultMemberChannel(config: Config): string {
  if (config.TELEGRAM_BOT_TOKEN) return 'telegram';
  if (config.WECOM_BOT_ID && config.WECOM_BOT_SECRET) return 'wecom';
  if (config.WECHATY_PUPPET) return 'wechat';
  return 'console';
}

/** Where the staff room is: HEARTH_STAFF_ROOM, or Telegram's TELEGRAM_STAFF_CHAT_ID; undefined when neither is set. */
export function staffRoomOf(config: Config): { channel: string; chat: string } | undefined {
  if (config.HEARTH_STAFF_ROOM) {
    const ref = parseRef(config.HEARTH_STAFF_ROOM);
    if ('channel' in ref) return { channel: ref.channel, chat: ref.id };
  }
  return config.TELEGRAM_STAFF_CHAT_ID ? { channel: 'telegram', chat: config.TELEGRAM_STAFF_CHAT_ID } : undefined;
}

/** Parse the environment; a bad value stops the start with the variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new HearthError('bad_config', `bad configuration:\n${problems.join('\n')}`);
  }
  return result.data;
}
