// A member's standing in one read: balance, spendable and pending points, growth value, tier, the next tier and the
// gap to it, any grace period, and points expiring soon. The ask skill, the handoff card and nudges all show this.
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import { statement, type Db } from './db';
import { pointLots } from './schema';
import { balanceOf, growthBetween, spendableOf } from './ledger';
import type { Program, Tier } from '../community/program';
import { growthWindowStart, nextTierAndGap, tierById } from '../community/tiers';
import { addDays, localDate, startOfLocalDay } from '../community/calendar';

export interface Standing {
  points: number;
  spendable: number;
  pending: number;
  growth: number;
  tier: Tier;
  nextTier?: Tier;
  gap?: number;
  graceUntil?: Date;
  expiring?: { points: number; date: string };
}

/** The member's tier row (held tier and grace period); an empty tier id (the entry tier) when they never earned anything. */
export function tierStateOf(db: Db, memberId: number): { tierId: string; graceUntil?: Date } {
  // Read on every purchase: a statement prepared once per connection.
  const row = statement<[number], { tierId: string; graceUntil: number | null }>(
    db,
    'SELECT tier_id AS tierId, grace_until AS graceUntil FROM member_points WHERE member_id = ?',
  ).get(memberId);
  if (!row) return { tierId: '' };
  return { tierId: row.tierId, graceUntil: row.graceUntil === null ? undefined : new Date(row.graceUntil) };
}

/** Points in open lots that become spendable after `now` (the pending window of purchases). */
export function pendingOf(db: Db, memberId: number, now: Date): number {
  return db
    .select({ s: sql<number>`coalesce(sum(${pointLots.remaining}), 0)` })
    .from(pointLots)
    .where(and(eq(pointLots.memberId, memberId), gt(pointLots.remaining, 0), gt(pointLots.availableAt, now.getTime()), gt(pointLots.expiresAt, now.getTime())))
    .get()!.s;
}

/** Points left in lots expiring in (now, until], and the earliest of those expiry times. */
export function expiringBetween(db: Db, memberId: number, now: Date, until: Date): { points: number; first?: Date } {
  const row = db
    .select({ s: sql<number>`coalesce(sum(${pointLots.remaining}), 0)`, first: sql<number | null>`min(${pointLots.expiresAt})` })
    .from(pointLots)
    .where(and(eq(pointLots.memberId, memberId), gt(pointLots.remaining, 0), gt(pointLots.expiresAt, now.getTime()), lte(pointLots.expiresAt, until.getTime())))
    .get()!;
  return { points: row.s, first: row.first === null ? undefined : new Date(row.first) };
}

/** Everything a member may ask about their points and tier, as of `now`. */
export function memberStanding(db: Db, program: Program, memberId: number, now: Date): Standing {
  const tz = program.timezone;
  const points = balanceOf(db, memberId);
  const growth = growthBetween(db, memberId, growthWindowStart(program, now), now);
  const state = tierStateOf(db, memberId);
  const tier = tierById(program, state.tierId);
  const { nextTier, gap } = nextTierAndGap(program, tier.id, growth);
  // Lots expire at local midnight: "within N days" means an expiry date no later than N days from today.
  const horizon = startOfLocalDay(addDays(localDate(now, tz), program.points.expiryReminderDays), tz);
  const soon = expiringBetween(db, memberId, now, horizon);
  const standing: Standing = {
    points,
    spendable: spendableOf(db, memberId, now),
    pending: pendingOf(db, memberId, now),
    growth,
    tier,
  };
  if (nextTier) Object.assign(standing, { nextTier, gap });
  if (state.graceUntil) standing.graceUntil = state.graceUntil;
  if (soon.points > 0 && soon.first) standing.expiring = { points: Math.min(soon.points, Math.max(points, 0)), date: localDate(soon.first, tz) };
  if (standing.expiring && standing.expiring.points === 0) delete standing.expiring;
  return standing;
}
