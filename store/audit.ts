// The audit log: what managers and staff changed, by whom, when.
import { desc, eq } from 'drizzle-orm';
import type { Db } from './db';
import { auditLog } from './schema';

/** Append an audit entry; returns its id (a pending confirmation is named by it). */
export function audit(
  db: Db,
  entry: { at: Date; actorMemberId?: number; action: string; targetMemberId?: number; details?: Record<string, unknown> },
): number {
  return db
    .insert(auditLog)
    .values({
      at: entry.at.getTime(),
      actorMemberId: entry.actorMemberId,
      action: entry.action,
      targetMemberId: entry.targetMemberId,
      details: entry.details,
    })
    .returning({ id: auditLog.id })
    .get().id;
}

/** One audit entry by id. */
export function auditEntry(db: Db, id: number): (typeof auditLog.$inferSelect) | undefined {
  return db.select().from(auditLog).where(eq(auditLog.id, id)).get();
}

/** The latest audit entries, newest first. */
export function recentAudit(db: Db, limit = 50): (typeof auditLog.$inferSelect)[] {
  return db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(limit).all();
}
