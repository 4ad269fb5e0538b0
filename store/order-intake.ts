// Reads for the order intake (CSV import, webhook): whether a purchase or refund event was already recorded.
// Asked once a line on imports of 100,000 lines, so the statements are prepared once per database.
import { eq, sql } from 'drizzle-orm';
import { perConnection, type Db } from './db';
import { ledgerEntries, orders } from './schema';

function prepare(db: Db) {
  return {
    order: db.select({ id: orders.orderId }).from(orders).where(eq(orders.orderId, sql.placeholder('id'))).prepare(),
    entry: db.select({ id: ledgerEntries.id }).from(ledgerEntries).where(eq(ledgerEntries.key, sql.placeholder('key'))).prepare(),
  };
}
const statements = perConnection(prepare);

/** Whether this purchase (by order id) or refund (by order and refund id) was recorded before: recording it again changes nothing. */
export function orderEventRecorded(db: Db, evt: { kind: 'purchase' | 'refund'; orderId: string; refundId?: string }): boolean {
  const s = statements(db);
  if (evt.kind === 'purchase') return s.order.get({ id: evt.orderId }) !== undefined;
  // The key store/orders.ts recordRefund gives a refund with an id.
  return evt.refundId !== undefined && s.entry.get({ key: `refund:${evt.orderId}:id:${evt.refundId}` }) !== undefined;
}
