// Ledger writes and reads. Every change is an entry with a unique key; lots, draws and the cached balance change
// in the same synchronous transaction, so the balance always equals the sum of the member's entries.
import { and, asc, eq, gt, lte, sql } from 'drizzle-orm';
import { inTransaction, type Db } from './db';
import { ledgerEntries, lotDraws, memberPoints, pointLots } from './schema';

export type LedgerEntry = typeof ledgerEntries.$inferSelect;
export type PointLot = typeof pointLots.$inferSelect;

/** An earning: points become a lot that expires at `expiresAt`; growth value comes with it. */
export interface Earning {
  memberId: number;
  points: number;
  growth?: number;
  key: string;
  reason: string;
  ref?: string;
  at: Date;
  expiresAt: Date;
  /** Spendable from (a pending window); defaults to `at`. */
  availableAt?: Date;
  actorMemberId?: number;
  note?: string;
  kind?: 'earn' | 'adjust';
}

/** A debit: spend (redemption), expire, reverse (refund) or a negative adjustment. */
export interface Debit {
  memberId: number;
  points: number;
  growth?: number;
  kind: 'spend' | 'expire' | 'reverse' | 'adjust';
  key: string;
  reason: string;
  ref?: string;
  at: Date;
  actorMemberId?: number;
  note?: string;
  /** Draw from this lot first (a refund takes back its own order's lot first). */
  preferLot?: number;
  /** Let the balance go negative when lots do not cover it (refunds, manager deductions). Spends never do. */
  allowNegative?: boolean;
}

/** The result of a ledger write; `created` is false when the key was written before (nothing changed). */
export interface LedgerWrite {
  created: boolean;
  entryId: number;
  balance: number;
}

function ensureBalanceRow(db: Db, memberId: number, at: Date): void {
  db.insert(memberPoints).values({ memberId, updatedAt: at.getTime() }).onConflictDoNothing().run();
}

/** The member's balance (may be negative after a refund of spent points). */
export function balanceOf(db: Db, memberId: number): number {
  return db.select({ b: memberPoints.balance }).from(memberPoints).where(eq(memberPoints.memberId, memberId)).get()?.b ?? 0;
}

/** An entry by its idempotency key. */
export function entryByKey(db: Db, key: string): LedgerEntry | undefined {
  return db.select().from(ledgerEntries).where(eq(ledgerEntries.key, key)).get();
}

/** Points the member can spend at `at`: open lots already available and not yet expired, less any debt. */
export function spendableOf(db: Db, memberId: number, at: Date): number {
  const open = db
    .select({ s: sql<number>`coalesce(sum(${pointLots.remaining}), 0)` })
    .from(pointLots)
    .where(and(eq(pointLots.memberId, memberId), gt(pointLots.remaining, 0), lte(pointLots.availableAt, at.getTime()), gt(pointLots.expiresAt, at.getTime())))
    .get()!.s;
  return Math.max(0, Math.min(open, balanceOf(db, memberId)));
}

/** Add points as a new lot (repaying any negative balance first). Idempotent by key. */
export function earnPoints(db: Db, e: Earning): LedgerWrite {
  if (!Number.isInteger(e.points) || e.points < 0) throw new RangeError(`earnPoints needs whole points ≥ 0, got ${e.points}`);
  return inTransaction(db, () => {
    const existing = entryByKey(db, e.key);
    if (existing) return { created: false, entryId: existing.id, balance: balanceOf(db, e.memberId) };
    ensureBalanceRow(db, e.memberId, e.at);
    const before = balanceOf(db, e.memberId);
    const entry = db
      .insert(ledgerEntries)
      .values({
        memberId: e.memberId,
        kind: e.kind ?? 'earn',
        points: e.points,
        growth: e.growth ?? 0,
        key: e.key,
        reason: e.reason,
        ref: e.ref,
        at: e.at.getTime(),
        actorMemberId: e.actorMemberId,
        note: e.note,
      })
      .returning({ id: ledgerEntries.id })
      .get();
    const debt = Math.max(0, -before);
    const remaining = e.points - Math.min(debt, e.points);
    db.insert(pointLots)
      .values({
        entryId: entry.id,
        memberId: e.memberId,
        points: e.points,
        remaining,
        earnedAt: e.at.getTime(),
        availableAt: (e.availableAt ?? e.at).getTime(),
        expiresAt: e.expiresAt.getTime(),
      })
      .run();
    const balance = before + e.points;
    db.update(memberPoints).set({ balance, updatedAt: e.at.getTime() }).where(eq(memberPoints.memberId, e.memberId)).run();
    return { created: true, entryId: entry.id, balance };
  });
}

/**
 * Take points away, oldest-expiring lots first (a preferred lot before them), recording each draw. A spend that the
 * spendable points do not cover throws RangeError and writes nothing. Idempotent by key.
 */
export function debitPoints(db: Db, d: Debit): LedgerWrite & { drawn: number } {
  if (!Number.isInteger(d.points) || d.points < 0) throw new RangeError(`debitPoints needs whole points ≥ 0, got ${d.points}`);
  return inTransaction(db, () => {
    const existing = entryByKey(db, d.key);
    if (existing) return { created: false, entryId: existing.id, balance: balanceOf(db, d.memberId), drawn: 0 };
    ensureBalanceRow(db, d.memberId, d.at);
    const now = d.at.getTime();
    const lots = db
      .select()
      .from(pointLots)
      .where(
        and(
          eq(pointLots.memberId, d.memberId),
          gt(pointLots.remaining, 0),
          d.kind === 'expire' ? undefined : gt(pointLots.expiresAt, now),
          d.kind === 'spend' ? lte(pointLots.availableAt, now) : undefined,
        ),
      )
      .orderBy(asc(pointLots.expiresAt), asc(pointLots.entryId))
      .all();
    if (d.preferLot !== undefined) {
      const i = lots.findIndex((l) => l.entryId === d.preferLot);
      if (i > 0) lots.unshift(...lots.splice(i, 1));
    }
    const before = balanceOf(db, d.memberId);
    const coverable = lots.reduce((s, l) => s + l.remaining, 0);
    if (!d.allowNegative && Math.min(coverable, Math.max(before, 0)) < d.points) {
      throw new RangeError(`not enough points: needs ${d.points}, has ${Math.min(coverable, Math.max(before, 0))}`);
    }
    const entry = db
      .insert(ledgerEntries)
      .values({
        memberId: d.memberId,
        kind: d.kind,
        points: -d.points,
        growth: d.growth ?? 0,
        key: d.key,
        reason: d.reason,
        ref: d.ref,
        at: now,
        actorMemberId: d.actorMemberId,
        note: d.note,
      })
      .returning({ id: ledgerEntries.id })
      .get();
    let left = d.points;
    let drawn = 0;
    for (const lot of lots) {
      if (left === 0) break;
      const take = Math.min(left, lot.remaining);
      db.update(pointLots).set({ remaining: lot.remaining - take }).where(eq(pointLots.entryId, lot.entryId)).run();
      db.insert(lotDraws).values({ entryId: entry.id, lotId: lot.entryId, points: take }).run();
      left -= take;
      drawn += take;
    }
    const balance = before - d.points;
    db.update(memberPoints).set({ balance, updatedAt: now }).where(eq(memberPoints.memberId, d.memberId)).run();
    return { created: true, entryId: entry.id, balance, drawn };
  });
}

/** The member's entries, oldest first. */
export function entriesOf(db: Db, memberId: number): LedgerEntry[] {
  return db.select().from(ledgerEntries).where(eq(ledgerEntries.memberId, memberId)).orderBy(asc(ledgerEntries.id)).all();
}

/** The member's lots with points left, soonest-expiring first. */
export function openLotsOf(db: Db, memberId: number): PointLot[] {
  return db
    .select()
    .from(pointLots)
    .where(and(eq(pointLots.memberId, memberId), gt(pointLots.remaining, 0)))
    .orderBy(asc(pointLots.expiresAt), asc(pointLots.entryId))
    .all();
}

/** Growth value earned in [since, until]. */
export function growthBetween(db: Db, memberId: number, since: Date, until: Date): number {
  return (
    db
      .select({ g: sql<number>`coalesce(sum(${ledgerEntries.growth}), 0)` })
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.memberId, memberId), gt(ledgerEntries.at, since.getTime()), lte(ledgerEntries.at, until.getTime())))
      .get()!.g
  );
}
