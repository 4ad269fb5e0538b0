// UGC submissions: create, find (by id or by the member's message), review, and the counts the reward rules need.
import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from './db';
import { members, ugcSubmissions } from './schema';

export type SubmissionRow = typeof ugcSubmissions.$inferSelect;

/** Create a pending submission; returns it. */
export function createSubmission(
  db: Db,
  s: { memberId: number; channel: string; chat: string; messageId: string; text: string; normalized: string; day: string; at: Date },
): SubmissionRow {
  return db
    .insert(ugcSubmissions)
    .values({ ...s, createdAt: s.at.getTime() })
    .onConflictDoUpdate({ target: [ugcSubmissions.channel, ugcSubmissions.messageId], set: { channel: s.channel } })
    .returning()
    .get();
}

/** A submission by id. */
export function submissionById(db: Db, id: number): SubmissionRow | undefined {
  return db.select().from(ugcSubmissions).where(eq(ugcSubmissions.id, id)).get();
}

/** The submission a message carried (managers reply to the member's post). */
export function submissionByMessage(db: Db, channel: string, messageId: string): SubmissionRow | undefined {
  return db
    .select()
    .from(ugcSubmissions)
    .where(and(eq(ugcSubmissions.channel, channel), eq(ugcSubmissions.messageId, messageId)))
    .get();
}

/** The member's own pending or approved submission with the same folded text, if any. */
export function ownDuplicate(db: Db, memberId: number, normalized: string): SubmissionRow | undefined {
  return db
    .select()
    .from(ugcSubmissions)
    .where(
      and(
        eq(ugcSubmissions.memberId, memberId),
        eq(ugcSubmissions.normalized, normalized),
        inArray(ugcSubmissions.status, ['pending', 'approved']),
      ),
    )
    .get();
}

/** Submissions waiting for review, oldest first, with the member's name. */
export function pendingSubmissions(db: Db, limit: number, chat?: { channel: string; chat: string }): (SubmissionRow & { memberName: string })[] {
  return db
    .select({ s: ugcSubmissions, memberName: members.name })
    .from(ugcSubmissions)
    .innerJoin(members, eq(members.id, ugcSubmissions.memberId))
    .where(and(eq(ugcSubmissions.status, 'pending'), ...inChat(chat)))
    .orderBy(asc(ugcSubmissions.id))
    .limit(limit)
    .all()
    .map((r) => ({ ...r.s, memberName: r.memberName }));
}

/** How many submissions are waiting (in one chat, when given). */
export function pendingCount(db: Db, chat?: { channel: string; chat: string }): number {
  return db
    .select({ n: sql<number>`count(*)` })
    .from(ugcSubmissions)
    .where(and(eq(ugcSubmissions.status, 'pending'), ...inChat(chat)))
    .get()!.n;
}

function inChat(chat?: { channel: string; chat: string }) {
  return chat ? [eq(ugcSubmissions.channel, chat.channel), eq(ugcSubmissions.chat, chat.chat)] : [];
}

/** Move a pending submission to approved or rejected; false when it was not pending (reviewed already, or racing). */
export function reviewSubmission(db: Db, id: number, status: 'approved' | 'rejected', by: number, at: Date, reason?: string): boolean {
  return (
    db
      .update(ugcSubmissions)
      .set({ status, reviewedBy: by, reviewedAt: at.getTime(), reason: reason ?? null })
      .where(and(eq(ugcSubmissions.id, id), eq(ugcSubmissions.status, 'pending')))
      .run().changes === 1
  );
}

/** Submissions of the member posted on a local day that earned points. */
export function rewardedOnDay(db: Db, memberId: number, day: string): number {
  return db
    .select({ n: sql<number>`count(*)` })
    .from(ugcSubmissions)
    .where(and(eq(ugcSubmissions.memberId, memberId), eq(ugcSubmissions.day, day), isNotNull(ugcSubmissions.rewardedText)))
    .get()!.n;
}

/** True when some submission with this folded text has earned points already. */
export function textRewarded(db: Db, normalized: string): boolean {
  return db.select({ id: ugcSubmissions.id }).from(ugcSubmissions).where(eq(ugcSubmissions.rewardedText, normalized)).get() !== undefined;
}

/** Record whether an approved submission earned points (the unique rewarded text makes one text pay once). */
export function setRewardOutcome(db: Db, id: number, outcome: { rewardedText: string } | { why: 'daily-cap' | 'duplicate' }): void {
  db.update(ugcSubmissions)
    .set('rewardedText' in outcome ? { rewardedText: outcome.rewardedText } : { unrewardedWhy: outcome.why })
    .where(eq(ugcSubmissions.id, id))
    .run();
}

/** How many of the member's submissions were approved. */
export function approvedCount(db: Db, memberId: number): number {
  return db
    .select({ n: sql<number>`count(*)` })
    .from(ugcSubmissions)
    .where(and(eq(ugcSubmissions.memberId, memberId), eq(ugcSubmissions.status, 'approved')))
    .get()!.n;
}
