// Handoff tickets and their state machine (waiting → staff → closed, conversation bot → waiting → staff → bot), each
// change recorded with who, when and why; staff desks (the ticket a staff member's private chat is bridged to); and the
// last few messages per member per chat.
import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { inTransaction, statement, type Db } from './db';
import { identities, members, recentMessages, staffDesks, ticketTransitions, tickets, type TranscriptLine } from './schema';
import { conversationOf, setConversationState } from './conversations';

export type TicketRow = typeof tickets.$inferSelect;
export type TicketState = TicketRow['state'];
export type TransitionRow = typeof ticketTransitions.$inferSelect;
export type { TranscriptLine };

/** How many recent messages are kept per member per chat, and how long a ticket's transcript may grow. */
const KEEP_RECENT = 8;
const MAX_TRANSCRIPT = 200;
const MAX_TEXT = 1000;

/** Where a staff member's private chat with the bot is. */
export interface StaffEnd {
  memberId: number;
  channel: string;
  chat: string;
}

/** Remember a member's message in a chat (and whether the bot understood it), keeping only the last few. */
export function recordRecentMessage(
  db: Db,
  m: { channel: string; chatId: string; memberId: number; at: Date; text: string; misunderstood: boolean },
): void {
  // Runs for every message a member sends: plain statements prepared once, and the window trimmed by one DELETE.
  inTransaction(db, () => {
    statement<[string, string, number, number, string, number]>(
      db,
      'INSERT INTO recent_messages (channel, chat_id, member_id, at, text, misunderstood) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(m.channel, m.chatId, m.memberId, m.at.getTime(), m.text.slice(0, MAX_TEXT), m.misunderstood ? 1 : 0);
    statement<[string, string, number, string, string, number, number]>(
      db,
      `DELETE FROM recent_messages WHERE channel = ? AND chat_id = ? AND member_id = ? AND id <= (
         SELECT id FROM recent_messages WHERE channel = ? AND chat_id = ? AND member_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
    ).run(m.channel, m.chatId, m.memberId, m.channel, m.chatId, m.memberId, KEEP_RECENT);
  });
}

/** The member's last messages in a chat, oldest first. */
export function recentMessagesOf(db: Db, channel: string, chatId: string, memberId: number, limit = KEEP_RECENT): (typeof recentMessages.$inferSelect)[] {
  return db
    .select()
    .from(recentMessages)
    .where(and(eq(recentMessages.channel, channel), eq(recentMessages.chatId, chatId), eq(recentMessages.memberId, memberId)))
    .orderBy(desc(recentMessages.id))
    .limit(limit)
    .all()
    .reverse();
}

/** How many of the member's latest messages in a chat, in a row, the bot did not understand. */
export function misunderstoodRun(db: Db, channel: string, chatId: string, memberId: number): number {
  let run = 0;
  for (const m of recentMessagesOf(db, channel, chatId, memberId).reverse()) {
    if (!m.misunderstood) break;
    run++;
  }
  return run;
}

/** What a new ticket needs. */
export interface NewTicket {
  channel: string;
  chatId: string;
  chatType: 'group' | 'private';
  memberId: number;
  platformId: string;
  lang: 'zh' | 'en';
  reason: TicketRow['reason'];
  detail?: string;
  priority: number;
  tierId: string;
  points: number;
  transcript: TranscriptLine[];
  openMessageId?: string;
}

function transition(
  db: Db,
  t: { ticketId: number; at: Date; from: TicketState | null; to: TicketState; actor: number | null; staff: number | null; why: string },
): void {
  db.insert(ticketTransitions)
    .values({ ticketId: t.ticketId, at: t.at.getTime(), fromState: t.from, toState: t.to, actorMemberId: t.actor, staffMemberId: t.staff, why: t.why })
    .run();
}

const conversationState = { waiting: 'waiting', staff: 'staff', closed: 'bot' } as const;

function moveConversation(db: Db, t: TicketRow, at: Date): void {
  setConversationState(
    db,
    { channel: t.channel, chatId: t.chatId, memberId: t.memberId },
    conversationState[t.state],
    t.state === 'closed' ? null : t.id,
    at,
  );
}

/**
 * Open a ticket: the member's conversation in that chat goes from the bot to waiting. A `silent` ticket (a complaint
 * seen in a group, not said to the bot) leaves the conversation with the bot: the member was not told of it.
 */
export function openTicket(db: Db, n: NewTicket, at: Date, why: string, opts: { silent?: boolean } = {}): TicketRow {
  return inTransaction(db, () => {
    const row = db
      .insert(tickets)
      .values({ ...n, detail: n.detail ?? null, openMessageId: n.openMessageId ?? null, state: 'waiting', openedAt: at.getTime() })
      .returning()
      .get();
    transition(db, { ticketId: row.id, at, from: null, to: 'waiting', actor: n.memberId, staff: null, why });
    if (!opts.silent) moveConversation(db, row, at);
    return row;
  });
}

/** Where a ticket's member is served: a chat, with the member's platform id there. */
export interface TicketPlace {
  channel: string;
  chatId: string;
  chatType: 'group' | 'private';
  platformId: string;
}

/**
 * Move an open ticket to another chat of its member (a group complaint carried to the private chat): the conversation
 * it held goes back to the bot, the new chat's conversation follows the ticket, and staff words go there from now on.
 */
export function moveTicket(db: Db, id: number, to: TicketPlace, at: Date, why: string): TicketRow | undefined {
  return inTransaction(db, () => {
    const before = getTicket(db, id);
    if (!before || before.state === 'closed') return undefined;
    const held = conversationOf(db, before.channel, before.chatId, before.memberId);
    if (held.ticketId === id) setConversationState(db, { channel: before.channel, chatId: before.chatId, memberId: before.memberId }, 'bot', null, at);
    const row = db.update(tickets).set(to).where(eq(tickets.id, id)).returning().get()!;
    transition(db, { ticketId: id, at, from: before.state, to: before.state, actor: null, staff: before.staffMemberId, why });
    moveConversation(db, row, at);
    return row;
  });
}

/** Hold the member's conversation in the ticket's own chat for it (a silent ticket the member now knows of). */
export function holdConversation(db: Db, t: TicketRow, at: Date): void {
  if (t.state !== 'closed') moveConversation(db, t, at);
}

/** True when the member's conversation in the ticket's chat is held by it (false for a silent ticket: never told). */
export function conversationHeldBy(db: Db, t: TicketRow): boolean {
  return conversationOf(db, t.channel, t.chatId, t.memberId).ticketId === t.id;
}

const OFFERED = 'offered a private chat';

/** Note that staff offered the member a private chat for this ticket (their next private message carries it there). */
export function markPrivateChatOffered(db: Db, t: TicketRow, actorMemberId: number, at: Date): void {
  transition(db, { ticketId: t.id, at, from: t.state, to: t.state, actor: actorMemberId, staff: t.staffMemberId, why: OFFERED });
}

/** True when staff offered the member a private chat for this ticket. */
export function wasPrivateChatOffered(db: Db, ticketId: number): boolean {
  return (
    db
      .select({ id: ticketTransitions.id })
      .from(ticketTransitions)
      .where(and(eq(ticketTransitions.ticketId, ticketId), eq(ticketTransitions.why, OFFERED)))
      .get() !== undefined
  );
}

/**
 * Put a closed (cancelled) ticket back in the queue for a member asking again: it moves to the chat where they asked
 * now, keeps its number and card, and the new words join its transcript. Undefined when it is not closed.
 */
export function reopenTicket(
  db: Db,
  id: number,
  where: { channel: string; chatId: string; chatType: 'group' | 'private'; platformId: string; lang: 'zh' | 'en' },
  lines: TranscriptLine[],
  at: Date,
): TicketRow | undefined {
  return inTransaction(db, () => {
    const before = getTicket(db, id);
    if (!before || before.state !== 'closed' || before.takenAt !== null) return undefined;
    const transcript = [...before.transcript, ...lines.map((l) => ({ ...l, text: l.text.slice(0, MAX_TEXT) }))].slice(-MAX_TRANSCRIPT);
    const row = db
      .update(tickets)
      .set({ ...where, state: 'waiting', closedAt: null, heldNoteAt: null, transcript })
      .where(eq(tickets.id, id))
      .returning()
      .get()!;
    transition(db, { ticketId: id, at, from: 'closed', to: 'waiting', actor: row.memberId, staff: null, why: 'asked again' });
    moveConversation(db, row, at);
    return row;
  });
}

/** The member's tickets opened since `since`, oldest first (the daily cap on new tickets counts these). */
export function ticketsOpenedSince(db: Db, memberId: number, since: Date): TicketRow[] {
  return db
    .select()
    .from(tickets)
    .where(and(eq(tickets.memberId, memberId), gte(tickets.openedAt, since.getTime())))
    .orderBy(asc(tickets.id))
    .all();
}

/** True when the member cancelled this ticket before (the staff room is told of a ticket's cancelling once). */
export function wasCancelledBefore(db: Db, ticketId: number): boolean {
  return (
    db
      .select({ id: ticketTransitions.id })
      .from(ticketTransitions)
      .where(and(eq(ticketTransitions.ticketId, ticketId), eq(ticketTransitions.why, 'cancelled by the member')))
      .get() !== undefined
  );
}

/** A ticket by id. */
export function getTicket(db: Db, id: number): TicketRow | undefined {
  return db.select().from(tickets).where(eq(tickets.id, id)).get();
}

/** The member's ticket that is not closed yet, if any. */
export function openTicketOf(db: Db, memberId: number): TicketRow | undefined {
  return db
    .select()
    .from(tickets)
    .where(and(eq(tickets.memberId, memberId), inArray(tickets.state, ['waiting', 'staff'])))
    .orderBy(desc(tickets.id))
    .get();
}

/** Tickets nobody has taken yet: highest priority first, then the longest waiting. */
export function waitingTickets(db: Db): TicketRow[] {
  return db.select().from(tickets).where(eq(tickets.state, 'waiting')).orderBy(desc(tickets.priority), asc(tickets.openedAt), asc(tickets.id)).all();
}

/** Tickets a staff member holds, oldest first. */
export function ticketsHeldBy(db: Db, staffMemberId: number): TicketRow[] {
  return db
    .select()
    .from(tickets)
    .where(and(eq(tickets.staffMemberId, staffMemberId), eq(tickets.state, 'staff')))
    .orderBy(asc(tickets.takenAt), asc(tickets.id))
    .all();
}

/** The ticket a staff member's private chat is bridged to, if they still hold it. */
export function activeTicketOf(db: Db, staffMemberId: number): TicketRow | undefined {
  const desk = db.select().from(staffDesks).where(eq(staffDesks.staffMemberId, staffMemberId)).get();
  if (!desk?.ticketId) return undefined;
  const t = getTicket(db, desk.ticketId);
  return t && t.state === 'staff' && t.staffMemberId === staffMemberId ? t : undefined;
}

/** Point a staff member's private chat at one of their tickets (or at none). */
export function setActiveTicket(db: Db, staffMemberId: number, ticketId: number | null, at: Date): void {
  db.insert(staffDesks)
    .values({ staffMemberId, ticketId, updatedAt: at.getTime() })
    .onConflictDoUpdate({ target: staffDesks.staffMemberId, set: { ticketId, updatedAt: at.getTime() } })
    .run();
}

/** A staff member takes a waiting ticket; undefined when it is no longer waiting (someone else was quicker). */
export function takeTicket(db: Db, id: number, staff: StaffEnd, at: Date): TicketRow | undefined {
  return inTransaction(db, () => {
    const row = db
      .update(tickets)
      .set({
        state: 'staff',
        staffMemberId: staff.memberId,
        staffChannel: staff.channel,
        staffChat: staff.chat,
        takenAt: sql`coalesce(${tickets.takenAt}, ${at.getTime()})`,
      })
      .where(and(eq(tickets.id, id), eq(tickets.state, 'waiting')))
      .returning()
      .get();
    if (!row) return undefined;
    transition(db, { ticketId: id, at, from: 'waiting', to: 'staff', actor: staff.memberId, staff: staff.memberId, why: 'taken' });
    moveConversation(db, row, at);
    setActiveTicket(db, staff.memberId, id, at);
    return row;
  });
}

/** Pass a ticket a staff member holds to another staff member. */
export function transferTicket(db: Db, id: number, actorMemberId: number, to: StaffEnd, at: Date, makeActive: boolean): TicketRow | undefined {
  return inTransaction(db, () => {
    const row = db
      .update(tickets)
      .set({ staffMemberId: to.memberId, staffChannel: to.channel, staffChat: to.chat })
      .where(and(eq(tickets.id, id), eq(tickets.state, 'staff')))
      .returning()
      .get();
    if (!row) return undefined;
    transition(db, { ticketId: id, at, from: 'staff', to: 'staff', actor: actorMemberId, staff: to.memberId, why: 'transferred' });
    db.update(staffDesks).set({ ticketId: null, updatedAt: at.getTime() }).where(and(eq(staffDesks.ticketId, id), eq(staffDesks.staffMemberId, actorMemberId))).run();
    if (makeActive) setActiveTicket(db, to.memberId, id, at);
    return row;
  });
}

/** Close a ticket (staff done, member cancelled): the conversation goes back to the bot. */
export function closeTicket(db: Db, id: number, actorMemberId: number | null, at: Date, why: string): TicketRow | undefined {
  return inTransaction(db, () => {
    const before = getTicket(db, id);
    if (!before || before.state === 'closed') return undefined;
    const row = db.update(tickets).set({ state: 'closed', closedAt: at.getTime() }).where(eq(tickets.id, id)).returning().get()!;
    transition(db, { ticketId: id, at, from: before.state, to: 'closed', actor: actorMemberId, staff: before.staffMemberId, why });
    moveConversation(db, row, at);
    db.update(staffDesks).set({ ticketId: null, updatedAt: at.getTime() }).where(eq(staffDesks.ticketId, id)).run();
    return row;
  });
}

/** Add lines to a ticket's transcript (the oldest drop off past a limit). */
export function appendTranscript(db: Db, id: number, lines: TranscriptLine[]): void {
  inTransaction(db, () => {
    const t = getTicket(db, id);
    if (!t) return;
    const next = [...t.transcript, ...lines.map((l) => ({ ...l, text: l.text.slice(0, MAX_TEXT) }))].slice(-MAX_TRANSCRIPT);
    db.update(tickets).set({ transcript: next }).where(eq(tickets.id, id)).run();
  });
}

/** Note that the member was told "someone will be with you"; false when they already were. */
export function markHeldNote(db: Db, id: number, at: Date): boolean {
  return db.update(tickets).set({ heldNoteAt: at.getTime() }).where(and(eq(tickets.id, id), isNull(tickets.heldNoteAt))).run().changes === 1;
}

/** The member's latest ticket in this chat that staff served and closed since `since`, not yet rated. */
export function ratableTicket(db: Db, channel: string, chatId: string, memberId: number, since: Date): TicketRow | undefined {
  return db
    .select()
    .from(tickets)
    .where(
      and(
        eq(tickets.channel, channel),
        eq(tickets.chatId, chatId),
        eq(tickets.memberId, memberId),
        eq(tickets.state, 'closed'),
        isNotNull(tickets.takenAt),
        isNull(tickets.rating),
        gte(tickets.closedAt, since.getTime()),
      ),
    )
    .orderBy(desc(tickets.closedAt))
    .get();
}

/** Keep the member's rating (1–5) of a closed ticket; false when it was rated before. */
export function rateTicket(db: Db, id: number, rating: number, at: Date): boolean {
  return db.update(tickets).set({ rating, ratedAt: at.getTime() }).where(and(eq(tickets.id, id), isNull(tickets.rating))).run().changes === 1;
}

/** Tickets opened in [from, to). */
export function ticketsOpenedBetween(db: Db, from: Date, to: Date): TicketRow[] {
  return db
    .select()
    .from(tickets)
    .where(and(gte(tickets.openedAt, from.getTime()), lt(tickets.openedAt, to.getTime())))
    .orderBy(asc(tickets.id))
    .all();
}

/** A ticket's state changes, oldest first. */
export function transitionsOf(db: Db, ticketId: number): TransitionRow[] {
  return db.select().from(ticketTransitions).where(eq(ticketTransitions.ticketId, ticketId)).orderBy(asc(ticketTransitions.id)).all();
}

/** Members with a role set in the store (managers, staff), with their identity on a channel if they have one. */
export function membersWithRole(
  db: Db,
  role: 'manager' | 'staff',
  channel: string,
): { memberId: number; name: string; platformId: string | null; canMessagePrivately: boolean }[] {
  return db
    .select({ memberId: members.id, name: members.name, platformId: identities.platformId, canMessagePrivately: identities.canMessagePrivately })
    .from(members)
    .leftJoin(identities, and(eq(identities.memberId, members.id), eq(identities.channel, channel)))
    .where(eq(members.role, role))
    .orderBy(asc(members.id))
    .all()
    .map((r) => ({ ...r, canMessagePrivately: r.canMessagePrivately ?? false }));
}
