// What is the member's own business — a balance, a code, a statement — goes to their private chat, never to a group.
// Asked in a group, the answer goes privately when the bot may write there, and the group hears only a short note.
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
