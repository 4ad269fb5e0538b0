// The Telegram channel (the only place telegraf is imported), implementing the channel contract: long polling or a
// webhook in — an update is acknowledged only once Hearth recorded it — deliveries out, the command menus, who a
// group's admins are, and the t.me link that opens a private chat.
import { timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { Telegram, TelegramError } from 'telegraf';
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Channel, ChannelCapabilities, InboundSink, MenuCommand, RateLimits } from '../../core/channel';
import type { HealthReporter } from '../../core/skill';
import { HearthError } from '../../core/errors';
import { parseUpdate, type ParseContext } from './parse';
import { createTelegramDelivery, PRIVATE_CHAT_START, TelegramApiFailure, type CallApi, type DeliveryStats } from './deliver';
import { commandMenus } from './commands';

export { parseUpdate, messageKey, parseMessageKey } from './parse';
export { renderMessage, escapeHtml, splitText } from './render';
export { TelegramApiFailure, PRIVATE_CHAT_START, type CallApi, type DeliveryStats } from './deliver';
export { commandMenus } from './commands';

/** The channel name in the store and in outbox rows. */
export const TELEGRAM = 'telegram';

/** What Telegram can do. */
export const TELEGRAM_CAPABILITIES: ChannelCapabilities = {
  buttons: 'inline',
  maxTextLength: 4096,
  mentions: 'entity',
  // A bot may write privately only to people who opened a chat with it.
  privateMessages: 'opened',
  handles: 'username',
  edits: true,
  streaming: false,
};

/** Telegram's figures (core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this). */
export const TELEGRAM_LIMITS: RateLimits = {
  perChatGapMs: 1000,
  groupMax: 20,
  groupWindowMs: 60_000,
  globalMax: 30,
  globalWindowMs: 1000,
  marginMs: 5,
};

/** What the channel needs from the environment (TELEGRAM_* variables). */
export interface TelegramConfig {
  TELEGRAM_BOT_TOKEN?: string;
  TELEGRAM_API_ROOT?: string;
  TELEGRAM_WEBHOOK_URL?: string;
  TELEGRAM_WEBHOOK_SECRET?: string;
}

/** Telegram's header carrying the webhook secret. */
export const SECRET_HEADER = 'X-Telegram-Bot-Api-Secret-Token';
/** The updates Hearth asks for; edits and channel posts are not even requested (and are ignored if they come). */
export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;
/** How long a group's admin list is trusted before asking Telegram again. */
const ADMIN_CACHE_MS = 10 * 60_000;

/** The Telegram channel: the contract, plus its webhook route and what it delivered. */
export interface TelegramChannel extends Channel {
  /** The webhook route, when TELEGRAM_WEBHOOK_URL is set: add it to the HTTP app before it listens. */
  readonly webhook?: { path: string; mount(app: Hono): void };
  /**
   * Take one update as Telegram sends it; resolves once Hearth recorded it (then it may be acknowledged) and rejects
   * when it could not be recorded (then it must not be: Telegram sends it again).
   */
  handleUpdate(update: unknown): Promise<void>;
  readonly stats: DeliveryStats;
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

/** Build the channel from the environment. Refuses without a token, and a webhook without a proper secret. */
export function createTelegramChannel(
  config: TelegramConfig,
  options: {
    log: Logger;
    /** Where the channel says it is down (polling failing, the token refused). */
    health?: HealthReporter;
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
  const adminCache = new Map<string, { at: number; admins: Promise<Set<string>> }>();
  let sink: InboundSink | undefined;
  let me: { id: string; username: string } | undefined;
  let polling: { done: Promise<void>; abort: AbortController } | undefined;
  const delivery = createTelegramDelivery({ log, call, botUsername: () => me?.username ?? '' });

  async function connect(): Promise<{ botId: string; botUsername: string }> {
    if (!botInfo) {
      try {
        botInfo = await telegram.getMe();
      } catch (err) {
        throw new HearthError('bad_config', `cannot reach Telegram with this token: ${scrub(token!, err).message}`);
      }
    }
    me = { id: String(botInfo.id), username: botInfo.username };
    return { botId: me.id, botUsername: me.username };
  }

  function parseContext(): ParseContext {
    return { channel: TELEGRAM, botId: me!.id, botUsername: me!.username };
  }

  async function handleUpdate(update: unknown): Promise<void> {
    if (!sink || !me) throw new HearthError('bad_config', 'the Telegram channel is not started');
    const parsed = parseUpdate(update, parseContext(), new Date());
    if (parsed.kind === 'ignored') {
      log.debug({ reason: parsed.reason }, 'telegram update ignored');
      return;
    }
    if (parsed.kind === 'join') {
      const s = sink;
      await Promise.all(parsed.joins.map((join) => s.receive({ kind: 'join', join })));
      return;
    }
    const { message } = parsed;
    // `/start CODE` from an invite link goes to the engine as it is (the invite skill reads the code); the payload of
    // our own "chat with me privately" button is not a code, so that Start is a plain /start.
    if (parsed.startPayload === PRIVATE_CHAT_START) message.text = '/start';
    await sink.receive({ kind: 'message', msg: message }); // reached before any await, so a chat's updates keep their order
    if (parsed.callbackQueryId) {
      // Stop the button's spinner; whatever the press leads to arrives as a message.
      void call('answerCallbackQuery', { callback_query_id: parsed.callbackQueryId }).catch((err: unknown) =>
        log.warn({ err: scrub(token!, err) }, 'answerCallbackQuery failed'),
      );
    }
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
        options.health?.fail('telegram', `cannot reach Telegram: ${scrub(token!, err).message}`);
        await sleep(code === 429 && err instanceof TelegramError ? (err.parameters?.retry_after ?? 5) * 1000 : retryMs).catch(() => undefined);
        continue;
      }
      options.health?.ok('telegram');
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

  async function isGroupAdmin(chat: string, platformId: string): Promise<boolean> {
    if (!chat.startsWith('-')) return false;
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
      log.warn({ err: scrub(token!, err), chat }, 'getChatAdministrators failed');
      return false;
    }
  }

  async function publishCommands(commands: readonly MenuCommand[], staffChat?: string): Promise<void> {
    for (const menu of commandMenus(commands, staffChat)) {
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
    name: TELEGRAM,
    capabilities: TELEGRAM_CAPABILITIES,
    limits: { ...TELEGRAM_LIMITS, ...options.limits },
    connect,
    webhook,
    get stats() {
      return delivery.stats;
    },
    handleUpdate,
    deliver: delivery.deliver,
    isGroupAdmin,
    publishCommands,
    async showTyping(chat) {
      // Telegram shows "typing…" for 5 seconds or until the next message: enough for a model's answer.
      await call('sendChatAction', { chat_id: Number(chat), action: 'typing' }).catch((err: unknown) => log.debug({ err: scrub(token, err) }, 'sendChatAction failed'));
    },
    privateLink(payload) {
      return me ? `https://t.me/${me.username}?start=${payload ?? PRIVATE_CHAT_START}` : undefined;
    },
    async start(to: InboundSink) {
      if (!me) await connect();
      sink = to;
      if (webhook) {
        await call('setWebhook', { url: config.TELEGRAM_WEBHOOK_URL, secret_token: config.TELEGRAM_WEBHOOK_SECRET, allowed_updates: ALLOWED_UPDATES });
        log.info({ path: webhook.path }, 'telegram webhook set');
        return;
      }
      // A webhook left over from an earlier run would make getUpdates fail with 409.
      await call('deleteWebhook', { drop_pending_updates: false }).catch((err: unknown) => log.warn({ err: scrub(token!, err) }, 'deleteWebhook failed'));
      const abort = new AbortController();
      const done = poll(abort).catch((err: unknown) => {
        log.error({ err: scrub(token!, err) }, 'telegram polling stopped');
        options.health?.fail('telegram', `polling stopped: ${scrub(token!, err).message}`);
        options.onStopped?.(err);
      });
      polling = { done, abort };
      log.info('telegram long polling started');
    },
    async stop() {
      if (polling) {
        polling.abort.abort();
        await polling.done;
        polling = undefined;
      }
    },
  };
}

/** A Bot API caller (telegraf's client): error answers become TelegramApiFailure, and the token never reaches a message. */
export function createTelegramApi(token: string, apiRoot?: string): CallApi {
  return callerOf(new Telegram(token, apiRoot ? { apiRoot } : {}), token);
}
