// `/bind CODE` 绑定 (and `/start bind-CODE` from a shop's link): a member binds their chat account to their shop
// customer with the one-time code the shop showed them, and the points waiting on the customer become theirs.
import type { HearthDeps, Skill, SkillContext, SkillModule } from '../bot/core/skill';
import { useBindCode, type BindOutcome } from '../store/binding';
import { balanceOf } from '../store/ledger';
import { bindCopy } from './bind.copy';
import { commandArgs, isCommand } from './commands';
import { replyPrivately } from './private';
import { reviewTier } from './tiers';

const START_PREFIX = 'bind-';

/** The code a message carries, or undefined when it is not a bind at all. */
function codeOf(ctx: SkillContext): string | undefined {
  if (ctx.command?.name === 'start') return ctx.command.args.startsWith(START_PREFIX) ? ctx.command.args.slice(START_PREFIX.length) : undefined;
  return isCommand(ctx, 'bind') ? commandArgs(ctx, 'bind').trim() : undefined;
}

/** Use a bind code for a member, and review their tier with the customer's growth counted (a notice if it rose). */
export function bindMember(deps: HearthDeps, memberId: number, code: string, now: Date): BindOutcome {
  const outcome = useBindCode(deps.db, code, memberId, now, deps.program.tiers.map((t) => t.id));
  if (outcome.status === 'bound') reviewTier(deps, memberId, now, { notify: true });
  return outcome;
}

/** Binds a chat account to a shop customer; the answer (a balance) goes privately. */
export const bindSkill: Skill = {
  name: 'bind',
  middleware(ctx, next) {
    const code = codeOf(ctx);
    if (code === undefined) return next();
    ctx.handled = true;
    const say = bindCopy.to(ctx);
    if (!/^[A-Za-z0-9]{4,16}$/.test(code)) return void replyPrivately(ctx, say(code === '' ? 'usage' : 'invalid'));
    const { db, program, deployment } = ctx.deps;
    const outcome = bindMember(ctx.deps, ctx.member.id, code, ctx.now);
    switch (outcome.status) {
      case 'bound':
        return void replyPrivately(ctx, say('bound', { balance: balanceOf(db, ctx.member.id) }));
      case 'already':
        return void replyPrivately(ctx, say('already'));
      case 'invalid':
        return void replyPrivately(ctx, say('invalid'));
      case 'other-customer':
        return void replyPrivately(ctx, say('otherCustomer'));
      case 'taken': {
        const staff = { lang: program.escalation.staffLang, program };
        ctx.send({ ...deployment.staffRoom, text: bindCopy.say(staff, 'staffTaken', { name: ctx.member.name, customer: outcome.customer, boundTo: outcome.boundTo }), kind: 'reply' });
        return void replyPrivately(ctx, say('taken'));
      }
    }
  },
};

export const bindModule: SkillModule = { skills: [bindSkill] };
