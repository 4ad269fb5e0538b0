// Ledger writes and reads. Every change is an entry with a unique key; lots, draws and the cached balance change
// in the same synchronous transaction, so the balance always equals the sum of the member's entries.
import type Database from 'better-sqlite3';
import { and, asc, desc, eq, gt } from 'drizzle-orm';
import { inTransaction, perConnection, statement, type Db } from './db';
import { ledgerEntries, pointLots } from './schema';

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

// The write path runs for every purchase, check-in and redemption: plain prepared statements, prepared once per
// connection, cost a fraction of building each query anew.
interface Statements {
  entryIdByKey: Statement;
  ensureBalance: Statement;
  balance: Statement;
  setBalance: Statement;
  insertEntry: Statement;
  insertLot: Statement;
  spendLots: Statement;
  anyLots: Statement;
  setRemaining: Statement;
  insertDraw: Statement;
  openSum: Statement;
  growthBetween: Statement;
}
type Statement = Database.Statement<unknown[]>;
const statements = perConnection((db): Statements => {
  const c = db.$client;
  const lotCols = 'entry_id AS entryId, member_id AS memberId, points, remaining, earned_at AS earnedAt, available_at AS availableAt, expires_at AS expiresAt';
  return {
    entryIdByKey: c.prepare('SELECT id FROM ledger_entries WHERE key = ?').pluck(),
    ensureBalance: c.prepare('INSERT INTO member_points (member_id, updated_at) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    balance: c.prepare('SELECT balance FROM member_points WHERE member_id = ?').pluck(),
    setBalance: c.prepare('UPDATE member_points SET balance = ?, updated_at = ? WHERE member_id = ?'),
    insertEntry: c.prepare(
      `INSERT INTO ledger_entries (member_id, kind, points, growth, key, reason, ref, at, actor_member_id, note)
       VALUES (@memberId, @kind, @points, @growth, @key, @reason, @ref, @at, @actorMemberId, @note)`,
    ),
    insertLot: c.prepare(
      `INSERT INTO point_lots (entry_id, member_id, points, remaining, earned_at, available_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    spendLots: c.prepare(
      `SELECT ${lotCols} FROM point_lots WHERE member_id = ? AND remaining > 0 AND expires_at > ? AND available_at <= ? ORDER BY expires_at, entry_id`,
    ),
    anyLots: c.prepare(`SELECT ${lotCols} FROM point_lots WHERE member_id = ? AND remaining > 0 ORDER BY expires_at, entry_id`),
    setRemaining: c.prepare('UPDATE point_lots SET remaining = ? WHERE entry_id = ?'),
    insertDraw: c.prepare('INSERT INTO lot_draws (entry_id, lot_id, points) VALUES (?, ?, ?)'),
    growthBetween: c.prepare('SELECT coalesce(sum(growth), 0) FROM ledger_entries WHERE member_id = ? AND at > ? AND at <= ?').pluck(),
    openSum: c
      .prepare('SELECT coalesce(sum(remaining), 0) FROM point_lots WHERE member_id = ? AND remaining > 0 AND available_at <= ? AND expires_at > ?')
      .pluck(),
  };
});

function ensureBalanceRow(db: Db, memberId: number, at: Date): void {
  statements(db).ensureBalance.run(memberId, at.getTime());
}

/** The member's balance (may be negative after a refund of spent points). */
export function balanceOf(db: Db, memberId: number): number {
  return (statements(db).balance.get(memberId) as number | undefined) ?? 0;
}

/** An entry by its idempotency key. */
export function entryByKey(db: Db, key: string): LedgerEntry | undefined {
  return db.select().from(ledgerEntries).where(eq(ledgerEntries.key, key)).get();
}

/** The id of the entry with this idempotency key, if any (a cheap existence check). */
export function entryIdByKey(db: Db, key: string): number | undefined {
  return statements(db).entryIdByKey.get(key) as number | undefined;
}

/** Points the member can spend at `at`: open lots already available and not yet expired, less any debt. */
export function spendableOf(db: Db, memberId: number, at: Date): number {
  const open = statements(db).openSum.get(memberId, at.getTime(), at.getTime()) as number;
  return Math.max(0, Math.min(open, balanceOf(db, memberId)));
}

function insertEntry(
  db: Db,
  e: { memberId: number; kind: LedgerEntry['kind']; points: number; growth?: number; key: string; reason: string; ref?: string; at: Date; actorMemberId?: number; note?: string },
): number {
  const res = statements(db).insertEntry.run({
    memberId: e.memberId,
    kind: e.kind,
    points: e.points,
    growth: e.growth ?? 0,
    key: e.key,
    reason: e.reason,
    ref: e.ref ?? null,
    at: e.at.getTime(),
    actorMemberId: e.actorMemberId ?? null,
    note: e.note ?? null,
  });
  return Number(res.lastInsertRowid);
}

/** Add points as a new lot (repaying any negative balance first). Idempotent by key. */
export function earnPoints(db: Db, e: Earning): LedgerWrite {
  if (!Number.isInteger(e.points) || e.points < 0) throw new RangeError(`earnPoints needs whole points ≥ 0, got ${e.points}`);
  return inTransaction(db, () => {
    const existing = entryIdByKey(db, e.key);
    if (existing !== undefined) return { created: false, entryId: existing, balance: balanceOf(db, e.memberId) };
    const st = statements(db);
    ensureBalanceRow(db, e.memberId, e.at);
    const before = balanceOf(db, e.memberId);
    const entryId = insertEntry(db, { ...e, kind: e.kind ?? 'earn' });
    const debt = Math.max(0, -before);
    const remaining = e.points - Math.min(debt, e.points);
    st.insertLot.run(entryId, e.memberId, e.points, remaining, e.at.getTime(), (e.availableAt ?? e.at).getTime(), e.expiresAt.getTime());
    const balance = before + e.points;
    st.setBalance.run(balance, e.at.getTime(), e.memberId);
    return { created: true, entryId, balance };
  });
}

/**
 * Take points away, oldest-expiring lots first (a preferred lot before them), recording each draw. A spend that the
 * spendable points do not cover throws RangeError and writes nothing. Idempotent by key.
 */
export function debitPoints(db: Db, d: Debit): LedgerWrite & { drawn: number } {
  if (!Number.isInteger(d.points) || d.points < 0) throw new RangeError(`debitPoints needs whole points ≥ 0, got ${d.points}`);
  return inTransaction(db, () => {
    const existing = entryIdByKey(db, d.key);
    if (existing !== undefined) return { created: false, entryId: existing, balance: balanceOf(db, d.memberId), drawn: 0 };
    const st = statements(db);
    ensureBalanceRow(db, d.memberId, d.at);
    const now = d.at.getTime();
    // Only a spend is limited to lots it may use now; a reversal, deduction or expiry draws on any lot with points
    // left, so a balance at or above zero always equals the sum of open lots and a debt leaves them all empty.
    const lots = (d.kind === 'spend' ? st.spendLots.all(d.memberId, now, now) : st.anyLots.all(d.memberId)) as PointLot[];
    if (d.preferLot !== undefined) {
      const i = lots.findIndex((l) => l.entryId === d.preferLot);
      if (i > 0) lots.unshift(...lots.splice(i, 1));
    }
    const before = balanceOf(db, d.memberId);
    const coverable = lots.reduce((s, l) => s + l.remaining, 0);
    if (!d.allowNegative && Math.min(coverable, Math.max(before, 0)) < d.points) {
      throw new RangeError(`not enough points: needs ${d.points}, has ${Math.min(coverable, Math.max(before, 0))}`);
    }
    const entryId = insertEntry(db, { ...d, points: -d.points });
    let left = d.points;
    let drawn = 0;
    for (const lot of lots) {
      if (left === 0) break;
      const take = Math.min(left, lot.remaining);
      st.setRemaining.run(lot.remaining - take, lot.entryId);
      st.insertDraw.run(entryId, lot.entryId, take);
      left -= take;
      drawn += take;
    }
    const balance = before - d.points;
    st.setBalance.run(balance, now, d.memberId);
    return { created: true, entryId, balance, drawn };
  });
}

/** The member's entries, oldest first. */
export function entriesOf(db: Db, memberId: number): LedgerEntry[] {
  return db.select().from(ledgerEntries).where(eq(ledgerEntries.memberId, memberId)).orderBy(asc(ledgerEntries.id)).all();
}

/** The member's latest `limit` entries, newest first (what entriesOf would end with, without reading them all). */
export function latestEntriesOf(db: Db, memberId: number, limit: number): LedgerEntry[] {
  return db.select().from(ledgerEntries).where(eq(ledgerEntries.memberId, memberId)).orderBy(desc(ledgerEntries.id)).limit(limit).all();
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
  return statements(db).growthBetween.get(memberId, since.getTime(), until.getTime()) as number;
}

/**
 * Expire what is left of up to `limit` lots whose expiry has passed by `now`, set-based in one transaction: one
 * `expire` entry per lot keyed `expire:<lotId>`, its draw, the lot emptied and each member's balance lowered by the sum.
 * Returns how many lots and points it expired (no lots when none are due); call it until fewer than `limit` lots come back.
 */
export function expireDueLots(db: Db, now: Date, limit = 10_000): { lots: number; points: number } {
  const at = now.getTime();
  // Runs daily: each statement is prepared once per connection (the temporary table exists before any that reads it).
  const run = (text: string, ...args: unknown[]) => statement(db, text).run(...args);
  return inTransaction(db, () => {
    run('CREATE TEMP TABLE IF NOT EXISTS expiring_lots (lot_id INTEGER PRIMARY KEY, member_id INTEGER NOT NULL, points INTEGER NOT NULL)');
    run('DELETE FROM expiring_lots');
    // `remaining > 0` matches the partial index lots_expiry, so this walks only open lots that are due.
    const picked = run(
      `INSERT INTO expiring_lots (lot_id, member_id, points)
       SELECT entry_id, member_id, remaining FROM point_lots
       WHERE remaining > 0 AND expires_at <= ? ORDER BY expires_at LIMIT ?`,
      at,
      limit,
    ).changes;
    if (picked === 0) return { lots: 0, points: 0 };
    const points = statement<[], number>(db, 'SELECT coalesce(sum(points), 0) FROM expiring_lots').pluck().get()!;
    run(
      `INSERT INTO ledger_entries (member_id, kind, points, growth, key, reason, ref, at)
       SELECT member_id, 'expire', -points, 0, 'expire:' || lot_id, 'expiry', CAST(lot_id AS TEXT), ? FROM expiring_lots ORDER BY lot_id`,
      at,
    );
    run(
      `INSERT INTO lot_draws (entry_id, lot_id, points)
       SELECT e.id, x.lot_id, x.points FROM expiring_lots x JOIN ledger_entries e ON e.key = 'expire:' || x.lot_id`,
    );
    run(
      `UPDATE member_points SET balance = balance - e.points, updated_at = max(updated_at, ?)
       FROM (SELECT member_id, sum(points) AS points FROM expiring_lots GROUP BY member_id) AS e
       WHERE member_points.member_id = e.member_id`,
      at,
    );
    run('UPDATE point_lots SET remaining = 0 WHERE entry_id IN (SELECT lot_id FROM expiring_lots)');
    run('DELETE FROM expiring_lots');
    return { lots: picked, points };
  });
}

/** Expire every lot due by `now`, in batches of `batch` lots (one transaction each). Returns lots and points expired. */
export function expireAllDue(db: Db, now: Date, batch = 10_000): { lots: number; points: number } {
  const total = { lots: 0, points: 0 };
  for (;;) {
    const n = expireDueLots(db, now, batch);
    total.lots += n.lots;
    total.points += n.points;
    if (n.lots < batch) return total;
  }
}
