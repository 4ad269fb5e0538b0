// Community life: daily check-ins with streaks, badges held, UGC submissions, invite codes and referrals, and who
// wrote which group message (so a manager's reply-command can name its target).
import { sqliteTable, text, integer, primaryKey, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { members } from './core';

/** One check-in per member per local day (YYYY-MM-DD in the program's timezone); the unique key makes it race-free. */
export const checkins = sqliteTable(
  'checkins',
  {
    memberId: integer('member_id').notNull().references(() => members.id),
    /** The local date in the program's timezone. */
    day: text('day').notNull(),
    /** Consecutive days ending with this one. */
    streak: integer('streak').notNull(),
    at: integer('at').notNull(),
    channel: text('channel').notNull(),
    chat: text('chat').notNull(),
    messageId: text('message_id'),
    /** Filled in later with a make-up card (补签卡) rather than checked in on the day. */
    makeup: integer('makeup', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    uniqueIndex('checkins_member_day').on(t.memberId, t.day),
    index('checkins_day').on(t.day),
    index('checkins_chat_day').on(t.channel, t.chat, t.day),
  ],
);

/** Badges a member holds. A revoked badge keeps its row (revoked_at set) so automatic rules do not hand it back. */
export const memberBadges = sqliteTable(
  'member_badges',
  {
    memberId: integer('member_id').notNull().references(() => members.id),
    badgeId: text('badge_id').notNull(),
    grantedAt: integer('granted_at').notNull(),
    /** The manager who granted it; null for an automatic badge. */
    grantedBy: integer('granted_by'),
    revokedAt: integer('revoked_at'),
    revokedBy: integer('revoked_by'),
  },
  (t) => [primaryKey({ columns: [t.memberId, t.badgeId] })],
);

/** A shared post waiting for, or after, a manager's review. */
export const ugcSubmissions = sqliteTable(
  'ugc_submissions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: integer('member_id').notNull().references(() => members.id),
    channel: text('channel').notNull(),
    chat: text('chat').notNull(),
    /** The member's message that carried the post (managers reply to it). */
    messageId: text('message_id').notNull(),
    text: text('text').notNull(),
    /** Text folded for duplicate checks (case, width, spaces and punctuation removed). */
    normalized: text('normalized').notNull(),
    /** The local day it was posted; the daily reward cap counts per posting day. */
    day: text('day').notNull(),
    status: text('status', { enum: ['pending', 'approved', 'rejected'] }).notNull().default('pending'),
    reason: text('reason'),
    createdAt: integer('created_at').notNull(),
    reviewedAt: integer('reviewed_at'),
    reviewedBy: integer('reviewed_by'),
    /** Set to the normalized text when the approval earned points: unique, so one text is rewarded once. */
    rewardedText: text('rewarded_text'),
    /** Why an approved post earned nothing: 'daily-cap' or 'duplicate'. */
    unrewardedWhy: text('unrewarded_why'),
  },
  (t) => [
    uniqueIndex('ugc_message').on(t.channel, t.messageId),
    uniqueIndex('ugc_rewarded_text').on(t.rewardedText),
    index('ugc_status').on(t.status, t.id),
    index('ugc_member_day').on(t.memberId, t.day),
  ],
);

/** A member's personal invite code. */
export const inviteCodes = sqliteTable(
  'invite_codes',
  {
    code: text('code').primaryKey(),
    memberId: integer('member_id').notNull().references(() => members.id),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('invite_codes_member').on(t.memberId)],
);

/** Who invited whom: one inviter per invited member; rewarded once, at the invited member's first check-in. */
export const referrals = sqliteTable(
  'referrals',
  {
    inviteeId: integer('invitee_id').primaryKey().references(() => members.id),
    inviterId: integer('inviter_id').notNull().references(() => members.id),
    code: text('code').notNull(),
    channel: text('channel').notNull(),
    chat: text('chat').notNull(),
    joinedAt: integer('joined_at').notNull(),
    rewardedAt: integer('rewarded_at'),
  },
  (t) => [index('referrals_inviter').on(t.inviterId)],
);

/** Who sent a group message, so `/badge helper` sent as a reply knows its target. Written by the engine. */
export const messageAuthors = sqliteTable(
  'message_authors',
  {
    channel: text('channel').notNull(),
    messageId: text('message_id').notNull(),
    chat: text('chat').notNull(),
    memberId: integer('member_id').notNull().references(() => members.id),
    at: integer('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.messageId] }), index('message_authors_at').on(t.at)],
);
