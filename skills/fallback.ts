// The last skill: a message for the bot that nobody understood gets a short pointer to help (or, after a few in a row,
// a person); group chatter gets nothing. Small talk is never "not understood": thanks and greetings are answered, a bare
// "ok" or 👍 is let be, and none of them counts toward a ticket.
import type { Skill } from '../bot/core/skill';
import { isAcknowledgement, recogniseIntent } from '../community/intents';
import { misunderstood } from './handoff';
import { greetingText, thanksText } from './smalltalk';
import { fallbackCopy } from './fallback.copy';

/** Replies to unclaimed messages addressed to the bot; stays silent in groups otherwise. */
export const fallbackSkill: Skill = {
  name: 'fallback',
  middleware(ctx) {
    if (ctx.handled || !ctx.addressed) return;
    ctx.handled = true;
    if (ctx.command) return void ctx.reply(fallbackCopy.say(ctx, 'unknownCommand', { command: ctx.command.name }));
    // A greeting or thanks that reached here (the ask skill passed it on) must not count toward a ticket.
    const intent = recogniseIntent(ctx.msg.text, ctx.deps.program.tiers).name;
    if (intent === 'thanks') return void ctx.reply(thanksText(ctx));
    if (intent === 'greeting') return void ctx.reply(greetingText(ctx));
    // "ok", "好的", 👍: nothing to answer, and nothing misunderstood either.
    if (isAcknowledgement(ctx.msg.text)) return;
    // The handoff counts misunderstood messages: enough in a row and a person takes over instead of this pointer.
    if (!misunderstood(ctx)) ctx.reply(fallbackCopy.say(ctx, 'notUnderstood'));
  },
};
