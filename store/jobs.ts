// Scheduled job occurrences and one-off timers, so that neither runs twice across restarts.
import { and, asc, eq, isNull, lte } from 'drizzle-orm';
import { statement, type Db } from './db';
import { timers } from './schema';

export type TimerRow = typeof timers.$inferSelect;

/** Claim one occurrence of a job; false when it was claimed before (it ran, or is running elsewhere). */
export function claimJobRun(db: Db, job: string, dueAt: Date, now: Date): boolean {
  const res = statement<[string, number, number]>(db, 'INSERT INTO job_runs (job, due_at, started_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(
    job,
    dueAt.getTime(),
    now.getTime(),
  );
  return res.changes === 1;
}

/** Record how an occurrence ended. */
export function finishJobRun(db: Db, job: string, dueAt: Date, now: Date, error?: string): void {
  statement<[number, string | null, string, number]>(db, 'UPDATE job_runs SET finished_at = ?, error = ? WHERE job = ? AND due_at = ?').run(
    now.getTime(),
    error ?? null,
    job,
    dueAt.getTime(),
  );
}

/** Set a timer under a unique key; setting the same key again is ignored. */
export function setTimer(db: Db, key: string, kind: string, dueAt: Date, payload: Record<string, unknown>): void {
  db.insert(timers).values({ key, kind, dueAt: dueAt.getTime(), payload }).onConflictDoNothing().run();
}

/** Cancel a timer that has not fired. */
export function cancelTimer(db: Db, key: string, at: Date): void {
  db.update(timers)
    .set({ cancelledAt: at.getTime() })
    .where(and(eq(timers.key, key), isNull(timers.firedAt), isNull(timers.cancelledAt)))
    .run();
}

/** Cancel the timers keyed `key` or `key:…` for each key given (a ticket's reminders and their repeats). */
export function cancelTimersLike(db: Db, keys: readonly string[], at: Date): void {
  const cancel = statement<[number, string, string, string]>(
    db,
    // A range on the unique key index: ';' follows ':', so [key:, key;) holds exactly the keys that start with "key:".
    'UPDATE timers SET cancelled_at = ? WHERE fired_at IS NULL AND cancelled_at IS NULL AND (key = ? OR (key >= ? AND key < ?))',
  );
  for (const key of keys) cancel.run(at.getTime(), key, `${key}:`, `${key};`);
}

/** Timers due by `until`, earliest first. */
export function dueTimers(db: Db, until: Date, limit = 1000): TimerRow[] {
  return db
    .select()
    .from(timers)
    .where(and(isNull(timers.firedAt), isNull(timers.cancelledAt), lte(timers.dueAt, until.getTime())))
    .orderBy(asc(timers.dueAt), asc(timers.id))
    .limit(limit)
    .all();
}

/** The earliest pending timer's due time. */
export function nextTimerTime(db: Db): number | undefined {
  const t = statement<[], number | null>(db, 'SELECT min(due_at) FROM timers WHERE fired_at IS NULL AND cancelled_at IS NULL').pluck().get();
  return t ?? undefined;
}

/** Mark a timer fired; false when it already was (or was cancelled). */
export function markTimerFired(db: Db, id: number, at: Date): boolean {
  return (
    db
      .update(timers)
      .set({ firedAt: at.getTime() })
      .where(and(eq(timers.id, id), isNull(timers.firedAt), isNull(timers.cancelledAt)))
      .run().changes === 1
  );
}
