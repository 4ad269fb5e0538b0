// The last skill: a message for the bot that nobody understood gets a short pointer to help (or, after a few in a row,
// a person); group chatter gets nothing.
import type { Skill } from '../bot/core/skill';
import { misunderstood } from './handoff';

/** Replies to unclaimed messages addressed to the bot; stays silent in groups otherwise. */
export const fallbackSkill: Skill = {
  name: 'fallback',
  middleware(ctx) {
    if (ctx.handled || !ctx.addressed) return;
    if (ctx.command) {
      ctx.reply(
        ctx.lang === 'zh'
          ? `我不认识 /${ctx.command.name} 这个命令。发送「帮助」查看我能做什么。`
          : `I don't know the command /${ctx.command.name}. Send /help to see what I can do.`,
      );
    } else if (!misunderstood(ctx)) {
      // The handoff counts misunderstood messages: enough in a row and a person takes over instead of this pointer.
      ctx.reply(
        ctx.lang === 'zh'
          ? '抱歉，我没太明白。你可以问“我有多少积分”，或发送「帮助」查看我能做什么。'
          : 'Sorry, I didn\'t quite get that. You can ask "how many points do I have?" or send /help to see what I can do.',
      );
    }
    ctx.handled = true;
  },
};
