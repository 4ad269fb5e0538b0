// Badges members hold: grant, revoke (the row stays, so automatic rules never hand a revoked badge back), list.
import { and, asc, eq, isNotNull, isNull } from 'drizzle-orm';
import type { Db } from './db';
import { memberBadges } from './schema';

export type MemberBadgeRow = typeof memberBadges.$inferSelect;

/** Grant a badge; 'already' when the member holds it. A revoked badge is granted again. */
export function grantBadge(db: Db, memberId: number, badgeId: string, by: number | null, at: Date): 'granted' | 'already' {
  const inserted = db.insert(memberBadges).values({ memberId, badgeId, grantedAt: at.getTime(), grantedBy: by }).onConflictDoNothing().run();
  if (inserted.changes === 1) return 'granted';
  const regranted = db
    .update(memberBadges)
    .set({ grantedAt: at.getTime(), grantedBy: by, revokedAt: null, revokedBy: null })
    .where(and(eq(memberBadges.memberId, memberId), eq(memberBadges.badgeId, badgeId), isNotNull(memberBadges.revokedAt)))
    .run();
  return regranted.changes === 1 ? 'granted' : 'already';
}

/** Grant an automatic badge unless the member has ever had it (a manager's revoke stands). True when granted now. */
export function grantAutoBadge(db: Db, memberId: number, badgeId: string, at: Date): boolean {
  return db.insert(memberBadges).values({ memberId, badgeId, grantedAt: at.getTime(), grantedBy: null }).onConflictDoNothing().run().changes === 1;
}

/** Revoke a badge; 'not-held' when the member does not hold it. */
export function revokeBadge(db: Db, memberId: number, badgeId: string, by: number, at: Date): 'revoked' | 'not-held' {
  const res = db
    .update(memberBadges)
    .set({ revokedAt: at.getTime(), revokedBy: by })
    .where(and(eq(memberBadges.memberId, memberId), eq(memberBadges.badgeId, badgeId), isNull(memberBadges.revokedAt)))
    .run();
  return res.changes === 1 ? 'revoked' : 'not-held';
}

/** The badges a member holds now, earliest granted first. */
export function badgesOf(db: Db, memberId: number): MemberBadgeRow[] {
  return db
    .select()
    .from(memberBadges)
    .where(and(eq(memberBadges.memberId, memberId), isNull(memberBadges.revokedAt)))
    .orderBy(asc(memberBadges.grantedAt), asc(memberBadges.badgeId))
    .all();
}
