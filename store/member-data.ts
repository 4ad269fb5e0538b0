// Members' data rights: everything Hearth stores about one person (an export, a summary), and erasing it — personal
// data removed, the ledger kept under the anonymous member id so program figures stay right, and a salted hash of each
// identity kept so a returning person is a new member who is not paid one-time rewards twice.
import { and, asc, eq, inArray } from 'drizzle-orm';
import { inTransaction, statement, type Db } from './db';
import {
  auditLog,
  chatMembers,
  checkins,
  conversations,
  handles,
  identities,
  inviteCodes,
  ledgerEntries,
  lotDraws,
  memberBadges,
  memberPoints,
  messageAuthors,
  nudgeMutes,
  modelConsent,
  modelUsage,
  nudgeSends,
  orders,
  pointLots,
  recentMessages,
  redemptions,
  referrals,
  staffDesks,
  ticketTransitions,
  tickets,
  ugcSubmissions,
} from './schema';
import { ensureEraseSalt, erasedIdentityHash, getMember, type MemberRow } from './members';
import { closeTicket } from './tickets';
import { audit } from './audit';
import { HearthError } from '../bot/core/errors';

type Row<T extends { $inferSelect: unknown }> = T['$inferSelect'];

/** A received message or join from the member, with its text (null once retention pruned it). */
export interface InboxItem {
  id: number;
  channel: string;
  messageId: string;
  chat: string;
  kind: string;
  receivedAt: number;
  doneAt: number | null;
  text: string | null;
}

/** A message the bot sent (or will send) to one of the member's private chats, or addressed to them in a group. */
export interface OutboxItem {
  id: number;
  channel: string;
  chat: string;
  text: string;
  kind: string;
  mention: string | null;
  createdAt: number;
  sentAt: number | null;
  failedAt: number | null;
}

/** Everything stored about one member, table by table. Times are epoch milliseconds, as stored. */
export interface MemberExport {
  member: MemberRow;
  points: Row<typeof memberPoints> | null;
  identities: Row<typeof identities>[];
  handles: Row<typeof handles>[];
  groups: Row<typeof chatMembers>[];
  ledger: Row<typeof ledgerEntries>[];
  lots: Row<typeof pointLots>[];
  lotDraws: Row<typeof lotDraws>[];
  orders: Row<typeof orders>[];
  redemptions: Row<typeof redemptions>[];
  checkins: Row<typeof checkins>[];
  badges: Row<typeof memberBadges>[];
  posts: Row<typeof ugcSubmissions>[];
  tickets: (Row<typeof tickets> & { transitions: Row<typeof ticketTransitions>[] })[];
  /** Tickets this person handled as staff (the transcripts are the members' data, so only ids and times). */
  ticketsHandled: { id: number; state: string; takenAt: number | null; closedAt: number | null }[];
  staffDesk: Row<typeof staffDesks> | null;
  conversations: Row<typeof conversations>[];
  referrals: { asInvitee: Row<typeof referrals> | null; asInviter: Row<typeof referrals>[] };
  inviteCode: string | null;
  nudgeSends: Row<typeof nudgeSends>[];
  nudgeMute: Row<typeof nudgeMutes> | null;
  /** Their own word on the language model (`/ai on|off`), and what the model's work for them cost, per day and use. */
  modelChoice: Row<typeof modelConsent> | null;
  modelUsage: Row<typeof modelUsage>[];
  audit: { about: Row<typeof auditLog>[]; by: Row<typeof auditLog>[] };
  recentMessages: Row<typeof recentMessages>[];
  messageAuthors: Row<typeof messageAuthors>[];
  inbox: InboxItem[];
  outbox: OutboxItem[];
}

/** Everything Hearth stores about a member (`hearth members export`). Reads only. */
export function exportMemberData(db: Db, memberId: number): MemberExport {
  const member = getMember(db, memberId);
  if (!member) throw new HearthError('not_found', `no member #${memberId}`);
  const ids = db.select().from(identities).where(eq(identities.memberId, memberId)).all();
  const lots = db.select().from(pointLots).where(eq(pointLots.memberId, memberId)).orderBy(asc(pointLots.entryId)).all();
  const ledger = db.select().from(ledgerEntries).where(eq(ledgerEntries.memberId, memberId)).orderBy(asc(ledgerEntries.id)).all();
  const entryIds = ledger.map((e) => e.id);
  const ownTickets = db.select().from(tickets).where(eq(tickets.memberId, memberId)).orderBy(asc(tickets.id)).all();
  return {
    member,
    points: db.select().from(memberPoints).where(eq(memberPoints.memberId, memberId)).get() ?? null,
    identities: ids,
    handles: db.select().from(handles).where(eq(handles.memberId, memberId)).all(),
    groups: db.select().from(chatMembers).where(eq(chatMembers.memberId, memberId)).all(),
    ledger,
    lots,
    lotDraws: entryIds.length === 0 ? [] : db.select().from(lotDraws).where(inArray(lotDraws.entryId, entryIds)).all(),
    orders: db.select().from(orders).where(eq(orders.memberId, memberId)).orderBy(asc(orders.at)).all(),
    redemptions: db.select().from(redemptions).where(eq(redemptions.memberId, memberId)).orderBy(asc(redemptions.id)).all(),
    checkins: db.select().from(checkins).where(eq(checkins.memberId, memberId)).orderBy(asc(checkins.day)).all(),
    badges: db.select().from(memberBadges).where(eq(memberBadges.memberId, memberId)).all(),
    posts: db.select().from(ugcSubmissions).where(eq(ugcSubmissions.memberId, memberId)).orderBy(asc(ugcSubmissions.id)).all(),
    tickets: ownTickets.map((t) => ({
      ...t,
      transitions: db.select().from(ticketTransitions).where(eq(ticketTransitions.ticketId, t.id)).orderBy(asc(ticketTransitions.id)).all(),
    })),
    ticketsHandled: db
      .select({ id: tickets.id, state: tickets.state, takenAt: tickets.takenAt, closedAt: tickets.closedAt })
      .from(tickets)
      .where(eq(tickets.staffMemberId, memberId))
      .orderBy(asc(tickets.id))
      .all(),
    staffDesk: db.select().from(staffDesks).where(eq(staffDesks.staffMemberId, memberId)).get() ?? null,
    conversations: db.select().from(conversations).where(eq(conversations.memberId, memberId)).all(),
    referrals: {
      asInvitee: db.select().from(referrals).where(eq(referrals.inviteeId, memberId)).get() ?? null,
      asInviter: db.select().from(referrals).where(eq(referrals.inviterId, memberId)).orderBy(asc(referrals.joinedAt)).all(),
    },
    inviteCode: db.select({ code: inviteCodes.code }).from(inviteCodes).where(eq(inviteCodes.memberId, memberId)).get()?.code ?? null,
    nudgeSends: db.select().from(nudgeSends).where(eq(nudgeSends.memberId, memberId)).orderBy(asc(nudgeSends.id)).all(),
    nudgeMute: db.select().from(nudgeMutes).where(eq(nudgeMutes.memberId, memberId)).get() ?? null,
    modelChoice: db.select().from(modelConsent).where(eq(modelConsent.memberId, memberId)).get() ?? null,
    modelUsage: db.select().from(modelUsage).where(eq(modelUsage.memberId, memberId)).orderBy(asc(modelUsage.day)).all(),
    audit: {
      about: db.select().from(auditLog).where(eq(auditLog.targetMemberId, memberId)).orderBy(asc(auditLog.id)).all(),
      by: db.select().from(auditLog).where(eq(auditLog.actorMemberId, memberId)).orderBy(asc(auditLog.id)).all(),
    },
    recentMessages: db.select().from(recentMessages).where(eq(recentMessages.memberId, memberId)).orderBy(asc(recentMessages.id)).all(),
    messageAuthors: db.select().from(messageAuthors).where(eq(messageAuthors.memberId, memberId)).orderBy(asc(messageAuthors.at)).all(),
    inbox: ids.flatMap((i) => inboxOf(db, i.channel, i.platformId)),
    outbox: ids.flatMap((i) => outboxOf(db, i.channel, i.platformId)),
  };
}

// The inbox keeps the neutral event as JSON: the sender is `from.id`. `instr` first, so only rows that could match are
// parsed; a private chat's id is the member's own id, which also finds rows whose text was already pruned.
const inboxMatch = `channel = @channel AND (chat = @id OR (payload IS NOT NULL AND instr(payload, @quoted) > 0 AND json_extract(payload, '$.from.id') = @id))`;

function inboxOf(db: Db, channel: string, platformId: string): InboxItem[] {
  const rows = statement<{ channel: string; id: string; quoted: string }, Omit<InboxItem, 'text'> & { payload: string | null }>(
    db,
    `SELECT id, channel, message_id AS messageId, chat, kind, received_at AS receivedAt, done_at AS doneAt, payload FROM inbox WHERE ${inboxMatch} ORDER BY id`,
  ).all({ channel, id: platformId, quoted: JSON.stringify(platformId) });
  return rows.map(({ payload, ...r }) => ({ ...r, text: payloadText(payload) }));
}

function payloadText(payload: string | null): string | null {
  if (payload === null) return null;
  try {
    const event = JSON.parse(payload) as { text?: unknown };
    return typeof event.text === 'string' ? event.text : '';
  } catch {
    return null;
  }
}

// Rows to the member's private chat (its id is theirs), or addressed to them in a group (a fallback mentioning them).
const outboxMatch = 'channel = @channel AND (chat = @id OR mention = @id)';

function outboxOf(db: Db, channel: string, platformId: string): OutboxItem[] {
  return statement<{ channel: string; id: string }, OutboxItem>(
    db,
    `SELECT id, channel, chat, text, kind, mention, created_at AS createdAt, sent_at AS sentAt, failed_at AS failedAt FROM outbox WHERE ${outboxMatch} ORDER BY id`,
  ).all({ channel, id: platformId });
}

/** What /mydata tells a member: counts, not contents. */
export interface MemberSummary {
  name: string;
  lang: 'zh' | 'en' | null;
  birthday: string | null;
  identities: { channel: string; username: string | null }[];
  balance: number;
  ledgerEntries: number;
  checkins: number;
  badges: number;
  posts: number;
  tickets: number;
  codes: number;
}

/** The counts of what Hearth keeps about a member (/mydata, and the numbers /deleteme warns about). */
export function memberDataSummary(db: Db, memberId: number): MemberSummary {
  const member = getMember(db, memberId);
  if (!member) throw new HearthError('not_found', `no member #${memberId}`);
  const count = (sql: string) => statement<[number], number>(db, sql).pluck().get(memberId) ?? 0;
  return {
    name: member.name,
    lang: member.lang,
    birthday: member.birthday,
    identities: db.select({ channel: identities.channel, username: identities.username }).from(identities).where(eq(identities.memberId, memberId)).all(),
    balance: count('SELECT balance FROM member_points WHERE member_id = ?'),
    ledgerEntries: count('SELECT count(*) FROM ledger_entries WHERE member_id = ?'),
    checkins: count('SELECT count(*) FROM checkins WHERE member_id = ?'),
    badges: count('SELECT count(*) FROM member_badges WHERE member_id = ? AND revoked_at IS NULL'),
    posts: count('SELECT count(*) FROM ugc_submissions WHERE member_id = ?'),
    tickets: count('SELECT count(*) FROM tickets WHERE member_id = ?'),
    codes: count('SELECT count(*) FROM redemptions WHERE member_id = ?'),
  };
}

/** What an erase did: `erased` false when the member had been erased before (nothing changed). */
export interface EraseResult {
  memberId: number;
  erased: boolean;
  /** Identities remembered (as salted hashes) with the one-time rewards already paid. */
  identities: number;
  paid: string[];
}

/**
 * Erase a member's personal data in one transaction (`hearth members erase`, /deleteme). The member row stays, anonymous
 * (so ledger totals, orders, check-ins and badges stay right); identities, handles, groups seen, conversations, recent
 * messages, message authors, mutes, their invite code and staff desk go; post texts, ticket transcripts and details are
 * blanked; their inbox texts, the bot's messages to their private chats and those it sent elsewhere because of them
 * go. Their open tickets are closed. Refuses (HearthError forbidden) while they hold tickets as staff. Idempotent: a
 * second erase changes nothing.
 */
export function eraseMember(db: Db, memberId: number, at: Date, how: { via: 'cli' | 'self'; actorMemberId?: number }): EraseResult {
  return inTransaction(db, (): EraseResult => {
    const member = getMember(db, memberId);
    if (!member) throw new HearthError('not_found', `no member #${memberId}`);
    if (member.erasedAt !== null) return { memberId, erased: false, identities: 0, paid: member.alreadyPaid ?? [] };
    const held = heldTicketIds(db, memberId);
    if (held.length > 0) {
      throw new HearthError('forbidden', `member #${memberId} holds open tickets as staff (${held.map((id) => `#${id}`).join(', ')}): hand them over or close them first`, {
        tickets: held,
      });
    }
    const ids = db.select({ channel: identities.channel, platformId: identities.platformId }).from(identities).where(eq(identities.memberId, memberId)).all();
    const paid = oneTimeRewardsOf(db, member);
    rememberErased(db, ids, paid, at);

    // Closed first: closing moves the conversation back to the bot, and conversations go below.
    for (const t of db.select({ id: tickets.id }).from(tickets).where(and(eq(tickets.memberId, memberId), inArray(tickets.state, ['waiting', 'staff']))).all()) {
      closeTicket(db, t.id, null, at, "erased at the member's request");
    }
    const run = (sql: string, ...args: unknown[]) => statement(db, sql).run(...args);
    run(
      `UPDATE tickets SET transcript = '[]', detail = NULL, platform_id = '', chat_id = CASE WHEN chat_type = 'private' THEN '' ELSE chat_id END WHERE member_id = ?`,
      memberId,
    );
    run("UPDATE tickets SET staff_channel = NULL, staff_chat = NULL WHERE staff_member_id = ? AND state = 'closed'", memberId);
    // A post waiting for review has nothing left to review; rewarded_text held the words (for the once-per-text rule).
    run("UPDATE ugc_submissions SET status = 'rejected', reason = 'erased' WHERE member_id = ? AND status = 'pending'", memberId);
    run("UPDATE ugc_submissions SET text = '', normalized = '', rewarded_text = NULL WHERE member_id = ?", memberId);
    forgetMessagesAbout(db, memberId, ids);
    for (const i of ids) {
      // A private chat's id is the person's platform id: rows that stay must not keep it.
      for (const table of ['checkins', 'ugc_submissions', 'nudge_sends', 'referrals'] as const) {
        const owner = table === 'referrals' ? 'invitee_id' : 'member_id';
        run(`UPDATE ${table} SET chat = '' WHERE ${owner} = ? AND channel = ? AND chat = ?`, memberId, i.channel, i.platformId);
      }
      run(`UPDATE inbox SET payload = NULL, chat = CASE WHEN chat = @id THEN '' ELSE chat END WHERE ${inboxMatch}`, {
        channel: i.channel,
        id: i.platformId,
        quoted: JSON.stringify(i.platformId),
      });
      run(`DELETE FROM outbox WHERE ${outboxMatch}`, { channel: i.channel, id: i.platformId });
    }
    for (const table of ['identities', 'handles', 'chat_members', 'conversations', 'recent_messages', 'message_authors', 'nudge_mutes', 'invite_codes', 'model_consent']) {
      run(`DELETE FROM ${table} WHERE member_id = ?`, memberId);
    }
    run('DELETE FROM staff_desks WHERE staff_member_id = ?', memberId);
    run('DELETE FROM meta WHERE key = ?', erasePendingKey(memberId));
    run(
      "UPDATE members SET name = '', lang = NULL, lang_fixed = 0, script = NULL, birthday = NULL, role = 'member', erased_at = ?, already_paid = NULL WHERE id = ?",
      at.getTime(),
      memberId,
    );
    audit(db, { at, actorMemberId: how.actorMemberId, action: 'member.erase', targetMemberId: memberId, details: { via: how.via, identities: ids.length } });
    return { memberId, erased: true, identities: ids.length, paid };
  });
}

/**
 * The bot's messages elsewhere that carry the member's words or name because of them: whatever it sent while handling
 * one of their messages (a staff card, the bridge to staff, a reply in a group) or in reply to one (an approval), their
 * tickets' reminders and what staff were told about them, and the note to their inviter. What staff themselves wrote
 * stays until the retention prune.
 */
function forgetMessagesAbout(db: Db, memberId: number, ids: { channel: string; platformId: string }[]): void {
  const byKeyPrefix = statement<[string, string]>(db, 'DELETE FROM outbox WHERE key >= ? AND key < ?');
  // Keys are `<prefix>:…`: the range up to the next character after ':' is exactly the keys under the prefix.
  const under = (prefix: string) => byKeyPrefix.run(`${prefix}:`, `${prefix};`);
  for (const i of ids) {
    const messageIds = [
      ...statement<{ channel: string; id: string; quoted: string }, string>(db, `SELECT message_id FROM inbox WHERE ${inboxMatch}`)
        .pluck()
        .all({ channel: i.channel, id: i.platformId, quoted: JSON.stringify(i.platformId) }),
      ...statement<[number, string], string>(db, 'SELECT message_id FROM message_authors WHERE member_id = ? AND channel = ?').pluck().all(memberId, i.channel),
    ];
    const unique = [...new Set(messageIds)];
    for (const id of unique) under(`msg:${i.channel}:${id}`);
    statement<[string, string]>(db, 'DELETE FROM outbox WHERE channel = ? AND reply_to IN (SELECT value FROM json_each(?))').run(i.channel, JSON.stringify(unique));
  }
  for (const t of statement<[number], number>(db, 'SELECT id FROM tickets WHERE member_id = ?').pluck().all(memberId)) {
    under(`handoff-remind:${t}`);
    under(`handoff-managers:${t}`);
    // What staff were told as the ticket changed hands (its summary, "taken", "closed") was written at the moment of
    // each change and names the ticket.
    statement<[number, string, string]>(
      db,
      `DELETE FROM outbox WHERE created_at IN (SELECT at FROM ticket_transitions WHERE ticket_id = ?) AND (text GLOB ? OR text GLOB ?)`,
    ).run(t, `*#${t}[^0-9]*`, `*#${t}`);
  }
  statement<[string]>(db, 'DELETE FROM outbox WHERE key = ?').run(`referral-paid:${memberId}`);
}

/** Tickets a staff member holds open: erasing them would strand those members with nobody. */
export function heldTicketIds(db: Db, memberId: number): number[] {
  return db
    .select({ id: tickets.id })
    .from(tickets)
    .where(and(eq(tickets.staffMemberId, memberId), eq(tickets.state, 'staff')))
    .orderBy(asc(tickets.id))
    .all()
    .map((t) => t.id);
}

/** The one-time rewards a member received: "referred" (came through an invite), "tier-gift:<tier>", and any from before. */
function oneTimeRewardsOf(db: Db, member: MemberRow): string[] {
  const paid = new Set(member.alreadyPaid ?? []);
  if (db.select({ id: referrals.inviteeId }).from(referrals).where(eq(referrals.inviteeId, member.id)).get()) paid.add('referred');
  const gifts = db
    .select({ ref: ledgerEntries.ref })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.memberId, member.id), eq(ledgerEntries.reason, 'tier-gift')))
    .all();
  for (const g of gifts) if (g.ref) paid.add(`tier-gift:${g.ref}`);
  return [...paid].sort();
}

/** Keep a salted hash of each identity with what was paid (merged with what an earlier erase of that identity kept). */
function rememberErased(db: Db, ids: { channel: string; platformId: string }[], paid: string[], at: Date): void {
  if (ids.length === 0) return;
  const salt = ensureEraseSalt(db);
  const before = statement<[string], string>(db, 'SELECT paid FROM erased_identities WHERE hash = ?').pluck();
  const upsert = statement<[string, number, string]>(
    db,
    'INSERT INTO erased_identities (hash, erased_at, paid) VALUES (?, ?, ?) ON CONFLICT (hash) DO UPDATE SET erased_at = excluded.erased_at, paid = excluded.paid',
  );
  for (const i of ids) {
    const hash = erasedIdentityHash(salt, i.channel, i.platformId);
    const old = before.get(hash);
    const merged = new Set([...(old ? (JSON.parse(old) as string[]) : []), ...paid]);
    upsert.run(hash, at.getTime(), JSON.stringify([...merged].sort()));
  }
}

/** The `meta` key of a member's pending /deleteme confirmation. */
function erasePendingKey(memberId: number): string {
  return `deleteme:${memberId}`;
}

/** Note that a member asked to be erased at `at` and has to confirm (kept in `meta`, so it survives a restart). */
export function setErasePending(db: Db, memberId: number, at: Date): void {
  statement<[string, string]>(db, 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
    erasePendingKey(memberId),
    at.toISOString(),
  );
}

/** When the member's pending /deleteme was asked, if one is pending. Read for every private message: one key lookup. */
export function erasePendingSince(db: Db, memberId: number): Date | undefined {
  const value = statement<[string], string>(db, 'SELECT value FROM meta WHERE key = ?').pluck().get(erasePendingKey(memberId));
  if (value === undefined) return undefined;
  const since = new Date(value);
  return Number.isNaN(since.getTime()) ? undefined : since;
}

/** Drop a member's pending /deleteme confirmation. */
export function clearErasePending(db: Db, memberId: number): void {
  statement<[string]>(db, 'DELETE FROM meta WHERE key = ?').run(erasePendingKey(memberId));
}

/** Remove recent messages of erased members (a message handled as they were erased may have been noted after it). */
export function forgetRecentMessagesOf(db: Db, memberIds: readonly number[]): number {
  if (memberIds.length === 0) return 0;
  return db.delete(recentMessages).where(inArray(recentMessages.memberId, [...memberIds])).run().changes;
}
