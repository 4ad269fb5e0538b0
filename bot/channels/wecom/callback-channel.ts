// The WeCom intelligent robot in URL-callback mode (API 模式, 回调): WeCom POSTs signed, encrypted JSON to our route, which
// answers 200 only once the message is recorded; answers go back in that HTTP response (a passive reply) or later, once,
// through the message's response_url. The robot has no proactive send in this mode: a chat with nothing to answer is unreachable.
import { randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Channel, ChannelCapabilities, Delivery, DeliveryResult, InboundSink, RateLimits } from '../../core/channel';
import { HearthError } from '../../core/errors';
import { splitText } from '../../core/text';
import { sealWecomReply, wecomCallbackRoute, type WecomCallbackKeys, type WecomReplyEnvelope } from './callback';
import { BUSY_ERRCODES, buttonCard, errcodeOf, MAX_TEXT, type WecomCard } from './deliver';
import { parseBody, type WecomBody } from './parse';
import { BUSY_RETRY_MS, WECOM, WECOM_CAPABILITIES, WECOM_LIMITS } from './index';

/** Where WeCom POSTs the callbacks unless WECOM_CALLBACK_PATH says otherwise. */
export const DEFAULT_CALLBACK_PATH = '/wecom/callback';
/**
 * The robot's id in the store and in mentions. Callbacks name the robot (aibotid) but Hearth needs an id before the
 * first one arrives; the robot never writes to itself, so any fixed id does.
 */
export const WECOM_CALLBACK_BOT_ID = 'wecom-robot';
/** A response_url is valid 1 hour and takes one call (document/path/101138); Hearth stops using it 5 minutes early. */
export const RESPONSE_URL_WINDOW_MS = 55 * 60_000;
/**
 * How long a callback waits for its answer to be committed, to send it in the HTTP response. WeCom's timeout for the
 * robot is not published (its apps and WeChat wait 5 s, then retry); past this the callback is answered empty and the
 * answer goes through the response_url.
 */
export const PASSIVE_REPLY_MS = 2000;

/** What the channel needs from the environment (WECOM_CALLBACK_* variables, from the robot's API settings). */
export interface WecomCallbackConfig {
  WECOM_CALLBACK_TOKEN?: string;
  WECOM_CALLBACK_AES_KEY?: string;
  WECOM_CALLBACK_PATH?: string;
}

/** What a callback message carries to be answered: the message, its chat, when it came, its response_url if any. */
export interface WecomCallbackHandle {
  id: string;
  chat: string;
  /** When Hearth received it (ms since the epoch): the response_url's hour runs from about then. */
  at: number;
  url?: string;
  /** The enter_chat event: answered only in its HTTP response, as text (document/path/101031, 回复欢迎语). */
  welcome?: boolean;
}

/** The reply handle a callback message carries into the outbox (exported for tests). */
export function encodeCallbackHandle(h: WecomCallbackHandle): string {
  return JSON.stringify(h);
}

/** A reply handle read back, or undefined when it is not one of this channel's. */
export function decodeCallbackHandle(handle: string | undefined): WecomCallbackHandle | undefined {
  if (!handle) return undefined;
  try {
    const h = JSON.parse(handle) as Partial<WecomCallbackHandle>;
    if (typeof h.id !== 'string' || typeof h.chat !== 'string' || typeof h.at !== 'number') return undefined;
    return { id: h.id, chat: h.chat, at: h.at, ...(typeof h.url === 'string' ? { url: h.url } : {}), ...(h.welcome ? { welcome: true } : {}) };
  } catch {
    return undefined;
  }
}

/** What the channel has delivered, for logs and tests. */
export interface WecomCallbackStats {
  passive: number;
  responseUrl: number;
  busy: number;
  unreachable: number;
}

/** The callback channel: the contract, its route (mount it on the HTTP app before it listens), and what it delivered. */
export interface WecomCallbackChannel extends Channel {
  readonly webhook: { path: string; mount(app: Hono): void };
  readonly stats: WecomCallbackStats;
}

/** A callback waiting for its answer, to send it in its HTTP response. */
interface Waiter {
  chat: string;
  signal?: AbortSignal;
  answer(plaintext: string | undefined): void;
}

/** The one message an answer becomes: WeCom takes one call per response_url, so nothing is split. */
type Answer = { kind: 'markdown'; content: string } | { kind: 'card'; card: WecomCard; content: string };

/** Build the channel from the environment. Refuses without both the token and a well-formed EncodingAESKey. */
export function createWecomCallbackChannel(
  config: WecomCallbackConfig,
  options: {
    log: Logger;
    limits?: Partial<RateLimits>;
    /** Settings tests shorten: the passive-reply wait (0: never), the response_url window, the busy wait, the call timeout. */
    passiveReplyMs?: number;
    responseUrlWindowMs?: number;
    busyRetryMs?: number;
    requestTimeoutMs?: number;
  },
): WecomCallbackChannel {
  const token = config.WECOM_CALLBACK_TOKEN;
  const aesKey = config.WECOM_CALLBACK_AES_KEY;
  if (!token || !aesKey) throw new HearthError('bad_config', 'WECOM_CALLBACK_TOKEN and WECOM_CALLBACK_AES_KEY must both be set for WeCom URL callbacks');
  // An enterprise's own robot seals with an empty receiver id (document/path/101033).
  const keys: WecomCallbackKeys = { token, aesKey, receiverId: '' };
  const { log } = options;
  const passiveMs = options.passiveReplyMs ?? PASSIVE_REPLY_MS;
  const windowMs = options.responseUrlWindowMs ?? RESPONSE_URL_WINDOW_MS;
  const busyRetryMs = options.busyRetryMs ?? BUSY_RETRY_MS;
  const stats: WecomCallbackStats = { passive: 0, responseUrl: 0, busy: 0, unreachable: 0 };
  let sink: InboundSink | undefined;
  const waiters = new Map<string, Waiter>();
  // response_urls called (or refused), with when they came: each takes one call.
  const used = new Map<string, number>();

  function markUsed(url: string, at: number): void {
    const now = Date.now();
    for (const [u, t] of used) {
      if (now - t <= windowMs) break; // in arrival order: the rest are younger
      used.delete(u);
    }
    used.set(url, at);
  }

  /** A callback: parsed by the long connection's parser, recorded, then answered in its response if the answer is quick. */
  async function onMessage(json: unknown, nonce: string, signal: AbortSignal | undefined): Promise<WecomReplyEnvelope | void> {
    if (!sink) throw new HearthError('storage_failed', 'not recorded: the WeCom callback channel is not started');
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      log.warn('wecom callback plaintext is not a JSON object; acknowledged, nothing recorded');
      return;
    }
    const body = json as WecomBody;
    const parsed = parseBody(body, { channel: WECOM, botId: WECOM_CALLBACK_BOT_ID }, new Date());
    if (parsed.kind === 'ignored') {
      log.debug({ reason: parsed.reason }, 'wecom callback ignored');
      return;
    }
    const url = typeof body.response_url === 'string' && /^https?:\/\//.test(body.response_url) ? body.response_url : undefined;
    const welcome = parsed.welcome === true;
    const handle: WecomCallbackHandle = { id: parsed.message.id, chat: parsed.message.chat, at: Date.now(), ...(url ? { url } : {}), ...(welcome ? { welcome } : {}) };
    // A card press is answered through its response_url only: its passive reply would update the card, not say anything.
    const passive = passiveMs > 0 && (welcome || body.msgtype !== 'event');
    let answered: (plaintext: string | undefined) => void = () => undefined;
    const answer = new Promise<string | undefined>((resolve) => (answered = resolve));
    // A redelivery while the first request still waits takes its place (the first was likely given up on by WeCom).
    const earlier = waiters.get(handle.id);
    if (passive) {
      earlier?.answer(undefined);
      waiters.set(handle.id, { chat: handle.chat, signal, answer: answered });
    }
    const forget = () => {
      if (waiters.get(handle.id)?.answer === answered) waiters.delete(handle.id);
    };
    let receipt: Awaited<ReturnType<InboundSink['receive']>>;
    try {
      receipt = await sink.receive({ kind: 'message', msg: { ...parsed.message, replyHandle: encodeCallbackHandle(handle) } });
    } catch (err) {
      forget();
      throw err; // the route answers 500: WeCom sends it again
    }
    if (!passive || receipt.status === 'ignored' || (receipt.status === 'duplicate' && !earlier)) {
      forget();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), passiveMs)));
    const plaintext = await Promise.race([answer, late]);
    clearTimeout(timer);
    forget();
    if (plaintext === undefined) return;
    return sealWecomReply(keys, plaintext, { now: new Date(), nonce });
  }

  const route = wecomCallbackRoute({
    ...keys,
    path: config.WECOM_CALLBACK_PATH ?? DEFAULT_CALLBACK_PATH,
    now: () => new Date(),
    log,
    onMessage: (_plaintext, opened, signal) => onMessage(opened.json, opened.nonce, signal),
  });

  /**
   * The one message a delivery becomes: markdown, or — with buttons — a template card carrying the text as its body
   * (WeCom publishes no length limit for a robot card's sub_title_text; the text is kept within the channel's limit).
   */
  function answerOf(d: Delivery): Answer {
    const mentions = (d.mentions ?? []).map((m) => `@${m.name} `).join('');
    const room = MAX_TEXT - mentions.length;
    let text = d.text;
    if (text.length > room) {
      text = `${splitText(text, room - 1)[0] ?? ''}…`;
      log.warn({ outboxId: d.id, length: d.text.length }, 'WeCom takes one answer per callback message: a text longer than one message is cut');
    }
    const content = `${mentions}${text}`;
    if (d.buttons && d.buttons.length > 0) {
      const card = buttonCard(content, d.buttons, `hearth_${d.id}_${randomBytes(4).toString('hex')}`, (b, why) => log.error({ outboxId: d.id, label: b.label, why }, 'button left out'));
      // The title is the first line, shortened; the body is the whole text unless the title already is.
      if (card) return { kind: 'card', content, card: card.main_title.title === content ? card : { ...card, sub_title_text: content } };
      if (d.buttonsText) return { kind: 'markdown', content: `${content}\n${d.buttonsText}` };
    }
    return { kind: 'markdown', content };
  }

  /** The plaintext of a passive reply: a finished stream (with its card), or the welcome's text. */
  function passiveReply(a: Answer, welcome: boolean): string {
    const stream = { id: `stream_${randomBytes(6).toString('hex')}`, finish: true, content: a.content };
    if (welcome) return JSON.stringify(a.kind === 'card' ? { msgtype: 'template_card', template_card: a.card } : { msgtype: 'text', text: { content: a.content } });
    if (a.kind === 'card') return JSON.stringify({ msgtype: 'stream_with_template_card', stream, template_card: a.card });
    return JSON.stringify({ msgtype: 'stream', stream });
  }

  function unreachable(reason: string): DeliveryResult {
    stats.unreachable++;
    return { status: 'unreachable', reason };
  }

  async function deliver(d: Delivery): Promise<DeliveryResult> {
    const h = decodeCallbackHandle(d.replyHandle);
    // Its handle answers the chat it came from and no other (a group message's answer sent privately is not its answer).
    if (!h || h.chat !== d.chat) return unreachable('no message from this chat to answer: WeCom URL callbacks have no proactive send');
    const a = answerOf(d);
    const waiter = waiters.get(h.id);
    if (waiter && waiter.chat === d.chat && !waiter.signal?.aborted) {
      waiters.delete(h.id);
      waiter.answer(passiveReply(a, h.welcome === true));
      stats.passive++;
      return { status: 'sent' };
    }
    // Only the welcome comes without a response_url: missed in its callback, it is not said at all (nor rerouted).
    if (!h.url) return { status: 'failed', reason: 'the welcome was not ready within its callback, the only place WeCom takes it' };
    if (used.has(h.url)) return unreachable('its response_url was used already (WeCom takes one answer through it)');
    if (Date.now() - h.at > windowMs) return unreachable('its response_url expired (WeCom keeps it an hour)');
    const payload = a.kind === 'card' ? { msgtype: 'template_card', template_card: a.card } : { msgtype: 'markdown', markdown: { content: a.content } };
    let response: Response;
    try {
      response = await fetch(h.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(options.requestTimeoutMs ?? 15_000),
      });
    } catch (err) {
      // Not WeCom's answer: the runtime tries again later, a few times.
      throw new HearthError('delivery_failed', `WeCom's response_url did not answer: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (response.status >= 500) throw new HearthError('delivery_failed', `WeCom's response_url answered HTTP ${response.status}`);
    if (response.status >= 400) {
      markUsed(h.url, h.at);
      return unreachable(`WeCom's response_url answered HTTP ${response.status}`);
    }
    const refused = errcodeOf(await response.json().catch(() => ({})));
    if (refused && refused.errcode !== 0) {
      const reason = `WeCom errcode ${refused.errcode}: ${refused.errmsg}`;
      if (BUSY_ERRCODES.has(refused.errcode)) {
        stats.busy++;
        return { status: 'retry', afterMs: busyRetryMs, reason };
      }
      // Used, expired or refused: WeCom documents no codes for a response_url, so any other refusal ends it.
      markUsed(h.url, h.at);
      return unreachable(reason);
    }
    markUsed(h.url, h.at);
    stats.responseUrl++;
    return { status: 'sent' };
  }

  const capabilities: ChannelCapabilities = { ...WECOM_CAPABILITIES, streaming: false };
  return {
    name: WECOM,
    capabilities,
    limits: { ...WECOM_LIMITS, ...options.limits },
    webhook: route,
    stats,
    connect: async () => ({ botId: WECOM_CALLBACK_BOT_ID }),
    async start(s) {
      sink = s;
      log.info({ path: route.path }, 'wecom callbacks accepted');
    },
    deliver,
    async stop() {
      sink = undefined;
      for (const w of waiters.values()) w.answer(undefined);
      waiters.clear();
    },
  };
}
