// Conversation ownership (bot → waiting → staff → bot) per member per chat; transitions are the handoff's job.
import { and, eq, inArray } from 'drizzle-orm';
import { statement, type Db } from './db';
import { conversations } from './schema';

export type ConversationState = 'bot' | 'waiting' | 'staff';
export type ConversationRow = typeof conversations.$inferSelect;

/** Who owns this member's conversation in this chat (the bot when never recorded). */
export function conversationOf(db: Db, channel: string, chatId: string, memberId: number): ConversationRow {
  // Read for every inbound message (the handoff gate): a statement prepared once per connection.
  return (
    statement<[string, string, number], ConversationRow>(
      db,
      'SELECT channel, chat_id AS chatId, member_id AS memberId, state, ticket_id AS ticketId, updated_at AS updatedAt FROM conversations WHERE channel = ? AND chat_id = ? AND member_id = ?',
    ).get(channel, chatId, memberId) ?? { channel, chatId, memberId, state: 'bot', ticketId: null, updatedAt: 0 }
  );
}

/** Set the owner of a conversation. */
export function setConversationState(
  db: Db,
  key: { channel: string; chatId: string; memberId: number },
  state: ConversationState,
  ticketId: number | null,
  at: Date,
): void {
  db.insert(conversations)
    .values({ ...key, state, ticketId, updatedAt: at.getTime() })
    .onConflictDoUpdate({
      target: [conversations.channel, conversations.chatId, conversations.memberId],
      set: { state, ticketId, updatedAt: at.getTime() },
    })
    .run();
}

/** True when staff own (or are about to own) any conversation of this member: no nudges then. */
export function isMemberWithStaff(db: Db, memberId: number): boolean {
  return (
    db
      .select({ s: conversations.state })
      .from(conversations)
      .where(and(eq(conversations.memberId, memberId), inArray(conversations.state, ['waiting', 'staff'])))
      .get() !== undefined
  );
}
