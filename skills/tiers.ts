// Tier reviews: upgrade at once with the upgrade gift, a grace period below the threshold, then one level down; the
// member is told. Purchases, check-ins and UGC call reviewTier after growth changes; a daily job catches windows that slid.
import type { HearthDeps, SkillModule } from '../bot/core/skill';
import type { Lang } from '../bot/core/types';
import type { Program, Tier } from '../community/program';
import { lotExpiresAt } from '../community/earning';
import { decideTier, graceLastDay, growthWindowStart, tierById } from '../community/tiers';
import { HearthError } from '../bot/core/errors';
import { inTransaction } from '../store/db';
import { balanceOf, earnPoints, growthBetween } from '../store/ledger';
import { tierStateOf } from '../store/standing';
import { alreadyPaidOf, getMember } from '../store/members';
import { membersAboveEntryTier, previousJobRun, setTierState, tierReviewCandidates } from '../store/tiers';

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
 * skills answering the member themselves append tierChangeText(change, lang) instead.
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
    return result;
  });
  if (change && options.notify) notifyTierChange(deps, memberId, change, now);
  return change;
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** The member-facing words for a tier change, in one language. */
export function tierChangeText(change: TierChange, lang: Lang): string {
  const zh = lang === 'zh';
  switch (change.kind) {
    case 'upgrade': {
      const name = change.to.name[lang];
      const gift = change.gift <= 0 ? '' : zh ? `，获赠 ${fmt(change.gift)} 积分升级礼` : ` Your upgrade gift of ${fmt(change.gift)} points is in your account.`;
      const perk =
        change.to.multiplier > change.from.multiplier
          ? zh
            ? `今后消费可享 ${change.to.multiplier} 倍积分。`
            : ` Purchases now earn ×${change.to.multiplier} points.`
          : '';
      return zh ? `🎉 恭喜升级为${name}会员${gift}！${perk}` : `🎉 Congratulations, you're now ${name}!${gift}${perk}`;
    }
    case 'grace':
      return zh
        ? `你近期的成长值为 ${fmt(change.growth)}，低于${change.tier.name.zh}门槛 ${fmt(change.tier.threshold)}。${change.lastDay} 前再获得 ${fmt(change.gap)} 成长值即可保留${change.tier.name.zh}，否则将降一级。`
        : `Your growth value is now ${fmt(change.growth)}, below ${change.tier.name.en}'s ${fmt(change.tier.threshold)}. Earn ${fmt(change.gap)} more by ${change.lastDay} to keep ${change.tier.name.en}; otherwise you'll move down one tier.`;
    case 'downgrade': {
      const base = zh ? `你的会员等级已调整为${change.to.name.zh}。` : `Your tier is now ${change.to.name.en}.`;
      if (!change.grace) return base;
      return zh
        ? `${base}${change.grace.lastDay} 前再获得 ${fmt(change.grace.gap)} 成长值即可保留${change.to.name.zh}。`
        : `${base} Earn ${fmt(change.grace.gap)} more growth by ${change.grace.lastDay} to keep it.`;
    }
    case 'recovered':
      return zh ? `成长值已回到${change.tier.name.zh}门槛以上，保级成功！` : `You're back above ${change.tier.name.en}'s threshold, so ${change.tier.name.en} stays yours.`;
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
  const lang: Lang = getMember(deps.db, memberId)?.lang ?? 'en';
  const text = tierChangeText(change, lang);
  const tierId = change.kind === 'grace' ? change.tier.id : change.to.id;
  const key = `tier:${memberId}:${change.kind}:${tierId}:${now.getTime()}`;
  const personal = change.kind !== 'upgrade';
  if (target.mention === undefined) {
    deps.queue(key, { channel: target.channel, chat: target.chat, text, kind: 'notice', secret: personal }, now);
    return;
  }
  const groupText = personal
    ? lang === 'zh'
      ? '你的会员等级有新消息，私聊我发送「等级」即可查看。'
      : 'There is news about your membership tier: send me /tier in a private chat to see it.'
    : text;
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
