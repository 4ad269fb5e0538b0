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
  /**
   * For a quoted reply (see parseQuote): who may have written the quoted message — the contact refermsg names by id,
   * else the room members (privately: the talker or the bot) whose shown name is the quote's. More than one: ambiguous.
   * Absent: refermsg's id alone, if it gives one.
   */
  quoteAuthors?: { id: string; name: string }[];
}

/** A quoted reply (引用) as the puppet gave it: what the person typed under the quote, and who the quote names. */
export interface WechatyQuote {
  /** 'text': the puppet rewrote it as text (wechat4u, padlocal); 'xml': WeChat's appmsg type 57 passed on (puppet-xp). */
  form: 'text' | 'xml';
  /** What the person typed: the message Hearth acts on. */
  reply: string;
  /**
   * The names the quoted message's author may go by (refermsg displayname). In the text form "「Name：words」" a "："
   * inside the name cannot be told from the one after it, so every split is a candidate (at most a few).
   */
  names: string[];
  /** The quoted message's author (refermsg chatusr or fromusr, whichever is a person), in the XML form only. */
  authorId?: string;
  /** WeChat's id of the quoted message (refermsg svrid), in the XML form only. */
  messageId?: string;
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
 * The line wechaty-puppet-wechat4u and wechaty-puppet-padlocal put between the quote and the reply
 * (message-parser-refermsg: `「${displayname}：${content}」\n- - - - - - - - - - - - - - -\n${title}`). Matched exactly,
 * so a 「」 a person types is never taken for a quote.
 */
const QUOTE_RULE = '- - - - - - - - - - - - - - -';
const TEXT_QUOTE = new RegExp(`^「([\\s\\S]+?)」\n${QUOTE_RULE}\n([\\s\\S]*)$`, 'u');
/** WeChat display names are short: a head longer than this before a "：" is the quoted words, not a name. */
const MAX_NAME = 40;
const MAX_NAME_CANDIDATES = 4;

function unescapeXml(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The text of the first `<tag>` in `xml` (CDATA or escaped text; '' for `<tag />`), undefined when there is none. */
function xmlField(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}\\s*/>|<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`).exec(xml);
  if (!m) return undefined;
  const raw = m[1] ?? '';
  const cdata = /^\s*<!\[CDATA\[([\s\S]*?)\]\]>\s*$/.exec(raw);
  return (cdata ? cdata[1]! : unescapeXml(raw)).trim();
}

const isRoomId = (id: string) => /@(im\.)?chatroom$/.test(id);

function textQuote(text: string): WechatyQuote | undefined {
  const m = TEXT_QUOTE.exec(text);
  if (!m) return undefined;
  const inner = m[1]!;
  const names: string[] = [];
  for (let i = inner.indexOf('：'); i > 0 && i <= MAX_NAME && names.length < MAX_NAME_CANDIDATES; i = inner.indexOf('：', i + 1)) {
    const name = inner.slice(0, i).trim();
    if (name !== '') names.push(name);
  }
  // Without "Name：" it is not what a puppet writes.
  if (names.length === 0) return undefined;
  return { form: 'text', reply: m[2]!, names };
}

function xmlQuote(text: string): WechatyQuote | undefined {
  if (!/<appmsg[\s>]/.test(text)) return undefined;
  const refer = /<refermsg>([\s\S]*?)<\/refermsg>/.exec(text);
  if (!refer) return undefined;
  // refermsg has a <type> of its own (the quoted message's): the appmsg's is looked for without it.
  const outer = text.replace(refer[0], '');
  if (xmlField(outer, 'type') !== '57') return undefined;
  const r = refer[1]!;
  const displayName = xmlField(r, 'displayname') ?? '';
  // In a room fromusr is the room and chatusr the author; privately fromusr is the author (some hooks swap them).
  const authorId = [xmlField(r, 'chatusr'), xmlField(r, 'fromusr')].find((id): id is string => !!id && !isRoomId(id));
  const messageId = xmlField(r, 'svrid') || undefined;
  return {
    form: 'xml',
    reply: xmlField(outer, 'title') ?? '',
    names: displayName !== '' ? [displayName] : [],
    ...(authorId ? { authorId } : {}),
    ...(messageId ? { messageId } : {}),
  };
}

/**
 * Read a quoted reply, in either form a puppet gives it: the text wechat4u and padlocal write, or WeChat's appmsg XML
 * (type 57 with a <refermsg>) that puppet-xp passes on. Undefined for anything else, a 「」 typed by a person included.
 */
export function parseQuote(text: string): WechatyQuote | undefined {
  return textQuote(text) ?? xmlQuote(text);
}

/**
 * One message as Hearth sees it. `botId` goes into `mentions` when the bot was @-mentioned, which is how the engine
 * knows a group message is addressed to it; the other @-mentions go there too, and into `people` with their names,
 * so "颁发勋章 @某人 热心助人" finds 某人 by id. Their "@Name" stays in the text (the skills drop "@" words).
 * A quoted reply is what was typed under the quote, its `replyTo` the quoted message (refermsg's svrid, or a key of its
 * own that no message has), and its `replyToAuthor` the quoted author when exactly one person can be meant; quoting
 * the bot addresses the bot, as a Telegram reply does.
 */
export function parseWechatyMessage(facts: WechatyMessageFacts, ctx: { channel: string; botId: string }): ParsedWechatyMessage {
  if (facts.talker.id === ctx.botId) return { kind: 'ignored', reason: 'the bot’s own message' };
  const group = facts.room !== undefined;
  const quote = parseQuote(facts.text);
  const said = (quote ? quote.reply : facts.text).trim();
  // The puppet's mention list may come from the quoted words too (wechat4u reads "@Name" from the whole text): in a
  // quote only an @ typed under it counts.
  const typed = (name: string) => !quote || (name !== '' && said.includes(`@${name}`));
  const stripped = stripLeadingSelfMention(said, facts.selfNames);
  const puppetSaysSelf = facts.mentionsSelf && facts.selfNames.some(typed);
  // Some puppets give no mention list for a typed "@Bot" (web protocol): a leading @ of the bot's name counts too.
  const atSelf = puppetSaysSelf || (group && stripped !== said);
  const text = atSelf ? stripped : said;
  const others = facts.mentioned.filter((m) => m.id !== ctx.botId && m.id !== facts.talker.id && typed(m.name));
  let author: { id: string; name: string } | undefined;
  let quotedSelf = false;
  if (quote) {
    const candidates = facts.quoteAuthors ?? (quote.authorId ? [{ id: quote.authorId, name: quote.names[0] ?? quote.authorId }] : []);
    const distinct = [...new Map(candidates.map((c) => [c.id, c])).values()];
    // Never a guess: a name two people go by names nobody.
    if (distinct.length === 1) {
      if (distinct[0]!.id === ctx.botId) quotedSelf = true;
      else author = distinct[0];
    }
  }
  const toSelf = atSelf || quotedSelf;
  const mentions = [...(toSelf ? [ctx.botId] : []), ...others.map((m) => m.id)];
  const people = [...others, ...(author && author.id !== facts.talker.id && !others.some((m) => m.id === author.id) ? [author] : [])];
  const name = (group ? facts.talkerRoomAlias : undefined) || facts.talker.name || facts.talker.id;
  const message: InboundMessage = {
    id: facts.id,
    channel: ctx.channel,
    chat: group ? facts.room!.id : facts.talker.id,
    chatType: group ? 'group' : 'private',
    from: { id: facts.talker.id, name },
    text,
    at: facts.at,
    ...(quote ? { replyTo: quote.messageId ?? `quote:${facts.id}` } : {}),
    ...(author ? { replyToAuthor: author.id } : {}),
    ...(mentions.length > 0 ? { mentions } : {}),
    ...(people.length > 0 ? { people: people.map((m) => ({ id: m.id, name: m.name })) } : {}),
  };
  return { kind: 'message', message };
}

/** A room join as Hearth sees it: one event per invitee, its id derived from room, member and time (WeChat gives none). */
export function parseWechatyJoin(join: { roomId: string; invitees: { id: string; name: string }[]; at: Date }, ctx: { channel: string; botId: string }): JoinEvent[] {
  return join.invitees
    .filter((c) => c.id !== ctx.botId)
    .map((c) => ({ id: `join:${join.roomId}:${c.id}:${join.at.getTime()}`, channel: ctx.channel, chat: join.roomId, from: { id: c.id, name: c.name || c.id }, at: join.at }));
}
