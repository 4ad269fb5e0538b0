// Binding a chat account to a shop customer: one-time codes the shop hands out, and folding the customer's points
// (earned on orders before the member was known in chat) into the chat member, in one transaction (a merge).
import { randomInt } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from './db';
import { inTransaction } from './db';
import { audit } from './audit';
import { bindCodes, identities } from './schema';
import { mergeMembers } from './member-links';

/** The shop's namespace of customer numbers among identities (a customer is known to the shop, on no chat). */
export const SHOP_CHANNEL = 'shop';

// No 0/O, 1/I/L: a code read off a phone screen is typed right.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;

/** A new one-time code for `customer`, valid for `minutes`. */
export function issueBindCode(db: Db, customer: string, now: Date, minutes: number): { code: string; expiresAt: Date } {
  const expiresAt = new Date(now.getTime() + minutes * 60_000);
  for (;;) {
    const code = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    const inserted = db.insert(bindCodes).values({ code, customer, createdAt: now.getTime(), expiresAt: expiresAt.getTime() }).onConflictDoNothing().run();
    if (inserted.changes === 1) return { code, expiresAt };
  }
}

/** How using a code went. `taken`: the customer is bound to another chat member already (staff should look). */
export type BindOutcome =
  | { status: 'bound'; customer: string; points: number }
  | { status: 'already'; customer: string }
  | { status: 'invalid' }
  | { status: 'taken'; customer: string; boundTo: number }
  | { status: 'other-customer'; customer: string; bound: string };

/**
 * Use a code for `memberId`: the customer's identity joins the member and so do the points, lots, orders and tier the
 * customer earned before (a tier gift the member already had for the same tier is taken back, so none is paid twice).
 * A code unknown, expired or used is `invalid`, and nothing changes.
 */
export function useBindCode(db: Db, code: string, memberId: number, now: Date, tierIds: readonly string[]): BindOutcome {
  return inTransaction(db, (): BindOutcome => {
    const row = db.select().from(bindCodes).where(eq(bindCodes.code, code.toUpperCase())).get();
    if (row && row.usedAt !== null && row.usedByMemberId === memberId) return { status: 'already', customer: row.customer };
    if (!row || row.usedAt !== null || row.expiresAt <= now.getTime()) return { status: 'invalid' };
    const { customer } = row;
    const owner = db.select({ memberId: identities.memberId }).from(identities).where(and(eq(identities.channel, SHOP_CHANNEL), eq(identities.platformId, customer))).get();
    if (owner?.memberId === memberId) return { status: 'already', customer };
    const bound = db.select({ platformId: identities.platformId }).from(identities).where(and(eq(identities.memberId, memberId), eq(identities.channel, SHOP_CHANNEL))).get();
    if (bound) return { status: 'other-customer', customer, bound: bound.platformId };
    if (owner && db.select({ n: sql<number>`count(*)` }).from(identities).where(and(eq(identities.memberId, owner.memberId), sql`${identities.channel} <> ${SHOP_CHANNEL}`)).get()!.n > 0) {
      return { status: 'taken', customer, boundTo: owner.memberId };
    }
    db.update(bindCodes).set({ usedAt: now.getTime(), usedByMemberId: memberId }).where(and(eq(bindCodes.code, row.code), isNull(bindCodes.usedAt))).run();
    const merged = owner ? mergeMembers(db, memberId, owner.memberId, now, tierIds) : undefined;
    if (!owner) db.insert(identities).values({ channel: SHOP_CHANNEL, platformId: customer, memberId }).run();
    const points = merged?.summary.points ?? 0;
    // The merge's record lets `hearth members unlink shop:CUSTOMER` undo a bind made by mistake.
    audit(db, { at: now, actorMemberId: memberId, action: 'bind', targetMemberId: memberId, details: { customer, from: owner?.memberId ?? null, points, ...(merged ? { record: merged.record } : {}) } });
    return { status: 'bound', customer, points };
  });
}
