// Members and their platform identities: find-or-create by (channel, platform id), language, role, profile.
import { createHmac } from 'node:crypto';
import { installSecret, peekInstallSecret } from './secrets';
import { and, eq, sql } from 'drizzle-orm';
import { statement, type Db } from './db';
import { identities, members, chatMembers } from './schema';
import type { Lang, Role, ChatType } from '../bot/core/types';
import type { Member } from '../bot/core/skill';

/** A member row, as the rest of Hearth sees members (the core type). */
export type MemberRow = Member;

/** What a channel knows about the person behind a message. */
export interface IdentitySeen {
  channel: string;
  platformId: string;
  name?: string;
  username?: string;
  at: Date;
}

const memberColumns = `id, name, lang, lang_fixed AS langFixed, script, birthday, role, created_at AS createdAt, last_active_at AS lastActiveAt,
  erased_at AS erasedAt, already_paid AS alreadyPaid`;
type RawMember = Omit<MemberRow, 'langFixed' | 'alreadyPaid'> & { langFixed: number; alreadyPaid: string | null };
const toMember = (raw: RawMember): MemberRow => ({
  ...raw,
  langFixed: raw.langFixed === 1,
  alreadyPaid: raw.alreadyPaid === null ? null : (JSON.parse(raw.alreadyPaid) as string[]),
});

/**
 * Find the member behind a platform identity, creating both on first sight; refreshes the name and activity time.
 * Every inbound message and imported order comes through here, so it runs on statements prepared once.
 */
export function ensureMember(db: Db, seen: IdentitySeen): MemberRow {
  const at = seen.at.getTime();
  const memberId = statement<[string, string], number>(db, 'SELECT member_id FROM identities WHERE channel = ? AND platform_id = ?')
    .pluck()
    .get(seen.channel, seen.platformId);
  if (memberId !== undefined) {
    const updated = statement<[number, string | null, number], RawMember>(
      db,
      `UPDATE members SET last_active_at = max(last_active_at, ?), name = coalesce(?, name) WHERE id = ? RETURNING ${memberColumns}`,
    ).get(at, seen.name || null, memberId)!;
    if (seen.username) {
      statement<[string, string, string]>(db, 'UPDATE identities SET username = ? WHERE channel = ? AND platform_id = ?').run(
        seen.username,
        seen.channel,
        seen.platformId,
      );
    }
    return toMember(updated);
  }
  // A person who had their data erased comes back as a new member, who is not paid the one-time rewards twice.
  const paid = erasedPaidOf(db, seen.channel, seen.platformId);
  const member = statement<[string, number, number, string | null], RawMember>(
    db,
    `INSERT INTO members (name, created_at, last_active_at, already_paid) VALUES (?, ?, ?, ?) RETURNING ${memberColumns}`,
  ).get(seen.name ?? seen.platformId, at, at, paid && paid.length > 0 ? JSON.stringify(paid) : null)!;
  statement<[string, string, number, string | null]>(db, 'INSERT INTO identities (channel, platform_id, member_id, username) VALUES (?, ?, ?, ?)').run(
    seen.channel,
    seen.platformId,
    member.id,
    seen.username ?? null,
  );
  return toMember(member);
}

/** The `meta` key of the per-install salt that erased identities are hashed with. */
export const ERASE_SALT_KEY = 'erase_salt';

/** The install's erase salt, if one was made (by the first erase). */
export function eraseSalt(db: Db): string | undefined {
  return peekInstallSecret(db, ERASE_SALT_KEY);
}

/** The install's erase salt, made (32 random bytes) on first use. */
export function ensureEraseSalt(db: Db): string {
  return installSecret(db, ERASE_SALT_KEY);
}

/** The salted hash an erased identity is remembered by: HMAC-SHA256 of `channel:platformId`, hex. */
export function erasedIdentityHash(salt: string, channel: string, platformId: string): string {
  return createHmac('sha256', salt).update(`${channel}:${platformId}`).digest('hex');
}

/** The one-time rewards an erased person with this identity had received; undefined when it was never erased. */
export function erasedPaidOf(db: Db, channel: string, platformId: string): string[] | undefined {
  const salt = eraseSalt(db);
  if (salt === undefined) return undefined;
  const paid = statement<[string], string>(db, 'SELECT paid FROM erased_identities WHERE hash = ?').pluck().get(erasedIdentityHash(salt, channel, platformId));
  return paid === undefined ? undefined : (JSON.parse(paid) as string[]);
}

/** The one-time rewards a member (a returning erased person) already had before, e.g. "tier-gift:gold". */
export function alreadyPaidOf(db: Db, memberId: number): string[] {
  const paid = statement<[number], string | null>(db, 'SELECT already_paid FROM members WHERE id = ?').pluck().get(memberId);
  return paid ? (JSON.parse(paid) as string[]) : [];
}

/** The member known by a platform id on a channel, if any. */
export function findMemberByPlatformId(db: Db, channel: string, platformId: string): MemberRow | undefined {
  return db
    .select({ m: members })
    .from(identities)
    .innerJoin(members, eq(members.id, identities.memberId))
    .where(and(eq(identities.channel, channel), eq(identities.platformId, platformId)))
    .get()?.m;
}

/** Note that a member used an @handle now (refreshed at most hourly: every message of theirs passes here). */
export function noteHandle(db: Db, channel: string, handle: string, memberId: number, at: Date): void {
  statement<[string, string, number, number, number]>(
    db,
    `INSERT INTO handles (channel, handle, member_id, last_seen_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (channel, handle, member_id) DO UPDATE SET last_seen_at = excluded.last_seen_at WHERE last_seen_at < ?`,
  ).run(channel, handle.toLowerCase(), memberId, at.getTime(), at.getTime() - 3_600_000);
}

/** The members seen using an @handle on a channel since `since` (at most two: more than one is already ambiguous). */
export function membersByHandle(db: Db, channel: string, handle: string, since: Date): number[] {
  return statement<[string, string, number], number>(
    db,
    'SELECT member_id FROM handles WHERE channel = ? AND handle = ? AND last_seen_at >= ? ORDER BY last_seen_at DESC LIMIT 2',
  )
    .pluck()
    .all(channel, handle.replace(/^@/, '').toLowerCase(), since.getTime());
}

/** A member by id. */
export function getMember(db: Db, memberId: number): MemberRow | undefined {
  return db.select().from(members).where(eq(members.id, memberId)).get();
}

/** The identities of a member, first-seen first. */
export function identitiesOf(db: Db, memberId: number): (typeof identities.$inferSelect)[] {
  return db.select().from(identities).where(eq(identities.memberId, memberId)).all();
}

/** Remember the member's language as detected from a message, unless they fixed it in their profile. */
export function rememberLanguage(db: Db, memberId: number, lang: Lang): void {
  db.update(members)
    .set({ lang })
    .where(and(eq(members.id, memberId), eq(members.langFixed, false)))
    .run();
}

/** Set profile fields (birthday YYYY-MM-DD, a fixed language). */
export function updateProfile(db: Db, memberId: number, profile: { birthday?: string; lang?: Lang; name?: string }): void {
  const set: Partial<MemberRow> = {};
  if (profile.birthday !== undefined) set.birthday = profile.birthday;
  if (profile.lang !== undefined) Object.assign(set, { lang: profile.lang, langFixed: true });
  if (profile.name !== undefined) set.name = profile.name;
  if (Object.keys(set).length > 0) db.update(members).set(set).where(eq(members.id, memberId)).run();
}

/** Set a member's role (manager or staff, or back to member). */
export function setRole(db: Db, memberId: number, role: Role): void {
  db.update(members).set({ role }).where(eq(members.id, memberId)).run();
}

/** Record whether the bot may write to this identity privately (they opened a private chat, or Telegram said no). */
export function markCanMessagePrivately(db: Db, channel: string, platformId: string, can = true): void {
  // Runs for every private message: a no-op (no page written) when nothing changes.
  statement<[number, string, string, number]>(db, 'UPDATE identities SET can_message_privately = ? WHERE channel = ? AND platform_id = ? AND can_message_privately <> ?').run(
    can ? 1 : 0,
    channel,
    platformId,
    can ? 1 : 0,
  );
}

/** The group a member was last seen in, on any of `channels`, with their id there. */
export function latestGroupOf(db: Db, memberId: number, channels: readonly string[]): { channel: string; chat: string; platformId: string } | undefined {
  return statement<[number, string], { channel: string; chat: string; platformId: string }>(
    db,
    `SELECT cm.channel, cm.chat_id AS chat, i.platform_id AS platformId FROM chat_members cm
     JOIN identities i ON i.member_id = cm.member_id AND i.channel = cm.channel
     WHERE cm.member_id = ? AND cm.channel IN (SELECT value FROM json_each(?)) ORDER BY cm.last_seen_at DESC LIMIT 1`,
  ).get(memberId, JSON.stringify(channels));
}

/** Record that a chat exists and whether it is a group (so nothing secret is ever addressed to it as if private). */
export function noteChatType(db: Db, channel: string, chatId: string, type: ChatType, at: Date): void {
  statement<[string, string, string, number]>(db, 'INSERT INTO chats (channel, chat_id, type, first_seen_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(channel, chatId, type, at.getTime());
}

/** Record the chat and, for groups, that the member was seen in it. Returns true the first time the member is seen there. */
export function noteChat(db: Db, channel: string, chatId: string, type: ChatType, memberId: number, at: Date): boolean {
  const ms = at.getTime();
  noteChatType(db, channel, chatId, type, at);
  if (type !== 'group') return false;
  const first = statement<[string, string, number, number, number], number>(
    db,
    `INSERT INTO chat_members (channel, chat_id, member_id, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (channel, chat_id, member_id) DO UPDATE SET last_seen_at = excluded.last_seen_at RETURNING first_seen_at`,
  )
    .pluck()
    .get(channel, chatId, memberId, ms, ms);
  return first === ms;
}

/** The group the member was last seen in on a channel (for group fallbacks when a private message is impossible). */
export function lastGroupOf(db: Db, channel: string, memberId: number): string | undefined {
  return db
    .select({ chatId: chatMembers.chatId })
    .from(chatMembers)
    .where(and(eq(chatMembers.channel, channel), eq(chatMembers.memberId, memberId)))
    .orderBy(sql`${chatMembers.lastSeenAt} desc`)
    .get()?.chatId;
}

/** Just the member id behind a platform id on a channel: the cheap lookup bulk paths use. */
export function memberIdByPlatformId(db: Db, platformId: string, channel: string): number | undefined {
  return statement<[string, string], number>(db, 'SELECT member_id FROM identities WHERE channel = ? AND platform_id = ?').pluck().get(channel, platformId);
}

/** True when the chat is known as a group on that channel (secrets must never be sent there). */
export function isGroupChat(db: Db, channel: string, chatId: string): boolean {
  return statement<[string, string], number>(db, "SELECT 1 FROM chats WHERE channel = ? AND chat_id = ? AND type = 'group'").pluck().get(channel, chatId) !== undefined;
}

/** True when the member was seen in this group (a group's admin moderates only its own members). */
export function seenInChat(db: Db, channel: string, chatId: string, memberId: number): boolean {
  return statement<[string, string, number], number>(db, 'SELECT 1 FROM chat_members WHERE channel = ? AND chat_id = ? AND member_id = ?').pluck().get(channel, chatId, memberId) !== undefined;
}

/** Whether the bot may write privately to this identity (undefined when the identity is not known). */
export function canMessagePrivatelyTo(db: Db, channel: string, platformId: string): boolean | undefined {
  const v = statement<[string, string], number>(db, 'SELECT can_message_privately FROM identities WHERE channel = ? AND platform_id = ?').pluck().get(channel, platformId);
  return v === undefined ? undefined : v === 1;
}

/** What setting a birthday in chat did: set now, the same date already, or another date already (a change needs staff). */
export type BirthdaySet = { kind: 'set' } | { kind: 'same'; birthday: string } | { kind: 'locked'; birthday: string };

/** Set the member's birthday (YYYY-MM-DD; 0000 when no year was given) only when none is set, in one statement. */
export function setBirthdayOnce(db: Db, memberId: number, birthday: string): BirthdaySet {
  const set = statement<[string, number]>(db, 'UPDATE members SET birthday = ? WHERE id = ? AND birthday IS NULL').run(birthday, memberId);
  if (set.changes === 1) return { kind: 'set' };
  const current = statement<[number], string | null>(db, 'SELECT birthday FROM members WHERE id = ?').pluck().get(memberId) ?? '';
  // The same month and day again is no change (a year added to a yearless birthday is not worth a refusal either).
  const year = (d: string) => d.slice(0, 4);
  if (current.slice(5) === birthday.slice(5) && (year(current) === '0000' || year(birthday) === '0000' || year(current) === year(birthday))) return { kind: 'same', birthday: current };
  return { kind: 'locked', birthday: current };
}

/** The Chinese script a member writes, as last seen ('hant' gets Traditional replies); undefined when never seen. */
export function scriptOf(db: Db, memberId: number): 'hans' | 'hant' | undefined {
  return statement<[number], 'hans' | 'hant' | null>(db, 'SELECT script FROM members WHERE id = ?').pluck().get(memberId) ?? undefined;
}

/** Remember the script of the member's Chinese (only when it changes: every Chinese message passes here). */
export function rememberScript(db: Db, memberId: number, script: 'hans' | 'hant'): void {
  statement<[string, number, string]>(db, 'UPDATE members SET script = ? WHERE id = ? AND script IS NOT ?').run(script, memberId, script);
}
