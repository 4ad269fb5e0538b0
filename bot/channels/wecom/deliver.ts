// Delivers one outbox row on WeCom: as the answer to the frame it replies to (aibot_respond_msg, a finished stream)
// while WeCom still takes one, else pushed to the chat (aibot_send_msg, markdown); buttons as a template card under
// the last piece; long texts in pieces, each waiting its turn; WeCom's errcodes sorted into the contract's results.
// While the model works, a frame's stream may be opened with a placeholder that its answer then replaces.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Delivery, DeliveryPacer, DeliveryResult } from '../../core/channel';
import type { Button } from '../../core/types';
import { HearthError } from '../../core/errors';
import { splitText } from '../../core/text';
import { PRIVATE_CHAT_KEY } from './parse';

/**
 * The longest piece, in UTF-16 code units. A finished stream reply may carry 20,480 bytes
 * (node_modules/@wecom/aibot-node-sdk/dist/types/api.d.ts, StreamReplyBody.stream.content; README "replyStream");
 * a pushed markdown message has no figure in the SDK, and WeCom's group-robot markdown is documented at 4,096 bytes
 * (developer.work.weixin.qq.com/document/path/91770). A code unit is at most 3 bytes of UTF-8, so 1,365 units fit both.
 */
export const MAX_TEXT = Math.floor(4096 / 3);

/**
 * WeCom's errcodes that mean "not now": -1 system busy, 45009 over the call frequency, 45033 too many concurrent calls
 * (global errcodes, developer.work.weixin.qq.com/document/path/90313).
 */
export const BUSY_ERRCODES = new Set([-1, 45009, 45033]);

/**
 * The busy errcodes that throttle the whole robot: WeCom counts its call frequency and concurrency per enterprise, app
 * and IP (document/path/90312), and the one per-member figure there (30 a minute) Hearth's per-chat gap keeps well
 * under, so a 45009 or 45033 is about the robot as a whole, and every chat waits. -1 is WeCom's server having a
 * moment (90313: "服务器暂不可用，建议稍候重试"): that message alone is tried again.
 */
export const ACCOUNT_BUSY_ERRCODES = new Set([45009, 45033]);

/** The placeholder an open stream shows while the model works (WeCom's robots are used in Chinese). */
export const THINKING_TEXT = '正在思考…';
/**
 * What a placeholder nobody answered in time is finished with, rather than "thinking…" for good. It promises nothing:
 * the answer may have gone as a message of its own (to a quicker follow-up's frame), or may never come.
 */
export const THINKING_LATE_TEXT = '抱歉让你久等了。如果还没收到回复，可以再发一次，或发送「转人工」。';
/** How long a placeholder waits for its answer before it is finished anyway (WeCom ends open streams after minutes). */
export const THINKING_MS = 60_000;

/** A template card, the fields Hearth fills (types/api.d.ts TemplateCard). */
export interface WecomCard {
  card_type: 'button_interaction' | 'text_notice';
  main_title: { title: string };
  /** The card's body text (set where the card is the whole message: a URL callback's one answer). */
  sub_title_text?: string;
  button_list?: { text: string; key: string; style: number }[];
  jump_list?: { type: 1; title: string; url: string }[];
  card_action?: { type: 1; url: string };
  task_id: string;
}

/** The part of the SDK's WSClient that delivery uses (node_modules/@wecom/aibot-node-sdk/dist/client.d.ts). */
export interface WecomSender {
  readonly isConnected: boolean;
  replyStream(frame: { headers: { req_id: string } }, streamId: string, content: string, finish?: boolean): Promise<unknown>;
  replyStreamWithCard(frame: { headers: { req_id: string } }, streamId: string, content: string, finish?: boolean, options?: { templateCard?: WecomCard }): Promise<unknown>;
  replyWelcome(frame: { headers: { req_id: string } }, body: { msgtype: 'text'; text: { content: string } }): Promise<unknown>;
  sendMessage(chatid: string, body: { msgtype: 'markdown'; markdown: { content: string } } | { msgtype: 'template_card'; template_card: WecomCard }): Promise<unknown>;
}

/** A frame Hearth may still answer: its req_id, where it was said, when, and whether it was the enter_chat event. */
export interface KnownFrame {
  reqId: string;
  chat: string;
  receivedAt: number;
  welcome: boolean;
  used: boolean;
  /** The stream a placeholder opened on this frame, while no answer has taken it over. */
  stream?: string;
}

/** What the channel has delivered, for logs and tests. */
export interface WecomDeliveryStats {
  replies: number;
  pushes: number;
  busy: number;
  gaveUp: number;
}

/** The errcode of a refusal: the SDK rejects a reply or a push with WeCom's answer frame itself (ws.ts handleReplyAck). */
export function errcodeOf(err: unknown): { errcode: number; errmsg: string } | undefined {
  if (typeof err !== 'object' || err === null || err instanceof Error) return undefined;
  const e = err as { errcode?: unknown; errmsg?: unknown };
  return typeof e.errcode === 'number' ? { errcode: e.errcode, errmsg: typeof e.errmsg === 'string' ? e.errmsg : '' } : undefined;
}

function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Cut to at most `max` characters as a person sees them, marking the cut. */
function shorten(text: string, max: number): string {
  const chars = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * The card that carries a message's buttons: pressable buttons (their data comes back as the press's key) on a
 * button_interaction card, links on its jump list. The title repeats the message's first line, as WeCom wants one.
 * Buttons WeCom would refuse are left out and reported.
 */
export function buttonCard(text: string, buttons: Button[], taskId: string, onDropped: (button: Button, why: string) => void): WecomCard | undefined {
  const pressable: { text: string; key: string; style: number }[] = [];
  const links: { type: 1; title: string; url: string }[] = [];
  for (const b of buttons) {
    if (b.privateChat) pressable.push({ text: b.label, key: PRIVATE_CHAT_KEY, style: 2 });
    else if (b.url) {
      if (!/^https?:\/\//.test(b.url)) onDropped(b, 'url must be http(s)://');
      else links.push({ type: 1, title: b.label, url: b.url });
    } else if (b.data !== undefined && b.data !== '') {
      if (utf8Bytes(b.data) > 1024) onDropped(b, 'a button key is at most 1024 bytes');
      else pressable.push({ text: b.label, key: b.data, style: 1 });
    } else onDropped(b, 'a button needs data or a url');
  }
  // WeCom's limits: at most 6 buttons, 3 links (types/api.d.ts TemplateCard.button_list, jump_list).
  for (const b of pressable.splice(6)) onDropped({ label: b.text }, 'a card holds at most 6 buttons');
  for (const l of links.splice(3)) onDropped({ label: l.title }, 'a card holds at most 3 links');
  if (pressable.length === 0 && links.length === 0) return undefined;
  const title = shorten(text.split('\n').find((l) => l.trim() !== '')?.trim() ?? '…', 26);
  if (pressable.length > 0) return { card_type: 'button_interaction', main_title: { title }, button_list: pressable, ...(links.length > 0 ? { jump_list: links } : {}), task_id: taskId };
  return { card_type: 'text_notice', main_title: { title }, jump_list: links, card_action: { type: 1, url: links[0]!.url }, task_id: taskId };
}

/** One call to WeCom for a delivery. */
type Step = { kind: 'piece'; content: string } | { kind: 'card'; card: WecomCard };

/** The deliver function of the WeCom channel, over the SDK client and the frames the connection still knows. */
export function createWecomDelivery(options: {
  log: Logger;
  client: () => WecomSender | undefined;
  /** The frame a delivery answers, if WeCom still takes an answer to it (marked used by the caller of `take`). */
  frameFor: (delivery: Delivery) => KnownFrame | undefined;
  /** How long to wait after a busy errcode: WeCom sends no retry-after of its own. */
  busyRetryMs: number;
  maxTextLength: number;
  /** How long a placeholder waits for its answer (THINKING_MS unless a test shortens it). */
  thinkingMs?: number;
}): {
  deliver(message: Delivery, pacer: DeliveryPacer): Promise<DeliveryResult>;
  showThinking(frame: KnownFrame): Promise<void>;
  stop(): void;
  stats: WecomDeliveryStats;
} {
  const { log } = options;
  const stats: WecomDeliveryStats = { replies: 0, pushes: 0, busy: 0, gaveUp: 0 };
  // Steps of a message already delivered, so a retry after a failure resumes instead of repeating them.
  const progress = new Map<number, number>();
  // The timers that finish unanswered placeholders, by req_id.
  const placeholders = new Map<string, NodeJS.Timeout>();
  const newStreamId = () => `stream_${randomBytes(6).toString('hex')}`;

  function forget(frame: KnownFrame): void {
    clearTimeout(placeholders.get(frame.reqId));
    placeholders.delete(frame.reqId);
  }

  /** Open the frame's stream with the placeholder; finished with THINKING_LATE_TEXT if no answer takes it in time. */
  async function showThinking(frame: KnownFrame): Promise<void> {
    const client = options.client();
    if (!client?.isConnected || frame.used || frame.welcome || frame.stream) return;
    const streamId = newStreamId();
    // Set before any await, so an answer delivered meanwhile continues this stream (the SDK sends a frame's replies in order).
    frame.stream = streamId;
    const handle = { headers: { req_id: frame.reqId } };
    placeholders.set(
      frame.reqId,
      setTimeout(() => {
        placeholders.delete(frame.reqId);
        if (frame.stream !== streamId) return;
        frame.stream = undefined;
        frame.used = true; // the stream is over: a late answer is pushed
        client.replyStream(handle, streamId, THINKING_LATE_TEXT, true).catch((err: unknown) => log.debug({ reqId: frame.reqId, err: errcodeOf(err) ?? String(err) }, 'could not finish the WeCom placeholder'));
      }, options.thinkingMs ?? THINKING_MS),
    );
    try {
      await client.replyStream(handle, streamId, THINKING_TEXT, false);
    } catch (err) {
      // A nicety: the answer still goes, as the first frame of that stream or pushed.
      log.debug({ reqId: frame.reqId, err: errcodeOf(err) ?? (err instanceof Error ? err.message : String(err)) }, 'could not show the WeCom placeholder');
    }
  }

  function stepsOf(message: Delivery): Step[] {
    // WeCom frames carry no mention list, and a robot's markdown has no documented mention syntax: "@Name" opens the text.
    const mentions = (message.mentions ?? []).map((m) => `@${m.name} `).join('');
    const pieces = splitText(message.text, options.maxTextLength - mentions.length);
    const steps: Step[] = pieces.map((piece, i) => ({ kind: 'piece', content: i === 0 ? `${mentions}${piece}` : piece }));
    if (message.buttons && message.buttons.length > 0) {
      const taskId = `hearth_${message.id}_${randomBytes(4).toString('hex')}`;
      const card = buttonCard(pieces[pieces.length - 1] ?? message.text, message.buttons, taskId, (button, why) =>
        log.error({ outboxId: message.id, label: button.label, why }, 'button left out'),
      );
      if (card) steps.push({ kind: 'card', card });
    }
    return steps;
  }

  async function push(client: WecomSender, chat: string, step: Step): Promise<void> {
    await client.sendMessage(chat, step.kind === 'piece' ? { msgtype: 'markdown', markdown: { content: step.content } } : { msgtype: 'template_card', template_card: step.card });
    stats.pushes++;
  }

  /** Answer through the frame; false when WeCom refused the answer (then the piece is pushed instead). */
  async function answer(client: WecomSender, frame: KnownFrame, content: string, card: WecomCard | undefined): Promise<boolean> {
    const handle = { headers: { req_id: frame.reqId } };
    // An open placeholder is replaced by the answer; taken now, so its timer does not finish it meanwhile.
    const placeholder = frame.stream;
    const streamId = placeholder ?? newStreamId();
    frame.stream = undefined;
    try {
      if (frame.welcome && !card) await client.replyWelcome(handle, { msgtype: 'text', text: { content } });
      else if (card) await client.replyStreamWithCard(handle, streamId, content, true, { templateCard: card });
      else await client.replyStream(handle, streamId, content, true);
      stats.replies++;
      forget(frame);
      return true;
    } catch (err) {
      const refused = errcodeOf(err);
      if (!refused) throw err; // the connection or the ack timed out: the runtime tries again
      if (BUSY_ERRCODES.has(refused.errcode)) {
        frame.used = false; // not answered: the retry may still answer through it
        frame.stream = placeholder; // and the placeholder is still open (its timer still finishes it)
        throw err;
      }
      log.info({ reqId: frame.reqId, ...refused }, 'WeCom refused the answer to its frame; pushing it to the chat instead');
      return false;
    }
  }

  async function deliver(message: Delivery, pacer: DeliveryPacer): Promise<DeliveryResult> {
    const client = options.client();
    // Not WeCom's answer: the runtime tries again later, a few times, then gives up.
    if (!client || !client.isConnected) throw new HearthError('delivery_failed', 'the WeCom long connection is down');
    const steps = stepsOf(message);
    const start = progress.get(message.id) ?? 0;
    const frame = start === 0 ? options.frameFor(message) : undefined;
    for (let i = start; i < steps.length; i++) {
      const step = steps[i]!;
      if (i > 0 && step.kind === 'piece') await pacer.next();
      try {
        let done = false;
        if (i === 0 && frame && step.kind === 'piece') {
          frame.used = true;
          // A single piece with buttons answers with the stream and its card in one reply.
          const card = steps.length === 2 && steps[1]!.kind === 'card' ? steps[1]!.card : undefined;
          done = await answer(client, frame, step.content, card);
          if (done && card) i++;
        }
        if (!done) await push(client, message.chat, step);
      } catch (err) {
        const refused = errcodeOf(err);
        if (!refused) {
          progress.set(message.id, i);
          throw new HearthError('delivery_failed', `WeCom did not confirm the message: ${err instanceof Error ? err.message : String(err)}`);
        }
        const reason = `WeCom errcode ${refused.errcode}: ${refused.errmsg}`;
        if (BUSY_ERRCODES.has(refused.errcode)) {
          stats.busy++;
          progress.set(message.id, i);
          return { status: 'retry', afterMs: options.busyRetryMs, reason, ...(ACCOUNT_BUSY_ERRCODES.has(refused.errcode) ? { scope: 'account' as const } : {}) };
        }
        progress.delete(message.id);
        // The robot pushes only to chats that wrote to it first: a refused push to a single chat means it cannot reach them.
        if (!message.group && i === 0) return { status: 'unreachable', reason };
        stats.gaveUp++;
        return { status: 'failed', reason };
      }
      progress.set(message.id, i + 1);
    }
    progress.delete(message.id);
    return { status: 'sent' };
  }

  return {
    deliver,
    showThinking,
    stop: () => {
      for (const timer of placeholders.values()) clearTimeout(timer);
      placeholders.clear();
    },
    stats,
  };
}
