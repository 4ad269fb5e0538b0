// The Telegram channel (the only place telegraf is imported): long polling or a webhook in, the rate-limited sender
// out, the command menus, and group admins as managers of their group. Build it, connect, hand its deployment to
// createHearth, then start it with the Hearth.
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { Telegraf, Telegram, TelegramError } from 'telegraf';
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Deployment, HearthDeps } from '../../engine';
import type { Hearth } from '../../hearth';
import { HearthError } from '../../errors';
import { inTransaction } from '../../../store/db';
import { ensureMember, findMemberByPlatformId, findMemberByUsername, identitiesOf } from '../../../store/members';
import { parseUpdate, type ParseContext, type SeenUser } from './parse';
import { createTelegramSender, PRIVATE_CHAT_START, TelegramApiFailure, type CallApi, type SenderStats } from './sender';
import { TelegramRateLimiter, type RateLimits } from './limiter';
import { commandMenus } from './commands';

export { parseUpdate, messageKey, parseMessageKey } from './parse';
export { renderMessage, escapeHtml, splitText } from './render';
export { TelegramRateLimiter, TELEGRAM_LIMITS, type RateLimits } from './limiter';
export { createTelegramSender, TelegramApiFailure, PRIVATE_CHAT_START, type CallApi, type SenderStats } from './sender';
export { commandMenus } from './commands';

/** The channel name in the store and in outbox rows. */
export const TELEGRAM = 'telegram';

/** What the channel needs from the environment (TELEGRAM_* variables). */
export interface TelegramConfig {
  TELEGRAM_BOT_TOKEN?: string;
  TELEGRAM_API_ROOT?: string;
  TELEGRAM_WEBHOOK_URL?: string;
  TELEGRAM_WEBHOOK_SECRET?: string;
  TELEGRAM_STAFF_CHAT_ID?: string;
}

/** Telegram's header carrying the webhook secret. */
export const SECRET_HEADER = 'X-Telegram-Bot-Api-Secret-Token';
/** The updates Hearth asks for; edits and channel posts are not even requested (and are ignored if they come). */
export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;
/** How long a group's admin list is trusted before asking Telegram again. */
const ADMIN_CACHE_MS = 10 * 60_000;

/** A running (or ready to run) Telegram channel. */
export interface TelegramChannel {
  readonly channel: typeof TELEGRAM;
  /** Learn who the bot is (getMe, unless `botInfo` was given). */
  connect(): Promise<{ id: string; username: string }>;
  /** Where things are on Telegram (after connect): the bot's id and username, and the staff room. */
  deployment(base?: Deployment): Deployment;
  /** True when the user is an admin of the group (getChatAdministrators, cached) and the program lets admins manage. */
  isGroupAdmin: NonNullable<HearthDeps['isGroupAdmin']>;
  /** The webhook route, when TELEGRAM_WEBHOOK_URL is set: add it to the HTTP app before it listens. */
  readonly webhook?: { path: string; mount(app: Hono): void };
  /** Register the sender, publish the command menus, and start receiving (polling, or setWebhook). */
  start(hearth: Hearth): Promise<void>;
  /** Handle one update as Telegram sends it. */
  handleUpdate(update: unknown): Promise<void>;
  /** What the sender has done so far. */
  readonly stats: SenderStats;
  stop(): Promise<void>;
}

/** Remove the token from anything about to be logged. */
function scrub(token: string, err: unknown): { message: string; code?: number } {
  const raw = err instanceof Error ? err.message : String(err);
  const message = raw.split(token).join('[token]').replace(/bot\d+:[\w-]+/g, 'bot[token]');
  return err instanceof TelegramApiFailure || err instanceof TelegramError ? { message, code: (err as { code: number }).code } : { message };
}

function sameSecret(given: string | undefined, secret: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

function callerOf(telegram: Telegram, token: string): CallApi {
  return async (method, payload) => {
    try {
      return await telegram.callApi(method as never, payload as never);
    } catch (err) {
      if (err instanceof TelegramError) {
        throw new TelegramApiFailure(err.code, err.description, err.parameters?.retry_after, err.parameters?.migrate_to_chat_id);
      }
      throw new HearthError('delivery_failed', scrub(token, err).message);
    }
  };
}

/** A Bot API caller (telegraf's client): error answers become TelegramApiFailure, and the token never reaches a message. */
export function createTelegramApi(token: string, apiRoot?: string): CallApi {
  return callerOf(new Telegram(token, apiRoot ? { apiRoot } : {}), token);
}

/** Build the channel from the environment. Refuses without a token, and a webhook without a proper secret. */
export function createTelegramChannel(
  config: TelegramConfig,
  options: {
    log: Logger;
    /** Skip getMe (tests, offline Bot API servers). */
    botInfo?: { id: number; username: string; first_name?: string };
    limits?: Partial<RateLimits>;
    adminCacheMs?: number;
    /** Called when long polling stops on its own (another instance polls with this token, the token was revoked…). */
    onStopped?: (err: unknown) => void;
  },
): TelegramChannel {
  const token = config.TELEGRAM_BOT_TOKEN;
  if (!token) throw new HearthError('bad_config', 'TELEGRAM_BOT_TOKEN is not set');
  const { log } = options;
  let webhookPath: string | undefined;
  if (config.TELEGRAM_WEBHOOK_URL) {
    const secret = config.TELEGRAM_WEBHOOK_SECRET;
    if (!secret || !/^[A-Za-z0-9_-]{16,256}$/.test(secret)) {
      throw new HearthError(
        'bad_config',
        'TELEGRAM_WEBHOOK_SECRET must be set with TELEGRAM_WEBHOOK_URL: 16-256 characters of A-Z, a-z, 0-9, _ and -',
      );
    }
    try {
      webhookPath = new URL(config.TELEGRAM_WEBHOOK_URL).pathname;
    } catch {
      throw new HearthError('bad_config', 'TELEGRAM_WEBHOOK_URL is not a URL');
    }
  }

  const bot = new Telegraf(token, { telegram: config.TELEGRAM_API_ROOT ? { apiRoot: config.TELEGRAM_API_ROOT } : {} });
  if (options.botInfo) bot.botInfo = { is_bot: true, first_name: options.botInfo.first_name ?? 'Hearth', ...options.botInfo } as typeof bot.botInfo;
  const call = callerOf(bot.telegram, token);

  const limiter = new TelegramRateLimiter(options.limits);
  const adminCache = new Map<string, { at: number; admins: Promise<Set<string>> }>();
  let hearth: Hearth | undefined;
  let me: { id: string; username: string } | undefined;
  let sender: { stats: SenderStats } | undefined;
  let polling: Promise<void> | undefined;
  const emptyStats: SenderStats = { messages: 0, rateLimited: 0, gaveUp: 0, groupFallbacks: 0 };

  async function connect(): Promise<{ id: string; username: string }> {
    if (!bot.botInfo) {
      try {
        bot.botInfo = await bot.telegram.getMe();
      } catch (err) {
        throw new HearthError('bad_config', `cannot reach Telegram with this token: ${scrub(token!, err).message}`);
      }
    }
    me = { id: String(bot.botInfo.id), username: bot.botInfo.username };
    return me;
  }

  function parseContext(h: Hearth): ParseContext {
    return {
      channel: TELEGRAM,
      botId: me!.id,
      botUsername: me!.username,
      resolveUsername(username) {
        const member = findMemberByUsername(h.deps.db, TELEGRAM, username);
        return member ? identitiesOf(h.deps.db, member.id).find((i) => i.channel === TELEGRAM)?.platformId : undefined;
      },
    };
  }

  /** Record who we saw, with usernames; people only mentioned are recorded once, without making them "active". */
  function recordUsers(h: Hearth, users: SeenUser[], at: Date, activeIds: Set<string>): void {
    const { db } = h.deps;
    inTransaction(db, () => {
      for (const u of users) {
        if (!activeIds.has(u.id) && findMemberByPlatformId(db, TELEGRAM, u.id)) continue;
        ensureMember(db, { channel: TELEGRAM, platformId: u.id, name: u.name, username: u.username, at });
      }
    });
  }

  function flushSoon(h: Hearth): void {
    void h.dispatcher.flush(h.deps.clock.now()).catch((err: unknown) => log.error({ err: scrub(token!, err) }, 'outbox flush failed'));
  }

  async function handleUpdate(update: unknown): Promise<void> {
    const h = hearth;
    if (!h || !me) throw new HearthError('bad_config', 'the Telegram channel is not started');
    const parsed = parseUpdate(update, parseContext(h), h.deps.clock.now());
    if (parsed.kind === 'ignored') {
      log.debug({ reason: parsed.reason }, 'telegram update ignored');
      return;
    }
    if (parsed.kind === 'join') {
      recordUsers(h, parsed.users, parsed.joins[0]!.at, new Set(parsed.users.map((u) => u.id)));
      for (const join of parsed.joins) await h.handleJoin(join);
      flushSoon(h);
      return;
    }
    const { message } = parsed;
    recordUsers(h, parsed.users, message.at, new Set([message.from.id]));
    if (parsed.callbackQueryId) {
      // Stop the button's spinner at once; whatever the press leads to arrives as a message.
      void call('answerCallbackQuery', { callback_query_id: parsed.callbackQueryId }).catch((err: unknown) =>
        log.warn({ err: scrub(token!, err) }, 'answerCallbackQuery failed'),
      );
    }
    // `/start CODE` from an invite link goes to the engine as it is (the invite skill reads the code); the payload of
    // our own "chat with me privately" button is not a code, so that Start is a plain /start.
    if (parsed.startPayload === PRIVATE_CHAT_START) message.text = '/start';
    await h.handleMessage(message); // reached before any await, so a chat's updates keep their order
    flushSoon(h);
  }

  const isGroupAdmin: TelegramChannel['isGroupAdmin'] = async (channel, chat, platformId) => {
    if (channel !== TELEGRAM || !chat.startsWith('-')) return false;
    if (hearth && !hearth.deps.program.groupAdminsAreManagers) return false; // the program keeps managers to its list
    const now = Date.now();
    let entry = adminCache.get(chat);
    if (!entry || now - entry.at > (options.adminCacheMs ?? ADMIN_CACHE_MS)) {
      const admins = (async () => {
        const list = (await call('getChatAdministrators', { chat_id: Number(chat) })) as { user: { id: number } }[];
        return new Set(list.map((m) => String(m.user.id)));
      })();
      entry = { at: now, admins };
      adminCache.set(chat, entry);
      admins.catch(() => {
        if (adminCache.get(chat) === entry) adminCache.delete(chat); // ask again next time rather than trust a failure
      });
    }
    try {
      return (await entry.admins).has(platformId);
    } catch (err) {
      log.warn({ err: scrub(token, err), chat }, 'getChatAdministrators failed');
      return false;
    }
  };

  async function publishCommands(): Promise<void> {
    for (const menu of commandMenus(config.TELEGRAM_STAFF_CHAT_ID)) {
      try {
        await call('setMyCommands', menu);
      } catch (err) {
        log.warn({ err: scrub(token!, err), scope: menu.scope.type, lang: menu.language_code ?? 'default' }, 'setMyCommands failed');
      }
    }
  }

  const webhook = webhookPath
    ? {
        path: webhookPath,
        mount(app: Hono) {
          const secret = config.TELEGRAM_WEBHOOK_SECRET!;
          app.post(webhookPath!, bodyLimit({ maxSize: 1024 * 1024, onError: (c) => c.json({ ok: false, error: 'too_large' }, 413) }), async (c) => {
            if (!sameSecret(c.req.header(SECRET_HEADER), secret)) {
              log.warn({ ip: c.req.header('x-forwarded-for') }, 'telegram webhook request refused: missing or wrong secret token');
              return c.json({ ok: false, error: 'unauthorized' }, 401);
            }
            let update: unknown;
            try {
              update = await c.req.json();
            } catch {
              return c.json({ ok: false, error: 'bad_json' }, 400);
            }
            try {
              await bot.handleUpdate(update as never);
            } catch (err) {
              // Answer 200 anyway: Telegram would redeliver, and the engine already dropped or handled the message.
              log.error({ err: scrub(token!, err) }, 'telegram update failed');
            }
            return c.json({ ok: true });
          });
        },
      }
    : undefined;

  bot.use(async (ctx) => {
    await handleUpdate(ctx.update);
  });
  bot.catch((err) => log.error({ err: scrub(token, err) }, 'telegram update failed'));

  return {
    channel: TELEGRAM,
    connect,
    deployment(base?: Deployment): Deployment {
      if (!me) throw new HearthError('bad_config', 'connect() the Telegram channel first');
      const staff = config.TELEGRAM_STAFF_CHAT_ID;
      return {
        staffRoom: staff ? { channel: TELEGRAM, chat: staff } : (base?.staffRoom ?? { channel: TELEGRAM, chat: '' }),
        botIds: { ...base?.botIds, [TELEGRAM]: me.id },
        botUsernames: { ...base?.botUsernames, [TELEGRAM]: me.username },
      };
    },
    isGroupAdmin,
    webhook,
    get stats() {
      return sender?.stats ?? emptyStats;
    },
    async start(h: Hearth) {
      if (!me) await connect();
      hearth = h;
      if (!config.TELEGRAM_STAFF_CHAT_ID) log.warn('TELEGRAM_STAFF_CHAT_ID is not set: handoffs have no staff room to go to');
      const staffRoom = config.TELEGRAM_STAFF_CHAT_ID;
      const s = createTelegramSender({
        channel: TELEGRAM,
        db: h.deps.db,
        log,
        call,
        limiter,
        botUsername: me!.username,
        fallbackChatOf(platformId) {
          if (!staffRoom) return undefined;
          const { program, db } = h.deps;
          const role = findMemberByPlatformId(db, TELEGRAM, platformId)?.role;
          const isStaff = role === 'staff' || role === 'manager' || program.staff.includes(platformId) || program.managers.includes(platformId);
          return isStaff ? staffRoom : undefined;
        },
      });
      sender = s;
      h.dispatcher.register(TELEGRAM, s.send);
      await publishCommands();
      if (webhook) {
        await call('setWebhook', { url: config.TELEGRAM_WEBHOOK_URL, secret_token: config.TELEGRAM_WEBHOOK_SECRET, allowed_updates: ALLOWED_UPDATES });
        log.info({ path: webhook.path }, 'telegram webhook set');
      } else {
        polling = bot.launch({ allowedUpdates: [...ALLOWED_UPDATES] }).catch((err: unknown) => {
          log.error({ err: scrub(token!, err) }, 'telegram polling stopped');
          options.onStopped?.(err);
        });
        log.info('telegram long polling started');
      }
    },
    handleUpdate,
    async stop() {
      if (polling) {
        try {
          bot.stop('shutdown');
        } catch {
          // not running
        }
        await polling;
        polling = undefined;
      }
      await limiter.stop();
    },
  };
}
