// Tables of the runtime: members and their platform identities, chats, redelivery guard, outbox, jobs, timers, audit.
import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, primaryKey, index, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** A person in the program, whatever platforms they use. Times are epoch milliseconds. */
export const members = sqliteTable(
  'members',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull().default(''),
    lang: text('lang', { enum: ['zh', 'en'] }),
    /** Set when the member chose a language in their profile; a message's language no longer overrides it. */
    langFixed: integer('lang_fixed', { mode: 'boolean' }).notNull().default(false),
    birthday: text('birthday'),
    role: text('role', { enum: ['member', 'manager', 'staff'] }).notNull().default('member'),
    createdAt: integer('created_at').notNull(),
    lastActiveAt: integer('last_active_at').notNull(),
  },
  (t) => [
    // The dormant and birthday nudges pick their members by these, daily, over the whole membership. (The migration
    // creating the birthday index was corrected by hand: drizzle-kit 0.31 splits expressions at commas, drizzle-orm #6062.)
    index('members_last_active').on(t.lastActiveAt),
    index('members_birthday_md').on(sql`substr(${t.birthday}, 6, 5)`).where(sql`${t.birthday} IS NOT NULL`),
  ],
);

/** How a member is known on one platform; (channel, platform_id) is unique. */
export const identities = sqliteTable(
  'identities',
  {
    channel: text('channel').notNull(),
    platformId: text('platform_id').notNull(),
    memberId: integer('member_id').notNull().references(() => members.id),
    username: text('username'),
    /** The member has opened a private chat with the bot, so the bot may write to them privately. */
    canMessagePrivately: integer('can_message_privately', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.channel, t.platformId] }),
    // Both cover where a nudge or notice can reach a member (their id in a group, a private chat they opened), so a
    // large audience is answered from the indexes alone.
    index('identities_member').on(t.memberId, t.channel, t.platformId),
    index('identities_private').on(t.memberId, t.channel, t.platformId).where(sql`${t.canMessagePrivately} = 1`),
    // Shop events, replay and the CLI name a member by platform id without a channel.
    index('identities_platform').on(t.platformId),
  ],
);

/** Chats the bot has seen. */
export const chats = sqliteTable(
  'chats',
  {
    channel: text('channel').notNull(),
    chatId: text('chat_id').notNull(),
    type: text('type', { enum: ['group', 'private'] }).notNull(),
    title: text('title'),
    firstSeenAt: integer('first_seen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.chatId] })],
);

/** Which members have been seen in which group chats (for welcomes, leaderboards and group fallbacks). */
export const chatMembers = sqliteTable(
  'chat_members',
  {
    channel: text('channel').notNull(),
    chatId: text('chat_id').notNull(),
    memberId: integer('member_id').notNull().references(() => members.id),
    firstSeenAt: integer('first_seen_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.channel, t.chatId, t.memberId] }),
    // A member's latest group, answered from the index (nudges and notices fall back to it).
    index('chat_members_member').on(t.memberId, t.lastSeenAt, t.channel, t.chatId),
  ],
);

/**
 * Inbound messages claimed and handled, so a redelivery is dropped even after a restart. A claim without `done_at`
 * is a message some worker is handling now; if that worker died, the claim lapses and a redelivery is handled again.
 */
export const processedMessages = sqliteTable(
  'processed_messages',
  {
    channel: text('channel').notNull(),
    messageId: text('message_id').notNull(),
    /** When the message was claimed (clock time). */
    at: integer('at').notNull(),
    doneAt: integer('done_at'),
  },
  (t) => [primaryKey({ columns: [t.channel, t.messageId] })],
);

/** Every message the bot sends is written here first, then delivered, then marked sent. */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    key: text('key').notNull(),
    channel: text('channel').notNull(),
    chat: text('chat').notNull(),
    text: text('text').notNull(),
    replyTo: text('reply_to'),
    thread: text('thread'),
    mention: text('mention'),
    buttons: text('buttons', { mode: 'json' }).$type<{ label: string; data?: string; url?: string }[]>(),
    kind: text('kind', { enum: ['reply', 'notice', 'nudge', 'bridge'] }).notNull(),
    createdAt: integer('created_at').notNull(),
    /** Not delivered before this time (quiet hours). */
    notBefore: integer('not_before').notNull(),
    sentAt: integer('sent_at'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** Set when delivery was given up (e.g. the chat no longer exists). */
    failedAt: integer('failed_at'),
  },
  (t) => [
    uniqueIndex('outbox_key').on(t.key),
    // Only the rows still to deliver: a flush never walks the history of a busy chat.
    index('outbox_pending').on(t.notBefore).where(sql`${t.sentAt} IS NULL AND ${t.failedAt} IS NULL`),
    index('outbox_chat_pending').on(t.channel, t.chat, t.id).where(sql`${t.sentAt} IS NULL AND ${t.failedAt} IS NULL`),
  ],
);

/** One row per scheduled job occurrence that ran, so a restart never runs the same occurrence twice. */
export const jobRuns = sqliteTable(
  'job_runs',
  {
    job: text('job').notNull(),
    dueAt: integer('due_at').notNull(),
    startedAt: integer('started_at').notNull(),
    finishedAt: integer('finished_at'),
    error: text('error'),
  },
  (t) => [primaryKey({ columns: [t.job, t.dueAt] })],
);

/** One-off timers (SLA reminders and the like) that fire at a time on the shared clock. */
export const timers = sqliteTable(
  'timers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    key: text('key').notNull(),
    kind: text('kind').notNull(),
    dueAt: integer('due_at').notNull(),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    firedAt: integer('fired_at'),
    cancelledAt: integer('cancelled_at'),
  },
  (t) => [uniqueIndex('timers_key').on(t.key), index('timers_due').on(t.firedAt, t.cancelledAt, t.dueAt)],
);

/** Who did what, for anything a manager or staff member changes. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actorMemberId: integer('actor_member_id'),
    action: text('action').notNull(),
    targetMemberId: integer('target_member_id'),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_at').on(t.at)],
);

/** Who owns a member's conversation in a chat: the bot, nobody yet (waiting for staff), or a staff member. */
export const conversations = sqliteTable(
  'conversations',
  {
    channel: text('channel').notNull(),
    chatId: text('chat_id').notNull(),
    memberId: integer('member_id').notNull().references(() => members.id),
    state: text('state', { enum: ['bot', 'waiting', 'staff'] }).notNull().default('bot'),
    ticketId: integer('ticket_id'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.channel, t.chatId, t.memberId] }),
    // Covers "is staff handling this member anywhere", which every nudge candidate is checked for.
    index('conversations_member').on(t.memberId, t.state),
  ],
);
