// Who may do what: points move only at a named manager's command (program file or `hearth role`); a platform's group
// admin may moderate — badges and post review — only in their own listed community group, never for themselves.
import type { HearthDeps, SkillContext } from '../bot/core/skill';
import type { Role } from '../bot/core/types';
import { refsInclude } from '../community/refs';
import { findMemberByPlatformId, type MemberRow } from '../store/members';
import { isCommunityGroup } from '../store/groups';

/** True when the group is one of the community's: listed by the program, the deployment or a manager's `/group on`. */
export function isListedGroup(deps: Pick<HearthDeps, 'db' | 'program' | 'deployment'>, channel: string, chat: string): boolean {
  const { deployment, program } = deps;
  if (deployment.everyGroupListed) return true;
  if (deployment.staffRoom.channel === channel && deployment.staffRoom.chat === chat) return true;
  return refsInclude(program.groups, channel, chat) || refsInclude(deployment.groups ?? [], channel, chat) || isCommunityGroup(deps.db, channel, chat);
}

/** The role the program file or the store (`hearth role`) gives a platform identity; a platform's own roles never count. */
export function namedRole(deps: Pick<HearthDeps, 'db' | 'program'>, channel: string, platformId: string, stored?: MemberRow): Role {
  const member = stored ?? findMemberByPlatformId(deps.db, channel, platformId);
  if (member && member.role !== 'member') return member.role;
  if (refsInclude(deps.program.managers, channel, platformId)) return 'manager';
  if (refsInclude(deps.program.staff, channel, platformId)) return 'staff';
  return 'member';
}

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
