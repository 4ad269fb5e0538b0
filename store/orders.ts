// Purchases and refunds on the ledger, in fen, one synchronous transaction a call: a purchase earns one lot (once per order
// id) and applies the refunds parked for it; a refund (once per refund id) reverses its share of the order's points.
import type Database from 'better-sqlite3';
import { inTransaction, perConnection, type Db } from './db';
import type { orders } from './schema';
import { balanceOf, debitPoints, earnPoints, entryIdByKey } from './ledger';
import { identitiesOf, memberIdByPlatformId } from './members';
import { parkedRefundsOf, unparkRefund, type ParkedRefund } from './parked-refunds';
import { tierStateOf } from './standing';
import { HearthError } from '../bot/core/errors';
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

/** A parked refund that could not be applied when its purchase arrived (another member's order, more than was paid). */
export interface DroppedRefund {
  refund: ParkedRefund;
  /** `other_member`: the shop named someone else than the buyer; `refused`: the ledger refused it (see `reason`). */
  problem: 'other_member' | 'refused';
  reason: string;
}

/** What recording a purchase did: `created` is false for an order id seen before (then nothing changed). */
export interface PurchaseResult {
  created: boolean;
  /** The order as it stands afterwards (parked refunds applied). */
  order: OrderRow;
  /** The rules that applied (only when created). */
  earning?: PurchaseEarning;
  balance: number;
  /** Refunds that had arrived before the purchase, applied with it (only when created). */
  appliedRefunds: RefundResult[];
  /** Parked refunds of this order refused and removed: to be reported (only when created). */
  droppedRefunds: DroppedRefund[];
}

/** A refund of part or all of an order; without the shop's `refundId` it goes by its order, amount and time. */
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
  /** False for a refund recorded before (then nothing changed). */
  created: boolean;
  /** The id it goes by: the shop's, or derived (see refundIdOf). */
  refundId: string;
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
  setRefunded: Database.Statement<[number, string], OrderRow>;
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
    setRefunded: c.prepare(
      `UPDATE orders SET refunded_fen = ? WHERE order_id = ?
       RETURNING order_id AS orderId, member_id AS memberId, amount_fen AS amount, refunded_fen AS refunded, points, growth, entry_id AS entryId, at`,
    ),
  };
});

/**
 * The id a refund goes by: the shop's refund id, otherwise one derived from its amount and time, so the same refund
 * delivered again (a CSV line, a replay line, a webhook body) is recognised. Every path derives it here, in one place.
 * Two genuine refunds of the same amount at the same instant therefore need the shop's refund ids to count twice.
 */
export function refundIdOf(r: { refundId?: string; amountFen: number; at: Date }): string {
  return r.refundId ?? `${r.amountFen}fen@${r.at.toISOString()}`;
}

/** The idempotency key of a refund: its ledger entry's key, and its key while parked. */
export function refundKey(orderId: string, refundId: string): string {
  return `refund:${orderId}:id:${refundId}`;
}

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
    if (existing) return { created: false, order: existing, balance: balanceOf(db, existing.memberId), appliedRefunds: [], droppedRefunds: [] };
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
    const parked = applyParkedRefunds(db, order);
    if (parked.applied.length === 0) return { created: true, order, earning, balance: write.balance, appliedRefunds: [], droppedRefunds: parked.dropped };
    const last = parked.applied[parked.applied.length - 1]!;
    return { created: true, order: last.order, earning, balance: last.balance, appliedRefunds: parked.applied, droppedRefunds: parked.dropped };
  });
}

// Refunds that overtook this purchase, applied in its transaction, each in a savepoint so a refused one leaves the rest.
// One indexed read per purchase when none are parked.
function applyParkedRefunds(db: Db, order: OrderRow): { applied: RefundResult[]; dropped: DroppedRefund[] } {
  const applied: RefundResult[] = [];
  const dropped: DroppedRefund[] = [];
  const parked = parkedRefundsOf(db, order.orderId);
  for (const refund of parked) {
    unparkRefund(db, refund.key);
    // The shop named the member by platform id on a channel; the purchase just made sure they exist. A refund parked
    // before refunds kept their channel is the buyer's when the id it names is one of the buyer's.
    const memberId =
      refund.channel !== null
        ? memberIdByPlatformId(db, refund.member, refund.channel)
        : identitiesOf(db, order.memberId).some((i) => i.platformId === refund.member)
          ? order.memberId
          : undefined;
    if (memberId !== order.memberId) {
      dropped.push({ refund, problem: 'other_member', reason: `refunded for "${refund.member}" but bought by another member` });
      continue;
    }
    try {
      const res = recordRefund(db, { orderId: refund.orderId, amountFen: refund.amountFen, at: new Date(refund.at), memberId, refundId: refund.refundId });
      if (res.created) applied.push(res);
    } catch (err) {
      if (!(err instanceof HearthError)) throw err;
      dropped.push({ refund, problem: 'refused', reason: err.message });
    }
  }
  return { applied, dropped };
}

/**
 * Record a refund: takes back the refunded share of the order's points (from the order's own lot first, then the
 * oldest-expiring lots; the balance may go negative) and of its growth value. Shares are rounded on the running total
 * refunded, so partial refunds add up exactly to a full one. Unknown orders and refunds beyond what is left are refused.
 * Idempotent by the refund's id (refundIdOf): the same refund again changes nothing.
 */
export function recordRefund(db: Db, r: RefundInput): RefundResult {
  if (!Number.isInteger(r.amountFen) || r.amountFen <= 0) throw new HearthError('bad_input', `refund amount must be positive, got ${r.amountFen} fen`);
  const refundId = refundIdOf(r);
  const key = refundKey(r.orderId, refundId);
  return inTransaction(db, () => {
    const order = orderById(db, r.orderId);
    if (!order) throw new HearthError('not_found', `no order "${r.orderId}" to refund`, { orderId: r.orderId });
    if (r.memberId !== undefined && r.memberId !== order.memberId) {
      throw new HearthError('bad_input', `order "${r.orderId}" belongs to another member`, { orderId: r.orderId });
    }
    if (entryIdByKey(db, key) !== undefined) return { created: false, refundId, order, points: 0, growth: 0, balance: balanceOf(db, order.memberId) };
    const left = order.amount - order.refunded;
    if (r.amountFen > left) {
      throw new HearthError('bad_input', `refund of ${fenText(r.amountFen)} is more than the ${fenText(left)} left on order "${r.orderId}"`, {
        orderId: r.orderId,
        leftFen: left,
      });
    }
    const points = refundShare(order.points, order.amount, order.refunded, r.amountFen);
    const growth = refundShare(order.growth, order.amount, order.refunded, r.amountFen);
    const write = debitPoints(db, {
      memberId: order.memberId,
      points,
      growth: -growth,
      kind: 'reverse',
      key,
      reason: 'refund',
      ref: r.orderId,
      at: r.at,
      preferLot: order.entryId ?? undefined,
      allowNegative: true,
      note: fenText(r.amountFen),
    });
    const updated = statements(db).setRefunded.get(order.refunded + r.amountFen, r.orderId)!;
    return { created: true, refundId, order: updated, points, growth, balance: write.balance };
  });
}

/** ¥ with two decimals, for reasons and reports. */
export function fenText(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}
