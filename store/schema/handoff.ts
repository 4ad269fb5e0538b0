// Human handoff: tickets and every state change they went through, which ticket each staff member is talking in,
// and the last few messages of each member per chat (the context a ticket opens with).
import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { members } from './core';

/** One line of a ticket's transcript. `at` is epoch milliseconds. */
export interface TranscriptLine {
  at: number;
  who: 'member' | 'staff';
  name: string;
  text: string;
}

/** A member's request for a person: waiting for staff, with staff, or closed. Times are epoch milliseconds. */
export const tickets = sqliteTable(
  'tickets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Where the member asked (group or private): staff words go back there. */
    channel: text('channel').notNull(),
    chatId: text('chat_id').notNull(),
    chatType: text('chat_type', { enum: ['group', 'private'] }).notNull(),
    memberId: integer('member_id').notNull().references(() => members.id),
    /** The member's platform id on `channel` (to mention them in a group). */
    platformId: text('platform_id').notNull(),
    lang: text('lang', { enum: ['zh', 'en'] }).notNull(),
    reason: text('reason', { enum: ['request', 'complaint', 'high-value', 'vip-help', 'misunderstood'] }).notNull(),
    detail: text('detail'),
    priority: integer('priority').notNull(),
    /** Tier and points when the ticket opened. */
    tierId: text('tier_id').notNull(),
    points: integer('points').notNull(),
    state: text('state', { enum: ['waiting', 'staff', 'closed'] }).notNull(),
    staffMemberId: integer('staff_member_id').references(() => members.id),
    /** The staff member's private chat with the bot: the bridge's other end. */
    staffChannel: text('staff_channel'),
    staffChat: text('staff_chat'),
    transcript: text('transcript', { mode: 'json' }).$type<TranscriptLine[]>().notNull(),
    openMessageId: text('open_message_id'),
    openedAt: integer('opened_at').notNull(),
    takenAt: integer('taken_at'),
    closedAt: integer('closed_at'),
    /** When the member was last told "someone will be with you" while waiting (sent at most once). */
    heldNoteAt: integer('held_note_at'),
    rating: integer('rating'),
    ratedAt: integer('rated_at'),
  },
  (t) => [
    index('tickets_queue').on(t.state, t.priority, t.openedAt),
    index('tickets_member').on(t.memberId, t.state),
    index('tickets_opened').on(t.openedAt),
    index('tickets_staff').on(t.staffMemberId, t.state),
  ],
);

/** Every state change of a ticket: who (null = the bot), when and why. Transfers are staff → staff. */
export const ticketTransitions = sqliteTable(
  'ticket_transitions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id').notNull().references(() => tickets.id),
    at: integer('at').notNull(),
    fromState: text('from_state', { enum: ['waiting', 'staff', 'closed'] }),
    toState: text('to_state', { enum: ['waiting', 'staff', 'closed'] }).notNull(),
    actorMemberId: integer('actor_member_id').references(() => members.id),
    /** The staff member who owns the ticket after this change. */
    staffMemberId: integer('staff_member_id').references(() => members.id),
    why: text('why').notNull(),
  },
  (t) => [index('ticket_transitions_ticket').on(t.ticketId)],
);

/** The ticket a staff member's private chat is bridged to right now (one at a time). */
export const staffDesks = sqliteTable('staff_desks', {
  staffMemberId: integer('staff_member_id')
    .primaryKey()
    .references(() => members.id),
  ticketId: integer('ticket_id').references(() => tickets.id),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * The last few messages of each member in each chat (older ones are pruned): a new ticket's transcript, and whether the
 * bot understood them (misunderstood messages in a row escalate).
 */
export const recentMessages = sqliteTable(
  'recent_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    channel: text('channel').notNull(),
    chatId: text('chat_id').notNull(),
    memberId: integer('member_id').notNull().references(() => members.id),
    at: integer('at').notNull(),
    text: text('text').notNull(),
    misunderstood: integer('misunderstood', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('recent_messages_chat_member').on(t.channel, t.chatId, t.memberId, t.id)],
);
