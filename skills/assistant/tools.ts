// The model's tools: read-only, and every one bound to the member who asked — no argument names a member, so no
// message, however it is worded, can make a tool read someone else or change anything. Results are JSON text.
import { z } from 'zod';
import type { AssistantTool } from '../../bot/core/assistant';
import type { HearthDeps, Member } from '../../bot/core/skill';
import type { Lang } from '../../bot/core/types';
import type { Program } from '../../community/program';
import { purchaseEarning, toFen } from '../../community/earning';
import { nextTierAndGap, tierById, tierForGrowth, tierIndex } from '../../community/tiers';
import { localDate, localMonth } from '../../community/calendar';
import { redeemGap } from '../../community/rewards';
import { memberStanding } from '../../store/standing';
import { latestEntriesOf, openLotsOf } from '../../store/ledger';
import { badgesOf } from '../../store/badges';
import { checkinDaysBetween, latestCheckin } from '../../store/checkins';

/** How many ledger entries the recent-entries tool shows. */
const RECENT_ENTRIES = 10;

function json(value: unknown): string {
  return JSON.stringify(value);
}

/** The program's rules as the model sees them: names in the member's language, every number from the program file. */
export function programRules(program: Program, lang: Lang): string {
  return json({
    pointsPerCny: program.points.perCny,
    pointsExpireAfterMonths: program.points.expiryMonths,
    birthdayMultiplier: program.points.birthdayMultiplier,
    growthValue: { perCny: program.growth.perCny, perCheckin: program.growth.perCheckin, perApprovedPost: program.growth.perApprovedPost, windowMonths: program.growth.windowMonths },
    tiers: program.tiers.map((t) => ({ name: t.name[lang], growthThreshold: t.threshold, pointsMultiplier: t.multiplier, upgradeGiftPoints: t.upgradeGift })),
    tierGraceDays: program.tierGraceDays,
    checkin: { points: program.checkin.points, bonusEveryDays: program.checkin.bonusEvery, bonusPoints: program.checkin.bonusPoints },
    sharedPosts: { pointsWhenApproved: program.ugc.points, maxRewardedPerDay: program.ugc.maxRewardedPerDay },
    referralPoints: program.referral.points,
    campaigns: program.campaigns.map((c) => ({ name: c.name[lang], multiplier: c.multiplier, everyYear: c.everyYear, from: c.from, to: c.to })),
    rewards: program.rewards.map((r) => ({ name: r.name[lang], cost: r.cost, minTier: r.minTier ? tierById(program, r.minTier).name[lang] : undefined })),
  });
}

/** The read-only tools for one member's question at `now`. */
export function memberTools(deps: HearthDeps, member: Member, lang: Lang, now: Date): AssistantTool[] {
  const { db, program } = deps;
  const tz = program.timezone;
  const day = (at: number | Date) => localDate(new Date(at), tz);
  const tierName = (id: string) => tierById(program, id).name[lang];
  const none = z.object({});
  return [
    {
      name: 'my_points',
      description: "The member's points: balance, spendable now, pending, and each lot with the day it expires.",
      schema: none,
      run: () => {
        const s = memberStanding(db, program, member.id, now);
        const lots = openLotsOf(db, member.id).map((l) => ({ points: l.remaining, expiresOn: day(l.expiresAt) }));
        return json({ balance: s.points, spendableNow: s.spendable, pending: s.pending, lots });
      },
    },
    {
      name: 'my_tier',
      description: "The member's tier, points multiplier, growth value in the window, the next tier and the growth still needed.",
      schema: none,
      run: () => {
        const s = memberStanding(db, program, member.id, now);
        return json({
          tier: s.tier.name[lang],
          pointsMultiplier: s.tier.multiplier,
          growthValue: s.growth,
          windowMonths: program.growth.windowMonths,
          nextTier: s.nextTier?.name[lang],
          nextTierThreshold: s.nextTier?.threshold,
          growthNeeded: s.gap,
          graceUntil: s.graceUntil ? day(s.graceUntil) : undefined,
        });
      },
    },
    {
      name: 'my_recent_points',
      description: "The member's latest points entries, newest first: date, points (signed), growth, and what it was for.",
      schema: none,
      run: () =>
        json(
          latestEntriesOf(db, member.id, RECENT_ENTRIES).map((e) => ({ date: day(e.at), points: e.points, growth: e.growth, reason: e.reason, note: e.note ?? undefined })),
        ),
    },
    {
      name: 'my_badges',
      description: 'The badges the member holds, with the day each was earned.',
      schema: none,
      run: () =>
        json(
          badgesOf(db, member.id).map((b) => {
            const badge = program.badges.find((x) => x.id === b.badgeId);
            return { badge: badge ? badge.name[lang] : b.badgeId, since: day(b.grantedAt) };
          }),
        ),
    },
    {
      name: 'my_checkins',
      description: "The member's check-ins in one month (YYYY-MM; default this month): the days, how many, and the current streak.",
      schema: z.object({ month: z.string().regex(/^\d{4}-\d{2}$/).optional().describe('YYYY-MM, e.g. last month') }),
      run: (args) => {
        const month = typeof args.month === 'string' && /^\d{4}-\d{2}$/.test(args.month) ? args.month : localMonth(now, tz);
        const days = checkinDaysBetween(db, member.id, `${month}-01`, `${month}-31`);
        const last = latestCheckin(db, member.id);
        return json({ month, days, count: days.length, currentStreak: last?.streak ?? 0, lastCheckin: last?.day, today: day(now) });
      },
    },
    {
      name: 'rewards_i_can_get',
      description: 'The rewards catalog: each reward, its cost, the tier it needs, and whether the member can redeem it now.',
      schema: none,
      run: () => {
        const s = memberStanding(db, program, member.id, now);
        return json({
          spendableNow: s.spendable,
          rewards: program.rewards.map((r) => {
            const gap = redeemGap(program, r, s.tier.id, s.spendable);
            return { name: r.name[lang], cost: r.cost, tierNeeded: r.minTier ? tierName(r.minTier) : undefined, canRedeemNow: !gap, pointsShort: gap?.pointsShort };
          }),
        });
      },
    },
    {
      name: 'what_if_purchase',
      description: 'What a purchase of some amount (CNY) today would earn the member: points, growth value, and the tier it would reach.',
      schema: z.object({ amountCny: z.number().positive().max(10_000_000).describe('the amount in CNY') }),
      run: (args) => {
        const amount = typeof args.amountCny === 'number' && Number.isFinite(args.amountCny) && args.amountCny > 0 ? Math.min(args.amountCny, 10_000_000) : 0;
        const s = memberStanding(db, program, member.id, now);
        const earned = purchaseEarning(program, { amountFen: toFen(amount), at: now, tierId: s.tier.id, birthday: member.birthday });
        const growthAfter = s.growth + earned.growth;
        const reached = tierForGrowth(program, growthAfter);
        const tierAfter = tierIndex(program, reached.id) > tierIndex(program, s.tier.id) ? reached : s.tier;
        const after = nextTierAndGap(program, tierAfter.id, growthAfter);
        return json({
          amountCny: amount,
          pointsEarned: earned.points,
          growthEarned: earned.growth,
          growthAfter,
          tierNow: s.tier.name[lang],
          tierAfter: tierAfter.name[lang],
          upgrades: tierAfter.id !== s.tier.id,
          upgradeGiftPoints: tierAfter.id !== s.tier.id ? tierAfter.upgradeGift : 0,
          nextTierAfter: after.nextTier?.name[lang],
          growthStillNeeded: after.gap,
        });
      },
    },
  ];
}
