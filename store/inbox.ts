// The redelivery guard: each inbound message is claimed by one worker, handled once, and then remembered.
import { statement, type Db } from './db';

/** How long a claim holds before a redelivery may take the message over (its worker is presumed dead). */
export const CLAIM_LEASE_MS = 120_000;

/**
 * Claim a message for handling. False when it was handled before, or another worker is handling it right now —
 * so two deliveries of one message never both run skills, whichever finishes first.
 */
export function claimMessage(db: Db, channel: string, messageId: string, now: Date): boolean {
  const t = now.getTime();
  const res = statement<[string, string, number, number]>(
    db,
    `INSERT INTO processed_messages (channel, message_id, at) VALUES (?, ?, ?)
     ON CONFLICT (channel, message_id) DO UPDATE SET at = excluded.at
     WHERE processed_messages.done_at IS NULL AND processed_messages.at <= ?`,
  ).run(channel, messageId, t, t - CLAIM_LEASE_MS);
  return res.changes === 1;
}

/** Mark a claimed message handled (in the transaction that queues its replies). */
export function markHandled(db: Db, channel: string, messageId: string, now: Date): void {
  statement<[number, string, string]>(db, 'UPDATE processed_messages SET done_at = ? WHERE channel = ? AND message_id = ?').run(
    now.getTime(),
    channel,
    messageId,
  );
}
