// Tier rules as pure functions: which tier a growth value earns, the next tier and the gap to it, and what a review
// decides (upgrade at once; below the threshold a grace period, then one level down).
import type { Program, Tier } from './program';
import { addDays, addMonths, localDate, startOfLocalDay } from './calendar';

/** The tier a growth value qualifies for: the highest whose threshold it reaches. */
export function tierForGrowth(program: Program, growth: number): Tier {
  let found = program.tiers[0]!;
  for (const t of program.tiers) if (growth >= t.threshold) found = t;
  return found;
}

/** Position of a tier in the program's list (0 = the entry tier); an unknown id (tier removed from the program) counts as 0. */
export function tierIndex(program: Program, tierId: string): number {
  const i = program.tiers.findIndex((t) => t.id === tierId);
  return i < 0 ? 0 : i;
}

/** A tier by id, falling back to the entry tier when the program no longer has it. */
export function tierById(program: Program, tierId: string): Tier {
  return program.tiers[tierIndex(program, tierId)]!;
}

/** The tier above `tierId`, and how much growth value is still missing to reach it (undefined at the top). */
export function nextTierAndGap(program: Program, tierId: string, growth: number): { nextTier?: Tier; gap?: number } {
  const next = program.tiers[tierIndex(program, tierId) + 1];
  if (!next) return {};
  return { nextTier: next, gap: Math.max(0, next.threshold - growth) };
}

/** True when the member's tier is at least `minTierId` (rewards gated by tier). */
export function tierAtLeast(program: Program, tierId: string, minTierId: string | undefined): boolean {
  if (!minTierId) return true;
  return tierIndex(program, tierId) >= tierIndex(program, minTierId);
}

/** What a tier review decides for one member. */
export type TierDecision =
  | { kind: 'none' }
  /** Growth reached a higher tier: move up at once; `climbed` lists the tiers passed on the way up (each pays its gift once). */
  | { kind: 'upgrade'; from: Tier; to: Tier; climbed: Tier[] }
  /** Growth fell below the held tier: keep it until `until`. */
  | { kind: 'grace'; tier: Tier; until: Date }
  /** Back at or above the held tier's threshold during a grace period: the grace period is over. */
  | { kind: 'recovered'; tier: Tier }
  /** The grace period ran out: one level down (a new grace period starts if still below that one). */
  | { kind: 'downgrade'; from: Tier; to: Tier };

/**
 * Decide a review from the held tier, any grace period and the growth over the window. Upgrades win over everything;
 * a drop never skips levels: each level down needs its own grace period (zero grace days drops one level at once).
 */
export function decideTier(
  program: Program,
  held: { tierId: string; graceUntil?: Date | null },
  growth: number,
  now: Date,
): TierDecision {
  const heldIndex = tierIndex(program, held.tierId);
  const heldTier = program.tiers[heldIndex]!;
  const earned = tierForGrowth(program, growth);
  const earnedIndex = tierIndex(program, earned.id);
  if (earnedIndex > heldIndex) {
    return { kind: 'upgrade', from: heldTier, to: earned, climbed: program.tiers.slice(heldIndex + 1, earnedIndex + 1) };
  }
  if (earnedIndex === heldIndex) return held.graceUntil ? { kind: 'recovered', tier: heldTier } : { kind: 'none' };
  if (!held.graceUntil) {
    if (program.tierGraceDays === 0) return { kind: 'downgrade', from: heldTier, to: program.tiers[heldIndex - 1]! };
    return { kind: 'grace', tier: heldTier, until: graceEnd(program, now) };
  }
  if (now.getTime() >= held.graceUntil.getTime()) return { kind: 'downgrade', from: heldTier, to: program.tiers[heldIndex - 1]! };
  return { kind: 'none' };
}

/**
 * When a grace period starting at `now` ends: local midnight `tierGraceDays` days later, so the daily review just after
 * midnight ends it on its day whatever time of day it started.
 */
export function graceEnd(program: Program, now: Date): Date {
  const tz = program.timezone;
  return startOfLocalDay(addDays(localDate(now, tz), program.tierGraceDays), tz);
}

/** The last local date (YYYY-MM-DD) of a grace period ending at `until` (for "keep it by …" messages). */
export function graceLastDay(program: Program, until: Date): string {
  return localDate(new Date(until.getTime() - 1), program.timezone);
}

/** Where the growth window that decides the tier starts: `windowMonths` before `now` (growth counts in (start, now]). */
export function growthWindowStart(program: Program, now: Date): Date {
  // Timezone offsets change only on 15-minute boundaries, so within an aligned 15-minute slot the window start is
  // `now` shifted by one fixed amount: compute it once per slot (purchases in bulk review a tier each).
  const tz = program.timezone;
  const slot = Math.floor(now.getTime() / QUARTER_HOUR) * QUARTER_HOUR;
  const key = `${tz}|${program.growth.windowMonths}|${slot}`;
  let shift = windowShift.get(key);
  if (shift === undefined) {
    shift = addMonths(new Date(slot), -program.growth.windowMonths, tz).getTime() - slot;
    if (windowShift.size >= 10_000) windowShift.clear();
    windowShift.set(key, shift);
  }
  return new Date(now.getTime() + shift);
}
const QUARTER_HOUR = 15 * 60_000;
const windowShift = new Map<string, number>();
