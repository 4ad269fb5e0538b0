// Before the bot answers: a message that should go to a person (an ask for one, a complaint, a high-value purchase, a
// VIP asking for help), an explicit /human, or the fallback's second misunderstood message in a row opens a ticket —
// the member is told, and the staff room gets a card.
import type { Skill, SkillContext } from '../../bot/core/skill';
import { asksForHelp, escalationSignal, isVip, priorityOf, type EscalationSignal } from '../../community/escalation';
import { memberStanding } from '../../store/standing';
import { misunderstoodRun, openTicketOf } from '../../store/tickets';
import { isCommand } from '../commands';
import { staffCard } from './cards';
import { handoffCopy } from './copy';
import { isStaffRoom } from './people';
import { openTicketFor, type Opening, type Standing } from './tickets';

/** Messages the fallback did not understand (set during the run, read by the gate when it records the message). */
const misunderstoodMessages = new WeakSet<SkillContext>();

/** True when the fallback did not understand this message (the gate keeps that with the recent messages). */
export function wasMisunderstood(ctx: SkillContext): boolean {
  return misunderstoodMessages.has(ctx);
}

function standingOf(ctx: SkillContext): Standing {
  const s = memberStanding(ctx.deps.db, ctx.deps.program, ctx.member.id, ctx.now);
  return { tierId: s.tier.id, points: s.points };
}

function openedText(ctx: SkillContext, opening: Exclude<Opening, { kind: 'joined' }>): string {
  const say = handoffCopy.to(ctx);
  const { ticket, ahead } = opening;
  const line = ticket.reason === 'complaint' ? 'openedComplaint' : ticket.reason === 'misunderstood' ? 'openedMisunderstood' : 'opened';
  const queue = ahead > 0 ? say('queueAhead', { ahead }) : '';
  return say(line, { id: ticket.id, queue, minutes: ctx.deps.program.escalation.remindAfterMinutes });
}

/** Open (or join) a ticket for the member's words here: tell them, and post a new ticket's card in the staff room. */
function escalate(ctx: SkillContext, signal: EscalationSignal, standing: Standing): void {
  const { program, deployment } = ctx.deps;
  ctx.handled = true;
  const request = {
    memberId: ctx.member.id,
    name: ctx.member.name,
    channel: ctx.msg.channel,
    chatId: ctx.msg.chat,
    chatType: ctx.msg.chatType,
    platformId: ctx.msg.from.id,
    lang: ctx.lang,
    messageId: ctx.msg.id,
    text: ctx.msg.text,
    at: ctx.now,
  };
  const opening = openTicketFor(ctx.deps, request, signal, standing);
  if (opening.kind === 'joined') {
    const t = opening.ticket;
    const here = t.channel === ctx.msg.channel && t.chatId === ctx.msg.chat;
    ctx.reply(handoffCopy.say(ctx, here ? 'alreadyOpenHere' : 'alreadyOpenElsewhere', { id: t.id }));
    return;
  }
  ctx.reply(openedText(ctx, opening));
  if (opening.kind === 'reopened') return; // its card is in the staff room already, and it is back in /queue
  const card = staffCard(program, opening.ticket, ctx.member.name);
  ctx.send({ channel: deployment.staffRoom.channel, chat: deployment.staffRoom.chat, text: card.text, buttons: card.buttons, kind: 'reply' });
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

/** Spots messages for a person (complaints, high-value intent, requests, VIPs asking for help) before the bot answers. */
export const escalationSkill: Skill = {
  name: 'escalation',
  async middleware(ctx, next) {
    if (ctx.handled || !ctx.addressed || ctx.command || ctx.msg.action || ctx.role !== 'member' || isStaffRoom(ctx)) return next();
    const { program } = ctx.deps;
    // Most messages carry no signal at all: only read the member's standing when one is possible.
    if (!escalationSignal(program, { text: ctx.msg.text, tierId: program.tiers[0]!.id }) && !asksForHelp(ctx.msg.text)) return next();
    const s = standingOf(ctx);
    const signal = escalationSignal(program, { text: ctx.msg.text, tierId: s.tierId });
    if (!signal) return next();
    escalate(ctx, signal, s);
  },
};
