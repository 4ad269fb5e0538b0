// Process configuration from the environment, parsed once with zod. Secrets stay here and never reach logs.
import { z } from 'zod';
import { HearthError } from './core/errors';
import type { RateLimits } from './core/channel';
import { parseRef } from '../community/refs';

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** A whole number from `min` to `max`, or unset (blank counts as unset): the channel's own default then applies. */
function wholeNumber(min: number, max: number) {
  return optional.transform((v, ctx) => {
    if (v === undefined) return undefined;
    const n = /^\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max} (got "${v}")` });
      return z.NEVER;
    }
    return n;
  });
}

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
  /** The robot in URL-callback mode instead (API 模式 with a URL): its Token and EncodingAESKey, both or neither. Never logged. */
  WECOM_CALLBACK_TOKEN: optional,
  WECOM_CALLBACK_AES_KEY: optional.superRefine((v, ctx) => {
    // The shape bot/channels/wecom/callback.ts checkWecomKeys demands (a config cannot import a channel): said here by name.
    if (v !== undefined && (!/^[A-Za-z0-9]{43}$/.test(v) || Buffer.from(`${v}=`, 'base64').length !== 32)) {
      ctx.addIssue({ code: 'custom', message: 'must be the 43 letters and digits of the EncodingAESKey shown in the robot\'s API settings' });
    }
  }),
  /** The path WeCom POSTs callbacks to on HEARTH_HTTP_PORT (the URL given to WeCom ends with it); default /wecom/callback. */
  WECOM_CALLBACK_PATH: optional.superRefine((v, ctx) => {
    if (v !== undefined && !/^\/[A-Za-z0-9._~\-/]*$/.test(v)) ctx.addIssue({ code: 'custom', message: 'must be a URL path such as /wecom/callback' });
  }),
  /** A personal WeChat account through wechaty: the puppet package that drives it (wechaty-puppet-wechat4u, …). */
  WECHATY_PUPPET: optional,
  /** The token of a puppet service (wechaty-puppet-service needs one). Never logged. */
  WECHATY_PUPPET_SERVICE_TOKEN: optional,
  /** The memory card keeping the WeChat session (`NAME.memory-card.json`), so a restart needs no new scan; default hearth. */
  WECHATY_NAME: optional,
  /** Where the WeChat login QR is written as a PNG; default ./data/wechat-login.png. */
  WECHATY_QR_FILE: optional,
  // WeChat's sending limits (defaults in bot/channels/wechaty/index.ts WECHAT_LIMITS): the ranges stop a typo, not a
  // choice; above the defaults the account risks a ban.
  /** Least milliseconds between two messages to one chat (default 3000). */
  WECHAT_CHAT_GAP_MS: wholeNumber(1000, 600_000),
  /** Most messages to one room in any minute (default 10). */
  WECHAT_PER_ROOM_PER_MINUTE: wholeNumber(1, 30),
  /** Most messages in any minute, all chats together (default 20). */
  WECHAT_SENDS_PER_MINUTE: wholeNumber(1, 60),
  /** Most messages in any 24 hours, answers included (default 300). */
  WECHAT_SENDS_PER_DAY: wholeNumber(1, 10_000),
  /** Most messages the bot starts on its own (notices, nudges) in any 24 hours (default 100). */
  WECHAT_PROACTIVE_PER_DAY: wholeNumber(1, 10_000),
  /** Up to this many milliseconds more on each gap, drawn at random, so sends keep no regular beat (default 2000; 0: none). */
  WECHAT_JITTER_MS: wholeNumber(0, 60_000),
  // The language model (off unless HEARTH_LLM_MODEL is set): any OpenAI-compatible server.
  /** The provider's API key. Never logged. A local server (Ollama, vLLM) may need none: set OPENAI_BASE_URL alone. */
  OPENAI_API_KEY: optional,
  /** An OpenAI-compatible server: https://api.deepseek.com, https://dashscope.aliyuncs.com/compatible-mode/v1, http://localhost:11434/v1… */
  OPENAI_BASE_URL: optional.superRefine((v, ctx) => {
    if (v !== undefined && !/^https?:\/\/\S+$/.test(v)) ctx.addIssue({ code: 'custom', message: 'must be an http:// or https:// URL' });
  }),
  /** The model's name at that server (gpt-4o-mini, deepseek-chat, qwen-plus, qwen2.5:7b…); setting it turns the model on. */
  HEARTH_LLM_MODEL: optional,
  /** The most a member waits for the model, in milliseconds (default 8000); then they get the bot's own reply. */
  HEARTH_LLM_TIMEOUT_MS: wholeNumber(500, 120_000),
  /** Retries of a failed model request, with back-off, within that time (default 2). */
  HEARTH_LLM_RETRIES: wholeNumber(0, 5),
  /** Tokens the model may use in a day, all members together (default 2000000); beyond it only the fast path answers. */
  HEARTH_LLM_DAILY_TOKENS: wholeNumber(0, 1_000_000_000),
  /** `required`: a member's questions go to the model only after they agree (/ai on) — for a provider abroad under China's PIPL. */
  HEARTH_LLM_CONSENT: z.enum(['required', 'not-required']).default('not-required'),
  /** `on`: the model also reads group messages not said to the bot, for complaints and bulk enquiries (a call each; default off). */
  HEARTH_LLM_READ_GROUPS: z.enum(['on', 'off']).default('off'),
  /** Milliseconds to wait for a member's quick follow-up messages, read together by the model (default 1200; 0: none). */
  HEARTH_LLM_DEBOUNCE_MS: wholeNumber(0, 10_000),
  /** Tokens one member's questions may use in a day (default 20000). */
  HEARTH_LLM_MEMBER_DAILY_TOKENS: wholeNumber(0, 100_000_000),
  /** How many nudges of each run may carry a line the model writes for that member (default 0: none; a call each). */
  HEARTH_LLM_NUDGE_LINES: wholeNumber(0, 10_000),
  /** The staff room, on any channel: `telegram:-1001234567890`, `wecom:<chatid>` or `wechat:<roomid>`. */
  HEARTH_STAFF_ROOM: optional.superRefine((v, ctx) => {
    if (v === undefined) return;
    const ref = parseRef(v);
    if ('problem' in ref) ctx.addIssue({ code: 'custom', message: ref.problem });
  }),
}).superRefine((c, ctx) => {
  // One without the other is a half-configured robot: say so rather than start without it.
  const pair = (a: 'WECOM_BOT_ID' | 'WECOM_CALLBACK_TOKEN', b: 'WECOM_BOT_SECRET' | 'WECOM_CALLBACK_AES_KEY', what: string) => {
    if ((c[a] === undefined) === (c[b] === undefined)) return;
    ctx.addIssue({ code: 'custom', path: [c[a] === undefined ? a : b], message: `${a} and ${b} go together: set both for ${what}, or neither` });
  };
  pair('WECOM_BOT_ID', 'WECOM_BOT_SECRET', 'WeCom');
  pair('WECOM_CALLBACK_TOKEN', 'WECOM_CALLBACK_AES_KEY', 'WeCom URL callbacks');
  if (c.WECOM_CALLBACK_PATH !== undefined && c.WECOM_CALLBACK_TOKEN === undefined && c.WECOM_CALLBACK_AES_KEY === undefined) {
    ctx.addIssue({ code: 'custom', path: ['WECOM_CALLBACK_PATH'], message: 'WECOM_CALLBACK_PATH is set but WECOM_CALLBACK_TOKEN and WECOM_CALLBACK_AES_KEY are not: set them for URL callbacks' });
  }
  // The robot has one API mode: a long connection or a callback URL, never both.
  if ((c.WECOM_BOT_ID !== undefined || c.WECOM_BOT_SECRET !== undefined) && (c.WECOM_CALLBACK_TOKEN !== undefined || c.WECOM_CALLBACK_AES_KEY !== undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['WECOM_CALLBACK_TOKEN'],
      message: 'WeCom runs over the long connection (WECOM_BOT_ID, WECOM_BOT_SECRET) or URL callbacks (WECOM_CALLBACK_TOKEN, WECOM_CALLBACK_AES_KEY), not both: the robot has one API mode; unset one pair',
    });
  }
  // In callback mode the robot only answers: an alert or a ticket card for staff could never reach a WeCom staff room.
  if (c.WECOM_CALLBACK_TOKEN !== undefined && c.WECOM_BOT_ID === undefined && c.HEARTH_STAFF_ROOM?.startsWith('wecom:')) {
    ctx.addIssue({
      code: 'custom',
      path: ['HEARTH_STAFF_ROOM'],
      message: 'the WeCom robot in URL-callback mode can only answer messages, so staff alerts and ticket cards could not reach a WeCom staff room: put the staff room on another channel, or run WeCom over the long connection (WECOM_BOT_ID, WECOM_BOT_SECRET)',
    });
  }
  if (c.HEARTH_LLM_MODEL !== undefined && c.OPENAI_API_KEY === undefined && c.OPENAI_BASE_URL === undefined) {
    ctx.addIssue({ code: 'custom', path: ['OPENAI_API_KEY'], message: 'HEARTH_LLM_MODEL is set but neither OPENAI_API_KEY nor OPENAI_BASE_URL is: give the provider\'s key (and its URL unless it is OpenAI), or the URL of a local server' });
  }
  if (c.HEARTH_LLM_MODEL === undefined && c.OPENAI_API_KEY !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['HEARTH_LLM_MODEL'], message: 'OPENAI_API_KEY is set but HEARTH_LLM_MODEL is not: name the model to use (e.g. gpt-4o-mini, deepseek-chat, qwen-plus)' });
  }
  if (c.WECHAT_PROACTIVE_PER_DAY !== undefined && c.WECHAT_SENDS_PER_DAY !== undefined && c.WECHAT_PROACTIVE_PER_DAY > c.WECHAT_SENDS_PER_DAY) {
    ctx.addIssue({ code: 'custom', path: ['WECHAT_PROACTIVE_PER_DAY'], message: `is ${c.WECHAT_PROACTIVE_PER_DAY}, more than WECHAT_SENDS_PER_DAY (${c.WECHAT_SENDS_PER_DAY}), which counts every message: lower it or raise WECHAT_SENDS_PER_DAY` });
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

/** Which channels the environment turns on (the robot's two WeCom modes apart: config refuses both at once). */
export function configuredChannels(config: Config): { telegram: boolean; wecom: boolean; wecomCallback: boolean; wechat: boolean } {
  return {
    telegram: config.TELEGRAM_BOT_TOKEN !== undefined,
    wecom: config.WECOM_BOT_ID !== undefined && config.WECOM_BOT_SECRET !== undefined,
    wecomCallback: config.WECOM_CALLBACK_TOKEN !== undefined && config.WECOM_CALLBACK_AES_KEY !== undefined,
    wechat: config.WECHATY_PUPPET !== undefined,
  };
}

/** The channel a bare member id from the shop belongs to: the first channel `start` runs (Telegram, WeCom, WeChat), else the console. */
export function defaultMemberChannel(config: Config): string {
  const on = configuredChannels(config);
  if (on.telegram) return 'telegram';
  if (on.wecom || on.wecomCallback) return 'wecom';
  if (on.wechat) return 'wechat';
  return 'console';
}

/** WeChat's sending limits the deployment set (WECHAT_*), to lay over the channel's defaults. */
export function wechatLimitsOf(config: Config): Partial<RateLimits> {
  return {
    ...(config.WECHAT_CHAT_GAP_MS !== undefined ? { perChatGapMs: config.WECHAT_CHAT_GAP_MS } : {}),
    ...(config.WECHAT_PER_ROOM_PER_MINUTE !== undefined ? { groupMax: config.WECHAT_PER_ROOM_PER_MINUTE, groupWindowMs: 60_000 } : {}),
    ...(config.WECHAT_SENDS_PER_MINUTE !== undefined ? { globalMax: config.WECHAT_SENDS_PER_MINUTE, globalWindowMs: 60_000 } : {}),
    ...(config.WECHAT_SENDS_PER_DAY !== undefined ? { dailyMax: config.WECHAT_SENDS_PER_DAY } : {}),
    ...(config.WECHAT_PROACTIVE_PER_DAY !== undefined ? { proactivePerDay: config.WECHAT_PROACTIVE_PER_DAY } : {}),
    ...(config.WECHAT_JITTER_MS !== undefined ? { jitterMs: config.WECHAT_JITTER_MS } : {}),
  };
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
