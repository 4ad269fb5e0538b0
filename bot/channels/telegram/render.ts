// Turns an outbox row into Telegram sendMessage payloads: HTML-escaped text (a member's name cannot break the
// markup), a text mention, reply and forum-topic threading, an inline keyboard, and texts split at Telegram's limit.
import type { Button } from '../../core/types';
import { splitText } from '../../core/text';

export { splitText };

/** Telegram's limit on a message's text, in UTF-16 code units after entity parsing. */
export const MAX_TEXT = 4096;
/** Telegram's limit on a button's callback data, in bytes. */
export const MAX_CALLBACK_BYTES = 64;

/** One sendMessage call's parameters (the subset Hearth uses). */
export interface SendPayload {
  chat_id: number | string;
  text: string;
  parse_mode?: 'HTML';
  message_thread_id?: number;
  reply_parameters?: { message_id: number; allow_sending_without_reply: true };
  reply_markup?: { inline_keyboard: ({ text: string; callback_data: string } | { text: string; url: string })[][] };
  link_preview_options: { is_disabled: true };
}

/** Escape text for parse_mode HTML; quotes too, because names also end up inside attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Bytes of a string in UTF-8 (callback data is limited in bytes, not characters). */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** An inline keyboard: two buttons a row (three when the labels are short). Buttons Telegram would refuse are left out and reported. */
export function inlineKeyboard(buttons: Button[], onDropped: (button: Button, why: string) => void): SendPayload['reply_markup'] {
  const valid: ({ text: string; callback_data: string } | { text: string; url: string })[] = [];
  for (const b of buttons) {
    if (b.url) {
      if (!/^(https?|tg):\/\//.test(b.url)) onDropped(b, 'url must be http(s):// or tg://');
      else valid.push({ text: b.label, url: b.url });
    } else if (b.data !== undefined) {
      const bytes = utf8Length(b.data);
      if (bytes === 0 || bytes > MAX_CALLBACK_BYTES) onDropped(b, `callback data must be 1-${MAX_CALLBACK_BYTES} bytes, got ${bytes}`);
      else valid.push({ text: b.label, callback_data: b.data });
    } else onDropped(b, 'a button needs data or a url');
  }
  if (valid.length === 0) return undefined;
  const perRow = valid.every((b) => b.text.length <= 8) ? 3 : 2;
  const rows: (typeof valid)[] = [];
  for (let i = 0; i < valid.length; i += perRow) rows.push(valid.slice(i, i + perRow));
  return { inline_keyboard: rows };
}

/** A mention of a user by id that works without a username (a "text mention"). */
export function textMention(userId: string, name: string): string {
  return `<a href="tg://user?id=${escapeHtml(userId)}">${escapeHtml(name)}</a>`;
}

/** What a row becomes on Telegram, before the sender picks where it really goes. */
export interface RenderInput {
  chatId: string;
  text: string;
  /** Telegram message id (within this chat) to reply to. */
  replyToMessageId?: number;
  thread?: number;
  buttons?: Button[] | null;
  /** Members to mention by id, at the start of the first piece (each name once). */
  mentions?: { platformId: string; name: string }[];
}

/**
 * The sendMessage payloads for one message: the mention opens the first piece, the reply threads the first piece,
 * the keyboard hangs under the last piece.
 */
export function renderMessage(input: RenderInput, onDropped: (button: Button, why: string) => void = () => {}): SendPayload[] {
  // The mentions take room in the first piece; reserve it so the rendered text stays under the limit.
  const mentions = (input.mentions ?? []).map((m) => textMention(m.platformId, m.name)).join(' ');
  const mentionRoom = (input.mentions ?? []).reduce((n, m) => n + m.name.length + 1, 0);
  const pieces = splitText(input.text, MAX_TEXT - mentionRoom);
  const keyboard = input.buttons && input.buttons.length > 0 ? inlineKeyboard(input.buttons, onDropped) : undefined;
  return pieces.map((piece, i) => {
    const body = escapeHtml(piece);
    const payload: SendPayload = {
      chat_id: /^-?\d+$/.test(input.chatId) ? Number(input.chatId) : input.chatId,
      text: i === 0 && mentions ? `${mentions} ${body}` : body,
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    };
    if (input.thread !== undefined) payload.message_thread_id = input.thread;
    if (i === 0 && input.replyToMessageId !== undefined) {
      payload.reply_parameters = { message_id: input.replyToMessageId, allow_sending_without_reply: true };
    }
    if (i === pieces.length - 1 && keyboard) payload.reply_markup = keyboard;
    return payload;
  });
}
