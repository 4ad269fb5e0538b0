// The outbox: every outgoing message is a row first (unique key), delivered later, then marked sent.
import { eq, sql } from 'drizzle-orm';
import { inTransaction, statement, type Db } from './db';
import { outbox } from './schema';
import type { OutboundMessage } from '../bot/core/types';

export type OutboxRow = typeof outbox.$inferSelect;

/** Queue a message under an idempotency key; a second enqueue with the same key is ignored. Returns the row id when new. */
export function enqueueMessage(db: Db, key: string, msg: OutboundMessage, at: Date, notBefore: Date = at): number | undefined {
  // Every reply passes here: a statement prepared once per connection rather than a query built per call.
  return statement<unknown[], number>(
    db,
    `INSERT INTO outbox (key, channel, chat, text, reply_to, reply_handle, thread, mentions, buttons, buttons_text, kind, secret, created_at, not_before)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
  )
    .pluck()
    .get(
      key,
      msg.channel,
      msg.chat,
      msg.text,
      msg.replyTo ?? null,
      msg.replyHandle ?? null,
      msg.thread ?? null,
      msg.mentions && msg.mentions.length > 0 ? JSON.stringify(msg.mentions) : null,
      msg.buttons && msg.buttons.length > 0 ? JSON.stringify(msg.buttons) : null,
      msg.buttonsText ?? null,
      msg.kind,
      msg.secret ? 1 : 0,
      at.getTime(),
      notBefore.getTime(),
    );
}

/**
 * Rows due for delivery at `now`, in the order they were written. A row waiting to be retried holds back the later
 * rows of its chat, so a chat never sees its messages out of order; a row held for quiet hours does not. Rows in
 * `skip` (already on their way) are left out without being read, which keeps a flush cheap behind a long queue.
 */
export function dueMessages(
  db: Db,
  now: Date,
  limit = 500,
  channel?: string,
  skip?: { has(id: number): boolean; readonly size: number },
): OutboxRow[] {
  // Every flush runs this: statements prepared once, ids first so rows on their way are never read again.
  const t = now.getTime();
  const ids = statement<[number, string | null, string | null, number, number], number>(
    db,
    `SELECT id FROM outbox o WHERE o.sent_at IS NULL AND o.failed_at IS NULL AND o.not_before <= ?
       AND (? IS NULL OR o.channel = ?)
       AND NOT EXISTS (SELECT 1 FROM outbox earlier WHERE earlier.channel = o.channel AND earlier.chat = o.chat
         AND earlier.id < o.id AND earlier.sent_at IS NULL AND earlier.failed_at IS NULL AND earlier.attempts > 0
         AND earlier.not_before > ?)
     ORDER BY o.id LIMIT ?`,
  )
    .pluck()
    .all(t, channel ?? null, channel ?? null, t, limit + (skip?.size ?? 0))
    .filter((id) => !skip?.has(id))
    .slice(0, limit);
  if (ids.length === 0) return [];
  return statement<[string], RawOutboxRow>(
    db,
    `SELECT id, key, channel, chat, text, reply_to AS replyTo, reply_handle AS replyHandle, thread, mention, mentions, buttons, buttons_text AS buttonsText, kind, secret, created_at AS createdAt,
            not_before AS notBefore, sent_at AS sentAt, attempts, last_error AS lastError, failed_at AS failedAt
     FROM outbox WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`,
  )
    .all(JSON.stringify(ids))
    .map((r) => ({
      ...r,
      secret: r.secret === 1,
      buttons: r.buttons === null ? null : (JSON.parse(r.buttons) as OutboxRow['buttons']),
      mentions: r.mentions !== null ? (JSON.parse(r.mentions) as string[]) : r.mention !== null ? [r.mention] : null,
    }));
}

type RawOutboxRow = Omit<OutboxRow, 'buttons' | 'secret' | 'mentions'> & { buttons: string | null; secret: number; mentions: string | null };

/** The earliest time a pending row becomes due (after `after`, when given), if any: replay wakes up then. */
export function nextDueTime(db: Db, after?: number): number | undefined {
  const t =
    after === undefined
      ? statement<[], number | null>(db, 'SELECT min(not_before) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL').pluck().get()
      : statement<[number], number | null>(db, 'SELECT min(not_before) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND not_before > ?')
          .pluck()
          .get(after);
  return t ?? undefined;
}

/** Mark rows delivered, in one transaction. */
export function markSent(db: Db, ids: readonly number[], at: Date): void {
  const update = statement<[number, number]>(db, 'UPDATE outbox SET sent_at = ? WHERE id = ?');
  inTransaction(db, () => {
    for (const id of ids) update.run(at.getTime(), id);
  });
}

/** Record a failed attempt; `giveUp` stops further attempts, `retryAt` postpones the next one. */
export function markFailed(db: Db, id: number, error: string, opts: { giveUp?: boolean; retryAt?: Date; at: Date }): void {
  db.update(outbox)
    .set({
      attempts: sql`${outbox.attempts} + 1`,
      lastError: error.slice(0, 500),
      ...(opts.giveUp ? { failedAt: opts.at.getTime() } : {}),
      ...(opts.retryAt ? { notBefore: opts.retryAt.getTime() } : {}),
    })
    .where(eq(outbox.id, id))
    .run();
}

/** When the rows of a channel were sent, since `since`, oldest first, and whether each answered someone (reply, bridge). */
export function sendTimes(db: Db, channel: string, since: Date): { at: number; answer: boolean }[] {
  return statement<[string, number], { at: number; answer: number }>(
    db,
    "SELECT sent_at AS at, kind IN ('reply', 'bridge') AS answer FROM outbox WHERE channel = ? AND sent_at >= ? ORDER BY sent_at",
  )
    .all(channel, since.getTime())
    .map((r) => ({ at: r.at, answer: r.answer === 1 }));
}

/** Hold a pending row back until `until`, without counting it a failed attempt (its chat's later rows do not wait for it). */
export function deferMessage(db: Db, id: number, until: Date, why: string): void {
  db.update(outbox).set({ notBefore: until.getTime(), lastError: why.slice(0, 500) }).where(eq(outbox.id, id)).run();
}
