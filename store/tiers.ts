// Tier state on member_points (held tier, grace period) and the daily review's choice of members to look at.
import type Database from 'better-sqlite3';
import { isNotNull, ne, or } from 'drizzle-orm';
import { perConnection, statement, type Db } from './db';
import { memberPoints } from './schema';

interface TierStatements {
  setTier: Database.Statement<[number, string, number | null, number]>;
}
const statements = perConnection((db): TierStatements => ({
    setTier: db.$client.prepare(
      `INSERT INTO member_points (member_id, tier_id, grace_until, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (member_id) DO UPDATE SET tier_id = excluded.tier_id, grace_until = excluded.grace_until`,
    ),
}));

/** Set the held tier and grace period (null ends it); creates the member's points row when missing. */
export function setTierState(db: Db, memberId: number, tierId: string, graceUntil: Date | null, at: Date): void {
  statements(db).setTier.run(memberId, tierId, graceUntil === null ? null : graceUntil.getTime(), at.getTime());
}

/**
 * Members a tier review on `now` should look at: growth left their window (entries in (prevStart, start]), they earned
 * growth since the previous review (entries in (prevNow, now]; skills that did not review them are caught up), or
 * their grace period is due. Set-based over the time index of growth entries.
 */
export function tierReviewCandidates(
  db: Db,
  window: { prevStart: Date; start: Date; prevNow: Date; now: Date },
): number[] {
  // The literal `<> 0` (not a bound parameter) lets SQLite use the partial index ledger_growth_at; likewise the
  // `IS NOT NULL` for member_points_grace. One statement, run daily, prepared once per connection.
  return statement<[number, number, number, number, number], number>(
    db,
    `SELECT member_id FROM ledger_entries WHERE growth <> 0 AND at > ? AND at <= ?
     UNION SELECT member_id FROM ledger_entries WHERE growth <> 0 AND at > ? AND at <= ?
     UNION SELECT member_id FROM member_points WHERE grace_until IS NOT NULL AND grace_until <= ?
     ORDER BY 1`,
  )
    .pluck()
    .all(window.prevStart.getTime(), window.start.getTime(), window.prevNow.getTime(), window.now.getTime(), window.now.getTime());
}

/** Members holding a tier other than the entry tier (a first review, with no previous run to count from). */
export function membersAboveEntryTier(db: Db, entryTierId: string): number[] {
  return db
    .select({ m: memberPoints.memberId })
    .from(memberPoints)
    .where(or(ne(memberPoints.tierId, entryTierId), isNotNull(memberPoints.graceUntil)))
    .all()
    .map((r) => r.m);
}

/** The occurrence of a job that ran before `before`, if any (so a daily job knows the span since it last ran). */
export function previousJobRun(db: Db, job: string, before: Date): Date | undefined {
  const t = statement<[string, number], number | null>(db, 'SELECT max(due_at) FROM job_runs WHERE job = ? AND due_at < ?')
    .pluck()
    .get(job, before.getTime());
  return t === null || t === undefined ? undefined : new Date(t);
}
