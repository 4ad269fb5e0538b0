// Converts Telegram updates (Bot API JSON) into Hearth's neutral events. Pure: a typed `@username` stays text, for the
// skills to resolve by Hearth's rule (a username can change hands).
// Ids: Telegram message ids are unique only within a chat, so a message's neutral id (and every replyTo) is
// `${chat_id}:${message_id}`; a button press is `cb:${callback_query.id}` (those ids are unique across the bot).
import type { ChatType, InboundMessage, JoinEvent } from '../../core/types';

/** The fields of a Telegram User that Hearth reads. */
export interface TgUser {
  id: number;
  is_bot?: boolean;
  first_name?: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

/** A MessageEntity (offsets and lengths in UTF-16 code units, as JavaScript strings count). */
export interface TgEntity {
  type: string;
  offset: number;
  length: number;
  user?: TgUser;
}

/** The fields of a Telegram Message that Hearth reads. */
export interface TgMessage {
  message_id?: number;
  message_thread_id?: number;
  is_topic_message?: boolean;
  date?: number;
  chat: { id: number; type: string; title?: string };
  from?: TgUser;
  text?: string;
  caption?: string;
  entities?: TgEntity[];
  caption_entities?: TgEntity[];
  reply_to_message?: TgMessage;
  new_chat_members?: TgUser[];
}

/** What an update means for Hearth. */
export type ParsedUpdate =
  | {
      kind: 'message';
      message: InboundMessage;
      /** A button press to acknowledge (answerCallbackQuery). */
      callbackQueryId?: string;
      /** `/start PAYLOAD` in a private chat: someone opened a t.me/<bot>?start=PAYLOAD link (an invite, or our own). */
      startPayload?: string;
    }
  | { kind: 'join'; joins: JoinEvent[] }
  | { kind: 'ignored'; reason: string };

/** What the parser needs to know about this bot. */
export interface ParseContext {
  channel: string;
  botId: string;
  botUsername: string;
}

/** A user's display name: first and last name. */
export function displayName(u: TgUser): string {
  return [u.first_name, u.last_name].filter((s) => s && s.trim() !== '').join(' ') || u.username || String(u.id);
}

function person(u: TgUser): { id: string; name: string; username?: string } {
  return { id: String(u.id), name: displayName(u), ...(u.username ? { username: u.username } : {}) };
}

function chatTypeOf(type: string): ChatType | undefined {
  if (type === 'private') return 'private';
  if (type === 'group' || type === 'supergroup') return 'group';
  return undefined; // 'channel': nobody speaks there as a member
}

/** The neutral id of a Telegram message. */
export function messageKey(chatId: number | string, messageId: number): string {
  return `${chatId}:${messageId}`;
}

/** Split a neutral message id back into chat and Telegram message id. */
export function parseMessageKey(key: string): { chat: string; messageId: number } | undefined {
  const m = /^(-?\d+):(\d+)$/.exec(key);
  return m ? { chat: m[1]!, messageId: Number(m[2]) } : undefined;
}

/** Mentions in a text that carry an id: text mentions, and the bot's own `@username`; other usernames stay text. */
function mentionsOf(text: string, entities: TgEntity[] | undefined, ctx: ParseContext, people: { id: string; name: string; username?: string }[]): string[] {
  const out: string[] = [];
  for (const e of entities ?? []) {
    if (e.type === 'text_mention' && e.user) {
      out.push(String(e.user.id));
      people.push(person(e.user));
    } else if (e.type === 'mention') {
      const username = text.slice(e.offset + 1, e.offset + e.length);
      if (username.toLowerCase() === ctx.botUsername.toLowerCase()) out.push(ctx.botId);
    }
  }
  return [...new Set(out)];
}

/** The thread a message belongs to, only for forum topics: replies elsewhere also carry a thread id, which must not be echoed back. */
function topicOf(m: TgMessage): string | undefined {
  return m.is_topic_message && m.message_thread_id !== undefined ? String(m.message_thread_id) : undefined;
}

function parseMessage(m: TgMessage, ctx: ParseContext): ParsedUpdate {
  const chatType = chatTypeOf(m.chat.type);
  if (!chatType) return { kind: 'ignored', reason: `chat type ${m.chat.type}` };
  if (!m.from) return { kind: 'ignored', reason: 'message without a sender (anonymous admin or channel)' };
  const chat = String(m.chat.id);
  const at = new Date((m.date ?? 0) * 1000);
  if (m.new_chat_members) {
    const joins = m.new_chat_members
      .filter((u) => !u.is_bot)
      .map((u): JoinEvent => ({ id: `join:${chat}:${m.message_id ?? m.date ?? 0}:${u.id}`, channel: ctx.channel, chat, from: person(u), at }));
    if (joins.length === 0) return { kind: 'ignored', reason: 'only bots joined' };
    return { kind: 'join', joins };
  }
  const text = m.text ?? m.caption;
  if (text === undefined || m.message_id === undefined) return { kind: 'ignored', reason: 'no text or caption (sticker, service message…)' };
  const people: { id: string; name: string; username?: string }[] = [];
  const mentions = mentionsOf(text, m.text !== undefined ? m.entities : m.caption_entities, ctx, people);
  const thread = topicOf(m);
  const reply = m.reply_to_message;
  // In a forum topic every message "replies" to the topic's opening message; that is not a reply to anyone.
  const isTopicRoot = reply !== undefined && thread !== undefined && reply.message_id === m.message_thread_id;
  const replyTo = reply?.message_id !== undefined && !isTopicRoot ? messageKey(chat, reply.message_id) : undefined;
  // Replying to the bot's own message addresses the bot, as a mention does.
  if (replyTo && reply?.from && String(reply.from.id) === ctx.botId && !mentions.includes(ctx.botId)) mentions.push(ctx.botId);
  const message: InboundMessage = {
    id: messageKey(chat, m.message_id),
    channel: ctx.channel,
    chat,
    chatType,
    from: { ...person(m.from), isBot: m.from.is_bot === true, lang: m.from.language_code },
    text,
    at,
    ...(replyTo ? { replyTo } : {}),
    ...(mentions.length > 0 ? { mentions } : {}),
    ...(thread ? { thread } : {}),
    ...(people.length > 0 ? { people } : {}),
  };
  const start = chatType === 'private' ? /^\/start(?:@\w+)?\s+(\S{1,64})\s*$/.exec(text) : null;
  return { kind: 'message', message, ...(start ? { startPayload: start[1]! } : {}) };
}

interface TgCallbackQuery {
  id: string;
  from: TgUser;
  data?: string;
  message?: TgMessage;
}

function parseCallback(q: TgCallbackQuery, ctx: ParseContext, now: Date): ParsedUpdate {
  if (q.data === undefined) return { kind: 'ignored', reason: 'callback without data (game)' };
  const m = q.message;
  if (!m) return { kind: 'ignored', reason: 'callback from an inline message' };
  const chatType = chatTypeOf(m.chat.type);
  if (!chatType) return { kind: 'ignored', reason: `callback in a ${m.chat.type}` };
  const chat = String(m.chat.id);
  const thread = topicOf(m);
  const message: InboundMessage = {
    id: `cb:${q.id}`,
    channel: ctx.channel,
    chat,
    chatType,
    from: { ...person(q.from), isBot: q.from.is_bot === true, lang: q.from.language_code },
    text: '',
    action: q.data,
    at: now, // a button press carries no date of its own
    ...(m.message_id !== undefined ? { replyTo: messageKey(chat, m.message_id) } : {}),
    ...(thread ? { thread } : {}),
  };
  return { kind: 'message', message, callbackQueryId: q.id };
}

/** Convert one update received at `now`. Edits, channel posts and every other kind are ignored on purpose (see the reasons). */
export function parseUpdate(update: unknown, ctx: ParseContext, now: Date): ParsedUpdate {
  if (typeof update !== 'object' || update === null) return { kind: 'ignored', reason: 'not an update' };
  const u = update as Record<string, unknown>;
  if (u.message) return parseMessage(u.message as TgMessage, ctx);
  if (u.callback_query) return parseCallback(u.callback_query as TgCallbackQuery, ctx, now);
  // An edit must not check in twice or re-submit a post; the original message was already handled.
  if (u.edited_message) return { kind: 'ignored', reason: 'edited message (the original was handled)' };
  // Channels broadcast; there are no members talking to the bot there.
  if (u.channel_post || u.edited_channel_post) return { kind: 'ignored', reason: 'channel post' };
  return { kind: 'ignored', reason: `update kind ${Object.keys(u).filter((k) => k !== 'update_id').join(',') || 'empty'}` };
}
