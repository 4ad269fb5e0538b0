// Tier reviews: upgrade at once with the upgrade gift, a grace period below the threshold, then one level down; the
// member is told. Purchases, check-ins and UGC call reviewTier after growth changes; a daily job catches windows that slid.
import type { HearthDeps, SkillModule } from '../bot/core/skill';
import type { Audience } from '../bot/core/copy';
import type { Program, Tier } from '../community/program';
import { lotExpiresAt } from '../community/earning';
import { decideTier, graceLastDay, growthWindowStart, tierById } from '../community/tiers';
import { HearthError } from '../bot/core/errors';
import { inTransaction } from '../store/db';
import { balanceOf, earnPoints, growthBetween } from '../store/ledger';
import { tierStateOf } from '../store/standing';
import { alreadyPaidOf, getMember } from '../store/members';
import { membersAboveEntryTier, previousJobRun, setTierState, tierReviewCandidates } from '../store/tiers';
import { tiersCopy } from './tiers.copy';
import { recordTierChangeOf } from './statement';

/** A change a review made. `grace` on a downgrade means the member is still below the new tier: a new grace period. */
export type TierChange =
  | { kind: 'upgrade'; from: Tier; to: Tier; growth: number; gift: number; balance: number }
  | { kind: 'grace'; tier: Tier; growth: number; gap: number; until: Date; lastDay: string }
  | { kind: 'downgrade'; from: Tier; to: Tier; growth: number; grace?: { gap: number; until: Date; lastDay: string } }
  | { kind: 'recovered'; tier: Tier; growth: number };

type TierDeps = Pick<HearthDeps, 'db' | 'program' | 'queue' | 'reach'>;

/**
 * Review a member's tier against their growth value over the last `windowMonths` and apply what it decides, in one
 * transaction. The upgrade gift is an earn entry keyed `tier-gift:<member>:<tier>`: each tier's gift is paid once per
 * member ever, so dropping and climbing back does not pay twice; a jump over several tiers pays each tier passed.
 * Returns the change, or undefined when nothing changed. With `notify` the member is told (see notifyTierChange);
 * skills answering the member themselves append tierChangeText(change, ctx) instead.
 */
export function reviewTier(deps: TierDeps, memberId: number, now: Date, options: { notify?: boolean } = {}): TierChange | undefined {
  const { db, program } = deps;
  const change = inTransaction(db, (): TierChange | undefined => {
    const growth = growthBetween(db, memberId, growthWindowStart(program, now), now);
    const state = tierStateOf(db, memberId);
    const start = tierById(program, state.tierId);
    let held: { tierId: string; graceUntil?: Date } = { tierId: start.id, graceUntil: state.graceUntil };
    let result: TierChange | undefined;
    // At most one step per tier: each downgrade is followed by one more decision (a new grace period, or another step
    // down when the program has no grace days).
    for (let step = 0; step <= program.tiers.length; step++) {
      const d = decideTier(program, held, growth, now);
      if (d.kind === 'none') break;
      if (d.kind === 'upgrade') {
        let gift = 0;
        // A returning erased person had these gifts under their old member id: each tier's gift is paid once per person.
        const paidBefore = alreadyPaidOf(db, memberId);
        for (const t of d.climbed) {
          if (t.upgradeGift <= 0 || paidBefore.includes(`tier-gift:${t.id}`)) continue;
          const w = earnPoints(db, {
            memberId,
            points: t.upgradeGift,
            key: `tier-gift:${memberId}:${t.id}`,
            reason: 'tier-gift',
            ref: t.id,
            at: now,
            expiresAt: lotExpiresAt(program, now),
          });
          if (w.created) gift += t.upgradeGift;
        }
        setTierState(db, memberId, d.to.id, null, now);
        result = { kind: 'upgrade', from: start, to: d.to, growth, gift, balance: balanceOf(db, memberId) };
        break;
      }
      if (d.kind === 'recovered') {
        setTierState(db, memberId, d.tier.id, null, now);
        result = { kind: 'recovered', tier: d.tier, growth };
        break;
      }
      if (d.kind === 'grace') {
        setTierState(db, memberId, d.tier.id, d.until, now);
        const grace = { gap: d.tier.threshold - growth, until: d.until, lastDay: graceLastDay(program, d.until) };
        result = result?.kind === 'downgrade' ? { ...result, grace } : { kind: 'grace', tier: d.tier, growth, ...grace };
        break;
      }
      setTierState(db, memberId, d.to.id, null, now);
      held = { tierId: d.to.id };
      result = { kind: 'downgrade', from: start, to: d.to, growth };
    }
    if (result) recordTierChangeOf(db, memberId, result, now);
    return result;
  });
  if (change && options.notify) notifyTierChange(deps, memberId, change, now);
  return change;
}

/** The member-facing words for a tier change. */
export function tierChangeText(change: TierChange, to: Audience): string {
  const say = tiersCopy.to(to);
  switch (change.kind) {
    case 'upgrade': {
      const gift = change.gift > 0 ? say('upgradeGift', { gift: change.gift }) : '';
      const perk = change.to.multiplier > change.from.multiplier ? say('upgradePerk', { multiplier: change.to.multiplier }) : '';
      return say('upgraded', { tier: change.to.name[to.lang], gift, perk });
    }
    case 'grace':
      return say('grace', { growth: change.growth, tier: change.tier.name[to.lang], threshold: change.tier.threshold, lastDay: change.lastDay, gap: change.gap });
    case 'downgrade': {
      const tier = change.to.name[to.lang];
      return change.grace ? say('downgradedWithGrace', { tier, lastDay: change.grace.lastDay, gap: change.grace.gap }) : say('downgraded', { tier });
    }
    case 'recovered':
      return say('recovered', { tier: change.tier.name[to.lang] });
  }
}

/**
 * Tell the member about an upgrade, a grace period or a downgrade as a notice (held through quiet hours), where they
 * can be reached: their private chat, or their group with a mention — where a grace period or a step down (it names
 * their growth value) becomes a pointer to ask privately. An upgrade may be cheered in the group.
 */
export function notifyTierChange(deps: TierDeps, memberId: number, change: TierChange, now: Date): void {
  if (change.kind === 'recovered') return;
  const target = deps.reach(memberId, 'notice');
  if (!target) return;
  // The engine answers members whose language it never saw in English; a notice follows suit.
  const to: Audience = { lang: getMember(deps.db, memberId)?.lang ?? 'en', program: deps.program };
  const text = tierChangeText(change, to);
  const tierId = change.kind === 'grace' ? change.tier.id : change.to.id;
  const key = `tier:${memberId}:${change.kind}:${tierId}:${now.getTime()}`;
  const personal = change.kind !== 'upgrade';
  if (target.mention === undefined) {
    deps.queue(key, { channel: target.channel, chat: target.chat, text, kind: 'notice', secret: personal }, now);
    return;
  }
  const groupText = personal ? tiersCopy.say(to, 'newsInGroup') : text;
  deps.queue(key, { channel: target.channel, chat: target.chat, text: groupText, kind: 'notice', mentions: [target.mention] }, now);
}

/** When the daily tier review runs (program timezone), after the expiry job. */
export const TIER_REVIEW_CRON = '10 0 * * *';
const JOB = 'tier-review';

/** Review every member whose growth window slid, who earned growth, or whose grace period is due, as of `now`. */
export function runTierReview(deps: TierDeps, now: Date): number {
  const { db, program } = deps;
  const prev = previousJobRun(db, JOB, now);
  const prevNow = prev ?? new Date(now.getTime() - 86_400_000);
  const ids = new Set(
    tierReviewCandidates(db, { prevStart: growthWindowStart(program, prevNow), start: growthWindowStart(program, now), prevNow, now }),
  );
  // The first run has no previous one to count from: look at everyone holding more than the entry tier.
  if (!prev) for (const id of membersAboveEntryTier(db, entryTier(program).id)) ids.add(id);
  let changed = 0;
  const failed: { memberId: number; error: string }[] = [];
  // A few hundred members per commit: each review stays atomic (a savepoint), and the writer lock is never held long.
  const all = [...ids];
  for (let i = 0; i < all.length; i += REVIEW_BATCH) {
    inTransaction(db, () => {
      for (const id of all.slice(i, i + REVIEW_BATCH)) {
        try {
          if (reviewTier(deps, id, now, { notify: true })) changed++;
        } catch (err) {
          // One member's failure (undone by its savepoint) must not cost the others their review.
          failed.push({ memberId: id, error: String((err as Error)?.message ?? err) });
        }
      }
    });
  }
  if (failed.length > 0) {
    throw new HearthError('review_failed', `tier review failed for ${failed.length} member(s): ${failed[0]!.error}`, { failed: failed.slice(0, 20) });
  }
  return changed;
}

const REVIEW_BATCH = 500;

function entryTier(program: Program): Tier {
  return program.tiers[0]!;
}

/** Installs the daily tier review. */
export const tierModule: SkillModule = {
  install(hearth) {
    hearth.scheduler.addJob({ name: JOB, cron: TIER_REVIEW_CRON, run: (dueAt) => void runTierReview(hearth.deps, dueAt) });
  },
};
