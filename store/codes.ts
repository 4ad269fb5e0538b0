// Redemption codes as the shop sees them: look a code up (its reward, member, when it was redeemed and used) and mark
// it used once, recording which order used it, so a retry of the same use is recognised and any other use refused.
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { inTransaction, type Db } from './db';
import { auditLog, identities, redemptions } from './schema';
import { SHOP_CHANNEL } from './binding';

export type CodeRow = typeof redemptions.$inferSelect;

/** The audit action a code's use is recorded under (details: code, order). */
export const CODE_USE_ACTION = 'code.use';

/** A redemption by its code (exact, already normalised). */
export function redemptionByCode(db: Db, code: string): CodeRow | undefined {
  return db.select().from(redemptions).where(eq(redemptions.code, code)).get();
}

/** The shop customer number bound to a member, if any. */
export function shopCustomerOf(db: Db, memberId: number): string | undefined {
  return db
    .select({ id: identities.platformId })
    .from(identities)
    .where(and(eq(identities.memberId, memberId), eq(identities.channel, SHOP_CHANNEL)))
    .get()?.id;
}

/** The order (or other reference) the code was used for, as recorded when it was used. */
export function codeUseRef(db: Db, code: string): string | undefined {
  const row = db
    .select({ details: auditLog.details })
    .from(auditLog)
    .where(and(eq(auditLog.action, CODE_USE_ACTION), sql`json_extract(${auditLog.details}, '$.code') = ${code}`))
    .orderBy(desc(auditLog.id))
    .get();
  const ref = row?.details?.ref;
  return typeof ref === 'string' ? ref : undefined;
}

/**
 * Mark the code used at `at` for `ref` (the shop's order id, or who used it), once: true when this call used it,
 * false when it was used before (nothing changes). The use and its record are one transaction.
 */
export function markCodeUsed(db: Db, code: string, at: Date, ref: string | undefined, via: string): boolean {
  return inTransaction(db, () => {
    const changed = db.update(redemptions).set({ usedAt: at.getTime() }).where(and(eq(redemptions.code, code), isNull(redemptions.usedAt))).run().changes === 1;
    if (!changed) return false;
    const row = redemptionByCode(db, code)!;
    db.insert(auditLog)
      .values({ at: at.getTime(), action: CODE_USE_ACTION, targetMemberId: row.memberId, details: { code, via, ...(ref !== undefined ? { ref } : {}) } })
      .run();
    return true;
  });
}
