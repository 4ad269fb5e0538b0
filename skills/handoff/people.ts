// Who is who in a handoff and where words go: the staff room, who counts as staff, names and languages of the people
// on a ticket, and the member's chat the ticket was opened in.
import type { HearthDeps, SkillContext } from '../../bot/core/skill';
import type { Button, Lang, OutboundMessage, Role } from '../../bot/core/types';
import { getMember, identitiesOf, type MemberRow } from '../../store/members';
import type { TicketRow } from '../../store/tickets';
import { namedRole } from '../authority';

/** True when the message comes from the staff room. */
export function isStaffRoom(ctx: SkillContext): boolean {
  const room = ctx.deps.deployment.staffRoom;
  return ctx.msg.channel === room.channel && ctx.msg.chat === room.chat;
}

/** Staff and managers serve tickets. */
export function isStaff(role: Role): boolean {
  return role === 'staff' || role === 'manager';
}

/** A member's role from the store or the program file's staff and manager lists (each id with its channel). */
export function roleOf(deps: HearthDeps, member: MemberRow): Role {
  if (member.role !== 'member') return member.role;
  const roles = identitiesOf(deps.db, member.id).map((i) => namedRole(deps, i.channel, i.platformId, member));
  return roles.includes('manager') ? 'manager' : roles.includes('staff') ? 'staff' : 'member';
}

/** A member's name, or `?` for someone gone. */
export function memberName(deps: HearthDeps, memberId: number | null): string {
  return (memberId !== null ? getMember(deps.db, memberId)?.name : undefined) ?? '?';
}

/** The language to write to a staff member in: the one they write in, else the staff room's. */
export function staffLangOf(deps: HearthDeps, memberId: number | null): Lang {
  return (memberId !== null ? getMember(deps.db, memberId)?.lang : undefined) ?? deps.program.escalation.staffLang;
}

/** A message to the member in the chat where they asked (mentioning them in a group). */
export function toMember(t: TicketRow, text: string, kind: OutboundMessage['kind'] = 'reply', buttons?: Button[]): Omit<OutboundMessage, 'channel'> & { channel: string } {
  return {
    channel: t.channel,
    chat: t.chatId,
    text,
    kind,
    ...(t.chatType === 'group' ? { mentions: [t.platformId] } : {}),
    ...(buttons ? { buttons } : {}),
  };
}
