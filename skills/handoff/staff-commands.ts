// What staff type: /take [ticket] (or the card's Take button) starts serving a ticket through their private chat,
// /done hands the member back to the bot, /transfer <staff> passes a ticket on, /queue lists who waits; and /stats,
// the managers' handoff figures; /dm <ticket> (or the card's Invite button) asks the member of a group ticket to continue
// privately. A staff command typed in a member group is answered privately (or in the staff room), never in the group.
import type { HearthDeps, Skill, SkillContext } from '../../bot/core/skill';
import type { Button } from '../../bot/core/types';
import { handoffFigures, isVip } from '../../community/escalation';
import { parseRef } from '../../community/refs';
import { tierById } from '../../community/tiers';
import { findMemberByPlatformId, getMember, membersByHandle, type MemberRow } from '../../store/members';
import {
  activeTicketOf,
  conversationHeldBy,
  getTicket,
  markPrivateChatOffered,
  moveTicket,
  ticketsHeldBy,
  ticketsOpenedBetween,
  waitingTickets,
  type TicketRow,
} from '../../store/tickets';
import { isNamedManager } from '../authority';
import { commandArgs, isCommand } from '../commands';
import { canReachPrivately, privateChatButton } from '../private';
import { bridgeHelp, durationText, reasonText, ticketSummary, waitedText, type StaffAudience } from './cards';
import { carryPayload } from './gate';
import { handoffCopy } from './copy';
import { isStaff, isStaffRoom, memberName, roleOf, staffLangOf, toMember } from './people';
import { close, pass, take } from './tickets';
import { localDate } from '../../community/calendar';
import { FAST_PATH, MODEL_ANSWER, modelUsageBetween } from '../../store/model-usage';

/**
 * Answer a staff command: in a member group the answer goes to the staff member's private chat where the bot may
 * write there, else to the staff room — never to the members (ticket details are staff business).
 */
function answer(ctx: SkillContext, out: string): void {
  if (ctx.msg.chatType !== 'group' || isStaffRoom(ctx)) return ctx.reply(out);
  if (canReachPrivately(ctx)) ctx.send({ channel: ctx.msg.channel, chat: ctx.msg.from.id, text: out, kind: 'reply' });
  else ctx.send({ ...ctx.deps.deployment.staffRoom, text: out, kind: 'reply' });
}

/** The button that opens the member's private chat with the bot: a link naming the ticket where the channel has one. */
function carryButton(deps: HearthDeps, t: TicketRow, to: StaffAudience): Button {
  const link = deps.privateLink(t.channel, carryPayload(t.id));
  return link ? { label: privateChatButton(to).label, url: link } : privateChatButton(to);
}

/** True when the bot may write to the member of a group ticket in their private chat on that channel. */
function memberReachablePrivately(deps: HearthDeps, t: TicketRow): boolean {
  const target = deps.reach(t.memberId, 'secret', { channel: t.channel });
  return target?.channel === t.channel && target.chat === t.platformId;
}

/**
 * Take a group ticket's conversation to the member's private chat: where the bot may write there, the ticket moves now
 * and the member hears `privately` there (and the group, if the member was `told` of the ticket, a short pointer); else
 * the group hears `inGroup` with a button that opens the private chat, and their first private message carries it.
 */
function offerPrivateChat(ctx: SkillContext, t: TicketRow, told: boolean, lines: { privately: string; inGroup: string }): 'moved' | 'offered' {
  const { db, program } = ctx.deps;
  const to = { lang: t.lang, program };
  if (memberReachablePrivately(ctx.deps, t)) {
    const moved = moveTicket(db, t.id, { channel: t.channel, chatId: t.platformId, chatType: 'private', platformId: t.platformId }, ctx.now, 'staff moved it to the private chat');
    if (moved) {
      ctx.send(toMember(moved, lines.privately, 'bridge'));
      if (told) ctx.send(toMember(t, handoffCopy.say(to, 'movedToPrivate', { staff: ctx.member.name })));
      return 'moved';
    }
  }
  markPrivateChatOffered(db, t, ctx.member.id, ctx.now);
  ctx.send(toMember(t, lines.inGroup, 'reply', [carryButton(ctx.deps, t, to)]));
  return 'offered';
}

/** `/dm <ticket>` or the card's Invite button: staff ask the member of a group ticket to continue in a private chat. */
function inviteCommand(ctx: SkillContext, arg: string): void {
  const { program } = ctx.deps;
  const say = handoffCopy.to(ctx);
  ctx.handled = true;
  if (!isStaff(ctx.role)) return ctx.reply(say('staffOnly'));
  const id = parseTicketId(arg);
  if (id === undefined) return answer(ctx, say('inviteUsage'));
  const t = getTicket(ctx.deps.db, id);
  if (!t) return answer(ctx, say('noSuchTicket', { id }));
  if (t.state === 'closed') return answer(ctx, say('alreadyClosed', { id }));
  if (t.chatType !== 'group') return answer(ctx, say('inviteNotGroup', { id }));
  const to = { lang: t.lang, program };
  const name = memberName(ctx.deps, t.memberId);
  const how = offerPrivateChat(ctx, t, conversationHeldBy(ctx.deps.db, t), { privately: handoffCopy.say(to, 'invitedPrivately', { id }), inGroup: handoffCopy.say(to, 'invitedInGroup') });
  answer(ctx, how === 'moved' ? say('inviteSentPrivately', { id, name }) : say('inviteSentInGroup', { id, name, chat: t.chatId }));
}

function parseTicketId(arg: string): number | undefined {
  const m = /^#?(\d{1,9})$/.exec(arg.trim());
  return m ? Number(m[1]) : undefined;
}

/** The ticket a staff command names (`/take 3`), or the default one; answers and returns undefined when there is none. */
function ticketFromArg(ctx: SkillContext, arg: string, texts: { usage: string; fallback: () => TicketRow | undefined; none: string }): TicketRow | undefined {
  if (arg.trim() === '') {
    const t = texts.fallback();
    if (!t) answer(ctx, texts.none);
    return t;
  }
  const id = parseTicketId(arg);
  if (id === undefined) {
    answer(ctx, texts.usage);
    return undefined;
  }
  const t = getTicket(ctx.deps.db, id);
  if (!t) answer(ctx, handoffCopy.say(ctx, 'noSuchTicket', { id }));
  return t;
}

function takeCommand(ctx: SkillContext, arg: string): void {
  const { db, deployment, program } = ctx.deps;
  const me = { lang: ctx.lang, program };
  const say = handoffCopy.to(me);
  ctx.handled = true;
  if (!isStaff(ctx.role)) return ctx.reply(say('staffOnly'));
  const t = ticketFromArg(ctx, arg, { usage: say('takeUsage'), fallback: () => waitingTickets(db)[0], none: say('noOneWaiting') });
  if (!t) return;
  const name = memberName(ctx.deps, t.memberId);
  // Whether the member heard of this ticket (a silent one, seen in a group, they did not): taking it holds the chat.
  const told = conversationHeldBy(db, t);
  const taking = take(ctx.deps, t, { memberId: ctx.member.id, channel: ctx.msg.channel, chat: ctx.msg.from.id }, ctx.now);
  switch (taking.kind) {
    case 'closed':
      return answer(ctx, say('alreadyClosed', { id: t.id }));
    case 'held-by-other':
      return answer(ctx, say('takeHeldByOther', { id: t.id, owner: memberName(ctx.deps, taking.owner) }));
    case 'switched':
      return answer(ctx, [say('switched', { id: t.id, name }), bridgeHelp(me, name)].join('\n'));
    case 'taken-by-other':
      return answer(ctx, say('takenByOther', { id: t.id }));
  }
  const taken = taking.ticket;
  const toTaken = { lang: taken.lang, program };
  // A group complaint is not handled in front of the group: the member is offered their private chat.
  if (taken.chatType === 'group') {
    offerPrivateChat(ctx, taken, told, {
      privately: handoffCopy.say(toTaken, 'joinedFromGroup', { staff: ctx.member.name }),
      inGroup: handoffCopy.say(toTaken, 'offerPrivate', { staff: ctx.member.name }),
    });
  } else ctx.send(toMember(taken, handoffCopy.say(toTaken, 'joined', { staff: ctx.member.name })));
  const now = getTicket(db, taken.id) ?? taken; // where the member is now (their private chat, when it moved)
  const summary = [say('youTook', { id: t.id }), ticketSummary(me, now, name), bridgeHelp(me, name)].join('\n');
  const room = { lang: program.escalation.staffLang, program };
  const roomNote = handoffCopy.say(room, 'roomTaken', { id: t.id, name, staff: ctx.member.name });
  if (ctx.msg.chatType === 'private') {
    ctx.reply(summary);
    ctx.send({ ...deployment.staffRoom, text: roomNote, kind: 'reply' });
    return;
  }
  // The bridge is the staff member's private chat: where the bot may not write there yet, the room says how to open it.
  const bridge = ctx.deps.reach(ctx.member.id, 'bridge', { channel: ctx.msg.channel });
  const reachable = bridge?.channel === ctx.msg.channel && bridge.chat === ctx.msg.from.id;
  const note = reachable ? roomNote : `${roomNote}\n${handoffCopy.say(room, 'openBridge', { staff: ctx.member.name, member: name })}`;
  const opts = reachable ? {} : { buttons: [privateChatButton(room)] };
  if (isStaffRoom(ctx)) ctx.reply(note, opts);
  else ctx.send({ ...deployment.staffRoom, text: note, kind: 'reply', ...opts });
  if (reachable) ctx.send({ channel: ctx.msg.channel, chat: ctx.msg.from.id, text: summary, kind: 'bridge' });
}

function doneCommand(ctx: SkillContext, arg: string): void {
  const { db, program } = ctx.deps;
  const say = handoffCopy.to(ctx);
  ctx.handled = true;
  if (!isStaff(ctx.role)) return ctx.reply(say('staffOnly'));
  const t = ticketFromArg(ctx, arg, { usage: say('doneUsage'), fallback: () => activeTicketOf(db, ctx.member.id), none: say('noActiveTicket') });
  if (!t) return;
  const closing = close(ctx.deps, t, { memberId: ctx.member.id, role: ctx.role }, ctx.now);
  if (closing.kind === 'closed-already') return answer(ctx, say('alreadyClosed', { id: t.id }));
  if (closing.kind === 'held-by-other') return answer(ctx, say('doneHeldByOther', { id: t.id, owner: memberName(ctx.deps, closing.owner) }));
  const { ticket: closed, served } = closing;
  // Only a ticket staff served is rated.
  const toClosed = { lang: closed.lang, program };
  const ratingButtons = served ? [1, 2, 3, 4, 5].map((n) => ({ label: String(n), data: `rate:${t.id}:${n}` })) : undefined;
  ctx.send(toMember(closed, handoffCopy.say(toClosed, served ? 'handedBackAskRating' : 'handedBack'), 'reply', ratingButtons));
  const lines = [say('closed', { id: t.id, name: memberName(ctx.deps, closed.memberId) })];
  const rest = ticketsHeldBy(db, ctx.member.id);
  if (rest.length > 0) lines.push(say('stillHolding', { tickets: rest.map((r) => `#${r.id}`).join(', '), id: rest[0]!.id }));
  answer(ctx, lines.join('\n'));
}

/** The staff member named in `/transfer`: a mention, their id here or with its channel (`telegram:123`), or a recent @handle. */
function findStaffTarget(ctx: SkillContext, token: string): MemberRow | undefined {
  const { db, deployment, program } = ctx.deps;
  const botId = deployment.channels[ctx.msg.channel]?.botId;
  const mentioned = (ctx.msg.mentions ?? []).find((m) => m !== botId);
  if (mentioned) return findMemberByPlatformId(db, ctx.msg.channel, mentioned);
  const bare = token.replace(/^@/, '');
  if (bare === '') return undefined;
  const ref = token.includes(':') ? parseRef(token) : undefined;
  if (ref && 'channel' in ref) return findMemberByPlatformId(db, ref.channel, ref.id);
  const here = findMemberByPlatformId(db, ctx.msg.channel, bare);
  if (here) return here;
  const ids = membersByHandle(db, ctx.msg.channel, bare, new Date(ctx.now.getTime() - program.handleRecentDays * 86_400_000));
  return ids.length === 1 ? getMember(db, ids[0]!) : undefined;
}

function transferCommand(ctx: SkillContext, args: string): void {
  const { db, program } = ctx.deps;
  const say = handoffCopy.to(ctx);
  ctx.handled = true;
  if (!isStaff(ctx.role)) return ctx.reply(say('staffOnly'));
  const [first = '', second = ''] = args.split(/\s+/).filter((w) => w !== '');
  if (first === '' && (ctx.msg.mentions ?? []).length === 0) return answer(ctx, say('transferUsage'));
  const target = findStaffTarget(ctx, first);
  if (!target) return answer(ctx, say('transferNotFound', { who: first }));
  if (target.id === ctx.member.id) return answer(ctx, say('transferToSelf'));
  if (!isStaff(roleOf(ctx.deps, target))) return answer(ctx, say('transferNotStaff', { name: target.name }));
  const explicit = second !== '' ? parseTicketId(second) : undefined;
  if (second !== '' && explicit === undefined) return answer(ctx, say('transferUsage'));
  const t = explicit !== undefined ? getTicket(db, explicit) : activeTicketOf(db, ctx.member.id);
  if (!t) return answer(ctx, explicit !== undefined ? say('noSuchTicket', { id: explicit }) : say('noActiveTicket'));
  const passing = pass(ctx.deps, t, { memberId: ctx.member.id, role: ctx.role }, target, ctx.msg.channel, ctx.now);
  switch (passing.kind) {
    case 'not-taken':
      return answer(ctx, say('transferNotTaken', { id: t.id }));
    case 'not-yours':
      return answer(ctx, say('transferNotYours', { id: t.id }));
    case 'unreachable':
      return answer(ctx, say('transferUnreachable', { name: target.name }));
    case 'closed':
      return answer(ctx, say('alreadyClosed', { id: t.id }));
  }
  const { ticket: moved, to, active } = passing;
  const name = memberName(ctx.deps, moved.memberId);
  const them = { lang: staffLangOf(ctx.deps, target.id), program };
  const intro = handoffCopy.say(them, 'transferredToYou', { from: ctx.member.name, id: moved.id });
  const how = active ? bridgeHelp(them, name) : handoffCopy.say(them, 'transferredSwitchHint', { id: moved.id });
  ctx.send({ channel: to.channel, chat: to.chat, text: [intro, ticketSummary(them, moved, name), how].join('\n'), kind: 'reply' });
  ctx.send(toMember(moved, handoffCopy.say({ lang: moved.lang, program }, 'transferred', { staff: target.name })));
  answer(ctx, say('transferDone', { id: moved.id, name, staff: target.name }));
}

function queueCommand(ctx: SkillContext): void {
  const { db, program } = ctx.deps;
  const me = { lang: ctx.lang, program };
  const say = handoffCopy.to(me);
  ctx.handled = true;
  if (!isStaff(ctx.role)) return ctx.reply(say('staffOnly'));
  const waiting = waitingTickets(db);
  const lines: string[] = [];
  if (waiting.length === 0) lines.push(say('noOneWaiting'));
  else {
    lines.push(say('queueTitle', { count: waiting.length }));
    for (const t of waiting) {
      lines.push(
        say('queueRow', {
          id: t.id,
          vip: isVip(program, t.tierId) ? say('queueRowVip') : '',
          name: memberName(ctx.deps, t.memberId),
          tier: tierById(program, t.tierId).name[ctx.lang],
          reason: reasonText(me, t.reason),
          waited: waitedText(me, t, ctx.now),
        }),
      );
    }
    lines.push(say('queueHowToTake'));
  }
  const held = ticketsHeldBy(db, ctx.member.id);
  if (held.length > 0) {
    const active = activeTicketOf(db, ctx.member.id)?.id;
    const mine = held.map((t) => say(t.id === active ? 'queueHeldActive' : 'queueHeld', { id: t.id, name: memberName(ctx.deps, t.memberId) })).join(', ');
    lines.push(say('queueYours', { tickets: mine }));
  }
  answer(ctx, lines.join('\n'));
}

function statsCommand(ctx: SkillContext, arg: string): void {
  const me = { lang: ctx.lang, program: ctx.deps.program };
  const say = handoffCopy.to(me);
  ctx.handled = true;
  if (!isNamedManager(ctx)) return ctx.reply(say('managersOnly'));
  const m = /^(\d{1,3})\s*(d|days?|天)?$/i.exec(arg.trim());
  const days = arg.trim() === '' ? 30 : m ? Number(m[1]) : NaN;
  if (!Number.isInteger(days) || days < 1 || days > 366) return answer(ctx, say('statsUsage'));
  const from = new Date(ctx.now.getTime() - days * 86_400_000);
  const f = handoffFigures(ticketsOpenedBetween(ctx.deps.db, from, new Date(ctx.now.getTime() + 1)));
  const none = '—';
  const duration = (v?: number) => (v === undefined ? none : durationText(me, v));
  answer(
    ctx,
    say('stats', {
      days,
      opened: f.opened,
      toTake: duration(f.medianTakeMinutes),
      toClose: duration(f.medianCloseMinutes),
      rating: f.averageRating === undefined ? none : f.averageRating.toFixed(1),
      ratings: f.ratings > 0 ? say('statsRatings', { count: f.ratings }) : '',
      waiting: waitingTickets(ctx.deps.db).length,
    }) + `\n${answersLine(ctx, me, days)}`,
  );
}

/** The questions of the period answered by Hearth's own rules and by the model, for /stats. */
function answersLine(ctx: SkillContext, me: StaffAudience, days: number): string {
  const tz = ctx.deps.program.timezone;
  const usage = modelUsageBetween(ctx.deps.db, localDate(new Date(ctx.now.getTime() - (days - 1) * 86_400_000), tz), localDate(ctx.now, tz));
  const fast = usage.find((u) => u.purpose === FAST_PATH)?.calls ?? 0;
  const model = usage.filter((u) => u.purpose !== FAST_PATH);
  const say = handoffCopy.to(me);
  if (!ctx.deps.llm && model.length === 0) return say('statsAnswersNoModel', { fast });
  // Questions are the `answer` use; the classifier, summaries and nudge lines cost tokens but answer nobody.
  const answers = usage.find((u) => u.purpose === MODEL_ANSWER) ?? { calls: 0, replaced: 0, failures: 0, latencyMs: 0 };
  const timed = answers.calls - answers.failures;
  const seconds = timed > 0 ? Math.round(answers.latencyMs / timed / 100) / 10 : 0;
  const tokens = model.reduce((n, u) => n + u.tokens, 0);
  return say('statsAnswers', { fast, model: answers.calls - answers.replaced - answers.failures, replaced: answers.replaced + answers.failures, tokens, seconds });
}

/** Staff commands (/take, the Take button, /done, /transfer, /queue) and the managers' /stats. */
export const handoffCommands: Skill = {
  name: 'handoff-commands',
  async middleware(ctx, next) {
    const action = /^take:(\d+)$/.exec(ctx.msg.action ?? '');
    if (action) return takeCommand(ctx, action[1]!);
    const invite = /^invite:(\d+)$/.exec(ctx.msg.action ?? '');
    if (invite) return inviteCommand(ctx, invite[1]!);
    if (isCommand(ctx, 'dm')) return inviteCommand(ctx, commandArgs(ctx, 'dm'));
    if (isCommand(ctx, 'take')) return takeCommand(ctx, commandArgs(ctx, 'take'));
    if (isCommand(ctx, 'done')) return doneCommand(ctx, commandArgs(ctx, 'done'));
    if (isCommand(ctx, 'transfer')) return transferCommand(ctx, commandArgs(ctx, 'transfer'));
    if (isCommand(ctx, 'queue')) return queueCommand(ctx);
    if (isCommand(ctx, 'stats')) return statsCommand(ctx, commandArgs(ctx, 'stats'));
    return next();
  },
};
