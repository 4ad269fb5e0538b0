// `/points` 积分 and `/tier` 等级: the member's balance, tier, gap to the next tier and points expiring soon, short and
// in their language. The words live here so the ask skill can answer free-form questions with the same sentences.
import type { Skill, SkillContext, SkillModule } from '../bot/core/skill';
import type { Audience } from '../bot/core/copy';
import type { Program, Tier } from '../community/program';
import { graceLastDay } from '../community/tiers';
import { memberStanding, type Standing } from '../store/standing';
import { isCommand } from './commands';
import { pointsCopy } from './points.copy';
import { replyPrivately } from './private';

/** A tier's name as members say it: 金卡会员, 普通会员 (not 普通会员会员), Gold. */
export function tierLabel(tier: Tier, to: Audience): string {
  const name = tier.name[to.lang];
  return name.endsWith('会员') ? name : pointsCopy.say(to, 'tierLabel', { tier: name });
}

/** The balance line(s): points, what can be spent now, what is still pending, and any debt from a refund. */
export function pointsText(s: Standing, to: Audience): string {
  const say = pointsCopy.to(to);
  if (s.points < 0) return say('inDebt', { points: s.points });
  if (s.pending > 0) return say('balanceWithPending', { points: s.points, pending: s.pending, spendable: s.spendable });
  if (s.spendable < s.points) return say('balanceSpendable', { points: s.points, spendable: s.spendable });
  return say('balance', { points: s.points });
}

/** One line on the tier: which, and how far to the next (or that this is the top tier). */
export function tierLine(s: Standing, to: Audience): string {
  const tier = tierLabel(s.tier, to);
  if (!s.nextTier) return pointsCopy.say(to, 'tierTop', { tier });
  return pointsCopy.say(to, 'tierNext', { tier, gap: s.gap ?? 0, next: tierLabel(s.nextTier, to) });
}

/** Points expiring soon, if any. */
export function expiringLine(s: Standing, to: Audience): string | undefined {
  if (!s.expiring) return undefined;
  return pointsCopy.say(to, 'expiring', { points: s.expiring.points, date: s.expiring.date });
}

/** The answer to /points: balance, tier and what expires soon. */
export function pointsReply(s: Standing, to: Audience): string {
  return [pointsText(s, to), tierLine(s, to), expiringLine(s, to)].filter((l) => l !== undefined).join('\n');
}

/** The answer to /tier: tier, growth value over the window, the gap to the next tier and any grace period. */
export function tierReply(s: Standing, program: Program, to: Audience): string {
  const say = pointsCopy.to(to);
  const tier = tierLabel(s.tier, to);
  const lines = [say('yourTier', { tier, months: program.growth.windowMonths, growth: s.growth })];
  if (s.nextTier) lines.push(say('toNextTier', { gap: s.gap ?? 0, next: tierLabel(s.nextTier, to), threshold: s.nextTier.threshold }));
  else lines.push(say('topTier'));
  if (s.graceUntil) {
    const keep = Math.max(0, s.tier.threshold - s.growth);
    lines.push(say('grace', { date: graceLastDay(program, s.graceUntil), keep, tier }));
  }
  return lines.join('\n');
}

/** Answers /points 积分 and /tier 等级 from the member's own ledger (privately when asked in a group). */
export const pointsSkill: Skill = {
  name: 'points',
  middleware(ctx: SkillContext, next) {
    const points = isCommand(ctx, 'points');
    const tier = !points && isCommand(ctx, 'tier');
    if (!points && !tier) return next();
    const s = memberStanding(ctx.deps.db, ctx.deps.program, ctx.member.id, ctx.now);
    replyPrivately(ctx, points ? pointsReply(s, ctx) : tierReply(s, ctx.deps.program, ctx));
    ctx.handled = true;
  },
};

/** The /points and /tier skill as a module. */
export const pointsModule: SkillModule = { skills: [pointsSkill] };
