// `/rewards` 积分商城 lists the catalog (cost, tier gate, what the member can afford); `/redeem <item>` 兑换 <item>
// spends points for a unique code, keyed by the message so a redelivery never spends twice.
import { randomInt } from 'node:crypto';
import type { Skill, SkillContext, SkillModule } from '../bot/core/skill';
import type { Audience } from '../bot/core/copy';
import type { Lang } from '../bot/core/types';
import type { Program, Reward, Tier } from '../community/program';
import { findReward, redeemGap, type RedeemGap } from '../community/rewards';
import { tierById } from '../community/tiers';
import { HearthError } from '../bot/core/errors';
import { localDate, startOfLocalDay } from '../community/calendar';
import { memberStanding } from '../store/standing';
import { redeemReward, redemptionsOf, redemptionsSince } from '../store/redemptions';
import { commandArgs, isCommand } from './commands';
import { tierLabel } from './points';
import { canReachPrivately, privateChatButton, replyPrivately } from './private';
import { redeemCopy } from './redeem.copy';
import { makeupCardSellable } from './checkin';

// No 0/O, 1/I/L: codes are read aloud and typed at checkout.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A fresh redemption code from a cryptographic source, e.g. HX-7K2M-9QXD. */
export function newRedemptionCode(): string {
  const pick = () => Array.from({ length: 4 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
  return `HX-${pick()}-${pick()}`;
}

function rewardName(r: Reward, lang: Lang): string {
  return r.name[lang];
}

/** The catalog for one member: each reward with its cost and tier gate, marked ✅ affordable now, 🔒 tier or 💰 points. */
export function catalogText(program: Program, s: { tierId: string; spendable: number; makeupUsable?: boolean }, lang: Lang): string {
  const to: Audience = { lang, program };
  const say = redeemCopy.to(to);
  if (program.rewards.length === 0) return say('catalogEmpty');
  const head = say('catalogHead', { spendable: s.spendable, tier: tierLabel(tierById(program, s.tierId), to) });
  const lines = program.rewards.map((r) => {
    const gap = redeemGap(program, r, s.tierId, s.spendable);
    const gate = r.minTier ? tierById(program, r.minTier) : undefined;
    // A make-up card is offered only when it could fill a missed day now.
    const idle = r.kind === 'makeup-card' && s.makeupUsable === false;
    const mark = idle ? '⏸️' : !gap ? '✅' : gap.tierNeeded ? '🔒' : '💰';
    return say('catalogRow', {
      mark,
      reward: rewardName(r, lang),
      id: r.id,
      cost: r.cost,
      gate: gate ? say('catalogGate', { tier: tierLabel(gate, to) }) : '',
      short: idle ? say('catalogMakeupIdle') : gap && !gap.tierNeeded ? say('catalogShort', { short: gap.pointsShort! }) : '',
    });
  });
  const example = program.rewards[0]!;
  return [head, ...lines, say('catalogTail', { example: rewardName(example, lang), id: example.id })].join('\n');
}

/** Answers /rewards 积分商城. */
export const rewardsSkill: Skill = {
  name: 'rewards',
  middleware(ctx: SkillContext, next) {
    if (!isCommand(ctx, 'rewards')) return next();
    const s = memberStanding(ctx.deps.db, ctx.deps.program, ctx.member.id, ctx.now);
    // The catalog says what the member can afford: that is their balance, so it is theirs alone.
    const makeupUsable = makeupCardSellable(ctx.deps, ctx.member.id, ctx.now).ok;
    replyPrivately(ctx, catalogText(ctx.deps.program, { tierId: s.tier.id, spendable: s.spendable, makeupUsable }, ctx.lang));
    ctx.handled = true;
  },
};

/** Answers /redeem <item> 兑换 <item>: a clear refusal naming what is missing, or a code and the new balance. */
export const redeemSkill: Skill = {
  name: 'redeem',
  middleware(ctx: SkillContext, next) {
    if (!isCommand(ctx, 'redeem')) return next();
    ctx.handled = true;
    const { db, program } = ctx.deps;
    const say = redeemCopy.to(ctx);
    const typed = commandArgs(ctx, 'redeem').slice(0, 100);
    if (typed === '') {
      ctx.reply(say('whatToRedeem'));
      return;
    }
    const match = findReward(program, typed);
    if (match.kind === 'none') {
      ctx.reply(say('notFound', { typed }));
      return;
    }
    if (match.kind === 'many') {
      const choices = match.rewards.map((r) => say('choice', { reward: rewardName(r, ctx.lang), id: r.id })).join(say('choiceSeparator'));
      ctx.reply(say('whichOne', { choices }));
      return;
    }
    const reward = match.reward;
    const limit = program.redemption.maxPerDay;
    const dayStart = startOfLocalDay(localDate(ctx.now, program.timezone), program.timezone);
    if (redemptionsSince(db, ctx.member.id, dayStart) >= limit) {
      ctx.reply(say('dailyLimit', { limit }));
      return;
    }
    const s = memberStanding(db, program, ctx.member.id, ctx.now);
    const gap = redeemGap(program, reward, s.tier.id, s.spendable);
    if (gap) {
      refuse(ctx, reward, gap, s);
      return;
    }
    if (reward.kind === 'makeup-card') {
      // A make-up card is only worth its points when it can fill a missed day now: refuse before charging.
      const sellable = makeupCardSellable(ctx.deps, ctx.member.id, ctx.now);
      if (!sellable.ok) {
        const why = { 'not-missed': 'makeupNotNeeded', 'no-streak': 'makeupNoGap', 'has-card': 'makeupHaveOne' } as const;
        ctx.reply(say(why[sellable.why], { reward: rewardName(reward, ctx.lang) }));
        return;
      }
    }
    let res;
    try {
      res = redeemReward(db, { memberId: ctx.member.id, reward, key: `redeem:${ctx.msg.channel}:${ctx.msg.id}`, at: ctx.now, newCode: newRedemptionCode });
    } catch (err) {
      // The balance moved between the check and the spend (another message): refuse with the fresh numbers.
      if (err instanceof HearthError && err.code === 'insufficient_points') {
        const fresh = memberStanding(db, program, ctx.member.id, ctx.now);
        refuse(ctx, reward, { pointsShort: reward.cost - fresh.spendable }, fresh);
        return;
      }
      throw err;
    }
    const code = res.redemption.code;
    const name = rewardName(reward, ctx.lang);
    const secret = say('code', { reward: name, code, balance: res.balance });
    if (ctx.msg.chatType === 'private') {
      ctx.reply(say('redeemed', { details: secret }), { secret: true });
      return;
    }
    // A code read in a group can be used by anyone: it goes privately, or waits for the member in `我的券`.
    if (canReachPrivately(ctx)) {
      ctx.send({ chat: ctx.msg.from.id, text: secret, kind: 'reply', secret: true });
      ctx.reply(say('redeemedSentPrivately', { reward: name }));
      return;
    }
    ctx.reply(say('redeemedSaved', { reward: name }), { buttons: [privateChatButton(ctx)] });
  },
};

/** A redemption refused: the full reason privately (it names the balance); a group hears only that it could not be done. */
function refuse(ctx: SkillContext, reward: Reward, gap: RedeemGap, s: { spendable: number; tier: Tier }): void {
  const about = { reward: rewardName(reward, ctx.lang) };
  replyPrivately(ctx, refusalText(ctx, reward, gap, s), {
    note: redeemCopy.say(ctx, 'refusedSentPrivately', about),
    unreachableNote: redeemCopy.say(ctx, 'refusedOpenPrivately', about),
  });
}

/** The member's codes, newest first, each with its reward, the day it was redeemed and whether it was used. */
export function codesText(ctx: SkillContext): string {
  const say = redeemCopy.to(ctx);
  const rows = redemptionsOf(ctx.deps.db, ctx.member.id);
  if (rows.length === 0) return say('noCodes');
  const tz = ctx.deps.program.timezone;
  const lines = rows.map((r) => {
    const reward = ctx.deps.program.rewards.find((x) => x.id === r.rewardId);
    const name = reward ? rewardName(reward, ctx.lang) : r.rewardId;
    const row = { reward: name, code: r.code, day: localDate(new Date(r.at), tz) };
    if (r.usedAt === null) return say('codeNotUsed', row);
    return say('codeUsedOn', { ...row, usedDay: localDate(new Date(r.usedAt), tz) });
  });
  return [say('codesHead'), ...lines].join('\n');
}

/** `/mycodes` 我的券 (also /vouchers, 我的兑换码): the member's codes and whether each was used — privately. */
export const myCodesSkill: Skill = {
  name: 'my-codes',
  middleware(ctx: SkillContext, next) {
    if (!isCommand(ctx, 'mycodes')) return next();
    ctx.handled = true;
    replyPrivately(ctx, codesText(ctx));
  },
};

function refusalText(to: Audience, reward: Reward, gap: RedeemGap, s: { spendable: number; tier: Tier }): string {
  const say = redeemCopy.to(to);
  const short = gap.pointsShort ?? 0;
  const tier = gap.tierNeeded ? say('needTier', { tier: tierLabel(gap.tierNeeded, to), current: tierLabel(s.tier, to) }) : undefined;
  const points = short > 0 ? say('needPoints', { short, cost: reward.cost, spendable: s.spendable }) : undefined;
  const reasons = tier && points ? say('needTierAndPoints', { tier, points }) : (tier ?? points ?? '');
  return say('refusal', { reward: rewardName(reward, to.lang), reasons });
}

/** The catalog and redemption skills as a module. */
export const redeemModule: SkillModule = { skills: [rewardsSkill, redeemSkill, myCodesSkill] };
