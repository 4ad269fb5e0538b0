// Community groups turned on in chat by a named manager (`/group on`, `/group off`); the program file and HEARTH_GROUPS
// list the others.
import { statement, type Db } from './db';

/** True when a manager turned this group on with `/group on`. */
export function isCommunityGroup(db: Db, channel: string, chatId: string): boolean {
  return statement<[string, string], number>(db, 'SELECT 1 FROM community_groups WHERE channel = ? AND chat_id = ?').pluck().get(channel, chatId) !== undefined;
}

/** Turn a group on; false when it already was. */
export function listCommunityGroup(db: Db, channel: string, chatId: string, by: number, at: Date): boolean {
  return (
    statement<[string, string, number, number]>(db, 'INSERT INTO community_groups (channel, chat_id, listed_by, listed_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(
      channel,
      chatId,
      by,
      at.getTime(),
    ).changes === 1
  );
}

/** Turn a group off; false when it was not on. */
export function unlistCommunityGroup(db: Db, channel: string, chatId: string): boolean {
  return statement<[string, string]>(db, 'DELETE FROM community_groups WHERE channel = ? AND chat_id = ?').run(channel, chatId).changes === 1;
}
