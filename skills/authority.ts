// Who may do what: points move only at a named manager's command (program file or `hearth role`); a platform's group
// admin may moderate — badges and post review — only in their own listed community group, never for themselves.
import type { SkillContext } from '../bot/engine';

/** What the sender may do here: a named manager anywhere, a moderator of this community group, or nothing. */
export type Authority = 'manager' | 'moderator' | 'none';

/** True for managers named in the program file or by `hearth role`: the only people who may grant or deduct points. */
export function isNamedManager(ctx: SkillContext): boolean {
  return ctx.role === 'manager';
}

/**
 * The sender's authority to moderate (badges, post review): a named manager, or an admin of this group when it is a
 * listed community group and the program lets admins moderate. A group anyone can create confers nothing.
 */
export async function moderationAuthority(ctx: SkillContext): Promise<Authority> {
  if (isNamedManager(ctx)) return 'manager';
  const { deps, msg } = ctx;
  if (!ctx.communityGroup || !deps.program.groupAdminsModerate || !deps.isGroupAdmin) return 'none';
  try {
    return (await deps.isGroupAdmin(msg.channel, msg.chat, msg.from.id)) ? 'moderator' : 'none';
  } catch (err) {
    deps.log.warn({ err, chat: msg.chat }, 'group admin lookup failed');
    return 'none';
  }
}
