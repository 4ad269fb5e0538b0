// `/group on` and `/group off` (开通本群, 关闭本群): a named manager turns Hearth on or off in a community group, beside
// the groups the program file and HEARTH_GROUPS list. Group adminship is no authority here: anyone can create a group.
// The group hears that the bot is on or off; anything else is for the manager, privately.
import type { Skill, SkillContext, SkillModule } from '../bot/core/skill';
import { isListedGroup } from './authority';
import { refsInclude } from '../community/refs';
import { inTransaction } from '../store/db';
import { audit } from '../store/audit';
import { listCommunityGroup, unlistCommunityGroup } from '../store/groups';
import { commandArgs, isCommand } from './commands';
import { isNamedManager } from './authority';
import { replyToManager } from './private';
import { groupsCopy } from './groups.copy';


function configured(ctx: SkillContext): boolean {
  const { program, deployment } = ctx.deps;
  return refsInclude(program.groups, ctx.msg.channel, ctx.msg.chat) || refsInclude(deployment.groups ?? [], ctx.msg.channel, ctx.msg.chat);
}

function groupCommand(ctx: SkillContext): void {
  const say = groupsCopy.to(ctx);
  const action = ctx.command ? commandArgs(ctx, 'group').toLowerCase() : ctx.msg.text.trim().startsWith('开通本群') ? 'on' : 'off';
  if (!isNamedManager(ctx)) return ctx.reply(say('managersOnly'));
  if (ctx.msg.chatType !== 'group') return ctx.reply(say('inGroup'));
  // Usage and status lines are for the manager; only turning the bot on or off is news for the group.
  const tell = (text: string) => void replyToManager(ctx, text);
  if (action !== 'on' && action !== 'off') return tell(say('usage'));
  const { db } = ctx.deps;
  const { channel, chat } = ctx.msg;
  if (action === 'off' && configured(ctx)) return tell(say('configured'));
  if (action === 'on' && isListedGroup(ctx.deps, channel, chat) && !ctx.deps.deployment.everyGroupListed) return tell(say('alreadyOn'));
  const changed = inTransaction(db, () => {
    const done = action === 'on' ? listCommunityGroup(db, channel, chat, ctx.member.id, ctx.now) : unlistCommunityGroup(db, channel, chat);
    if (done) audit(db, { at: ctx.now, actorMemberId: ctx.member.id, action: `group.${action}`, details: { channel, chat } });
    return done;
  });
  if (!changed) return tell(action === 'on' ? say('alreadyOn') : say('alreadyOff'));
  ctx.reply(action === 'on' ? say('on') : say('off'));
}

/** `/group on|off` 开通本群 / 关闭本群 (named managers, in the group). */
export const groupSkill: Skill = {
  name: 'group',
  middleware(ctx, next) {
    if (!isCommand(ctx, 'group')) return next();
    ctx.handled = true;
    groupCommand(ctx);
  },
};

/** The community-groups module. */
export const groupsModule: SkillModule = { skills: [groupSkill] };
