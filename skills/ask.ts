// Members asking about their points in their own words ("how far to Gold?", 积分什么时候过期): recognised by
// community/intents.ts and answered from their own ledger, short, in their language. Groups: when addressed, or a clear
// question about oneself (skills/group-asks.ts); personal answers always go privately.
// The questions beside the points go to the skill that owns them: check-in questions (never a check-in), reminders
// off and on, the invite code, a tier's perks, setting a birthday, and small talk (never a "didn't get that").
import type { Skill, SkillContext, SkillModule } from '../bot/core/skill';
import type { Audience } from '../bot/core/copy';
import type { Program, Tier } from '../community/program';
import { recogniseIntent, type Intent, type IntentName } from '../community/intents';
import { redeemGap } from '../community/rewards';
import { graceLastDay, tierIndex, tierById } from '../community/tiers';
import { memberStanding, type Standing } from '../store/standing';
import { formatDate } from '../community/nudges';
import { pointsText, tierLabel } from './points';
import { helpText } from './help';
import { replyPrivately } from './private';
import { isGroupSelfQuestion } from './group-asks';
import { askCopy } from './ask.copy';
import { localDate } from '../community/calendar';
import { FAST_PATH, recordModelUse } from '../store/model-usage';
import { checkinInfoText, checkinStatusText, makeupCardSellable } from './checkin';
import { optIn, optOut } from './nudges';
import { inviteReply, referralCondition } from './welcome';
import { setBirthday } from './profile';
import { greetingText, thanksText } from './smalltalk';

/** Longer messages are not quick questions (a story that mentions points is not a request for the balance). */
export const MAX_QUESTION_LENGTH = 200;

type Answer = (ctx: SkillContext, s: Standing, intent: Intent) => string;

function multiplierText(m: number): string {
  return `×${String(m)}`;
}

/** A tier's points multiplier, always with one decimal (×1.0, ×1.2, ×2.0) so tiers compare at a glance. */
function tierMultiplier(m: number): string {
  return `×${m.toFixed(Number.isInteger(m * 10) ? 1 : 2)}`;
}

function graceLine(program: Program, s: Standing, to: Audience): string | undefined {
  if (!s.graceUntil) return undefined;
  const keep = Math.max(0, s.tier.threshold - s.growth);
  return askCopy.say(to, 'grace', { date: formatDate(graceLastDay(program, s.graceUntil), to.lang), keep, tier: tierLabel(s.tier, to) });
}

/** How far the member is from `target` (a tier above theirs), in growth value. */
function gapLine(program: Program, s: Standing, target: Tier, to: Audience): string {
  const gap = Math.max(0, target.threshold - s.growth);
  const tier = tierLabel(target, to);
  if (gap === 0) return askCopy.say(to, 'gapReached', { tier });
  return askCopy.say(to, 'gap', { gap, tier, threshold: target.threshold, months: program.growth.windowMonths, growth: s.growth });
}

function growthHint(program: Program, to: Audience): string {
  const say = askCopy.to(to);
  const g = program.growth;
  const sources = [
    g.perCny > 0 && say('growthFromSpending', { growth: g.perCny }),
    g.perCheckin > 0 && say('growthFromCheckins', { growth: g.perCheckin }),
    g.perApprovedPost > 0 && say('growthFromPosts', { growth: g.perApprovedPost }),
  ].filter((p): p is string => typeof p === 'string');
  if (sources.length === 0) return '';
  return say('growthSources', { sources: sources.join(say('growthSeparator')) });
}

function expiringLine(s: Standing, to: Audience): string | undefined {
  if (!s.expiring) return undefined;
  return askCopy.say(to, 'expiringPart', { points: s.expiring.points, date: formatDate(s.expiring.date, to.lang) });
}

const balance: Answer = (ctx, s) => [pointsText(s, ctx), expiringLine(s, ctx)].filter((l) => l !== undefined).join('\n');

const tier: Answer = (ctx, s, intent) => {
  const { program } = ctx.deps;
  const say = askCopy.to(ctx);
  const name = tierLabel(s.tier, ctx);
  const multiplier = tierMultiplier(s.tier.multiplier);
  const lines: string[] = [];
  const asked = intent.tier ? tierById(program, intent.tier) : undefined;
  if (asked && asked.id === s.tier.id) lines.push(say('tierIsAsked', { tier: name, multiplier }));
  else if (asked && tierIndex(program, asked.id) < tierIndex(program, s.tier.id)) lines.push(say('tierAboveAsked', { tier: name, asked: tierLabel(asked, ctx), multiplier }));
  else if (asked) lines.push(say('tierBelowAsked', { tier: name, multiplier }));
  else lines.push(say('tierIs', { tier: name, multiplier }));
  const target = asked && tierIndex(program, asked.id) > tierIndex(program, s.tier.id) ? asked : s.nextTier;
  if (target) lines.push(gapLine(program, s, target, ctx));
  else lines.push(say('topTier'));
  const grace = graceLine(program, s, ctx);
  if (grace) lines.push(grace);
  return lines.join('\n');
};

const nextTier: Answer = (ctx, s, intent) => {
  const { program } = ctx.deps;
  const say = askCopy.to(ctx);
  const name = tierLabel(s.tier, ctx);
  const asked = intent.tier ? tierById(program, intent.tier) : undefined;
  if (asked && tierIndex(program, asked.id) <= tierIndex(program, s.tier.id)) {
    const already = asked.id === s.tier.id ? say('alreadyTier', { tier: name }) : say('alreadyAbove', { tier: name, asked: tierLabel(asked, ctx) });
    const next = s.nextTier ? gapLine(program, s, s.nextTier, ctx) : '';
    return [already, next].filter((l) => l !== '').join('\n');
  }
  const target = asked ?? s.nextTier;
  if (!target) return say('alreadyTopTier', { tier: name });
  return [say('tierNow', { tier: name }), gapLine(program, s, target, ctx), growthHint(program, ctx)].filter((l) => l !== '').join('\n');
};

const expiry: Answer = (ctx, s) => {
  const { program } = ctx.deps;
  const say = askCopy.to(ctx);
  const rule = say('expiryRule', { months: program.points.expiryMonths });
  if (s.expiring) return [say('expiringSoon', { points: s.expiring.points, date: formatDate(s.expiring.date, ctx.lang) }), rule].join('\n');
  return [say('noneExpiring', { days: program.points.expiryReminderDays }), rule].join('\n');
};

const earn: Answer = (ctx, s) => {
  const p = ctx.deps.program;
  const say = askCopy.to(ctx);
  const mult = s.tier.multiplier;
  const tierBoost = mult !== 1 ? say('earnShoppingTierBoost', { tier: tierLabel(s.tier, ctx), multiplier: multiplierText(mult) }) : '';
  const streakBonus = p.checkin.bonusPoints > 0 ? say('earnCheckinStreakBonus', { every: p.checkin.bonusEvery, bonus: p.checkin.bonusPoints }) : '';
  const campaignDay = (everyYear: string) => {
    const [month, day] = everyYear.split('-') as [string, string];
    return say('earnCampaignDay', { month, day, date: everyYear });
  };
  const lines: (string | false)[] = [
    say('earnTitle'),
    say('earnShopping', { points: p.points.perCny, tierBoost }),
    p.checkin.points > 0 && say('earnCheckin', { points: p.checkin.points, streakBonus }),
    p.ugc.points > 0 && say('earnPosts', { points: p.ugc.points, perDay: p.ugc.maxRewardedPerDay }),
    p.referral.points > 0 && say('earnReferral', { points: p.referral.points, when: referralCondition(ctx, p, 'friend') }),
    p.points.birthdayMultiplier !== 1 && say('earnBirthday', { multiplier: multiplierText(p.points.birthdayMultiplier) }),
    ...p.campaigns.map((c) => say('earnCampaign', { campaign: c.name[ctx.lang], when: c.everyYear ? campaignDay(c.everyYear) : '', multiplier: multiplierText(c.multiplier) })),
  ];
  return lines.filter((l): l is string => typeof l === 'string').join('\n');
};

const redeem: Answer = (ctx, s) => {
  const { program } = ctx.deps;
  const say = askCopy.to(ctx);
  const lang = ctx.lang;
  // A make-up card is offered only when there is a missed day it could fill (as /rewards and /redeem hold it).
  const makeupUsable = makeupCardSellable(ctx.deps, ctx.member.id, ctx.now).ok;
  const offered = program.rewards.filter((r) => r.kind !== 'makeup-card' || makeupUsable);
  if (offered.length === 0) return say('noRewards');
  const gaps = offered.map((r) => ({ r, gap: redeemGap(program, r, s.tier.id, s.spendable) }));
  const now = gaps.filter((g) => !g.gap).map((g) => g.r);
  const locked = gaps.filter((g) => g.gap?.tierNeeded).map((g) => ({ r: g.r, tier: g.gap!.tierNeeded! }));
  const short = gaps.filter((g) => g.gap && !g.gap.tierNeeded).sort((a, b) => a.r.cost - b.r.cost);
  const lines: string[] = [];
  if (now.length > 0) {
    lines.push(say('canRedeem', { points: s.spendable }));
    for (const r of now) lines.push(say('rewardRow', { reward: r.name[lang], cost: r.cost }));
    lines.push(say('howToRedeem', { reward: now[0]!.name[lang], id: now[0]!.id }));
  } else {
    const closest = short[0];
    lines.push(
      closest
        ? say('notEnoughYet', { points: s.spendable, reward: closest.r.name[lang], cost: closest.r.cost, short: closest.gap!.pointsShort! })
        : say('pointsToUse', { points: s.spendable }),
    );
  }
  if (locked.length > 0) {
    const rewards = locked.map((l) => say('lockedReward', { reward: l.r.name[lang], tier: tierLabel(l.tier, ctx) }));
    lines.push(say('lockedRewards', { rewards: rewards.join(say('listSeparator')) }));
  }
  return lines.join('\n');
};

const help: Answer = (ctx) => helpText(ctx, ctx.role);

/** A tier's perks from the program's own numbers: multiplier, upgrade gift, the rewards it opens, priority service. */
function generatedBenefits(ctx: SkillContext, t: Tier): string[] {
  const { program } = ctx.deps;
  const say = askCopy.to(ctx);
  const rank = tierIndex(program, t.id);
  const lines = [say('benefitMultiplier', { multiplier: tierMultiplier(t.multiplier) })];
  if (t.upgradeGift > 0) lines.push(say('benefitGift', { gift: t.upgradeGift }));
  const unlocked = program.rewards.filter((r) => r.minTier && tierIndex(program, r.minTier) === rank && rank > 0);
  if (unlocked.length > 0) lines.push(say('benefitUnlocks', { rewards: unlocked.map((r) => r.name[ctx.lang]).join(say('listSeparator')) }));
  const open = program.rewards.filter((r) => !r.minTier || tierIndex(program, r.minTier) <= rank);
  if (open.length > unlocked.length) lines.push(say('benefitRewards', { count: open.length }));
  if (rank >= tierIndex(program, program.escalation.vipTier)) lines.push(say('benefitPriority'));
  if (rank > 0) lines.push(say('benefitThreshold', { threshold: t.threshold, months: program.growth.windowMonths }));
  return lines;
}

// A tier's perks: the one named, else the member's own (with a pointer to the next). No balance or growth in it, so it
// may be said in a group.
const benefits: Answer = (ctx, s, intent) => {
  const { program } = ctx.deps;
  const say = askCopy.to(ctx);
  const t = intent.tier ? tierById(program, intent.tier) : s.tier;
  const body = t.benefits ? [t.benefits[ctx.lang]] : generatedBenefits(ctx, t);
  const lines = [say('benefitsTitle', { tier: tierLabel(t, ctx) }), ...body];
  const next = program.tiers[tierIndex(program, t.id) + 1];
  if (!intent.tier && next) lines.push(say('benefitsNext', { tier: tierLabel(next, ctx) }));
  return lines.join('\n');
};

const checkinInfo: Answer = (ctx) => checkinInfoText(ctx);
const checkinStatus: Answer = (ctx) => checkinStatusText(ctx);
const greeting: Answer = (ctx) => greetingText(ctx);
const thanks: Answer = (ctx) => thanksText(ctx);

/** Intents whose skill answers (and acts) itself: reminders off and on, the invite code, setting a birthday. */
const actions: Partial<Record<IntentName, (ctx: SkillContext) => void>> = {
  'opt-out': optOut,
  'opt-in': optIn,
  invite: inviteReply,
  birthday: setBirthday,
};

/** The questions this skill answers; check-in and human requests are left to their own skills (or the fallback). */
const answers: Partial<Record<IntentName, Answer>> = {
  balance,
  tier,
  'next-tier': nextTier,
  expiry,
  earn,
  redeem,
  help,
  benefits,
  'checkin-info': checkinInfo,
  'checkin-status': checkinStatus,
  greeting,
  thanks,
};
/** Answers that show what the member has (balance, growth, what they can afford): private chats only. */
const personal: ReadonlySet<IntentName> = new Set<IntentName>(['balance', 'tier', 'next-tier', 'expiry', 'redeem']);

/** Answers free-form questions about the member's own points; anything else goes on to the next skill. */
export const askSkill: Skill = {
  name: 'ask',
  middleware(ctx, next) {
    // In a group, messages for the bot (a mention, a reply to it) and clear questions about oneself (group-asks.ts,
    // answered privately) count; chatter never gets an answer.
    if (ctx.handled || ctx.command || ctx.msg.action !== undefined) return next();
    if (!ctx.addressed && !isGroupSelfQuestion(ctx)) return next();
    if (ctx.msg.text.length > MAX_QUESTION_LENGTH) return next();
    const intent = recogniseIntent(ctx.msg.text, ctx.deps.program.tiers);
    const action = actions[intent.name];
    if (action) {
      action(ctx);
      ctx.handled = true;
      return;
    }
    const answer = answers[intent.name];
    if (!answer) return next();
    const s = memberStanding(ctx.deps.db, ctx.deps.program, ctx.member.id, ctx.now);
    if (personal.has(intent.name)) replyPrivately(ctx, answer(ctx, s, intent));
    else ctx.reply(answer(ctx, s, intent));
    ctx.handled = true;
    // Counted beside the model's answers, so /stats can tell how much the fast path carries.
    const day = localDate(ctx.now, ctx.deps.program.timezone);
    ctx.afterHandled(() => recordModelUse(ctx.deps.db, { day, memberId: ctx.member.id, purpose: FAST_PATH, calls: 1 }));
  },
};

/** The ask skill as a module: after the command skills and escalation, before the fallback. */
export const askModule: SkillModule = { skills: [askSkill] };
