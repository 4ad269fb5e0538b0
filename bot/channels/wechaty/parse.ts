// Converts what wechaty tells about a WeChat message or a room join into Hearth's neutral shapes. Pure: no SDK import,
// no clock read — index.ts reads the wechaty objects into these plain facts first, so the rules here are testable alone.
import type { InboundMessage, JoinEvent } from '../../core/types';

/** A WeChat text message as read from wechaty's Message (node_modules/wechaty/dist/esm/src/user-modules/message.d.ts). */
export interface WechatyMessageFacts {
  id: string;
  text: string;
  /** Message.date(): when WeChat says it was sent. */
  at: Date;
  talker: { id: string; name: string };
  /** The talker's alias in the room (Room.alias(contact)), preferred to their WeChat name where set. */
  talkerRoomAlias?: string;
  /** The room it was said in; none for a private chat. */
  room?: { id: string };
  /** Message.mentionSelf(): the bot itself was @-mentioned. */
  mentionsSelf: boolean;
  /** Message.mentionList() without the bot: members the message @-mentions, with the name shown (room alias first). */
  mentioned: { id: string; name: string }[];
  /** The bot's own name and room alias: the leading "@Name" taken off a message addressed to it. */
  selfNames: string[];
}

/** What parsing a message gives: a neutral message, or why it is not one. */
export type ParsedWechatyMessage = { kind: 'message'; message: InboundMessage } | { kind: 'ignored'; reason: string };

/** WeChat puts U+2005 (four-per-em space) after an @mention; some clients a plain space. */
const AT_END = '[\\u2005\\u0020]';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Take the leading "@Bot" off a message addressed to the bot. The bot's names are known here (unlike on WeCom), so only
 * an @ of one of them is removed: "@某人 签到" keeps its "@某人".
 */
export function stripLeadingSelfMention(text: string, selfNames: string[]): string {
  let out = text.trim();
  for (const name of selfNames.filter((n) => n !== '').sort((a, b) => b.length - a.length)) {
    const re = new RegExp(`^@${escapeRegExp(name)}(?:${AT_END}+|$)`, 'u');
    if (re.test(out)) {
      out = out.replace(re, '').trim();
      break;
    }
  }
  return out;
}

/**
 * One message as Hearth sees it. `botId` goes into `mentions` when the bot was @-mentioned, which is how the engine
 * knows a group message is addressed to it; the other @-mentions go there too, and into `people` with their names,
 * so "颁发勋章 @某人 热心助人" finds 某人 by id. Their "@Name" stays in the text (the skills drop "@" words).
 */
export function parseWechatyMessage(facts: WechatyMessageFacts, ctx: { channel: string; botId: string }): ParsedWechatyMessage {
  if (facts.talker.id === ctx.botId) return { kind: 'ignored', reason: 'the bot’s own message' };
  const group = facts.room !== undefined;
  const stripped = stripLeadingSelfMention(facts.text, facts.selfNames);
  // Some puppets give no mention list for a typed "@Bot" (web protocol): a leading @ of the bot's name counts too.
  const toSelf = facts.mentionsSelf || (group && stripped !== facts.text.trim());
  const text = toSelf ? stripped : facts.text.trim();
  const others = facts.mentioned.filter((m) => m.id !== ctx.botId && m.id !== facts.talker.id);
  const mentions = [...(toSelf ? [ctx.botId] : []), ...others.map((m) => m.id)];
  const name = (group ? facts.talkerRoomAlias : undefined) || facts.talker.name || facts.talker.id;
  const message: InboundMessage = {
    id: facts.id,
    channel: ctx.channel,
    chat: group ? facts.room!.id : facts.talker.id,
    chatType: group ? 'group' : 'private',
    from: { id: facts.talker.id, name },
    text,
    at: facts.at,
    ...(mentions.length > 0 ? { mentions } : {}),
    ...(others.length > 0 ? { people: others.map((m) => ({ id: m.id, name: m.name })) } : {}),
  };
  return { kind: 'message', message };
}

/** A room join as Hearth sees it: one event per invitee, its id derived from room, member and time (WeChat gives none). */
export function parseWechatyJoin(join: { roomId: string; invitees: { id: string; name: string }[]; at: Date }, ctx: { channel: string; botId: string }): JoinEvent[] {
  return join.invitees
    .filter((c) => c.id !== ctx.botId)
    .map((c) => ({ id: `join:${join.roomId}:${c.id}:${join.at.getTime()}`, channel: ctx.channel, chat: join.roomId, from: { id: c.id, name: c.name || c.id }, at: join.at }));
}
