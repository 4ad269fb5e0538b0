// Who is who in a group: the sender of each group message (the engine notes it, so a reply-command such as
// `/badge helper` finds its target) and members by display name (WeChat mentions are "@name" text).
import { and, eq, gte, lt, sql } from 'drizzle-orm';
import { statement, type Db } from './db';
import { chatMembers, members, messageAuthors } from './schema';

/** Note the sender of a group message (a redelivery changes nothing). */
export function noteMessageAuthor(db: Db, m: { channel: string; messageId: string; chat: string; memberId: number; at: Date }): void {
  // Every group message passes here: a statement prepared once per connection (drizzle rebuilt it each time).
  statement<[string, string, string, number, number]>(
    db,
    'INSERT INTO message_authors (channel, message_id, chat, member_id, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
  ).run(m.channel, m.messageId, m.chat, m.memberId, m.at.getTime());
}

/** The member who sent a message, if it was noted. */
export function authorOf(db: Db, channel: string, messageId: string): number | undefined {
  return db
    .select({ memberId: messageAuthors.memberId })
    .from(messageAuthors)
    .where(and(eq(messageAuthors.channel, channel), eq(messageAuthors.messageId, messageId)))
    .get()?.memberId;
}

/** Forget authors of messages older than `before` (replies to very old messages are rare). Returns rows removed. */
export function pruneMessageAuthors(db: Db, before: Date): number {
  return db.delete(messageAuthors).where(lt(messageAuthors.at, before.getTime())).run().changes;
}

/** Members seen in a group since `since` whose display name is `name` (case-insensitive); more than one is ambiguous. */
export function membersNamedInChat(db: Db, channel: string, chat: string, name: string, since: Date): number[] {
  return db
    .select({ id: members.id })
    .from(chatMembers)
    .innerJoin(members, eq(members.id, chatMembers.memberId))
    .where(
      and(
        eq(chatMembers.channel, channel),
        eq(chatMembers.chatId, chat),
        gte(chatMembers.lastSeenAt, since.getTime()),
        sql`lower(${members.name}) = lower(${name})`,
      ),
    )
    .limit(2)
    .all()
    .map((r) => r.id);
}
