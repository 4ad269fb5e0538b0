// The last skill: a message for the bot that nobody understood gets a short pointer to help (or, after a few in a row,
// a person); group chatter gets nothing.
import type { Skill } from '../bot/core/skill';
import { misunderstood } from './handoff';
import { fallbackCopy } from './fallback.copy';

/** Replies to unclaimed messages addressed to the bot; stays silent in groups otherwise. */
export const fallbackSkill: Skill = {
  name: 'fallback',
  middleware(ctx) {
    if (ctx.handled || !ctx.addressed) return;
    if (ctx.command) {
      ctx.reply(fallbackCopy.say(ctx, 'unknownCommand', { command: ctx.command.name }));
    } else if (!misunderstood(ctx)) {
      // The handoff counts misunderstood messages: enough in a row and a person takes over instead of this pointer.
      ctx.reply(fallbackCopy.say(ctx, 'notUnderstood'));
    }
    ctx.handled = true;
  },
};
