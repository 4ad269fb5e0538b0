// Refunds that arrived before their purchase (parallel deliveries overtake each other), held in parked_refunds until the
// purchase is recorded or they are too old. Keyed by the refund's ledger key, so a redelivered parked refund is a duplicate.
import type Database from 'better-sqlite3';
import { perConnection, type Db } from './db';

/** A refund waiting for its purchase; `member` and `channel` are as the shop gave them (checked when the order arrives). */
export interface ParkedRefund {
  key: string;
  orderId: string;
  channel: string | null;
  member: string;
  amountFen: number;
  refundId: string;
  at: number;
  parkedAt: number;
}

const COLUMNS = 'key, order_id AS orderId, channel, member, amount_fen AS amountFen, refund_id AS refundId, at, parked_at AS parkedAt';

// The lookup by order runs for every purchase recorded (imports of 100,000 lines): prepared once per connection.
interface Statements {
  park: Database.Statement<unknown[]>;
  ofOrder: Database.Statement<[string], ParkedRefund>;
  remove: Database.Statement<[string]>;
  dropBefore: Database.Statement<[number], ParkedRefund>;
}
const statements = perConnection(
  (db): Statements => ({
    park: db.$client.prepare(
      `INSERT INTO parked_refunds (key, order_id, channel, member, amount_fen, refund_id, at, parked_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
    ),
    ofOrder: db.$client.prepare(`SELECT ${COLUMNS} FROM parked_refunds WHERE order_id = ? ORDER BY at, key`),
    remove: db.$client.prepare('DELETE FROM parked_refunds WHERE key = ?'),
    dropBefore: db.$client.prepare(`DELETE FROM parked_refunds WHERE parked_at <= ? RETURNING ${COLUMNS}`),
  }),
);

/** Park a refund; false when one with the same key is already parked (a redelivery: nothing changes). */
export function parkRefund(db: Db, r: Omit<ParkedRefund, 'at' | 'parkedAt'> & { at: Date; parkedAt: Date }): boolean {
  return statements(db).park.run(r.key, r.orderId, r.channel, r.member, r.amountFen, r.refundId, r.at.getTime(), r.parkedAt.getTime()).changes === 1;
}

/** The refunds parked for an order, oldest first. */
export function parkedRefundsOf(db: Db, orderId: string): ParkedRefund[] {
  return statements(db).ofOrder.all(orderId);
}

/** Remove one parked refund (applied or dropped). */
export function unparkRefund(db: Db, key: string): void {
  statements(db).remove.run(key);
}

/** Remove and return every refund parked at or before `before`, oldest first. */
export function dropRefundsParkedBefore(db: Db, before: Date): ParkedRefund[] {
  return statements(db)
    .dropBefore.all(before.getTime())
    .sort((a, b) => a.parkedAt - b.parkedAt || a.orderId.localeCompare(b.orderId));
}
