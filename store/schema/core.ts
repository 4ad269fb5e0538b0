// Tables of the runtime: members and their platform identities and handles, chats, the inbox, outbox, jobs, timers, audit.
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
    /** The Chinese script the member writes: replies in Chinese are rendered in Traditional for 'hant'. */
    script: text('script', { enum: ['hans', 'hant'] }),
    birthday: text('birthday'),
    role: text('role', { enum: ['member', 'manager', 'staff'] }).notNull().default('member'),
    createdAt: integer('created_at').notNull(),
    lastActiveAt: integer('last_active_at').notNull(),
    /** Set when the member's personal data was erased: the row stays (anonymous) so program figures stay right. */
    erasedAt: integer('erased_at'),
    /** One-time rewards a returning erased person already had ("referred", "tier-gift:<tier>"): not paid again. */
    alreadyPaid: text('already_paid', { mode: 'json' }).$type<string[]>(),
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
 * Every inbound message and join as Hearth received it: a row is written (and committed) before the platform is told
 * "received", and it is finished by Hearth itself, in order per chat, even after a crash. (channel, message_id) is
 * unique, so a redelivery is recognised; once done, the payload is pruned after the retention days and the key stays
 * as long as platforms may redeliver.
 */
export const inbox = sqliteTable(
  'inbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    channel: text('channel').notNull(),
    messageId: text('message_id').notNull(),
    /** The chat it came from: one chat's rows are handled in id order. */
    chat: text('chat').notNull(),
    kind: text('kind', { enum: ['message', 'join'] }).notNull(),
    /** The neutral event as JSON; null once pruned. */
    payload: text('payload'),
    /** When Hearth received it (clock time). */
    receivedAt: integer('received_at').notNull(),
    doneAt: integer('done_at'),
    /** Handling attempts that failed (a poison message is given up after a few). */
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [
    uniqueIndex('inbox_message').on(t.channel, t.messageId),
    // What is left to finish, in order: read at every start.
    index('inbox_pending').on(t.id).where(sql`${t.doneAt} IS NULL`),
    index('inbox_done').on(t.doneAt).where(sql`${t.doneAt} IS NOT NULL`),
  ],
);

/**
 * Which @handles (usernames) each member was seen using, and when last: a bare `@handle` names a member only when
 * exactly one member used it recently (a handle that changed hands is ambiguous until the old use is stale).
 */
export const handles = sqliteTable(
  'handles',
  {
    channel: text('channel').notNull(),
    /** Lower case, without "@". */
    handle: text('handle').notNull(),
    memberId: integer('member_id').notNull().references(() => members.id),
    lastSeenAt: integer('last_seen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.handle, t.memberId] }), index('handles_member').on(t.memberId)],
);

/** Community groups a named manager turned on with `/group on` (besides the program's `groups` and HEARTH_GROUPS). */
export const communityGroups = sqliteTable(
  'community_groups',
  {
    channel: text('channel').notNull(),
    chatId: text('chat_id').notNull(),
    listedBy: integer('listed_by').references(() => members.id),
    listedAt: integer('listed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.chatId] })],
);

/** Small facts about this database: the install's salt for erased-identity hashes, who holds it now. */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * People erased at their request: a salted hash of each identity (channel:id) and the one-time rewards they had
 * received, so a returning person is a new member who is not paid those twice.
 */
export const erasedIdentities = sqliteTable('erased_identities', {
  hash: text('hash').primaryKey(),
  erasedAt: integer('erased_at').notNull(),
  /** One-time rewards already paid: "referred" (they came through an invite), "tier-gift:<tier>". */
  paid: text('paid', { mode: 'json' }).$type<string[]>().notNull(),
});

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
    /** Before 0002: one mentioned platform id (read as `mentions` when that is empty). */
    mention: text('mention'),
    /** Platform ids of members to mention (the channel renders them). */
    mentions: text('mentions', { mode: 'json' }).$type<string[]>(),
    buttons: text('buttons', { mode: 'json' }).$type<{ label: string; data?: string; url?: string; privateChat?: boolean }[]>(),
    /** Said instead of the buttons on a channel without them ("reply 1–5"). */
    buttonsText: text('buttons_text'),
    /** What the channel gave on the way in to answer the message replied to (e.g. WeCom's frame). */
    replyHandle: text('reply_handle'),
    kind: text('kind', { enum: ['reply', 'notice', 'nudge', 'bridge'] }).notNull(),
    /** A code or a balance: delivered only to a private chat, never to a group (no group fallback). */
    secret: integer('secret', { mode: 'boolean' }).notNull().default(false),
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
