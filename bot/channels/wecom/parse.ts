// Converts the WeCom intelligent robot's message JSON into Hearth's neutral messages: the body of a long-connection frame
// (aibot_msg_callback / aibot_event_callback, as @wecom/aibot-node-sdk hands it over) or the decrypted plaintext of a URL
// callback — the same JSON (developer.work.weixin.qq.com/document/path/100719). Pure: no SDK import, no clock read.
import type { ChatType, InboundMessage } from '../../core/types';

/** The fields of a message Hearth reads (node_modules/@wecom/aibot-node-sdk/dist/types/message.d.ts, event.d.ts). */
export interface WecomBody {
  msgid?: string;
  aibotid?: string;
  chatid?: string;
  chattype?: string;
  from?: { userid?: string };
  create_time?: number;
  /** Where a URL callback's message may be answered later, once, within an hour (document/path/101138). */
  response_url?: string;
  msgtype?: string;
  text?: { content?: string };
  voice?: { content?: string };
  mixed?: { msg_item?: { msgtype?: string; text?: { content?: string } }[] };
  quote?: unknown;
  event?: { eventtype?: string; event_key?: string; task_id?: string };
}

/** A long-connection frame: the message as its body, and the req_id its answer goes to. */
export interface WecomFrame {
  cmd?: string;
  headers: { req_id: string };
  body?: WecomBody;
}

/** A card button whose press means "open a private chat with me": WeCom has no link for that, so a press does nothing. */
export const PRIVATE_CHAT_KEY = 'hearth:private';

/** What a frame means for Hearth. `welcome`: the answer may go as the robot's welcome reply (enter_chat). */
export type ParsedFrame =
  | { kind: 'message'; message: InboundMessage; welcome?: boolean }
  | { kind: 'ignored'; reason: string };

/** What the parser needs to know about this robot. */
export interface WecomParseContext {
  channel: string;
  botId: string;
}

/**
 * In a group the robot hears only messages that @-mention it, and the text then opens with "@RobotName" (clients put
 * a space or U+2005 after it). The name is not in the frame, so the first @word is taken off.
 */
export function stripLeadingMention(text: string): string {
  return text.replace(/^\s*@\S+[\s\u2005]*/u, '').trim();
}

function textOf(body: WecomBody): string | undefined {
  if (body.msgtype === 'text') return body.text?.content;
  // Voice arrives already transcribed (types/message.d.ts VoiceContent.content).
  if (body.msgtype === 'voice') return body.voice?.content;
  if (body.msgtype === 'mixed') {
    const parts = (body.mixed?.msg_item ?? []).filter((i) => i.msgtype === 'text' && i.text?.content).map((i) => i.text!.content!);
    return parts.length > 0 ? parts.join('\n') : undefined;
  }
  return undefined;
}

function atOf(body: WecomBody, now: Date): Date {
  // create_time is documented as a timestamp without a unit; seconds in every sample seen, milliseconds tolerated.
  const t = body.create_time;
  if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0) return now;
  return new Date(t > 1e12 ? t : t * 1000);
}

/** Where a frame was said: a group's chatid, or for a single chat the member's userid. */
function chatOf(body: WecomBody, userid: string): { chat: string; chatType: ChatType } | undefined {
  if (body.chattype === 'group') return body.chatid ? { chat: body.chatid, chatType: 'group' } : undefined;
  return { chat: userid, chatType: 'private' };
}

/** Convert one long-connection frame received at `now`: its body, answered through its req_id. */
export function parseFrame(frame: WecomFrame, ctx: WecomParseContext, now: Date): ParsedFrame {
  return parseBody(frame.body, ctx, now, { replyHandle: frame.headers.req_id, fallbackId: frame.headers.req_id });
}

/**
 * Convert one message received at `now`, however it came. `replyHandle` is what the channel answers it through (none:
 * the channel adds its own); `fallbackId` stands in for a missing msgid. Images, files, videos and feedback events are
 * ignored on purpose (see reasons).
 */
export function parseBody(body: WecomBody | undefined, ctx: WecomParseContext, now: Date, handle: { replyHandle?: string; fallbackId?: string } = {}): ParsedFrame {
  if (!body || !body.msgtype) return { kind: 'ignored', reason: 'frame without a body' };
  const userid = body.from?.userid;
  if (!userid) return { kind: 'ignored', reason: 'frame without a sender' };
  const where = chatOf(body, userid);
  if (!where) return { kind: 'ignored', reason: 'group frame without a chatid' };
  const msgid = body.msgid ?? handle.fallbackId;
  if (!msgid) return { kind: 'ignored', reason: 'message without a msgid' };
  // The frame carries a userid and nothing else about the person: no name, so the one a member chose (/name) stays, and a
  // new member is called by their userid until then.
  const from = { id: userid };
  const base = { channel: ctx.channel, chat: where.chat, chatType: where.chatType, from, at: atOf(body, now), ...(handle.replyHandle ? { replyHandle: handle.replyHandle } : {}) };

  if (body.msgtype === 'event') {
    const event = body.event?.eventtype;
    if (event === 'enter_chat') {
      // The member opened the robot's single chat (the first time that day): WeCom's counterpart of Telegram's Start.
      return { kind: 'message', welcome: true, message: { ...base, id: `enter:${msgid}`, chat: userid, chatType: 'private', text: '/start' } };
    }
    if (event === 'template_card_event') {
      const key = body.event?.event_key;
      if (!key) return { kind: 'ignored', reason: 'card event without a key' };
      if (key === PRIVATE_CHAT_KEY) return { kind: 'ignored', reason: 'the private-chat button (WeCom has no link to open one)' };
      return { kind: 'message', message: { ...base, id: `card:${msgid}`, text: '', action: key } };
    }
    return { kind: 'ignored', reason: `event ${event ?? 'without a type'}` };
  }

  const raw = textOf(body);
  if (raw === undefined) return { kind: 'ignored', reason: `message type ${body.msgtype} (no text)` };
  const group = where.chatType === 'group';
  const text = group ? stripLeadingMention(raw) : raw.trim();
  const message: InboundMessage = {
    ...base,
    id: msgid,
    text,
    // The robot hears a group only when @-mentioned, so every group message is addressed to it.
    ...(group ? { mentions: [ctx.botId] } : {}),
  };
  return { kind: 'message', message };
}
