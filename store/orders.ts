// Purchases and refunds on the ledger: a purchase earns one lot (idempotent by order id), a refund reverses its share
// of the order's points and growth value. Amounts are stored in fen. Each call is one synchronous transaction.
import type Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { inTransaction, perConnection, type Db } from './db';
import { orders } from './schema';
import { balanceOf, debitPoints, earnPoints, entryByKey } from './ledger';
import { tierStateOf } from './standing';
import { HearthError } from '../bot/errors';
import type { Program } from '../community/program';
import { lotExpiresAt, purchaseAvailableAt, purchaseEarning, refundShare, type PurchaseEarning } from '../community/earning';

export type OrderRow = typeof orders.$inferSelect;

/** A purchase to record; `amountFen` is the amount paid in fen (¥12.34 → 1234). */
export interface PurchaseInput {
  memberId: number;
  orderId: string;
  amountFen: number;
  at: Date;
}

/** What recording a purchase did: `created` is false for an order id seen before (then nothing changed). */
export interface PurchaseResult {
  created: boolean;
  order: OrderRow;
  /** The rules that applied (only when created). */
  earning?: PurchaseEarning;
  balance: number;
}

/** A refund of part or all of an order; `refundId` (when the shop gives one) makes a redelivery harmless. */
export interface RefundInput {
  orderId: string;
  amountFen: number;
  at: Date;
  /** When given, the refund must belong to this member's order. */
  memberId?: number;
  refundId?: string;
}

/** What recording a refund did: the points and growth value taken back, and the balance after. */
export interface RefundResult {
  created: boolean;
  order: OrderRow;
  points: number;
  growth: number;
  balance: number;
}

// Purchases arrive by the hundred thousand (imports): prepared once per connection, not built per call.
interface Statements {
  order: Database.Statement<[string], OrderRow>;
  memberBirthday: Database.Statement<[number], { birthday: string | null }>;
  insertOrder: Database.Statement<unknown[]>;
  touchMember: Database.Statement<[number, number]>;
}
const statements = perConnection((db): Statements => {
  const c = db.$client;
  return {
    order: c.prepare(
      `SELECT order_id AS orderId, member_id AS memberId, amount_fen AS amount, refunded_fen AS refunded, points, growth, entry_id AS entryId, at
       FROM orders WHERE order_id = ?`,
    ),
    memberBirthday: c.prepare('SELECT birthday FROM members WHERE id = ?'),
    insertOrder: c.prepare('INSERT INTO orders (order_id, member_id, amount_fen, refunded_fen, points, growth, entry_id, at) VALUES (?, ?, ?, 0, ?, ?, ?, ?)'),
    touchMember: c.prepare('UPDATE members SET last_active_at = max(last_active_at, ?) WHERE id = ?'),
  };
});

/** The order with this id, if any. */
export function orderById(db: Db, orderId: string): OrderRow | undefined {
  return statements(db).order.get(orderId);
}

/**
 * Record a purchase: points by the program's rules with the tier the member holds right now, as one lot that expires
 * `expiryMonths` later and is spendable after `pendingDays`. A known order id changes nothing. Marks the member active.
 */
export function recordPurchase(db: Db, program: Program, p: PurchaseInput): PurchaseResult {
  if (!Number.isInteger(p.amountFen) || p.amountFen <= 0) throw new HearthError('bad_input', `purchase amount must be positive, got ${p.amountFen} fen`);
  return inTransaction(db, () => {
    const existing = orderById(db, p.orderId);
    if (existing) return { created: false, order: existing, balance: balanceOf(db, existing.memberId) };
    const st = statements(db);
    const member = st.memberBirthday.get(p.memberId);
    if (!member) throw new HearthError('not_found', `no member ${p.memberId}`);
    const earning = purchaseEarning(program, { amountFen: p.amountFen, at: p.at, tierId: tierStateOf(db, p.memberId).tierId, birthday: member.birthday });
    const write = earnPoints(db, {
      memberId: p.memberId,
      points: earning.points,
      growth: earning.growth,
      key: `order:${p.orderId}`,
      reason: 'purchase',
      ref: p.orderId,
      at: p.at,
      expiresAt: lotExpiresAt(program, p.at),
      availableAt: purchaseAvailableAt(program, p.at),
      note: earning.multiplier !== 1 ? `×${+earning.multiplier.toFixed(4)}` : undefined,
    });
    const order: OrderRow = {
      orderId: p.orderId,
      memberId: p.memberId,
      amount: p.amountFen,
      refunded: 0,
      points: earning.points,
      growth: earning.growth,
      entryId: write.entryId,
      at: p.at.getTime(),
    };
    st.insertOrder.run(order.orderId, order.memberId, order.amount, order.points, order.growth, order.entryId, order.at);
    st.touchMember.run(p.at.getTime(), p.memberId);
    return { created: true, order, earning, balance: write.balance };
  });
}

/**
 * Record a refund: takes back the refunded share of the order's points (from the order's own lot first, then the
 * oldest-expiring lots; the balance may go negative) and of its growth value. Shares are rounded on the running total
 * refunded, so partial refunds add up exactly to a full one. Unknown orders and refunds beyond what is left are refused.
 * Without a `refundId` a refund is keyed by the order and the running total, so an exact redelivery is not detectable.
 */
export function recordRefund(db: Db, r: RefundInput): RefundResult {
  if (!Number.isInteger(r.amountFen) || r.amountFen <= 0) throw new HearthError('bad_input', `refund amount must be positive, got ${r.amountFen} fen`);
  return inTransaction(db, () => {
    const order = orderById(db, r.orderId);
    if (!order) throw new HearthError('not_found', `no order "${r.orderId}" to refund`, { orderId: r.orderId });
    if (r.memberId !== undefined && r.memberId !== order.memberId) {
      throw new HearthError('bad_input', `order "${r.orderId}" belongs to another member`, { orderId: r.orderId });
    }
    if (r.refundId !== undefined) {
      const seen = entryByKey(db, `refund:${r.orderId}:id:${r.refundId}`);
      if (seen) return { created: false, order, points: 0, growth: 0, balance: balanceOf(db, order.memberId) };
    }
    const left = order.amount - order.refunded;
    if (r.amountFen > left) {
      throw new HearthError('bad_input', `refund of ${fenText(r.amountFen)} is more than the ${fenText(left)} left on order "${r.orderId}"`, {
        orderId: r.orderId,
        leftFen: left,
      });
    }
    const points = refundShare(order.points, order.amount, order.refunded, r.amountFen);
    const growth = refundShare(order.growth, order.amount, order.refunded, r.amountFen);
    const refunded = order.refunded + r.amountFen;
    const write = debitPoints(db, {
      memberId: order.memberId,
      points,
      growth: -growth,
      kind: 'reverse',
      key: r.refundId !== undefined ? `refund:${r.orderId}:id:${r.refundId}` : `refund:${r.orderId}:${refunded}`,
      reason: 'refund',
      ref: r.orderId,
      at: r.at,
      preferLot: order.entryId ?? undefined,
      allowNegative: true,
      note: fenText(r.amountFen),
    });
    const updated = db.update(orders).set({ refunded }).where(eq(orders.orderId, r.orderId)).returning().get()!;
    return { created: true, order: updated, points, growth, balance: write.balance };
  });
}

function fenText(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}
