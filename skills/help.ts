// `/help` 帮助: what this person can do here, in their language — the member commands, and the moderation, manager
// and staff commands for those roles — built from the one command list.
import type { Skill, SkillContext } from '../bot/core/skill';
import type { Lang, Role } from '../bot/core/types';
import { COMMANDS, commandLine, isCommand, type Audience } from './commands';

const headings: Record<Audience, Record<Lang, string>> = {
  member: { zh: '我可以帮你：', en: 'Here is what I can do:' },
  moderator: { zh: '群管理员命令（在开通的群里）：', en: 'Group admin commands (in a listed group):' },
  manager: { zh: '管理员命令：', en: 'Manager commands:' },
  staff: { zh: '客服命令：', en: 'Staff commands:' },
};
const askAnything: Record<Lang, string> = { zh: '也可以直接问我，比如“我有多少积分？”', en: 'You can also just ask, e.g. "how many points do I have?"' };

/** The help text for a role, in one language: a section for each audience the role belongs to. */
export function helpText(lang: Lang, role: Role): string {
  const audiences: Audience[] = role === 'manager' ? ['member', 'moderator', 'manager', 'staff'] : role === 'staff' ? ['member', 'staff'] : ['member'];
  return audiences
    .map((audience) => {
      // Cancelling a request is offered when one is open; it would only puzzle here.
      const lines = COMMANDS.filter((spec) => spec.audience === audience && spec.name !== 'cancel').map((spec) => commandLine(spec, lang));
      return [headings[audience][lang], ...lines, ...(audience === 'member' ? [askAnything[lang]] : [])].join('\n');
    })
    .join('\n\n');
}

/** Answers /help, 帮助 and /start (without an invite code). */
export const helpSkill: Skill = {
  name: 'help',
  middleware(ctx: SkillContext, next) {
    const isStart = ctx.command?.name === 'start' && ctx.command.args === '';
    if (!isCommand(ctx, 'help') && !isStart) return next();
    ctx.reply(helpText(ctx.lang, ctx.role));
    ctx.handled = true;
  },
};
