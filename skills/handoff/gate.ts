// The gate, the first skill: while staff own a conversation or one waits for them, the bot stays quiet in that chat and
// passes words both ways — staff words from their private chat to the member, member words to the staff member holding
// the ticket (or into the transcript while it waits). Only that chat is held, and even there the member's own commands
// (签到, /points…) still work. A group ticket follows the member to their private chat when they write there. Also the
// member's rating after a handoff, and the recent-message window the escalation reads.
import type { Skill, SkillContext } from '../../bot/core/skill';
import { normalise } from '../../community/escalation';
import {
  activeTicketOf,
  conversationHeldBy,
  getTicket,
  markHeldNote,
  moveTicket,
  openTicketOf,
  ratableTicket,
  recordRecentMessage,
  ticketsHeldBy,
  wasPrivateChatOffered,
  type TicketRow,
} from '../../store/tickets';
import { COMMANDS, isCommand } from '../commands';
import { postText } from '../ugc';
import { handoffCopy } from './copy';
import { supportOpensLater, wasMisunderstood } from './escalation';
import { whenText } from './cards';
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
  if (ctx.addressed && markHeldNote(db, t.id, ctx.now)) {
    const later = supportOpensLater(ctx);
    ctx.reply(later ? handoffCopy.say(ctx, 'heldNoteLater', { when: whenText({ lang: ctx.lang, program: ctx.deps.program }, later, ctx.now) }) : handoffCopy.say(ctx, 'heldNote'));
  }
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

// Member commands that stay the bot's while a conversation is with staff; /human and /cancel are the handoff's own.
const memberCommands = COMMANDS.filter((c) => c.audience === 'member' && c.name !== 'human' && c.name !== 'cancel').map((c) => c.name);

/** True when the message is one of the member's everyday actions (a command, a #分享 post): the bot still does it. */
function isMemberAction(ctx: SkillContext): boolean {
  if (ctx.command?.name === 'start' && ctx.command.args === '') return true;
  return memberCommands.some((name) => isCommand(ctx, name)) || postText(ctx) !== undefined;
}

const CARRY_START = /^ticket-(\d{1,9})$/;

/** The ticket a `/start ticket-N` link names (the private-chat link staff sent for a group ticket). */
function startTicket(ctx: SkillContext): number | undefined {
  if (ctx.command?.name !== 'start') return undefined;
  const m = CARRY_START.exec(ctx.command.args.trim());
  return m ? Number(m[1]) : undefined;
}

/** The start payload of the private-chat link for a ticket. */
export function carryPayload(ticketId: number): string {
  return `ticket-${ticketId}`;
}

/**
 * A member writing privately while their ticket is in a group of the same channel (they asked there, or staff took it
 * or invited them): the ticket moves to this chat — staff words come here from now on — and this message joins it.
 * Returns true when it handled the message.
 */
async function carryToPrivate(ctx: SkillContext, next: () => Promise<void>): Promise<boolean> {
  const { db, program } = ctx.deps;
  const named = startTicket(ctx);
  const open = openTicketOf(db, ctx.member.id);
  const carries =
    open !== undefined &&
    open.chatType === 'group' &&
    open.channel === ctx.msg.channel &&
    (named === open.id || open.state === 'staff' || conversationHeldBy(db, open) || wasPrivateChatOffered(db, open.id));
  if (!carries) {
    if (named === undefined) return false;
    // A link to a ticket that is closed (or not theirs): a friendly word instead of "that invite code is not valid".
    ctx.reply(handoffCopy.say(ctx, 'carryClosed'));
    ctx.handled = true;
    return true;
  }
  // Withdrawing the request is the member's to do from any of their chats.
  if (open.state === 'waiting' && isCommand(ctx, 'cancel')) {
    ctx.handled = true;
    cancelRequest(ctx, open);
    return true;
  }
  const moved = moveTicket(db, open.id, { channel: ctx.msg.channel, chatId: ctx.msg.chat, chatType: 'private', platformId: ctx.msg.from.id }, ctx.now, 'member moved to the private chat');
  if (!moved) return false;
  if (moved.state === 'staff' && moved.staffChannel && moved.staffChat) {
    const to = { lang: staffLangOf(ctx.deps, moved.staffMemberId), program };
    ctx.send({ channel: moved.staffChannel, chat: moved.staffChat, text: handoffCopy.say(to, 'memberMovedPrivate', { id: moved.id, name: ctx.member.name }), kind: 'bridge' });
  }
  if (named !== undefined || (ctx.command?.name === 'start' && ctx.command.args === '')) {
    ctx.reply(handoffCopy.say(ctx, 'carriedHere', { id: moved.id }));
    ctx.handled = true;
    return true;
  }
  if (isMemberAction(ctx)) {
    await next();
    return true;
  }
  ctx.handled = true;
  if (moved.state === 'waiting') {
    addToTranscript(ctx.deps, moved.id, transcriptLine('member', ctx.member.name, ctx.now, ctx.msg.text));
    markHeldNote(db, moved.id, ctx.now); // this says it: no second "someone will be with you" on their next message
    ctx.reply(handoffCopy.say(ctx, 'carriedWords', { id: moved.id }));
    return true;
  }
  memberWordsWhileHandedOff(ctx, moved);
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
        if (t.state === 'waiting' && isCommand(ctx, 'cancel')) {
          ctx.handled = true;
          return cancelRequest(ctx, t);
        }
        // The member's own actions are not part of the conversation with staff: a check-in is a check-in.
        if (isMemberAction(ctx)) return next();
        ctx.handled = true;
        memberWordsWhileHandedOff(ctx, t);
        return;
      }
    } else if (ctx.msg.chatType === 'private' && ctx.role === 'member' && (await carryToPrivate(ctx, next))) return;
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
