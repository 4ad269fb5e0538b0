// The handoff's use cases, each one transaction over the ticket store and the SLA timers: open a ticket (or join the
// member's open one, or reopen their latest), take it, pass it on, close it, cancel it, rate it, add to its
// transcript. They decide and record; the skills around them say what happened.
import type { HearthDeps, SkillContext } from '../../bot/core/skill';
import type { Lang, Role } from '../../bot/core/types';
import type { EscalationReason, EscalationSignal } from '../../community/escalation';
import { localDate, startOfLocalDay } from '../../community/calendar';
import { inTransaction } from '../../store/db';
import { identitiesOf, type MemberRow } from '../../store/members';
import {
  activeTicketOf,
  appendTranscript,
  closeTicket,
  openTicket,
  openTicketOf,
  rateTicket,
  recentMessagesOf,
  reopenTicket,
  setActiveTicket,
  takeTicket,
  ticketsOpenedSince,
  transferTicket,
  waitingTickets,
  wasCancelledBefore,
  type TicketRow,
  type TranscriptLine,
} from '../../store/tickets';
import { CARD_LINES } from './cards';
import { cancelSlaTimers, setSlaTimers } from './sla';

/** A member's tier and points when they asked (the card shows them). */
export interface Standing {
  tierId: string;
  points: number;
}

/** A member asking for a person: who, where, in which language, and the message. */
export interface Request {
  memberId: number;
  name: string;
  channel: string;
  chatId: string;
  chatType: 'group' | 'private';
  platformId: string;
  lang: Lang;
  messageId: string;
  text: string;
  at: Date;
}

/** The request a member's message makes. */
export function requestOf(ctx: SkillContext): Request {
  const { msg } = ctx;
  return { memberId: ctx.member.id, name: ctx.member.name, channel: msg.channel, chatId: msg.chat, chatType: msg.chatType, platformId: msg.from.id, lang: ctx.lang, messageId: msg.id, text: msg.text, at: ctx.now };
}

/** One transcript line; words with nothing to read (a photo, a sticker) show as […]. */
export function transcriptLine(who: TranscriptLine['who'], name: string, at: Date, words: string): TranscriptLine {
  return { at: at.getTime(), who, name, text: words.trim() === '' ? '[…]' : words };
}

/** Add words to a ticket's transcript. */
export function addToTranscript(deps: HearthDeps, ticketId: number, line: TranscriptLine): void {
  appendTranscript(deps.db, ticketId, [line]);
}

// The first transition's "why" is the audit record, in plain English: a brand's copy does not rewrite history.
const openedBecause: Record<EscalationReason, (misunderstoodInARow: number) => string> = {
  request: () => 'asked for a person',
  complaint: () => 'complaint',
  'high-value': () => 'high-value purchase',
  'vip-help': () => 'VIP asking for help',
  misunderstood: (n) => `the bot didn't understand ${n} messages in a row`,
};

/** What a request did: joined the member's open ticket, reopened their latest, or opened a new one (`ahead` wait first). */
export type Opening = { kind: 'joined'; ticket: TicketRow } | { kind: 'reopened' | 'opened'; ticket: TicketRow; ahead: number };

function placeInQueue(deps: HearthDeps, t: TicketRow): number {
  return Math.max(0, waitingTickets(deps.db).findIndex((w) => w.id === t.id));
}

/**
 * Open a ticket for the member's conversation in this chat, with its SLA timers. One member has one open ticket (a
 * repeat joins it); past `maxTicketsPerDay` new tickets a day, a request reopens their latest ticket (back in the
 * queue, no new card), so no member can flood the staff room. A `silent` ticket (seen in a group, the member not told)
 * leaves their conversation with the bot, and past the daily cap is not opened at all (undefined).
 */
export function openTicketFor(deps: HearthDeps, r: Request, signal: EscalationSignal, standing: Standing): Opening;
export function openTicketFor(deps: HearthDeps, r: Request, signal: EscalationSignal, standing: Standing, opts: { silent?: boolean }): Opening | undefined;
export function openTicketFor(deps: HearthDeps, r: Request, signal: EscalationSignal, standing: Standing, opts: { silent?: boolean } = {}): Opening | undefined {
  const { db, program } = deps;
  const said = transcriptLine('member', r.name, r.at, r.text);
  const existing = openTicketOf(db, r.memberId);
  if (existing) {
    appendTranscript(db, existing.id, [said]);
    return { kind: 'joined', ticket: existing };
  }
  const dayStart = startOfLocalDay(localDate(r.at, program.timezone), program.timezone);
  const today = ticketsOpenedSince(db, r.memberId, dayStart);
  const where = { channel: r.channel, chatId: r.chatId, chatType: r.chatType, platformId: r.platformId, lang: r.lang };
  if (today.length >= program.escalation.maxTicketsPerDay) {
    if (opts.silent) return undefined;
    const latest = today[today.length - 1]!;
    const reopened = inTransaction(db, () => {
      const t = reopenTicket(db, latest.id, where, [said], r.at);
      if (t) setSlaTimers(deps, t, r.at, `:${r.messageId}`);
      return t;
    });
    if (reopened) return { kind: 'reopened', ticket: reopened, ahead: placeInQueue(deps, reopened) };
  }
  const recent = recentMessagesOf(db, r.channel, r.chatId, r.memberId, CARD_LINES - 1).map((m) => transcriptLine('member', r.name, new Date(m.at), m.text));
  const ticket = inTransaction(db, () => {
    const t = openTicket(
      db,
      {
        ...where,
        memberId: r.memberId,
        reason: signal.reason,
        detail: signal.detail,
        priority: signal.priority,
        tierId: standing.tierId,
        points: standing.points,
        transcript: [...recent, said],
        openMessageId: r.messageId,
      },
      r.at,
      openedBecause[signal.reason](program.escalation.misunderstoodInARow) + (opts.silent ? ' (seen in the group)' : ''),
      { silent: opts.silent === true },
    );
    setSlaTimers(deps, t, r.at, '');
    return t;
  });
  return { kind: 'opened', ticket, ahead: placeInQueue(deps, ticket) };
}

/** A staff member and the chat their bridge runs through. */
export interface StaffEnd {
  memberId: number;
  channel: string;
  chat: string;
}

/** What /take did: the ticket was closed, another holds it, the staff member switched to it, lost the race, or took it. */
export type Taking =
  | { kind: 'closed' }
  | { kind: 'held-by-other'; owner: number | null }
  | { kind: 'switched' }
  | { kind: 'taken-by-other' }
  | { kind: 'taken'; ticket: TicketRow };

/** A staff member takes a waiting ticket (its timers stop), or switches their bridge to one they already hold. */
export function take(deps: HearthDeps, t: TicketRow, staff: StaffEnd, now: Date): Taking {
  const { db } = deps;
  if (t.state === 'closed') return { kind: 'closed' };
  if (t.state === 'staff') {
    if (t.staffMemberId !== staff.memberId) return { kind: 'held-by-other', owner: t.staffMemberId };
    setActiveTicket(db, staff.memberId, t.id, now);
    return { kind: 'switched' };
  }
  const taken = inTransaction(db, () => {
    const row = takeTicket(db, t.id, staff, now);
    if (row) cancelSlaTimers(deps, t.id, now);
    return row;
  });
  return taken ? { kind: 'taken', ticket: taken } : { kind: 'taken-by-other' };
}

/** What /done did: the ticket was closed already, another holds it, or it is closed now (`served` when staff had taken it). */
export type Closing = { kind: 'closed-already' } | { kind: 'held-by-other'; owner: number | null } | { kind: 'closed'; ticket: TicketRow; served: boolean };

/** Staff close a ticket and hand the conversation back to the bot; only its holder or a manager may close a taken one. */
export function close(deps: HearthDeps, t: TicketRow, actor: { memberId: number; role: Role }, now: Date): Closing {
  if (t.state === 'closed') return { kind: 'closed-already' };
  if (t.state === 'staff' && t.staffMemberId !== actor.memberId && actor.role !== 'manager') return { kind: 'held-by-other', owner: t.staffMemberId };
  const served = t.state === 'staff';
  const closed = inTransaction(deps.db, () => {
    const row = closeTicket(deps.db, t.id, actor.memberId, now, served ? 'done' : 'closed without taking');
    cancelSlaTimers(deps, t.id, now);
    return row;
  });
  return closed ? { kind: 'closed', ticket: closed, served } : { kind: 'closed-already' };
}

/** What /transfer did: the ticket is not being served, not the actor's, the target has no chat, it closed, or it moved. */
export type Passing =
  | { kind: 'not-taken' }
  | { kind: 'not-yours' }
  | { kind: 'unreachable' }
  | { kind: 'closed' }
  | { kind: 'passed'; ticket: TicketRow; to: StaffEnd; active: boolean };

/**
 * Pass a ticket being served to another staff member, reached on `channel` if they can be (else the staff room's
 * channel, else anywhere). It becomes their active ticket unless they are serving one already.
 */
export function pass(deps: HearthDeps, t: TicketRow, actor: { memberId: number; role: Role }, target: MemberRow, channel: string, now: Date): Passing {
  const { db, deployment } = deps;
  if (t.state !== 'staff') return { kind: 'not-taken' };
  if (t.staffMemberId !== actor.memberId && actor.role !== 'manager') return { kind: 'not-yours' };
  const ids = identitiesOf(db, target.id);
  const end = ids.find((i) => i.channel === channel) ?? ids.find((i) => i.channel === deployment.staffRoom.channel) ?? ids[0];
  if (!end) return { kind: 'unreachable' };
  const to = { memberId: target.id, channel: end.channel, chat: end.platformId };
  const active = activeTicketOf(db, target.id) === undefined;
  const moved = transferTicket(db, t.id, actor.memberId, to, now, active);
  return moved ? { kind: 'passed', ticket: moved, to, active } : { kind: 'closed' };
}

/** The member withdraws a waiting request (its timers stop); `again` when they cancelled this ticket once before. */
export function cancel(deps: HearthDeps, t: TicketRow, memberId: number, now: Date): { again: boolean } {
  const again = wasCancelledBefore(deps.db, t.id);
  inTransaction(deps.db, () => {
    closeTicket(deps.db, t.id, memberId, now, 'cancelled by the member');
    cancelSlaTimers(deps, t.id, now);
  });
  return { again };
}

/** Keep the member's 1–5 for a served ticket; false when it was rated before. */
export function rate(deps: HearthDeps, ticketId: number, rating: number, now: Date): boolean {
  return rateTicket(deps.db, ticketId, rating, now);
}
