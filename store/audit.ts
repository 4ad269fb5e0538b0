// The audit log: what managers and staff changed, by whom, when.
import { desc } from 'drizzle-orm';
import type { Db } from './db';
import { auditLog } from './schema';

/** Append an audit entry. */
export function audit(
  db: Db,
  entry: { at: Date; actorMemberId?: number; action: string; targetMemberId?: number; details?: Record<string, unknown> },
): void {
  db.insert(auditLog)
    .values({
      at: entry.at.getTime(),
      actorMemberId: entry.actorMemberId,
      action: entry.action,
      targetMemberId: entry.targetMemberId,
      details: entry.details,
    })
    .run();
}

/** The latest audit entries, newest first. */
export function recentAudit(db: Db, limit = 50): (typeof auditLog.$inferSelect)[] {
  return db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(limit).all();
}
