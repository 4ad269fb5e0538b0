// The points ledger: immutable entries, earn lots with their own expiry, which lots each debit drew from,
// orders (for refunds) and redemptions. Balances are cached on member_points in the same transaction as the entry.
import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';
import { members } from './core';

/** Every change of points or growth value. Never updated or deleted. `key` makes each write idempotent. */
export const ledgerEntries = sqliteTable(
  'ledger_entries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: integer('member_id').notNull().references(() => members.id),
    kind: text('kind', { enum: ['earn', 'spend', 'expire', 'reverse', 'adjust'] }).notNull(),
    /** Signed: positive for earn (and positive adjustments), negative for the rest. */
    points: integer('points').notNull(),
    /** Growth value (成长值) change that came with it, signed. */
    growth: integer('growth').notNull().default(0),
    key: text('key').notNull(),
    /** What it was for: purchase, checkin, checkin-bonus, ugc, referral, tier-gift, grant, redeem, expiry, refund. */
    reason: text('reason').notNull(),
    /** The order id, reward id, submission id… it belongs to. */
    ref: text('ref'),
    at: integer('at').notNull(),
    actorMemberId: integer('actor_member_id'),
    note: text('note'),
  },
  (t) => [
    uniqueIndex('ledger_key').on(t.key),
    index('ledger_member_at').on(t.memberId, t.at),
    index('ledger_ref').on(t.ref),
    // The daily tier review finds members whose growth window slid (or who earned growth) by time, not member.
    index('ledger_growth_at').on(t.at).where(sql`growth <> 0`),
  ],
);

/** An earned lot: what is left of one earn entry, until it is spent or expires. */
export const pointLots = sqliteTable(
  'point_lots',
  {
    entryId: integer('entry_id').primaryKey().references(() => ledgerEntries.id),
    memberId: integer('member_id').notNull().references(() => members.id),
    points: integer('points').notNull(),
    remaining: integer('remaining').notNull(),
    earnedAt: integer('earned_at').notNull(),
    /** Spendable from this time (a pending window for purchases). */
    availableAt: integer('available_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [
    index('lots_member_open').on(t.memberId, t.expiresAt),
    // Only lots with points left: the expiry job's range scan never walks the years of spent and expired lots. It
    // carries the member and the points left, so that scan and the expiring nudge's read only the index.
    index('lots_expiry').on(t.expiresAt, t.memberId, t.remaining).where(sql`remaining > 0`),
  ],
);

/** Which lots a debit (spend, expiry, reversal) drew from, and how much from each. */
export const lotDraws = sqliteTable(
  'lot_draws',
  {
    entryId: integer('entry_id').notNull().references(() => ledgerEntries.id),
    lotId: integer('lot_id').notNull().references(() => pointLots.entryId),
    points: integer('points').notNull(),
  },
  (t) => [primaryKey({ columns: [t.entryId, t.lotId] }), index('draws_lot').on(t.lotId)],
);

/** The cached balance of a member: always the sum of their entries, updated in the entry's transaction. */
export const memberPoints = sqliteTable(
  'member_points',
  {
    memberId: integer('member_id').primaryKey().references(() => members.id),
    balance: integer('balance').notNull().default(0),
    /** Tier held now, and when a grace period (after dropping below its threshold) ends. */
    tierId: text('tier_id').notNull().default('member'),
    graceUntil: integer('grace_until'),
    updatedAt: integer('updated_at').notNull(),
  },
  // The daily tier review finds grace periods coming due without reading every member.
  (t) => [index('member_points_grace').on(t.graceUntil).where(sql`${t.graceUntil} IS NOT NULL`)],
);

/** Purchases, so a refund can reverse the points of its order. */
export const orders = sqliteTable(
  'orders',
  {
    orderId: text('order_id').primaryKey(),
    memberId: integer('member_id').notNull().references(() => members.id),
    amount: integer('amount_fen').notNull(),
    refunded: integer('refunded_fen').notNull().default(0),
    points: integer('points').notNull(),
    growth: integer('growth').notNull(),
    /** The earn entry of the order's points. */
    entryId: integer('entry_id'),
    at: integer('at').notNull(),
  },
  (t) => [index('orders_member').on(t.memberId)],
);

/** A reward redeemed, with its unique code. */
export const redemptions = sqliteTable(
  'redemptions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: integer('member_id').notNull().references(() => members.id),
    rewardId: text('reward_id').notNull(),
    code: text('code').notNull(),
    entryId: integer('entry_id').notNull(),
    at: integer('at').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [uniqueIndex('redemptions_code').on(t.code), index('redemptions_member').on(t.memberId), uniqueIndex('redemptions_entry').on(t.entryId)],
);

/**
 * Refunds that arrived before their purchase (parallel deliveries overtake each other): applied when the purchase is
 * recorded, or reported and dropped once older than the program's limit. `key` is the refund's idempotency key.
 */
export const parkedRefunds = sqliteTable(
  'parked_refunds',
  {
    key: text('key').primaryKey(),
    orderId: text('order_id').notNull(),
    /** Who the shop said it was for (channel and platform id), checked against the order when it arrives. */
    channel: text('channel'),
    member: text('member').notNull(),
    amountFen: integer('amount_fen').notNull(),
    refundId: text('refund_id').notNull(),
    at: integer('at').notNull(),
    parkedAt: integer('parked_at').notNull(),
  },
  (t) => [index('parked_refunds_order').on(t.orderId), index('parked_refunds_parked').on(t.parkedAt)],
);

/** Signatures of signed shop requests already received: a replayed request is refused. Kept past the signing window. */
export const signedRequests = sqliteTable(
  'signed_requests',
  {
    signature: text('signature').primaryKey(),
    at: integer('at').notNull(),
  },
  (t) => [index('signed_requests_at').on(t.at)],
);

/**
 * One-time codes a shop gives a customer to bind their chat account to their shop customer number: short enough to
 * type on a phone and to fit a Telegram start payload, valid for minutes, used once.
 */
export const bindCodes = sqliteTable('bind_codes', {
  code: text('code').primaryKey(),
  customer: text('customer').notNull(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  usedAt: integer('used_at'),
  usedByMemberId: integer('used_by_member_id').references(() => members.id),
});
