// The inbox: every message and join is written (and committed) here before the platform hears "received", and
// marked done in the transaction that queues its replies; what a crash interrupted is finished at the next start.
import { statement, type Db } from './db';

/** A received event, as the engine hands it to the store. */
export interface InboundRecord {
  channel: string;
  messageId: string;
  chat: string;
  kind: 'message' | 'join';
  payload: string;
  receivedAt: number;
}

/** What recording an event found: its row, and whether it had been recorded before (a redelivery). */
export interface InboxReceipt {
  id: number;
  duplicate: boolean;
  /** For a redelivery: whether the first delivery was handled already. */
  done: boolean;
}

/** A row still to handle (or being handled). */
export interface PendingInbound {
  id: number;
  channel: string;
  chat: string;
  kind: 'message' | 'join';
  payload: string;
  receivedAt: number;
  attempts: number;
}

/**
 * Record events in order (call inside one transaction to share its commit); a redelivered event keeps its first row.
 * Runs for every message a platform sends: statements prepared once per connection.
 */
export function recordInbound(db: Db, items: readonly InboundRecord[]): InboxReceipt[] {
  const insert = statement<[string, string, string, string, string, number], number>(
    db,
    `INSERT INTO inbox (channel, message_id, chat, kind, payload, received_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (channel, message_id) DO NOTHING RETURNING id`,
  ).pluck();
  const existing = statement<[string, string], { id: number; doneAt: number | null }>(
    db,
    'SELECT id, done_at AS doneAt FROM inbox WHERE channel = ? AND message_id = ?',
  );
  return items.map((r) => {
    const id = insert.get(r.channel, r.messageId, r.chat, r.kind, r.payload, r.receivedAt);
    if (id !== undefined) return { id, duplicate: false, done: false };
    const row = existing.get(r.channel, r.messageId)!;
    return { id: row.id, duplicate: true, done: row.doneAt !== null };
  });
}

/** Mark a row handled (in the transaction that queues its replies). False when it was already done. */
export function markInboundDone(db: Db, id: number, at: Date): boolean {
  return statement<[number, number]>(db, 'UPDATE inbox SET done_at = ? WHERE id = ? AND done_at IS NULL').run(at.getTime(), id).changes === 1;
}

/** True when the row is still to be handled. */
export function isInboundPending(db: Db, id: number): boolean {
  return statement<[number], number>(db, 'SELECT 1 FROM inbox WHERE id = ? AND done_at IS NULL').pluck().get(id) !== undefined;
}

/** Record a failed attempt; with `giveUp` the row is closed (done, with its error) and never tried again. */
export function markInboundFailed(db: Db, id: number, error: string, at: Date, giveUp: boolean): void {
  statement<[string, number | null, number]>(db, 'UPDATE inbox SET attempts = attempts + 1, last_error = ?, done_at = coalesce(done_at, ?) WHERE id = ?').run(
    error.slice(0, 500),
    giveUp ? at.getTime() : null,
    id,
  );
}

/** Rows still to handle, oldest first (after `afterId`, in pages). */
export function pendingInbound(db: Db, limit = 500, afterId = 0): PendingInbound[] {
  return statement<[number, number], PendingInbound>(
    db,
    `SELECT id, channel, chat, kind, payload, received_at AS receivedAt, attempts FROM inbox
     WHERE done_at IS NULL AND id > ? AND payload IS NOT NULL ORDER BY id LIMIT ?`,
  ).all(afterId, limit);
}

/** How many rows wait to be handled, and since when the oldest (for /health); an erased person's blanked rows never will. */
export function inboxBacklog(db: Db): { pending: number; oldestReceivedAt?: number } {
  const row = statement<[], { n: number; oldest: number | null }>(
    db,
    'SELECT count(*) AS n, min(received_at) AS oldest FROM inbox WHERE done_at IS NULL AND payload IS NOT NULL',
  ).get()!;
  return { pending: row.n, ...(row.oldest !== null ? { oldestReceivedAt: row.oldest } : {}) };
}

/**
 * Retention: drop the text of rows handled before `payloadBefore`, and the rows themselves (the redelivery keys)
 * handled before `keysBefore`. Returns how many rows lost their payload and how many went.
 */
export function pruneInbox(db: Db, payloadBefore: Date, keysBefore: Date): { cleared: number; deleted: number } {
  const cleared = statement<[number]>(db, 'UPDATE inbox SET payload = NULL WHERE done_at IS NOT NULL AND done_at < ? AND payload IS NOT NULL').run(
    payloadBefore.getTime(),
  ).changes;
  const deleted = statement<[number]>(db, 'DELETE FROM inbox WHERE done_at IS NOT NULL AND done_at < ?').run(keysBefore.getTime()).changes;
  return { cleared, deleted };
}

/**
 * The messages one sender wrote in a chat after `messageId` that are recorded but not handled yet, oldest first (the
 * quick follow-ups the model reads together with the first).
 */
export function laterPendingFrom(db: Db, channel: string, chat: string, messageId: string, platformId: string, limit = 5): { messageId: string; text: string }[] {
  return statement<[string, string, string, string, string, number], { messageId: string; text: string | null }>(
    db,
    `SELECT message_id AS messageId, json_extract(payload, '$.text') AS text FROM inbox
     WHERE done_at IS NULL AND channel = ? AND chat = ? AND kind = 'message' AND payload IS NOT NULL
       AND id > (SELECT id FROM inbox WHERE channel = ? AND message_id = ?) AND json_extract(payload, '$.from.id') = ?
     ORDER BY id LIMIT ?`,
  )
    .all(channel, chat, channel, messageId, platformId, limit)
    .filter((r): r is { messageId: string; text: string } => typeof r.text === 'string' && r.text.trim() !== '');
}

/** The words of a received message, while the inbox still keeps them (retention clears them, as does an erase). */
export function inboundText(db: Db, channel: string, messageId: string): string | undefined {
  const text = statement<[string, string], string | null>(db, `SELECT json_extract(payload, '$.text') FROM inbox WHERE channel = ? AND message_id = ? AND kind = 'message'`)
    .pluck()
    .get(channel, messageId);
  return typeof text === 'string' ? text : undefined;
}
