// Earning rules as pure functions: points and growth value for a purchase, when a lot expires and becomes spendable,
// and how much of an order a refund takes back. Amounts are in fen (1 CNY = 100 fen) so money is never a float.
import type { Campaign, Program } from './program';
import { addDays, addMonths, localDate, localParts, startOfLocalDay, zonedTime } from './calendar';
import { tierById } from './tiers';

/** What a purchase earns and why (the multipliers are kept for the member's receipt and for tests). */
export interface PurchaseEarning {
  points: number;
  growth: number;
  /** The product of every multiplier that applied. */
  multiplier: number;
  tierMultiplier: number;
  birthdayMultiplier: number;
  campaignMultiplier: number;
  /** The campaign that applied, if any. */
  campaign?: Campaign;
  birthday: boolean;
}

/**
 * Points and growth for a purchase of `amountFen` at `at` by a member holding `tierId` (the tier held at the time).
 *
 * Multipliers multiply: points = floor(CNY × perCny × tier × birthday × campaign). The three come from independent
 * decisions (who the member is, what day it is for them, what day it is for everyone), so a Gold member buying on their
 * birthday during 11-11 gets 1.2 × 2 × 3. When several campaigns overlap only the largest applies, so stacking
 * campaigns by accident cannot run away. Growth value is never multiplied: it measures spending, not luck.
 */
export function purchaseEarning(
  program: Program,
  purchase: { amountFen: number; at: Date; tierId: string; birthday?: string | null },
): PurchaseEarning {
  const tierMultiplier = tierById(program, purchase.tierId).multiplier;
  const birthday = isBirthday(purchase.birthday, purchase.at, program.timezone);
  const birthdayMultiplier = birthday ? program.points.birthdayMultiplier : 1;
  const campaign = activeCampaign(program, purchase.at);
  const campaignMultiplier = campaign?.multiplier ?? 1;
  const multiplier = tierMultiplier * birthdayMultiplier * campaignMultiplier;
  return {
    points: floorFen(purchase.amountFen * program.points.perCny * multiplier),
    growth: floorFen(purchase.amountFen * program.growth.perCny),
    multiplier,
    tierMultiplier,
    birthdayMultiplier,
    campaignMultiplier,
    campaign,
    birthday,
  };
}

// fen × rate / 100, floored; the epsilon keeps 1.2 × 100 (= 119.99999…) from losing a point to binary fractions.
function floorFen(fenTimesRate: number): number {
  return Math.max(0, Math.floor(fenTimesRate / 100 + 1e-9));
}

/** True when `at` falls on the member's birthday (MM-DD) in the program's timezone; 29 Feb is kept on 28 Feb in other years. */
export function isBirthday(birthday: string | null | undefined, at: Date, tz: string): boolean {
  if (!birthday || !/^\d{4}-\d{2}-\d{2}$/.test(birthday)) return false;
  const p = localParts(at, tz);
  const mmdd = birthday.slice(5);
  const today = `${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
  if (mmdd === today) return true;
  const leap = (p.year % 4 === 0 && p.year % 100 !== 0) || p.year % 400 === 0;
  return mmdd === '02-29' && !leap && today === '02-28';
}

/** The campaign with the largest multiplier running on the local date of `at`, if any. */
export function activeCampaign(program: Program, at: Date): Campaign | undefined {
  const date = localDate(at, program.timezone);
  let best: Campaign | undefined;
  for (const c of program.campaigns) {
    const on = c.everyYear !== undefined ? date.slice(5) === c.everyYear : c.from !== undefined && c.to !== undefined && date >= c.from && date <= c.to;
    if (on && (!best || c.multiplier > best.multiplier)) best = c;
  }
  return best;
}

/**
 * When a lot earned at `at` expires: the local midnight that starts the day `expiryMonths` later. The daily expiry job
 * just after midnight then removes it on its day, and the member can spend it through the day before.
 */
export function lotExpiresAt(program: Program, at: Date): Date {
  const tz = program.timezone;
  // Every timezone offset is a multiple of 15 minutes, so the local date (and with it the answer) is the same for
  // every instant of an aligned 15-minute slot: imports of many purchases then compute each slot once.
  const key = `${tz}|${program.points.expiryMonths}|${Math.floor(at.getTime() / QUARTER_HOUR)}`;
  let ms = expiryMemo.get(key);
  if (ms === undefined) {
    ms = startOfLocalDay(localDate(addMonths(at, program.points.expiryMonths, tz), tz), tz).getTime();
    if (expiryMemo.size >= 10_000) expiryMemo.clear();
    expiryMemo.set(key, ms);
  }
  return new Date(ms);
}
const QUARTER_HOUR = 15 * 60_000;
const expiryMemo = new Map<string, number>();

/** When purchase points earned at `at` become spendable: `pendingDays` later at the same local time (at once for 0). */
export function purchaseAvailableAt(program: Program, at: Date): Date {
  const days = program.points.pendingDays;
  if (days === 0) return at;
  const tz = program.timezone;
  const p = localParts(at, tz);
  const hms = [p.hour, p.minute, p.second].map((n) => String(n).padStart(2, '0')).join(':');
  return zonedTime(addDays(localDate(at, tz), days), hms, tz);
}

/**
 * How much of an order's `total` (points or growth) a refund takes back. Rounded on the cumulative refunded amount, so
 * several partial refunds always add up to exactly the total of a full refund: share(after) − share(before).
 */
export function refundShare(total: number, amountFen: number, refundedBeforeFen: number, refundFen: number): number {
  return cumulativeShare(total, amountFen, refundedBeforeFen + refundFen) - cumulativeShare(total, amountFen, refundedBeforeFen);
}

// round(total × refunded / amount), half up, in BigInt so large orders keep every fen exact.
function cumulativeShare(total: number, amountFen: number, refundedFen: number): number {
  if (refundedFen >= amountFen) return total;
  const num = BigInt(total) * BigInt(refundedFen) * 2n + BigInt(amountFen);
  return Number(num / (2n * BigInt(amountFen)));
}

/** A CNY amount as whole fen; rejects what is not a positive amount with at most two decimals' worth of precision. */
export function toFen(cny: number): number {
  if (!Number.isFinite(cny) || cny <= 0) throw new RangeError(`amount must be a positive number of CNY, got ${cny}`);
  return Math.round(cny * 100);
}
