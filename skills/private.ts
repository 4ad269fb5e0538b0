// What is the member's own business — a balance, a code, a statement — goes to their private chat, never to a group.
// Asked in a group, the answer goes privately when the bot may write there, and the group hears only a short note.
// Manager and staff results (balances, lists, reasons) follow the same rule through `replyToManager`.
import type { SkillContext } from '../bot/core/skill';
import type { Button } from '../bot/core/types';
import type { Audience } from '../bot/core/copy';
import { privateCopy } from './private.copy';

/** The button that opens the member's private chat with the bot. */
export function privateChatButton(to: Audience): Button {
  return { label: privateCopy.say(to, 'chatButton'), privateChat: true };
}

/** True when the bot may write to the sender of this message in their private chat now. */
export function canReachPrivately(ctx: SkillContext): boolean {
  if (ctx.msg.chatType === 'private') return true;
  const target = ctx.deps.reach(ctx.member.id, 'secret', { channel: ctx.msg.channel });
  return target?.channel === ctx.msg.channel && target.chat === ctx.msg.from.id;
}

/**
 * Answer with something only the member may see. In a private chat it is the reply. In a group it goes to their
 * private chat when the bot may write there (the group hears `note`, by default "sent privately"); otherwise the group
 * hears how to open a private chat (`unreachableNote` replaces that line) and nothing private is sent. Returns where it went.
 */
export function replyPrivately(ctx: SkillContext, text: string, opts: { buttons?: Button[]; note?: string; unreachableNote?: string } = {}): 'here' | 'private' | 'unreachable' {
  if (ctx.msg.chatType === 'private') {
    ctx.reply(text, { buttons: opts.buttons, secret: true });
    return 'here';
  }
  if (canReachPrivately(ctx)) {
    ctx.send({ chat: ctx.msg.from.id, text, buttons: opts.buttons, kind: 'reply', secret: true });
    ctx.reply(opts.note ?? privateCopy.say(ctx, 'sent'));
    return 'private';
  }
  ctx.reply(opts.unreachableNote ?? privateCopy.say(ctx, 'openFirst'), { buttons: [privateChatButton(ctx)] });
  return 'unreachable';
}

/** Where a manager or staff result went: the chat it was asked in (private, the staff room), their private chat, the staff room, nowhere. */
export type ManagerReplyPlace = 'here' | 'private' | 'staff-room' | 'unreachable';

/**
 * Answer a manager, staff member or group moderator with what only they should see: a balance, a list of posts or
 * members, a rejection reason, a rule's samples, a usage line. In their private chat or the staff room it is the
 * reply. Asked in a members' group it goes to their private chat when the bot may write there, else to the staff room
 * mentioning them (named managers and staff only); the group hears at most `privateCopy.sentToManager` (`note: false`:
 * nothing). Someone reachable nowhere is asked, in the group, to open a private chat; nothing private is sent.
 */
export function replyToManager(ctx: SkillContext, text: string, opts: { buttons?: Button[]; buttonsText?: string; note?: false } = {}): ManagerReplyPlace {
  const { msg, deps } = ctx;
  const room = deps.deployment.staffRoom;
  const inRoom = msg.channel === room.channel && msg.chat === room.chat;
  const extra = { ...(opts.buttons ? { buttons: opts.buttons } : {}), ...(opts.buttonsText ? { buttonsText: opts.buttonsText } : {}) };
  if (msg.chatType === 'private' || inRoom) {
    ctx.reply(text, extra);
    return 'here';
  }
  const target = deps.reach(ctx.member.id, 'secret', { channel: msg.channel });
  if (target && target.mention === undefined) {
    ctx.send({ channel: target.channel, chat: target.chat, text, kind: 'reply', secret: true, ...extra });
    if (opts.note !== false) ctx.reply(privateCopy.say(ctx, 'sentToManager'));
    return 'private';
  }
  if ((ctx.role === 'manager' || ctx.role === 'staff') && room.chat !== '') {
    const mention = room.channel === msg.channel ? { mentions: [msg.from.id] } : {};
    ctx.send({ channel: room.channel, chat: room.chat, text, kind: 'reply', ...mention, ...extra });
    if (opts.note !== false) ctx.reply(privateCopy.say(ctx, 'sentToStaffRoom'));
    return 'staff-room';
  }
  ctx.reply(privateCopy.say(ctx, 'managerOpenFirst'), { buttons: [privateChatButton(ctx)] });
  return 'unreachable';
}
