// Reads behind a member's points statement and /why: recent ledger entries with the event each belongs to (order,
// check-in day and streak, who granted, which lot expired), the tier changes the review recorded, and open lots by expiry.
import { and, asc, desc, eq, gt } from 'drizzle-orm';
import type { Db } from './db';
import { auditLog, checkins, ledgerEntries, lotDraws, members, orders, pointLots } from './schema';
import type { StatementEntry, TierChangeRecord } from '../community/statement';

/** The audit action a tier change is recorded under. */
export const TIER_CHANGE_ACTION = 'tier.change';

/** The member's newest `limit` ledger entries, newest first, each with the facts about the event behind it. */
export function recentStatementEntries(db: Db, memberId: number, limit: number): StatementEntry[] {
  const rows = db.select().from(ledgerEntries).where(eq(ledgerEntries.memberId, memberId)).orderBy(desc(ledgerEntries.at), desc(ledgerEntries.id)).limit(limit).all();
  return rows.map((r) => {
    const e: StatementEntry = { id: r.id, at: new Date(r.at), kind: r.kind, points: r.points, growth: r.growth, reason: r.reason, ref: r.ref, note: r.note };
    if ((r.reason === 'purchase' || r.reason === 'refund') && r.ref) {
      const o = db.select().from(orders).where(eq(orders.orderId, r.ref)).get();
      if (o && o.memberId === memberId) e.order = { orderId: o.orderId, amountFen: o.amount, refundedFen: o.refunded };
    }
    if ((r.reason === 'checkin' || r.reason === 'checkin-bonus') && r.ref) {
      const c = db.select().from(checkins).where(and(eq(checkins.memberId, memberId), eq(checkins.day, r.ref))).get();
      if (c) e.checkin = { day: c.day, streak: c.streak, makeup: c.makeup };
    }
    if (r.actorMemberId !== null && r.actorMemberId !== memberId) {
      const who = db.select({ name: members.name }).from(members).where(eq(members.id, r.actorMemberId)).get();
      if (who?.name) e.actorName = who.name;
    }
    if (r.kind === 'expire') {
      const lot = db
        .select({ at: ledgerEntries.at, reason: ledgerEntries.reason, ref: ledgerEntries.ref, points: lotDraws.points })
        .from(lotDraws)
        .innerJoin(ledgerEntries, eq(ledgerEntries.id, lotDraws.lotId))
        .where(eq(lotDraws.entryId, r.id))
        .get();
      if (lot) e.expiredLot = { earnedAt: new Date(lot.at), reason: lot.reason, ref: lot.ref, points: lot.points };
    }
    return e;
  });
}

/** Record a tier change the review made (so /why can explain it later). Call inside the review's transaction. */
export function recordTierChange(db: Db, memberId: number, change: Omit<TierChangeRecord, 'at'>, at: Date): void {
  db.insert(auditLog)
    .values({
      at: at.getTime(),
      action: TIER_CHANGE_ACTION,
      targetMemberId: memberId,
      details: { kind: change.kind, from: change.from, to: change.to, growth: change.growth, ...(change.until ? { until: change.until.getTime() } : {}) },
    })
    .run();
}

/** The member's newest `limit` tier changes, newest first. */
export function recentTierChanges(db: Db, memberId: number, limit: number): TierChangeRecord[] {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, TIER_CHANGE_ACTION), eq(auditLog.targetMemberId, memberId)))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit)
    .all()
    .flatMap((r): TierChangeRecord[] => {
      const d = r.details ?? {};
      const kind = d.kind;
      if (kind !== 'upgrade' && kind !== 'grace' && kind !== 'downgrade') return [];
      const rec: TierChangeRecord = { at: new Date(r.at), kind, from: String(d.from ?? ''), to: String(d.to ?? ''), growth: Number(d.growth ?? 0) };
      if (typeof d.until === 'number') rec.until = new Date(d.until);
      return [rec];
    });
}

/** Points still open in lots that expire after `now`, summed per expiry time, soonest first (at most `limit`). */
export function upcomingExpiries(db: Db, memberId: number, now: Date, limit = 3): { at: Date; points: number }[] {
  const lots = db
    .select({ expiresAt: pointLots.expiresAt, remaining: pointLots.remaining })
    .from(pointLots)
    .where(and(eq(pointLots.memberId, memberId), gt(pointLots.remaining, 0), gt(pointLots.expiresAt, now.getTime())))
    .orderBy(asc(pointLots.expiresAt))
    .all();
  const out: { at: Date; points: number }[] = [];
  for (const l of lots) {
    const last = out[out.length - 1];
    if (last && last.at.getTime() === l.expiresAt) last.points += l.remaining;
    else if (out.length < limit) out.push({ at: new Date(l.expiresAt), points: l.remaining });
    else break;
  }
  return out;
}
