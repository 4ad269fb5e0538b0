// The order intake's store (CSV import, webhook): whether an order event was recorded before, and the signatures of signed
// requests already accepted. Asked once a line on imports of 100,000 lines, so statements are prepared once per database.
import type Database from 'better-sqlite3';
import { perConnection, type Db } from './db';
import { refundIdOf, refundKey } from './orders';

interface Statements {
  order: Database.Statement<[string], { one: 1 }>;
  entry: Database.Statement<[string], { one: 1 }>;
  seen: Database.Statement<[string], { one: 1 }>;
  claim: Database.Statement<[string, number]>;
  forget: Database.Statement<[string]>;
  prune: Database.Statement<[number]>;
}
const statements = perConnection(
  (db): Statements => ({
    order: db.$client.prepare('SELECT 1 AS one FROM orders WHERE order_id = ?'),
    entry: db.$client.prepare('SELECT 1 AS one FROM ledger_entries WHERE key = ?'),
    seen: db.$client.prepare('SELECT 1 AS one FROM signed_requests WHERE signature = ?'),
    claim: db.$client.prepare('INSERT INTO signed_requests (signature, at) VALUES (?, ?) ON CONFLICT (signature) DO NOTHING'),
    forget: db.$client.prepare('DELETE FROM signed_requests WHERE signature = ?'),
    // Walks the signed_requests_at index from its start: only the expired rows are read.
    prune: db.$client.prepare('DELETE FROM signed_requests WHERE at < ?'),
  }),
);

/** Whether this purchase (by order id) or refund (by order and refund id, see refundIdOf) was recorded before: recording it again changes nothing. */
export function orderEventRecorded(db: Db, evt: { kind: 'purchase' | 'refund'; orderId: string; amountFen: number; at: Date; refundId?: string }): boolean {
  const s = statements(db);
  if (evt.kind === 'purchase') return s.order.get(evt.orderId) !== undefined;
  return s.entry.get(refundKey(evt.orderId, refundIdOf(evt))) !== undefined;
}

/** Whether a request with this signature was accepted before (and not yet pruned). */
export function signedRequestSeen(db: Db, signature: string): boolean {
  return statements(db).seen.get(signature) !== undefined;
}

/** Record an accepted request's signature; false when it was recorded before (the request is a replay). */
export function claimSignedRequest(db: Db, signature: string, at: Date): boolean {
  return statements(db).claim.run(signature, at.getTime()).changes === 1;
}

/** Give a claimed signature back (its request was refused after all): the same request may be sent again. */
export function forgetSignedRequest(db: Db, signature: string): void {
  statements(db).forget.run(signature);
}

/** Forget signatures recorded before `before` (older than the signing window lets a request be); returns how many. */
export function pruneSignedRequests(db: Db, before: Date): number {
  return statements(db).prune.run(before.getTime()).changes;
}
