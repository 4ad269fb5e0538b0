// Delivers one outbox row on WeChat through wechaty: `room.say(text, ...contacts)` to a room (so a mention is a real
// WeChat @), `contact.say(text)` to a person; long texts in pieces, each waiting its turn; errors sorted into results.
import type { Logger } from 'pino';
import type { Delivery, DeliveryPacer, DeliveryResult } from '../../core/channel';
import { HearthError } from '../../core/errors';
import { splitText, textWithButtonsFallback } from '../../core/text';

/**
 * The longest piece. WeChat publishes no limit for a personal account's text message and the puppets check none
 * (nothing in node_modules/wechaty-puppet-wechat4u or wechaty-puppet-service limits it); texts of a few thousand
 * characters are reported to arrive, longer ones to be cut or refused. 2,000 keeps well inside that and reads on a phone.
 */
export const MAX_TEXT = 2000;

/** How long to wait after WeChat says the account sends too often: it gives no retry-after, and a ban is the risk. */
export const TOO_FREQUENT_RETRY_MS = 60_000;

/**
 * What the puppets say when WeChat throttles sending (web protocol Ret 1205, "发送消息过于频繁"; "操作太频繁" / "too
 * frequent" elsewhere). wechat4u asserts `BaseResponse.Ret === 0` after webwxsendmsg (node_modules/wechat4u/src/core.js,
 * sendText): its AssertionError carries the Ret as `actual`, with "[object Object]" for a message.
 */
export function isTooFrequent(err: unknown): boolean {
  if (wechatRets(err).includes(1205)) return true;
  const text = err instanceof Error ? err.message : typeof err === 'string' ? err : JSON.stringify(err ?? '');
  return /频繁|too\s*frequent|frequency|rate.?limit|\b1205\b/i.test(text);
}

/** WeChat's Ret codes on a puppet's error, where it carries them (wechat4u's assertion `actual`, a code, a BaseResponse). */
function wechatRets(err: unknown): number[] {
  if (typeof err !== 'object' || err === null) return [];
  const e = err as { actual?: unknown; code?: unknown; BaseResponse?: { Ret?: unknown } };
  return [e.actual, e.code, e.BaseResponse?.Ret].filter((v): v is number => typeof v === 'number');
}

/** A room or a person, as delivery says something to it (index.ts wraps wechaty's Room and Contact). */
export interface WechatyTarget {
  /** Say `text`; in a room, @-mention the contacts with these ids (those the puppet knows) before it. */
  say(text: string, mention: { id: string; name: string }[]): Promise<void>;
}

/** What delivery needs of the running bot: where a chat is, or undefined when the puppet does not know it. */
export interface WechatyDirectory {
  loggedIn(): boolean;
  /** `secret`: the message must never reach a room. */
  find(chat: string, group: boolean, secret?: boolean): Promise<WechatyTarget | undefined>;
}

/** The deliver function of the WeChat channel. */
export function createWechatyDelivery(options: { log: Logger; directory: WechatyDirectory; maxTextLength: number; tooFrequentRetryMs: number }): {
  deliver(message: Delivery, pacer: DeliveryPacer): Promise<DeliveryResult>;
} {
  const { log, directory } = options;
  // Pieces of a message already said, so a retry after "too frequent" resumes instead of repeating them.
  const progress = new Map<number, number>();

  async function deliver(message: Delivery, pacer: DeliveryPacer): Promise<DeliveryResult> {
    // Not WeChat's answer: the runtime tries again later (the account is logging in again, or the scan is pending).
    if (!directory.loggedIn()) throw new HearthError('delivery_failed', 'WeChat is not logged in');
    const mention = message.group ? (message.mentions ?? []).map((m) => ({ id: m.platformId, name: m.name })) : [];
    // room.say puts "@Name " before the text (wechaty user-modules/room.js say()): the first piece leaves room for it.
    const prefix = mention.reduce((n, m) => n + m.name.length + 2, 0);
    const pieces = splitText(textWithButtonsFallback(message, 'none'), Math.max(100, options.maxTextLength - prefix));
    let target: WechatyTarget | undefined;
    try {
      target = await directory.find(message.chat, message.group, message.secret);
    } catch (err) {
      log.debug({ chat: message.chat, err: err instanceof Error ? err.message : String(err) }, 'wechat lookup failed');
    }
    if (!target) return { status: 'unreachable', reason: `WeChat does not know the ${message.group ? 'room' : 'contact'} ${message.chat}` };
    const start = progress.get(message.id) ?? 0;
    for (let i = start; i < pieces.length; i++) {
      if (i > 0) await pacer.next();
      try {
        await target.say(pieces[i]!, i === 0 ? mention : []);
      } catch (err) {
        const ret = (err as { actual?: unknown } | null | undefined)?.actual;
        const reason = err instanceof Error && err.message !== '[object Object]' ? err.message : typeof ret === 'number' ? `Ret ${ret}` : String(err);
        if (isTooFrequent(err)) {
          progress.set(message.id, i);
          // WeChat throttles the account, not a room: a send to any other chat would be one more refused, so all wait.
          return { status: 'retry', afterMs: options.tooFrequentRetryMs, reason: `WeChat says too frequent: ${reason}`, scope: 'account' };
        }
        progress.delete(message.id);
        return { status: 'failed', reason: `WeChat refused the message: ${reason}` };
      }
      progress.set(message.id, i + 1);
    }
    progress.delete(message.id);
    return { status: 'sent' };
  }

  return { deliver };
}
