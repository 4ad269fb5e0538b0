// Greetings and thanks (recognised by community/intents.ts): answered briefly and kindly, and never counted as a
// misunderstood message, so "thanks" can never open a ticket. The ask skill routes them here.
import type { SkillContext } from '../bot/core/skill';
import { smalltalkCopy } from './smalltalk.copy';

/** The answer to "你好" / "hi": in a group only the greeting, in a private chat a pointer to what the bot does. */
export function greetingText(ctx: SkillContext): string {
  const name = ctx.member.name;
  return smalltalkCopy.say(ctx, ctx.msg.chatType === 'group' ? 'greetingInGroup' : 'greeting', { name });
}

/** The answer to "谢谢" / "thanks!". */
export function thanksText(ctx: SkillContext): string {
  return smalltalkCopy.say(ctx, 'thanks');
}
