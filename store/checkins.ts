// Check-ins: one row per member per local day, the latest streak, and the group's monthly leaderboard.
import { and, desc, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Db } from './db';
import { chatMembers, checkins, ledgerEntries, members } from './schema';

export type CheckinRow = typeof checkins.$inferSelect;

/** The member's check-in on a local day, if any. */
export function checkinOn(db: Db, memberId: number, day: string): CheckinRow | undefined {
  return db.select().from(checkins).where(and(eq(checkins.memberId, memberId), eq(checkins.day, day))).get();
}

/** The member's latest check-in before a local day, if any. */
export function latestCheckinBefore(db: Db, memberId: number, day: string): CheckinRow | undefined {
  return db
    .select()
    .from(checkins)
    .where(and(eq(checkins.memberId, memberId), lt(checkins.day, day)))
    .orderBy(desc(checkins.day))
    .get();
}

/** The member's latest check-in, if any. */
export function latestCheckin(db: Db, memberId: number): CheckinRow | undefined {
  return db.select().from(checkins).where(eq(checkins.memberId, memberId)).orderBy(desc(checkins.day)).get();
}

/** Record a check-in; false when the member already has one that day (the unique key decides races). */
export function insertCheckin(db: Db, row: typeof checkins.$inferInsert): boolean {
  return db.insert(checkins).values(row).onConflictDoNothing().run().changes === 1;
}

/** The local days (YYYY-MM-DD) the member checked in, from `fromDay` to `toDay` inclusive, oldest first. */
export function checkinDaysBetween(db: Db, memberId: number, fromDay: string, toDay: string): string[] {
  return db
    .select({ day: checkins.day })
    .from(checkins)
    .where(and(eq(checkins.memberId, memberId), gte(checkins.day, fromDay), lte(checkins.day, toDay)))
    .orderBy(checkins.day)
    .all()
    .map((r) => r.day);
}

/** How many check-ins the member has ever made. */
export function checkinCount(db: Db, memberId: number): number {
  return db.select({ n: sql<number>`count(*)` }).from(checkins).where(eq(checkins.memberId, memberId)).get()!.n;
}

/** Reasons of ledger entries that count as community points on the leaderboard (never purchases: spending stays private). */
export const COMMUNITY_REASONS = ['checkin', 'checkin-bonus', 'ugc', 'referral'];

/** One leaderboard line: community points earned in the period and the latest check-in (for the live streak). */
export interface LeaderRow {
  memberId: number;
  name: string;
  points: number;
  lastDay: string | null;
  lastStreak: number;
}

/**
 * Community points earned in [from, to) by the members seen in a group (or everyone when `chat` is omitted), best
 * first, with each one's latest check-in. Members with nothing earned are left out.
 */
export function leaderboard(db: Db, scope: { channel: string; chat?: string }, from: Date, to: Date, limit: number): LeaderRow[] {
  return earnedRows(db, scope, from, to, limit).map((r) => {
    const last = latestCheckin(db, r.memberId);
    return { ...r, lastDay: last?.day ?? null, lastStreak: last?.streak ?? 0 };
  });
}

function earnedRows(db: Db, scope: { channel: string; chat?: string }, from: Date, to: Date, limit: number) {
  const earned = db
    .select({ memberId: ledgerEntries.memberId, points: sql<number>`sum(${ledgerEntries.points})`.as('points') })
    .from(ledgerEntries)
    .where(
      and(
        eq(ledgerEntries.kind, 'earn'),
        inArray(ledgerEntries.reason, COMMUNITY_REASONS),
        gte(ledgerEntries.at, from.getTime()),
        lt(ledgerEntries.at, to.getTime()),
        scope.chat
          ? sql`${ledgerEntries.memberId} in (select ${chatMembers.memberId} from ${chatMembers} where ${chatMembers.channel} = ${scope.channel} and ${chatMembers.chatId} = ${scope.chat})`
          : undefined,
      ),
    )
    .groupBy(ledgerEntries.memberId)
    .as('earned');
  return db
    .select({ memberId: earned.memberId, name: members.name, points: earned.points })
    .from(earned)
    .innerJoin(members, eq(members.id, earned.memberId))
    .where(sql`${earned.points} > 0`)
    .orderBy(desc(earned.points), members.id)
    .limit(limit)
    .all();
}

/** A member's rank and points on the same leaderboard (for "you are #12"), or undefined when they earned nothing. */
export function leaderboardRank(
  db: Db,
  scope: { channel: string; chat?: string },
  from: Date,
  to: Date,
  memberId: number,
): { rank: number; points: number } | undefined {
  const all = earnedRows(db, scope, from, to, -1);
  const i = all.findIndex((r) => r.memberId === memberId);
  return i < 0 ? undefined : { rank: i + 1, points: all[i]!.points };
}

/** Change the streak recorded for a member's day (a make-up card filled the day before it). */
export function setCheckinStreak(db: Db, memberId: number, day: string, streak: number): void {
  db.update(checkins).set({ streak }).where(and(eq(checkins.memberId, memberId), eq(checkins.day, day))).run();
}
