// The redelivery guard: which inbound messages have been handled already.
import { and, eq } from 'drizzle-orm';
import type { Db } from './db';
import { processedMessages } from './schema';

/** True when this (channel, message id) was handled before. */
export function wasProcessed(db: Db, channel: string, messageId: string): boolean {
  return (
    db
      .select({ at: processedMessages.at })
      .from(processedMessages)
      .where(and(eq(processedMessages.channel, channel), eq(processedMessages.messageId, messageId)))
      .get() !== undefined
  );
}

/** Mark a message handled; returns false when another worker marked it first. */
export function markProcessed(db: Db, channel: string, messageId: string, at: Date): boolean {
  const res = db.insert(processedMessages).values({ channel, messageId, at: at.getTime() }).onConflictDoNothing().run();
  return res.changes === 1;
}
