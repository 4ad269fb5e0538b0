// Redemptions: spending points on a reward and issuing its unique code, in one transaction keyed by the request
// (platform + message id), so a redelivered request never spends twice.
import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import { inTransaction, statement, type Db } from './db';
import { redemptions } from './schema';
import { balanceOf, debitPoints, entryIdByKey } from './ledger';
import { HearthError } from '../bot/core/errors';

export type RedemptionRow = typeof redemptions.$inferSelect;

/** A request to redeem; `newCode` makes a fresh random code (called again on the rare collision). */
export interface RedeemInput {
  memberId: number;
  reward: { id: string; cost: number };
  key: string;
  at: Date;
  newCode: () => string;
}

/** A redemption made (or found again for the same key: `created` false) and the balance after it. */
export interface RedeemResult {
  created: boolean;
  redemption: RedemptionRow;
  balance: number;
}

/**
 * Spend the reward's cost (oldest-expiring spendable lots first) and issue a unique code. Throws
 * HearthError('insufficient_points', { spendable }) and writes nothing when the spendable points do not cover it.
 */
export function redeemReward(db: Db, r: RedeemInput): RedeemResult {
  return inTransaction(db, () => {
    const seen = entryIdByKey(db, r.key);
    if (seen !== undefined) {
      const redemption = db.select().from(redemptions).where(eq(redemptions.entryId, seen)).get();
      if (redemption) return { created: false, redemption, balance: balanceOf(db, r.memberId) };
      throw new HearthError('duplicate', `key ${r.key} was used by another ledger entry`);
    }
    let write;
    try {
      write = debitPoints(db, { memberId: r.memberId, points: r.reward.cost, kind: 'spend', key: r.key, reason: 'redeem', ref: r.reward.id, at: r.at });
    } catch (err) {
      if (err instanceof RangeError) throw new HearthError('insufficient_points', err.message, { cost: r.reward.cost });
      throw err;
    }
    const insert = db.$client.prepare('INSERT INTO redemptions (member_id, reward_id, code, entry_id, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING');
    for (let attempt = 0; attempt < 8; attempt++) {
      const code = r.newCode();
      const res = insert.run(r.memberId, r.reward.id, code, write.entryId, r.at.getTime());
      if (res.changes === 1) {
        const redemption: RedemptionRow = { id: Number(res.lastInsertRowid), memberId: r.memberId, rewardId: r.reward.id, code, entryId: write.entryId, at: r.at.getTime(), usedAt: null };
        return { created: true, redemption, balance: write.balance };
      }
    }
    throw new Error('could not issue a unique redemption code');
  });
}

/** How many rewards the member redeemed since `since` (the daily limit counts these). */
export function redemptionsSince(db: Db, memberId: number, since: Date): number {
  return statement<[number, number], number>(db, 'SELECT count(*) FROM redemptions WHERE member_id = ? AND at >= ?').pluck().get(memberId, since.getTime())!;
}

/** The member's codes, newest first (`我的券`). */
export function redemptionsOf(db: Db, memberId: number, limit = 20): RedemptionRow[] {
  return db.select().from(redemptions).where(eq(redemptions.memberId, memberId)).orderBy(desc(redemptions.id)).limit(limit).all();
}

/** A member's redemptions of a reward not used yet, oldest first (e.g. make-up cards waiting to be used). */
export function unusedRedemptions(db: Db, memberId: number, rewardId: string): RedemptionRow[] {
  return db
    .select()
    .from(redemptions)
    .where(and(eq(redemptions.memberId, memberId), eq(redemptions.rewardId, rewardId), isNull(redemptions.usedAt)))
    .orderBy(asc(redemptions.id))
    .all();
}

/** Mark a redemption used; false when it already was. */
export function markRedemptionUsed(db: Db, id: number, at: Date): boolean {
  return db.update(redemptions).set({ usedAt: at.getTime() }).where(and(eq(redemptions.id, id), isNull(redemptions.usedAt))).run().changes === 1;
}
