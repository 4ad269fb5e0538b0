// `/group on` and `/group off` (开通本群, 关闭本群): a named manager turns Hearth on or off in a community group, beside
// the groups the program file and HEARTH_GROUPS list. Group adminship is no authority here: anyone can create a group.
import type { Skill, SkillContext, SkillModule } from '../bot/core/skill';
import { isListedGroup } from './authority';
import { refsInclude } from '../community/refs';
import { inTransaction } from '../store/db';
import { audit } from '../store/audit';
import { listCommunityGroup, unlistCommunityGroup } from '../store/groups';
import { commandArgs, isCommand } from './commands';
import { isNamedManager } from './authority';


const copy = {
  usage: { zh: '用法：在群里发送 /group on 开通本群服务，/group off 关闭。', en: 'Usage: in the group, send /group on to have me serve it, or /group off to stop.' },
  managersOnly: { zh: '抱歉，只有社群管理员可以开通或关闭本群服务。', en: 'Sorry, only community managers can turn me on or off in a group.' },
  inGroup: { zh: '请在要开通的群里发送 /group on。', en: 'Send /group on in the group you want me to serve.' },
  on: {
    zh: '✅ 已开通！我会在这个群为大家服务：每天发送「签到」领积分，发送「帮助」看看我能做什么。',
    en: '✅ I\'m on! I\'ll serve this group now: send "check in" every day for points, or /help to see what I can do.',
  },
  alreadyOn: { zh: '这个群已经开通啦。', en: 'This group is already on.' },
  off: { zh: '好的，我不再在这个群服务了。管理员发送 /group on 可以重新开通。', en: "OK, I've stopped serving this group. A manager can send /group on to turn me back on." },
  alreadyOff: { zh: '这个群本来就没有开通。', en: "This group wasn't on." },
  configured: {
    zh: '这个群写在活动配置（groups 或 HEARTH_GROUPS）里，要关闭请在那里删除。',
    en: 'This group is listed in the program file (groups) or HEARTH_GROUPS: remove it there to turn me off here.',
  },
} as const;

function configured(ctx: SkillContext): boolean {
  const { program, deployment } = ctx.deps;
  return refsInclude(program.groups, ctx.msg.channel, ctx.msg.chat) || refsInclude(deployment.groups ?? [], ctx.msg.channel, ctx.msg.chat);
}

function groupCommand(ctx: SkillContext): void {
  const lang = ctx.lang;
  const action = ctx.command ? commandArgs(ctx, 'group').toLowerCase() : ctx.msg.text.trim().startsWith('开通本群') ? 'on' : 'off';
  if (!isNamedManager(ctx)) return ctx.reply(copy.managersOnly[lang]);
  if (ctx.msg.chatType !== 'group') return ctx.reply(copy.inGroup[lang]);
  if (action !== 'on' && action !== 'off') return ctx.reply(copy.usage[lang]);
  const { db } = ctx.deps;
  const { channel, chat } = ctx.msg;
  if (action === 'off' && configured(ctx)) return ctx.reply(copy.configured[lang]);
  if (action === 'on' && isListedGroup(ctx.deps, channel, chat) && !ctx.deps.deployment.everyGroupListed) {
    return ctx.reply(copy.alreadyOn[lang]);
  }
  const changed = inTransaction(db, () => {
    const done = action === 'on' ? listCommunityGroup(db, channel, chat, ctx.member.id, ctx.now) : unlistCommunityGroup(db, channel, chat);
    if (done) audit(db, { at: ctx.now, actorMemberId: ctx.member.id, action: `group.${action}`, details: { channel, chat } });
    return done;
  });
  ctx.reply(action === 'on' ? (changed ? copy.on[lang] : copy.alreadyOn[lang]) : changed ? copy.off[lang] : copy.alreadyOff[lang]);
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
