// What is the member's own business — a balance, a code, a statement — goes to their private chat, never to a group.
// Asked in a group, the answer goes privately when the bot may write there, and the group hears only a short note.
import type { SkillContext } from '../bot/core/skill';
import type { Button, Lang } from '../bot/core/types';

const copy = {
  sent: { zh: '📩 已私信发给你。', en: "📩 I've sent it to you privately." },
  openFirst: {
    zh: '🔒 积分和券码只在私聊里告诉你。请先点下方按钮私聊我，再问我一次。',
    en: "🔒 I keep points and codes to private chats. Open one with me (the button below), then ask me again.",
  },
  openButton: { zh: '私聊我', en: 'Chat with me privately' },
} as const;

/** The button that opens the member's private chat with the bot. */
export function privateChatButton(lang: Lang): Button {
  return { label: copy.openButton[lang], privateChat: true };
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
    ctx.reply(opts.note ?? copy.sent[ctx.lang]);
    return 'private';
  }
  ctx.reply(opts.unreachableNote ?? copy.openFirst[ctx.lang], { buttons: [privateChatButton(ctx.lang)] });
  return 'unreachable';
}
