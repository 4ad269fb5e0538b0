// The gate, the first skill: while staff own a conversation or one waits for them, the bot stays quiet and passes
// words both ways — staff words from their private chat to the member, member words to the staff member holding the
// ticket (or into the transcript while it waits). Also the member's rating after a handoff, and the recent-message
// window the escalation reads.
import type { Skill, SkillContext } from '../../bot/core/skill';
import { normalise } from '../../community/escalation';
import { activeTicketOf, getTicket, markHeldNote, ratableTicket, recordRecentMessage, ticketsHeldBy, type TicketRow } from '../../store/tickets';
import { isCommand } from '../commands';
import { handoffCopy } from './copy';
import { wasMisunderstood } from './escalation';
import { isStaff, isStaffRoom, staffLangOf, toMember } from './people';
import { addToTranscript, cancel, rate, transcriptLine } from './tickets';

function relayStaffWords(ctx: SkillContext, t: TicketRow): void {
  const words = ctx.msg.text;
  if (words.trim() === '') return;
  addToTranscript(ctx.deps, t.id, transcriptLine('staff', ctx.member.name, ctx.now, words));
  ctx.send(toMember(t, words, 'bridge'));
}

function memberWordsWhileHandedOff(ctx: SkillContext, t: TicketRow): void {
  const { db } = ctx.deps;
  addToTranscript(ctx.deps, t.id, transcriptLine('member', ctx.member.name, ctx.now, ctx.msg.text));
  if (t.state === 'staff' && t.staffChannel && t.staffChat) {
    const active = activeTicketOf(db, t.staffMemberId!)?.id === t.id;
    const say = handoffCopy.to({ lang: staffLangOf(ctx.deps, t.staffMemberId), program: ctx.deps.program });
    const text = say('memberSaid', {
      id: t.id,
      name: ctx.member.name,
      where: t.chatType === 'group' ? say('memberSaidInGroup', { chat: t.chatId }) : '',
      hint: active ? '' : say('memberSaidSwitchHint', { id: t.id }),
      words: ctx.msg.text.trim() === '' ? '[…]' : ctx.msg.text,
    });
    ctx.send({ channel: t.staffChannel, chat: t.staffChat, text, kind: 'bridge' });
    return;
  }
  // Waiting: the words join the transcript; the member hears "someone will be with you" once, and only when they
  // spoke to the bot (in a group, chatter with others gets nothing).
  if (ctx.addressed && markHeldNote(db, t.id, ctx.now)) ctx.reply(handoffCopy.say(ctx, 'heldNote'));
}

/** The member withdraws their waiting request; the staff room hears of it the first time only. */
function cancelRequest(ctx: SkillContext, t: TicketRow): void {
  const { again } = cancel(ctx.deps, t, ctx.member.id, ctx.now);
  ctx.reply(handoffCopy.say(ctx, 'cancelled'));
  if (again) return;
  const { program, deployment } = ctx.deps;
  const text = handoffCopy.say({ lang: program.escalation.staffLang, program }, 'memberCancelled', { id: t.id, name: ctx.member.name });
  ctx.send({ ...deployment.staffRoom, text, kind: 'reply' });
}

const ratingPattern = /^([1-5])\s*(分|星|stars?|\/5)?\s*[!.。！~]*$/;

/** A rating button, or a bare 1–5 soon after a served ticket closed: kept once, thanked for. */
function tryRating(ctx: SkillContext): boolean {
  const { db, program } = ctx.deps;
  const action = /^rate:(\d+):([1-5])$/.exec(ctx.msg.action ?? '');
  let ticket: TicketRow | undefined;
  let rating: number;
  if (action) {
    ticket = getTicket(db, Number(action[1]));
    rating = Number(action[2]);
    if (!ticket || ticket.memberId !== ctx.member.id || ticket.state !== 'closed') return false;
  } else {
    const m = ratingPattern.exec(normalise(ctx.msg.text));
    if (!m) return false;
    const since = new Date(ctx.now.getTime() - program.escalation.ratingWindowMinutes * 60_000);
    ticket = ratableTicket(db, ctx.msg.channel, ctx.msg.chat, ctx.member.id, since);
    if (!ticket) return false;
    rating = Number(m[1]);
  }
  if (rate(ctx.deps, ticket.id, rating, ctx.now)) ctx.reply(handoffCopy.say(ctx, 'thanksForRating'));
  ctx.handled = true;
  return true;
}

/** First skill: staff words → member, member words → staff, silence from the bot while staff own the conversation. */
export const handoffGate: Skill = {
  name: 'handoff-gate',
  async middleware(ctx, next) {
    const { db } = ctx.deps;
    if (isStaffRoom(ctx)) return next();
    // A staff member's private chat is the bridge to the member of their active ticket; commands still reach the bot.
    if (ctx.msg.chatType === 'private' && isStaff(ctx.role) && !ctx.command && !ctx.msg.action) {
      const active = activeTicketOf(db, ctx.member.id);
      if (active) {
        relayStaffWords(ctx, active);
        ctx.handled = true;
        return;
      }
      const held = ticketsHeldBy(db, ctx.member.id);
      if (held.length > 0) {
        ctx.reply(handoffCopy.say(ctx, 'noneActive', { tickets: held.map((t) => `#${t.id}`).join(', '), id: held[0]!.id }));
        ctx.handled = true;
        return;
      }
    }
    const conv = ctx.conversation;
    if (conv.state !== 'bot' && conv.ticketId !== null) {
      const t = getTicket(db, conv.ticketId);
      if (t && t.state !== 'closed') {
        ctx.handled = true;
        if (t.state === 'waiting' && isCommand(ctx, 'cancel')) return cancelRequest(ctx, t);
        memberWordsWhileHandedOff(ctx, t);
        return;
      }
    }
    if (tryRating(ctx)) return;
    await next();
    if (ctx.msg.text.trim() !== '' && !ctx.msg.action) {
      const recent = {
        channel: ctx.msg.channel,
        chatId: ctx.msg.chat,
        memberId: ctx.member.id,
        at: ctx.now,
        text: ctx.msg.text,
        misunderstood: wasMisunderstood(ctx),
      };
      ctx.afterHandled(() => recordRecentMessage(db, recent));
    }
  },
};
