// The Telegram channel (the only place telegraf is imported): long polling or a webhook in — an update is acknowledged
// only once Hearth has recorded it — the rate-limited sender out, the command menus, and who a group's admins are.
// Build it, connect, hand its deployment to createHearth, then start it with the Hearth.
import { timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { Telegram, TelegramError } from 'telegraf';
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { namedRole, type Deployment, type HearthDeps } from '../../engine';
import type { Hearth } from '../../hearth';
import { HearthError } from '../../errors';
import { identitiesOf, membersByHandle } from '../../../store/members';
import { parseUpdate, type ParseContext } from './parse';
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
  /** True when the user is an admin of the group (getChatAdministrators, cached): admins moderate listed groups. */
  isGroupAdmin: NonNullable<HearthDeps['isGroupAdmin']>;
  /** The webhook route, when TELEGRAM_WEBHOOK_URL is set: add it to the HTTP app before it listens. */
  readonly webhook?: { path: string; mount(app: Hono): void };
  /** Register the sender, publish the command menus, and start receiving (polling, or setWebhook). */
  start(hearth: Hearth): Promise<void>;
  /**
   * Take one update as Telegram sends it; resolves once Hearth recorded it (then it may be acknowledged) and rejects
   * when it could not be recorded (then it must not be: Telegram sends it again).
   */
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
    /** How long polling waits after a failure before asking again (tests shorten it). */
    retryMs?: number;
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

  const telegram = new Telegram(token, config.TELEGRAM_API_ROOT ? { apiRoot: config.TELEGRAM_API_ROOT } : {});
  let botInfo = options.botInfo;
  const call = callerOf(telegram, token);

  const limiter = new TelegramRateLimiter(options.limits);
  const adminCache = new Map<string, { at: number; admins: Promise<Set<string>> }>();
  let hearth: Hearth | undefined;
  let me: { id: string; username: string } | undefined;
  let sender: { stats: SenderStats } | undefined;
  let polling: { done: Promise<void>; abort: AbortController } | undefined;
  const emptyStats: SenderStats = { messages: 0, rateLimited: 0, gaveUp: 0, groupFallbacks: 0 };

  async function connect(): Promise<{ id: string; username: string }> {
    if (!botInfo) {
      try {
        botInfo = await telegram.getMe();
      } catch (err) {
        throw new HearthError('bad_config', `cannot reach Telegram with this token: ${scrub(token!, err).message}`);
      }
    }
    me = { id: String(botInfo.id), username: botInfo.username };
    return me;
  }

  function parseContext(h: Hearth): ParseContext {
    const { db, program, clock } = h.deps;
    return {
      channel: TELEGRAM,
      botId: me!.id,
      botUsername: me!.username,
      resolveUsername(username) {
        // Only a username exactly one member used recently names someone: a handle can change hands.
        const ids = membersByHandle(db, TELEGRAM, username, new Date(clock.now().getTime() - program.handleRecentDays * 86_400_000));
        return ids.length === 1 ? identityOn(h, ids[0]!) : undefined;
      },
    };
  }

  function identityOn(h: Hearth, memberId: number): string | undefined {
    return identitiesOf(h.deps.db, memberId).find((i) => i.channel === TELEGRAM)?.platformId;
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
      await Promise.all(parsed.joins.map((join) => h.receive({ kind: 'join', join })));
      flushSoon(h);
      return;
    }
    const { message } = parsed;
    // `/start CODE` from an invite link goes to the engine as it is (the invite skill reads the code); the payload of
    // our own "chat with me privately" button is not a code, so that Start is a plain /start.
    if (parsed.startPayload === PRIVATE_CHAT_START) message.text = '/start';
    await h.receive({ kind: 'message', msg: message }); // reached before any await, so a chat's updates keep their order
    if (parsed.callbackQueryId) {
      // Stop the button's spinner; whatever the press leads to arrives as a message.
      void call('answerCallbackQuery', { callback_query_id: parsed.callbackQueryId }).catch((err: unknown) =>
        log.warn({ err: scrub(token!, err) }, 'answerCallbackQuery failed'),
      );
    }
    flushSoon(h);
  }

  /**
   * Long polling that acknowledges an update only after it is recorded: the next getUpdates' offset is what tells
   * Telegram an update arrived, so a batch that could not be recorded is asked for again, not skipped.
   */
  async function poll(abort: AbortController): Promise<void> {
    let offset = 0;
    const retryMs = options.retryMs ?? 5_000;
    while (!abort.signal.aborted) {
      let updates: { update_id: number }[];
      try {
        updates = (await telegram.callApi('getUpdates', { offset, timeout: 50, allowed_updates: [...ALLOWED_UPDATES] }, { signal: abort.signal as never })) as never;
      } catch (err) {
        if (abort.signal.aborted) return;
        const code = err instanceof TelegramError ? err.code : undefined;
        if (code === 401 || code === 409) throw err; // a revoked token, or another process polling with this one
        log.warn({ err: scrub(token!, err) }, 'getUpdates failed; asking again shortly');
        hearth?.deps.health.fail('telegram', `cannot reach Telegram: ${scrub(token!, err).message}`);
        await sleep(code === 429 && err instanceof TelegramError ? (err.parameters?.retry_after ?? 5) * 1000 : retryMs).catch(() => undefined);
        continue;
      }
      hearth?.deps.health.ok('telegram');
      if (updates.length === 0) continue;
      try {
        await Promise.all(updates.map((u) => handleUpdate(u)));
        offset = updates[updates.length - 1]!.update_id + 1;
      } catch (err) {
        log.error({ err: scrub(token!, err) }, 'could not record Telegram updates: not acknowledging them, asking again');
        await sleep(retryMs, undefined, { signal: abort.signal }).catch(() => undefined);
      }
    }
  }

  const isGroupAdmin: TelegramChannel['isGroupAdmin'] = async (channel, chat, platformId) => {
    if (channel !== TELEGRAM || !chat.startsWith('-')) return false;
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
              await handleUpdate(update);
            } catch (err) {
              // Not recorded: a 200 would lose it for good. Telegram sends it again after an error answer.
              log.error({ err: scrub(token!, err) }, 'telegram update not recorded; answering 500 so Telegram sends it again');
              return c.json({ ok: false, error: 'unavailable' }, 500);
            }
            return c.json({ ok: true });
          });
        },
      }
    : undefined;

  return {
    channel: TELEGRAM,
    connect,
    deployment(base?: Deployment): Deployment {
      if (!me) throw new HearthError('bad_config', 'connect() the Telegram channel first');
      const staff = config.TELEGRAM_STAFF_CHAT_ID;
      return {
        ...base,
        staffRoom: staff ? { channel: TELEGRAM, chat: staff } : (base?.staffRoom ?? { channel: TELEGRAM, chat: '' }),
        botIds: { ...base?.botIds, [TELEGRAM]: me.id },
        botUsernames: { ...base?.botUsernames, [TELEGRAM]: me.username },
        // Telegram lets a bot write privately only to people who opened a chat with it; `@name` is a username there.
        privateChatOptIn: [...(base?.privateChatOptIn ?? []), TELEGRAM],
        usernameHandles: [...(base?.usernameHandles ?? []), TELEGRAM],
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
          const role = namedRole(h.deps, TELEGRAM, platformId);
          return role === 'staff' || role === 'manager' ? staffRoom : undefined;
        },
      });
      sender = s;
      h.dispatcher.register(TELEGRAM, s.send);
      h.engine.onHandled(() => flushSoon(h)); // replies go out as soon as they are committed
      await publishCommands();
      if (webhook) {
        await call('setWebhook', { url: config.TELEGRAM_WEBHOOK_URL, secret_token: config.TELEGRAM_WEBHOOK_SECRET, allowed_updates: ALLOWED_UPDATES });
        log.info({ path: webhook.path }, 'telegram webhook set');
      } else {
        // A webhook left over from an earlier run would make getUpdates fail with 409.
        await call('deleteWebhook', { drop_pending_updates: false }).catch((err: unknown) => log.warn({ err: scrub(token!, err) }, 'deleteWebhook failed'));
        const abort = new AbortController();
        const done = poll(abort).catch((err: unknown) => {
          log.error({ err: scrub(token!, err) }, 'telegram polling stopped');
          h.deps.health.fail('telegram', `polling stopped: ${scrub(token!, err).message}`);
          options.onStopped?.(err);
        });
        polling = { done, abort };
        log.info('telegram long polling started');
      }
    },
    handleUpdate,
    async stop() {
      if (polling) {
        polling.abort.abort();
        await polling.done;
        polling = undefined;
      }
      await limiter.stop();
    },
  };
}
