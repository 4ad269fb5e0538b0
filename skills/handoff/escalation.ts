// Before the bot answers: a message that should go to a person (an ask for one, a complaint, a high-value purchase, a
// VIP asking for help), an explicit /human, or the fallback's second misunderstood message in a row opens a ticket —
// the member is told, and the staff room gets a card.
import type { HearthDeps, Skill, SkillContext } from '../../bot/core/skill';
import type { OutboundMessage } from '../../bot/core/types';
import type { Program } from '../../community/program';
import type { TicketRow } from '../../store/tickets';
import { inTransaction } from '../../store/db';
import { asksForHelp, escalationSignal, isVip, priorityOf, type EscalationReason, type EscalationSignal } from '../../community/escalation';
import { isSupportOpen, nextSupportOpening } from '../../community/support-hours';
import { memberStanding } from '../../store/standing';
import { conversationHeldBy, holdConversation, misunderstoodRun, moveTicket, openTicketOf } from '../../store/tickets';
import { isCommand } from '../commands';
import { staffCard, whenText } from './cards';
import { latestChangeForStaff } from '../statement';
import { handoffCopy } from './copy';
import { isStaffRoom } from './people';
import { scheduleTicketSummary } from './summary';
import { openTicketFor, requestOf, type Opening, type Request, type Standing } from './tickets';

/** Messages the fallback did not understand (set during the run, read by the gate when it records the message). */
const misunderstoodMessages = new WeakSet<SkillContext>();

/** True when the fallback did not understand this message (the gate keeps that with the recent messages). */
export function wasMisunderstood(ctx: SkillContext): boolean {
  return misunderstoodMessages.has(ctx);
}

function standingFor(deps: HearthDeps, memberId: number, now: Date): Standing {
  const s = memberStanding(deps.db, deps.program, memberId, now);
  return { tierId: s.tier.id, points: s.points };
}

function standingOf(ctx: SkillContext): Standing {
  return standingFor(ctx.deps, ctx.member.id, ctx.now);
}

/** A signal another reader found (the model's classifier), weighed as the rules weigh theirs: a VIP's comes first. */
function foundSignal(program: Program, reason: EscalationReason, tierId: string, detail: string): EscalationSignal {
  const vip = isVip(program, tierId);
  return { reason, priority: priorityOf(reason, vip), vip, detail };
}

function supportClosedUntil(program: Program, now: Date): Date | undefined {
  if (isSupportOpen(program.support, program.timezone, now)) return undefined;
  return nextSupportOpening(program.support, program.timezone, now);
}

/** When support next opens, if it is closed now (undefined while open, or when it never opens). */
export function supportOpensLater(ctx: SkillContext): Date | undefined {
  return supportClosedUntil(ctx.deps.program, ctx.now);
}

/** The staff room's card for a ticket just opened (silent: seen in a group, the member not told). */
function newTicketCard(deps: HearthDeps, ticket: TicketRow, member: { id: number; name: string }, later: Date | undefined, silent: boolean): OutboundMessage {
  const { program, deployment } = deps;
  const latest = latestChangeForStaff(deps.db, program, member.id, { lang: program.escalation.staffLang, program });
  const card = staffCard(program, ticket, member.name, latest, { silent, ...(later ? { opensAt: later } : {}) });
  return { channel: deployment.staffRoom.channel, chat: deployment.staffRoom.chat, text: card.text, buttons: card.buttons, kind: 'reply' };
}

const laterLines = { opened: 'openedLater', openedComplaint: 'openedComplaintLater', openedMisunderstood: 'openedMisunderstoodLater' } as const;

function openedText(ctx: SkillContext, opening: Exclude<Opening, { kind: 'joined' }>, later: Date | undefined): string {
  const say = handoffCopy.to(ctx);
  const { ticket, ahead } = opening;
  const line = ticket.reason === 'complaint' ? 'openedComplaint' : ticket.reason === 'misunderstood' ? 'openedMisunderstood' : 'opened';
  // Out of hours the member hears when someone will answer (in local time), not a wait in minutes nobody keeps.
  if (later) return say(laterLines[line], { id: ticket.id, when: whenText({ lang: ctx.lang, program: ctx.deps.program }, later, ctx.now) });
  const queue = ahead > 0 ? say('queueAhead', { ahead }) : '';
  return say(line, { id: ticket.id, queue, minutes: ctx.deps.program.escalation.remindAfterMinutes });
}

/**
 * Open (or join) a ticket for the member's words here: tell them, and post a new ticket's card in the staff room. A
 * `silent` one (a complaint or bulk enquiry seen in a group, not said to the bot) says nothing to the member: the staff
 * room gets the card and may invite them to a private chat.
 */
function escalate(ctx: SkillContext, signal: EscalationSignal, standing: Standing, opts: { silent?: boolean } = {}): void {
  const { program } = ctx.deps;
  ctx.handled = true;
  const request = requestOf(ctx);
  const opening = openTicketFor(ctx.deps, request, signal, standing, opts);
  if (opening === undefined) {
    ctx.handled = false; // a silent ticket past the member's daily cap: nothing was opened, the message goes on
    return;
  }
  const later = supportOpensLater(ctx);
  if (opening.kind === 'joined') {
    if (opts.silent) return; // the words joined the transcript; the member said nothing to the bot
    const t = opening.ticket;
    const here = t.channel === ctx.msg.channel && t.chatId === ctx.msg.chat;
    // A silent ticket (seen in a group, never said to them) and the member now asks for help themselves: the ticket
    // is this conversation's from now on, wherever they ask.
    if (!conversationHeldBy(ctx.deps.db, t)) {
      const place = { channel: ctx.msg.channel, chatId: ctx.msg.chat, chatType: ctx.msg.chatType, platformId: ctx.msg.from.id };
      if (here) holdConversation(ctx.deps.db, t, ctx.now);
      else moveTicket(ctx.deps.db, t.id, place, ctx.now, 'member asked for help here');
      ctx.reply(openedText(ctx, { kind: 'opened', ticket: t, ahead: 0 }, later));
      return;
    }
    if (here && later) ctx.reply(handoffCopy.say(ctx, 'alreadyOpenHereLater', { id: t.id, when: whenText({ lang: ctx.lang, program }, later, ctx.now) }));
    else ctx.reply(handoffCopy.say(ctx, here ? 'alreadyOpenHere' : 'alreadyOpenElsewhere', { id: t.id }));
    return;
  }
  if (!opts.silent) ctx.reply(openedText(ctx, opening, later));
  if (opening.kind === 'reopened') return; // its card is in the staff room already, and it is back in /queue
  ctx.send(newTicketCard(ctx.deps, opening.ticket, ctx.member, later, opts.silent === true));
  const id = opening.ticket.id;
  ctx.afterHandled(() => scheduleTicketSummary(ctx.deps, id, ctx.now));
}

/**
 * Open a ticket on a signal another reader found (the model's classifier), exactly as for the rules' own; its words go
 * on the card. `silent` for a group message not said to the bot (only complaints and bulk enquiries are taken then).
 */
export function escalateOnSignal(ctx: SkillContext, reason: 'complaint' | 'high-value' | 'request', detail: string, opts: { silent?: boolean } = {}): void {
  if (opts.silent && !silentReasons.has(reason)) return;
  const s = standingOf(ctx);
  escalate(ctx, foundSignal(ctx.deps.program, reason, s.tierId, detail), s, opts);
}

/**
 * A silent ticket from a reader that works after the message was handled (the model reading group chatter): the
 * ticket and card `escalateOnSignal(…, { silent: true })` would make, in one transaction. True when the words reached
 * a ticket (a new one, or the member's open one).
 */
export function escalateSilently(deps: HearthDeps, r: Request, reason: EscalationReason, detail: string, now: Date): boolean {
  if (!silentReasons.has(reason)) return false;
  const s = standingFor(deps, r.memberId, now);
  const signal = foundSignal(deps.program, reason, s.tierId, detail);
  return inTransaction(deps.db, () => {
    const opening = openTicketFor(deps, r, signal, s, { silent: true });
    if (opening?.kind !== 'opened') return opening !== undefined;
    const id = opening.ticket.id;
    deps.queue(`ticket-card:${id}`, newTicketCard(deps, opening.ticket, { id: r.memberId, name: r.name }, supportClosedUntil(deps.program, now), true), now);
    scheduleTicketSummary(deps, id, now);
    return true;
  });
}

/**
 * Called by the fallback for a message nobody understood: counts it, and when it makes `misunderstoodInARow` in a row
 * opens a ticket instead. Returns true when it escalated (the fallback then says nothing itself).
 */
export function misunderstood(ctx: SkillContext): boolean {
  if (ctx.role !== 'member' || isStaffRoom(ctx)) {
    misunderstoodMessages.add(ctx);
    return false;
  }
  const run = misunderstoodRun(ctx.deps.db, ctx.msg.channel, ctx.msg.chat, ctx.member.id) + 1;
  const s = standingOf(ctx);
  const signal = escalationSignal(ctx.deps.program, { text: '', tierId: s.tierId, misunderstoodInARow: run });
  if (!signal) {
    misunderstoodMessages.add(ctx);
    return false;
  }
  escalate(ctx, signal, s);
  return true;
}

/**
 * A member's explicit /human 转人工 (outside the staff room), with what they said for the card; and a /cancel that the
 * gate did not take because this conversation has no request waiting (a request elsewhere is cancelled where it is).
 */
export const humanCommand: Skill = {
  name: 'handoff-human',
  async middleware(ctx, next) {
    if (isStaffRoom(ctx)) return next();
    if (isCommand(ctx, 'cancel')) {
      const open = openTicketOf(ctx.deps.db, ctx.member.id);
      if (!open) ctx.reply(handoffCopy.say(ctx, 'nothingToCancel'));
      else ctx.reply(handoffCopy.say(ctx, open.state === 'waiting' ? 'cancelElsewhere' : 'alreadyOpenElsewhere', { id: open.id }));
      return;
    }
    if (!isCommand(ctx, 'human')) return next();
    const s = standingOf(ctx);
    const vip = isVip(ctx.deps.program, s.tierId);
    escalate(ctx, { reason: 'request', priority: priorityOf('request', vip), vip, detail: ctx.msg.text.trim().slice(0, 40) }, s);
  },
};

// Reasons a group message not said to the bot still reaches staff: the conversations the product exists to catch.
const silentReasons: ReadonlySet<EscalationReason> = new Set<EscalationReason>(['complaint', 'high-value']);

/**
 * A complaint or a bulk enquiry typed in a community group without a mention: staff get a card, the member hears
 * nothing in the group (no reply that embarrasses them), and staff may invite them to a private chat from the card.
 */
function spotInGroup(ctx: SkillContext): boolean {
  if (ctx.msg.chatType !== 'group' || !ctx.communityGroup || ctx.msg.text.length > MAX_SILENT_LENGTH) return false;
  const { program } = ctx.deps;
  const quick = escalationSignal(program, { text: ctx.msg.text, tierId: program.tiers[0]!.id });
  if (!quick || !silentReasons.has(quick.reason)) return false;
  const s = standingOf(ctx);
  const signal = escalationSignal(program, { text: ctx.msg.text, tierId: s.tierId });
  if (!signal || !silentReasons.has(signal.reason)) return false;
  escalate(ctx, signal, s, { silent: true });
  return ctx.handled;
}

/** A long group message is a story or a forward, not a request for someone: it is not read for signals. */
const MAX_SILENT_LENGTH = 300;

/** Spots messages for a person (complaints, high-value intent, requests, VIPs asking for help) before the bot answers. */
export const escalationSkill: Skill = {
  name: 'escalation',
  async middleware(ctx, next) {
    if (ctx.handled || ctx.command || ctx.msg.action || ctx.role !== 'member' || isStaffRoom(ctx)) return next();
    if (!ctx.addressed) {
      if (spotInGroup(ctx)) return;
      return next();
    }
    const { program } = ctx.deps;
    // Most messages carry no signal at all: only read the member's standing when one is possible.
    if (!escalationSignal(program, { text: ctx.msg.text, tierId: program.tiers[0]!.id }) && !asksForHelp(ctx.msg.text)) return next();
    const s = standingOf(ctx);
    const signal = escalationSignal(program, { text: ctx.msg.text, tierId: s.tierId });
    if (!signal) return next();
    escalate(ctx, signal, s);
  },
};
