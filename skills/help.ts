// `/help` 帮助: what this person can do here, in their language — the member commands, and the moderation, manager
// and staff commands for those roles — built from the one command list.
import type { Skill, SkillContext } from '../bot/core/skill';
import type { Role } from '../bot/core/types';
import type { Audience } from '../bot/core/copy';
import { COMMANDS, commandLine, isCommand, type Audience as CommandAudience } from './commands';
import { helpCopy } from './help.copy';

const headings = {
  member: 'memberHeading',
  moderator: 'moderatorHeading',
  manager: 'managerHeading',
  staff: 'staffHeading',
} as const satisfies Record<CommandAudience, keyof typeof helpCopy.lines>;

/** The help text for a role: a section for each audience the role belongs to. */
export function helpText(to: Audience, role: Role): string {
  const say = helpCopy.to(to);
  const audiences: CommandAudience[] = role === 'manager' ? ['member', 'moderator', 'manager', 'staff'] : role === 'staff' ? ['member', 'staff'] : ['member'];
  return audiences
    .map((audience) => {
      // Cancelling a request is offered when one is open; it would only puzzle here.
      const lines = COMMANDS.filter((spec) => spec.audience === audience && spec.name !== 'cancel').map((spec) => commandLine(spec, to.lang));
      return [say(headings[audience]), ...lines, ...(audience === 'member' ? [say('askAnything')] : [])].join('\n');
    })
    .join('\n\n');
}

/** Answers /help, 帮助 and /start (without an invite code). */
export const helpSkill: Skill = {
  name: 'help',
  middleware(ctx: SkillContext, next) {
    const isStart = ctx.command?.name === 'start' && ctx.command.args === '';
    if (!isCommand(ctx, 'help') && !isStart) return next();
    ctx.reply(helpText(ctx, ctx.role));
    ctx.handled = true;
  },
};
