// The WeCom intelligent robot channel (企业微信智能机器人) over its WebSocket long connection, the only place
// @wecom/aibot-node-sdk is imported: frames in — each recorded before it is answered — deliveries out.
import type { Logger } from 'pino';
import { WSClient, type WsFrame } from '@wecom/aibot-node-sdk';
import type { Channel, ChannelCapabilities, Delivery, InboundSink, RateLimits } from '../../core/channel';
import type { HealthReporter } from '../../core/skill';
import type { CopyOverrides } from '../../core/copy';
import { HearthError } from '../../core/errors';
import { runtimeCopy } from '../../copy';
import { parseFrame, type WecomFrame } from './parse';
import { createWecomDelivery, MAX_TEXT, type KnownFrame, type WecomDeliveryStats, type WecomSender } from './deliver';

export { parseBody, parseFrame, stripLeadingMention, PRIVATE_CHAT_KEY, type WecomBody, type WecomFrame, type ParsedFrame } from './parse';
export { buttonCard, errcodeOf, BUSY_ERRCODES, MAX_TEXT, THINKING_TEXT, THINKING_LATE_TEXT, THINKING_MS, type WecomCard, type WecomDeliveryStats } from './deliver';

/** The channel name in the store and in outbox rows. */
export const WECOM = 'wecom';

/** What the WeCom robot can do. */
export const WECOM_CAPABILITIES: ChannelCapabilities = {
  // Buttons ride on a template card under the message (button_interaction).
  buttons: 'card',
  maxTextLength: MAX_TEXT,
  // Frames carry a userid and no mention list, and the robot's markdown has no documented way to notify someone by
  // id: a mention is "@Name" in the text, for people to read, and an inbound "@someone" names nobody Hearth knows.
  mentions: 'text',
  // The robot is reported to push only to chats that wrote to it first.
  privateMessages: 'opened',
  // "@x" in a WeCom message is a display name (frames have no usernames).
  handles: 'display-name',
  edits: false,
  // Replies are streams (aibot_respond_msg, msgtype stream): opened with a placeholder while the model works (showTyping),
  // and finished by the answer.
  streaming: true,
};

/**
 * WeCom documents 30 application messages a minute and 1,000 an hour to one member
 * (developer.work.weixin.qq.com/document/path/90312) and 20 a minute for a group robot (document/path/91770); the
 * intelligent robot's own limits are unpublished, so Hearth keeps under all of them: one message every 3.6 s to a chat
 * (1,000 an hour), 20 a minute to a group, and 10 a second overall.
 */
export const WECOM_LIMITS: RateLimits = {
  perChatGapMs: 3600,
  groupMax: 20,
  groupWindowMs: 60_000,
  globalMax: 10,
  globalWindowMs: 1000,
  marginMs: 50,
};

/**
 * How long a frame is answered through itself. A stream must be finished within 6 minutes of its first frame
 * (reported for document/path/101463); Hearth's answer finishes it (an unanswered placeholder is finished after
 * THINKING_MS), and keeps a margin under that. The welcome reply to enter_chat must come within 5 s (SDK README,
 * replyWelcome).
 */
export const REPLY_WINDOW_MS = 5 * 60_000;
export const WELCOME_WINDOW_MS = 4_000;
/** How long to wait after WeCom says it is busy (it sends no retry-after): its limits are per minute. */
export const BUSY_RETRY_MS = 60_000;

/** What the channel needs from the environment (WECOM_* variables). */
export interface WecomConfig {
  WECOM_BOT_ID?: string;
  WECOM_BOT_SECRET?: string;
  /** The long connection's address; the SDK's default is wss://openws.work.weixin.qq.com. */
  WECOM_WS_URL?: string;
}

/** The WeCom channel: the contract, plus what it delivered. */
export interface WecomChannel extends Channel {
  readonly stats: WecomDeliveryStats;
}

/** Remove the secret from anything about to be logged. */
function scrub(secret: string, text: string): string {
  return secret ? text.split(secret).join('[secret]') : text;
}

/** The SDK's logger, onto pino (the SDK's info lines are Hearth's debug: connect/auth/reconnect are logged here). */
function sdkLogger(log: Logger, secret: string) {
  const line = (message: string, args: unknown[]) =>
    scrub(secret, [message, ...args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a)))].join(' '));
  return {
    debug: (m: string, ...a: unknown[]) => log.trace({ sdk: 'wecom' }, line(m, a)),
    info: (m: string, ...a: unknown[]) => log.debug({ sdk: 'wecom' }, line(m, a)),
    warn: (m: string, ...a: unknown[]) => log.debug({ sdk: 'wecom' }, line(m, a)),
    error: (m: string, ...a: unknown[]) => log.debug({ sdk: 'wecom' }, line(m, a)),
  };
}

/** Build the channel from the environment. Refuses without both the bot id and the secret. */
export function createWecomChannel(
  config: WecomConfig,
  options: {
    log: Logger;
    /** Where the channel says it is down (the connection lost, the secret refused). */
    health?: HealthReporter;
    limits?: Partial<RateLimits>;
    /** Called when the connection stops for good (the secret refused, or another process took the robot's connection). */
    onStopped?: (err: unknown) => void;
    /** The program's copy overrides, for the line said when a message could not be recorded. */
    copy?: CopyOverrides;
    /** Settings tests shorten: the SDK's heartbeat and reconnect base delay, how long start waits, the busy wait. */
    heartbeatMs?: number;
    reconnectMs?: number;
    startTimeoutMs?: number;
    busyRetryMs?: number;
    replyWindowMs?: number;
    thinkingMs?: number;
  },
): WecomChannel {
  const botId = config.WECOM_BOT_ID;
  const secret = config.WECOM_BOT_SECRET;
  if (!botId || !secret) throw new HearthError('bad_config', 'WECOM_BOT_ID and WECOM_BOT_SECRET must both be set for WeCom');
  const { log, health } = options;
  const replyWindowMs = options.replyWindowMs ?? REPLY_WINDOW_MS;
  let client: WSClient | undefined;
  let stopping = false;
  // Frames the live connection may still answer, by req_id: the reply handle a message carries in and its answer out.
  const frames = new Map<string, KnownFrame>();

  function remember(frame: KnownFrame): void {
    const now = Date.now();
    for (const [reqId, f] of frames) {
      if (now - f.receivedAt <= replyWindowMs) break; // in arrival order: the rest are younger
      frames.delete(reqId);
    }
    frames.set(frame.reqId, frame);
  }

  function frameFor(d: Delivery): KnownFrame | undefined {
    const f = d.replyHandle ? frames.get(d.replyHandle) : undefined;
    if (!f || f.used || f.chat !== d.chat) return undefined;
    const age = Date.now() - f.receivedAt;
    return age <= (f.welcome ? WELCOME_WINDOW_MS : replyWindowMs) ? f : undefined;
  }

  /** The frame a placeholder goes on: the chat's newest, if it is still unanswered and within the window. */
  function latestFrameOf(chat: string): KnownFrame | undefined {
    let latest: KnownFrame | undefined;
    for (const f of frames.values()) if (f.chat === chat) latest = f;
    return latest && !latest.used && Date.now() - latest.receivedAt <= replyWindowMs ? latest : undefined;
  }

  const delivery = createWecomDelivery({
    log,
    client: () => client as WecomSender | undefined,
    frameFor,
    busyRetryMs: options.busyRetryMs ?? BUSY_RETRY_MS,
    maxTextLength: MAX_TEXT,
    ...(options.thinkingMs ? { thinkingMs: options.thinkingMs } : {}),
  });

  /** A frame from WeCom: recorded first; only then may it be answered (its answer comes from the outbox). */
  function onFrame(sink: InboundSink, raw: WsFrame): void {
    const frame = raw as unknown as WecomFrame;
    const parsed = parseFrame(frame, { channel: WECOM, botId: botId! }, new Date());
    if (parsed.kind === 'ignored') {
      log.debug({ reason: parsed.reason }, 'wecom frame ignored');
      return;
    }
    const { message } = parsed;
    remember({ reqId: frame.headers.req_id, chat: message.chat, receivedAt: Date.now(), welcome: parsed.welcome === true, used: false });
    // Reached before any await, so a chat's frames keep their order.
    sink.receive({ kind: 'message', msg: message }).catch((err: unknown) => {
      // WeCom will not send it again: the sender is told, so they can.
      log.error({ err: err instanceof Error ? err.message : String(err), chat: message.chat }, 'could not record a WeCom message; telling the sender');
      const f = frames.get(frame.headers.req_id);
      if (!f || !client) return;
      f.used = true;
      const text = runtimeCopy.say({ lang: 'zh', program: { copy: options.copy } }, 'somethingWentWrong');
      void client.replyStream({ headers: { req_id: f.reqId } }, `stream_fail_${Date.now()}`, text, true).catch(() => undefined);
    });
  }

  async function start(sink: InboundSink): Promise<void> {
    stopping = false;
    const c = new WSClient({
      botId: botId!,
      secret: secret!,
      ...(config.WECOM_WS_URL ? { wsUrl: config.WECOM_WS_URL } : {}),
      // A network outage is waited out however long it lasts; a refused secret is not (maxAuthFailureAttempts, 5).
      maxReconnectAttempts: -1,
      ...(options.heartbeatMs ? { heartbeatInterval: options.heartbeatMs } : {}),
      ...(options.reconnectMs ? { reconnectInterval: options.reconnectMs } : {}),
      logger: sdkLogger(log, secret!),
    });
    client = c;
    const where = config.WECOM_WS_URL ?? 'wss://openws.work.weixin.qq.com';
    let subscribed: () => void = () => undefined;
    let refused: (err: HearthError) => void = () => undefined;
    const first = new Promise<void>((resolve, reject) => {
      subscribed = resolve;
      refused = reject;
    });
    c.on('connected', () => log.info({ url: where }, 'wecom connected; subscribing with the bot id'));
    c.on('authenticated', () => {
      log.info({ botId }, 'wecom subscribed');
      health?.ok(WECOM);
      subscribed();
    });
    c.on('disconnected', (reason) => {
      if (stopping) return;
      log.warn({ reason: scrub(secret!, reason) }, 'wecom disconnected; the SDK reconnects');
      health?.fail(WECOM, `WeCom connection lost: ${scrub(secret!, reason)}`);
    });
    c.on('reconnecting', (attempt) => log.info({ attempt }, 'wecom reconnecting'));
    c.on('error', (err) => {
      const message = scrub(secret!, err.message);
      if (err.name === 'WSAuthFailureError') {
        log.error('wecom refused the bot id and secret repeatedly; giving up');
        health?.fail(WECOM, 'WeCom refused WECOM_BOT_ID / WECOM_BOT_SECRET');
        options.onStopped?.(new HearthError('bad_config', 'WeCom refused WECOM_BOT_ID / WECOM_BOT_SECRET'));
        return;
      }
      if (/^Authentication failed/.test(message)) {
        log.error({ reason: message }, 'wecom refused the subscription');
        health?.fail(WECOM, `WeCom refused the subscription: ${message}`);
        refused(new HearthError('bad_config', `WeCom refused WECOM_BOT_ID / WECOM_BOT_SECRET: ${message.replace(/^Authentication failed:\s*/, '')}`));
        return;
      }
      log.warn({ reason: message }, 'wecom connection error');
    });
    c.on('message', (frame) => onFrame(sink, frame));
    c.on('event', (frame) => onFrame(sink, frame));
    c.on('event.disconnected_event', () => {
      // WeCom keeps one connection per robot: a newer one (another Hearth with this bot?) took over, and the SDK stops.
      log.error('wecom closed this connection because another one subscribed with the same bot id');
      health?.fail(WECOM, 'another connection subscribed with this WeCom bot id');
      options.onStopped?.(new HearthError('bad_config', 'another connection subscribed with this WeCom bot id'));
    });
    c.connect();
    const waitMs = options.startTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), waitMs)));
    try {
      const outcome = await Promise.race([first.then(() => 'subscribed' as const), timeout]);
      if (outcome === 'timeout') {
        // Not a wrong secret: WeCom is out of reach. The SDK keeps trying; /health says so meanwhile.
        log.warn({ url: where, waitMs }, 'wecom not subscribed yet; still trying');
        health?.fail(WECOM, `cannot reach WeCom at ${where}`);
      }
    } catch (err) {
      stopping = true;
      c.disconnect();
      client = undefined;
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    name: WECOM,
    capabilities: WECOM_CAPABILITIES,
    limits: { ...WECOM_LIMITS, ...options.limits },
    get stats() {
      return delivery.stats;
    },
    // The robot's id is its bot id; nothing to ask WeCom before the long connection opens.
    connect: async () => ({ botId: botId! }),
    start,
    deliver: delivery.deliver,
    async showTyping(chat) {
      const frame = latestFrameOf(chat);
      if (frame) await delivery.showThinking(frame);
    },
    async stop() {
      stopping = true;
      delivery.stop();
      if (client) {
        client.removeAllListeners();
        client.disconnect();
        client = undefined;
      }
    },
  };
}
