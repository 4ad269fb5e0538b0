// The redemption catalog as pure rules: finding the reward a member typed (id, Chinese or English name, small typos)
// and what stands between a member and a reward (tier, points).
import type { Program, Reward, Tier } from './program';
import { tierAtLeast, tierById } from './tiers';

/** Fold case, width, currency signs and punctuation so "¥10 Voucher", "￥10代金券" and "10 voucher" compare alike. */
export function normalizeRewardText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[¥￥$]|rmb|cny|元|块/g, '')
    .replace(/[\s\p{P}\p{S}]/gu, '');
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** What a typed reward name matched: one reward, several (ask which), or none. */
export type RewardMatch = { kind: 'one'; reward: Reward } | { kind: 'many'; rewards: Reward[] } | { kind: 'none' };

/**
 * Find the reward a member means: an exact id or name first, then names containing what was typed (or the other way
 * round), then the closest spelling within a small typo budget. Case-insensitive, width- and punctuation-blind.
 */
export function findReward(program: Program, typed: string): RewardMatch {
  const q = normalizeRewardText(typed);
  if (q === '') return { kind: 'none' };
  const names = (r: Reward) => [r.id, r.name.zh, r.name.en].map(normalizeRewardText);
  const pick = (list: Reward[]): RewardMatch | undefined =>
    list.length === 1 ? { kind: 'one', reward: list[0]! } : list.length > 1 ? { kind: 'many', rewards: list } : undefined;
  const exact = program.rewards.filter((r) => names(r).includes(q));
  const contains = program.rewards.filter((r) => names(r).some((n) => n.includes(q) || (q.length >= 2 && q.includes(n))));
  const budget = q.length <= 4 ? 1 : 2;
  const scored = program.rewards
    .map((r) => ({ r, d: Math.min(...names(r).map((n) => editDistance(n, q))) }))
    .filter((s) => s.d <= budget);
  const best = Math.min(...scored.map((s) => s.d));
  const close = scored.filter((s) => s.d === best).map((s) => s.r);
  return pick(exact) ?? pick(contains) ?? pick(close) ?? { kind: 'none' };
}

/** Why a member cannot redeem a reward right now, if they cannot: a tier they lack and/or points they are short of. */
export interface RedeemGap {
  /** The tier the reward needs, when the member's tier is below it. */
  tierNeeded?: Tier;
  /** Points still missing (cost − spendable), when short. */
  pointsShort?: number;
}

/** What is missing for `reward` with this tier and spendable balance; undefined when nothing is. */
export function redeemGap(program: Program, reward: Reward, tierId: string, spendable: number): RedeemGap | undefined {
  const gap: RedeemGap = {};
  if (!tierAtLeast(program, tierId, reward.minTier)) gap.tierNeeded = tierById(program, reward.minTier!);
  if (spendable < reward.cost) gap.pointsShort = reward.cost - spendable;
  return gap.tierNeeded || gap.pointsShort ? gap : undefined;
}
