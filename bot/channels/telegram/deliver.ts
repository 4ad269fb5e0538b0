// Delivers one message on Telegram: the right chat and topic, replies threaded, members mentioned by id, buttons, long
// texts in pieces (each waiting its turn under the rate limits), and Telegram's errors sorted into the contract's
// results — retry after N ms, give up, or unreachable (a private chat the member never opened: the runtime reroutes).
import type { Logger } from 'pino';
import type { Delivery, DeliveryPacer, DeliveryResult } from '../../core/channel';
import { renderMessage, type SendPayload } from './render';
import { parseMessageKey } from './parse';

/** A Bot API error answer: its code, description and parameters. */
export class TelegramApiFailure extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly retryAfter?: number,
    readonly migrateTo?: number,
  ) {
    super(`Telegram ${code}: ${description}`);
    this.name = 'TelegramApiFailure';
  }
}

/** Calls one Bot API method; throws TelegramApiFailure when Telegram answers with an error. */
export type CallApi = (method: string, payload: object) => Promise<unknown>;

/** The deep-link payload of the "chat with me privately" button; not an invite code, so it earns nothing. */
export const PRIVATE_CHAT_START = 'dm';

/** What the channel has delivered, for logs, tests and the bench. */
export interface DeliveryStats {
  messages: number;
  rateLimited: number;
  gaveUp: number;
}

function plainText(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Telegram's answer to one piece: sent, or a result for the whole message. */
type PieceOutcome = { sent: true } | { sent: false; result: DeliveryResult };

/** The deliver function of the Telegram channel; `now` tells a 429 for one chat from the bot's overall one. */
export function createTelegramDelivery(options: { log: Logger; call: CallApi; botUsername: () => string; now?: () => number }): {
  deliver(message: Delivery, pacer: DeliveryPacer): Promise<DeliveryResult>;
  stats: DeliveryStats;
} {
  const { log, call } = options;
  const stats: DeliveryStats = { messages: 0, rateLimited: 0, gaveUp: 0 };
  // Pieces of a long message already delivered, so a retry after a failure resumes instead of repeating them.
  const progress = new Map<number, number>();
  const now = options.now ?? (() => Date.now());
  // Chats told 429, until when. A 429 names no scope, and the Bot FAQ gives three limits: one chat, one group, and
  // about 30 a second for the bot overall (core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).
  // A 429 for a second chat while the first still waits is not about either chat: the bot as a whole is over.
  const flooded = new Map<string, number>();

  /** Whether this 429 is the bot's overall limit, noting the chat's wait either way. */
  function overall(chat: string, waitMs: number): boolean {
    const t = now();
    for (const [c, until] of flooded) if (until <= t) flooded.delete(c);
    const others = [...flooded.keys()].some((c) => c !== chat);
    flooded.set(chat, t + waitMs);
    return others;
  }

  /** Send one payload, adjusting what Telegram says can be adjusted (a moved group, a closed topic, bad markup). */
  async function sendPiece(payload: SendPayload, canBeUnreachable: boolean): Promise<PieceOutcome> {
    for (let adjusted = 0; ; adjusted++) {
      try {
        await call('sendMessage', payload);
        stats.messages++;
        return { sent: true };
      } catch (err) {
        if (!(err instanceof TelegramApiFailure)) throw err; // network trouble: the runtime tries again later
        const d = err.description;
        const chat = String(payload.chat_id);
        if (err.code === 429) {
          stats.rateLimited++;
          const afterMs = (err.retryAfter ?? 1) * 1000;
          const account = overall(chat, afterMs);
          return { sent: false, result: { status: 'retry', afterMs, reason: `Telegram 429 for chat ${chat}${account ? ' (and others: the bot sends too much overall)' : ''}`, ...(account ? { scope: 'account' as const } : {}) } };
        }
        if (adjusted < 3) {
          if (err.migrateTo !== undefined) {
            log.warn({ chat, to: err.migrateTo }, 'group was upgraded to a supergroup; sending to the new chat');
            payload.chat_id = err.migrateTo;
            continue;
          }
          if (err.code === 400 && payload.message_thread_id !== undefined && /thread|topic/i.test(d)) {
            delete payload.message_thread_id;
            continue;
          }
          if (err.code === 400 && /can't parse entities/i.test(d) && payload.parse_mode) {
            log.error({ chat, description: d }, 'Telegram refused the HTML; sending as plain text');
            payload.text = plainText(payload.text);
            delete payload.parse_mode;
            continue;
          }
        }
        // "bot can't initiate conversation with a user", or the chat is unknown: the member never opened it.
        if ((err.code === 403 || err.code === 400) && canBeUnreachable && /initiate|chat not found/i.test(d)) {
          return { sent: false, result: { status: 'unreachable', reason: `Telegram ${err.code}: ${d}` } };
        }
        if (err.code === 400 || err.code === 403 || err.code === 404) {
          stats.gaveUp++;
          return { sent: false, result: { status: 'failed', reason: `Telegram ${err.code}: ${d}` } };
        }
        return { sent: false, result: { status: 'retry', afterMs: 5000, reason: `Telegram ${err.code}: ${d}` } };
      }
    }
  }

  async function deliver(message: Delivery, pacer: DeliveryPacer): Promise<DeliveryResult> {
    const reply = message.replyTo ? parseMessageKey(message.replyTo) : undefined;
    const privateLink = `https://t.me/${options.botUsername()}?start=${PRIVATE_CHAT_START}`;
    const payloads = renderMessage(
      {
        chatId: message.chat,
        text: message.text,
        replyToMessageId: reply && reply.chat === message.chat ? reply.messageId : undefined,
        thread: message.thread && /^\d+$/.test(message.thread) ? Number(message.thread) : undefined,
        buttons: message.buttons?.map((b) => (b.privateChat ? { label: b.label, url: privateLink } : b)),
        mentions: message.mentions,
      },
      (button, why) => log.error({ outboxId: message.id, label: button.label, why }, 'button left out'),
    );
    for (let i = progress.get(message.id) ?? 0; i < payloads.length; i++) {
      if (i > 0) await pacer.next();
      const outcome = await sendPiece(payloads[i]!, !message.group && i === 0);
      if (!outcome.sent) {
        if (outcome.result.status !== 'retry') progress.delete(message.id);
        return outcome.result;
      }
      progress.set(message.id, i + 1);
    }
    progress.delete(message.id);
    return { status: 'sent' };
  }

  return { deliver, stats };
}
