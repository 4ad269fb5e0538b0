// Delivers outbox rows to Telegram under the rate limits: the right chat and topic, replies threaded, buttons, long
// texts in pieces, a group mention for members the bot may not write to privately, and Telegram's errors sorted
// into "retry" and "give up" so the dispatcher never sends a row twice on purpose.
import type { Logger } from 'pino';
import type { Db } from '../../../store/db';
import type { OutboxRow } from '../../../store/outbox';
import { findMemberByPlatformId, identitiesOf, lastGroupOf } from '../../../store/members';
import type { Sender } from '../../outbox';
import { HearthError } from '../../errors';
import type { Button, OutboundKind } from '../../types';
import { renderMessage, type SendPayload } from './render';
import { parseMessageKey } from './parse';
import { PRIORITY, type TelegramRateLimiter } from './limiter';

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

/** What the sender has done, for logs, tests and the bench. */
export interface SenderStats {
  messages: number;
  rateLimited: number;
  gaveUp: number;
  groupFallbacks: number;
}

const privateChatLabel = { zh: '私聊我', en: 'Chat with me privately' };
const isPrivateChatId = (chat: string) => /^\d+$/.test(chat);
const isGroupChatId = (chat: string) => chat.startsWith('-');

interface Target {
  chat: string;
  replyTo?: number;
  thread?: number;
  buttons?: Button[] | null;
  mention?: { userId: string; name: string };
  fallback: boolean;
}

function permanent(description: string): HearthError {
  return new HearthError('delivery_failed', description, { permanent: true });
}

function plainText(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The Sender for the Telegram channel. */
export function createTelegramSender(options: {
  channel: string;
  db: Db;
  log: Logger;
  call: CallApi;
  limiter: TelegramRateLimiter;
  botUsername: string;
  /** How many 429 answers in a row one message may get before it goes back to the outbox to wait. */
  maxRateLimitRetries?: number;
  /** Where to reach someone who cannot be written to privately, before their last group (staff: the staff room). */
  fallbackChatOf?: (platformId: string) => string | undefined;
}): { send: Sender; stats: SenderStats } {
  const { channel, db, log, call, limiter, botUsername } = options;
  const stats: SenderStats = { messages: 0, rateLimited: 0, gaveUp: 0, groupFallbacks: 0 };
  // Pieces of a long row already delivered, so a retry after a failure resumes instead of repeating them.
  const progress = new Map<number, number>();

  const privateChatUrl = `https://t.me/${botUsername}?start=${PRIVATE_CHAT_START}`;
  const memberName = (platformId: string) => findMemberByPlatformId(db, channel, platformId)?.name ?? platformId;

  /**
   * A private message to someone who never opened a private chat goes to their last group, mentioning them — unless it
   * is a secret (a code, a balance), which goes privately or not at all.
   */
  function groupFallback(row: OutboxRow): Target {
    if (row.secret) throw permanent(`cannot write privately to ${row.chat}, and a secret never goes to a group`);
    const member = findMemberByPlatformId(db, channel, row.chat);
    // Staff words and ticket details must not land in a members' group: staff are reached in the staff room.
    const group = member ? (options.fallbackChatOf?.(row.chat) ?? lastGroupOf(db, channel, member.id)) : undefined;
    if (!member || !group) throw permanent(`cannot write privately to ${row.chat} and no group of theirs is known`);
    stats.groupFallbacks++;
    const lang = member.lang === 'zh' ? 'zh' : 'en';
    return {
      chat: group,
      mention: { userId: row.chat, name: member.name },
      buttons: [...(row.buttons ?? []).filter((b) => !b.privateChat), { label: privateChatLabel[lang], url: privateChatUrl }],
      fallback: true,
    };
  }

  function targetOf(row: OutboxRow): Target {
    if (isPrivateChatId(row.chat)) {
      const member = findMemberByPlatformId(db, channel, row.chat);
      const identity = member ? identitiesOf(db, member.id).find((i) => i.channel === channel && i.platformId === row.chat) : undefined;
      if (identity && !identity.canMessagePrivately) return groupFallback(row);
    }
    const reply = row.replyTo ? parseMessageKey(row.replyTo) : undefined;
    return {
      chat: row.chat,
      replyTo: reply && reply.chat === row.chat ? reply.messageId : undefined,
      thread: row.thread && /^\d+$/.test(row.thread) ? Number(row.thread) : undefined,
      buttons: row.buttons?.map((b) => (b.privateChat ? { label: b.label, url: privateChatUrl } : b)),
      mention: row.mention ? { userId: row.mention, name: memberName(row.mention) } : undefined,
      fallback: false,
    };
  }

  /** Send one payload, retrying what Telegram says can be retried; returns false when the chat refuses a private message. */
  async function sendPayload(payload: SendPayload, kind: OutboundKind, canFallBack: boolean): Promise<boolean> {
    let rateLimited = 0;
    let adjusted = 0;
    for (;;) {
      const chat = String(payload.chat_id);
      try {
        await limiter.schedule(chat, isGroupChatId(chat), PRIORITY[kind], () => call('sendMessage', payload));
        stats.messages++;
        return true;
      } catch (err) {
        if (!(err instanceof TelegramApiFailure)) throw err; // network trouble: the dispatcher retries later
        const d = err.description;
        if (err.code === 429) {
          stats.rateLimited++;
          const retryAfterMs = (err.retryAfter ?? 1) * 1000;
          limiter.pause(chat, isGroupChatId(chat), retryAfterMs);
          if (++rateLimited > (options.maxRateLimitRetries ?? 3)) throw new HearthError('rate_limited', `Telegram 429 for chat ${chat}`, { retryAfterMs });
          continue; // a 429 means it was not sent, so sending again cannot duplicate it
        }
        if (++adjusted <= 3) {
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
        if ((err.code === 403 || err.code === 400) && canFallBack && /initiate|chat not found/i.test(d)) return false;
        if (err.code === 400 || err.code === 403 || err.code === 404) throw permanent(`Telegram ${err.code}: ${d}`);
        throw new HearthError('delivery_failed', `Telegram ${err.code}: ${d}`);
      }
    }
  }

  const send: Sender = async (row) => {
    let target = targetOf(row);
    let payloads = renderMessage(
      { chatId: target.chat, text: row.text, replyToMessageId: target.replyTo, thread: target.thread, buttons: target.buttons, mention: target.mention },
      (button, why) => log.error({ outboxId: row.id, label: button.label, why }, 'button left out'),
    );
    try {
      for (let i = progress.get(row.id) ?? 0; i < payloads.length; i++) {
        const ok = await sendPayload(payloads[i]!, row.kind, !target.fallback && i === 0 && isPrivateChatId(row.chat));
        if (!ok) {
          // Telegram says the member has not opened a private chat (our record was stale): use their group instead.
          target = groupFallback(row);
          payloads = renderMessage({ chatId: target.chat, text: row.text, buttons: target.buttons, mention: target.mention });
          i = -1;
          continue;
        }
        progress.set(row.id, i + 1);
      }
      progress.delete(row.id);
    } catch (err) {
      if (err instanceof HearthError && err.details?.permanent) {
        stats.gaveUp++;
        progress.delete(row.id);
      }
      throw err;
    }
  };
  return { send, stats };
}
