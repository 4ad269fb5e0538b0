// `/help` 帮助: what this person can do here, in their language, with the manager and staff commands for those roles.
import type { Skill, SkillContext } from '../bot/engine';
import { isCommand } from './commands';

const memberHelp = {
  en: [
    'Here is what I can do:',
    '/checkin (or "check in") — daily check-in for points',
    '/points — your points balance',
    '/tier — your tier and how far to the next',
    '/badges — your badges',
    '/top — this month\'s leaderboard',
    '/rewards — what you can redeem',
    '/redeem <item> — redeem a reward',
    '/mycodes — your reward codes',
    '/share <text> (or #share) — share a post for points',
    '/invite — your invite code',
    '/mute, /unmute — pause or resume reminders',
    '/mydata — what I keep about you',
    '/deleteme — delete your data',
    '/human — talk to a person',
    'You can also just ask, e.g. "how many points do I have?"',
  ],
  zh: [
    '我可以帮你：',
    '签到 或 打卡 — 每日签到领积分',
    '积分 — 查看积分余额',
    '等级 — 查看会员等级和升级差距',
    '我的勋章 — 查看勋章',
    '排行榜 — 本月排行',
    '积分商城 — 看看能兑换什么',
    '兑换 <商品> — 兑换奖励',
    '我的券 — 查看兑换码',
    '#分享 <内容> — 分享心得赚积分',
    '邀请 — 获取邀请码',
    '免打扰 / 取消免打扰 — 暂停或恢复提醒',
    '我的数据 — 查看我保存的你的信息',
    '删除我的数据 — 删除你的个人数据',
    '转人工 — 联系客服',
    '也可以直接问我，比如“我有多少积分？”',
  ],
};

const managerHelp = {
  en: [
    'Manager commands:',
    '/badge @member <badge> (or reply /badge <badge>), /unbadge',
    '/approve, /reject [reason] (reply to a post, or with its id), /review',
    '/grant @member <points> <reason>',
    '/stats, /nudges [pause|resume|preview <id>]',
    '/group on, /group off — serve this group or stop (in the group)',
  ],
  zh: [
    '管理员命令：',
    '颁发勋章 @成员 <勋章>（或回复消息），收回勋章',
    '/approve 通过、/reject [原因] 驳回（回复投稿或带编号），/review 待审列表',
    '/grant @成员 <积分> <原因> 调整积分',
    '/stats 数据，/nudges 提醒规则（pause / resume / preview <id>）',
    '/group on 开通本群、/group off 关闭本群（在群里发送）',
  ],
};

const staffHelp = {
  en: ['Staff commands:', '/queue — waiting tickets', '/take [ticket] — take a ticket', '/done — hand back to the bot', '/transfer <staff> — pass a ticket on'],
  zh: ['客服命令：', '/queue 排队中的工单', '/take [工单号] 接手', '/done 结束并交还机器人', '/transfer <客服> 转交工单'],
};

/** The help text for a role, in one language. */
export function helpText(lang: 'zh' | 'en', role: 'member' | 'manager' | 'staff'): string {
  const parts = [memberHelp[lang].join('\n')];
  if (role === 'manager') parts.push(managerHelp[lang].join('\n'));
  if (role === 'staff' || role === 'manager') parts.push(staffHelp[lang].join('\n'));
  return parts.join('\n\n');
}

/** Answers /help, 帮助 and /start (without an invite code). */
export const helpSkill: Skill = {
  name: 'help',
  middleware(ctx: SkillContext, next) {
    const isStart = ctx.command?.name === 'start' && ctx.command.args === '';
    if (!isCommand(ctx, ['help'], ['帮助', '菜单', 'help']) && !isStart) return next();
    ctx.reply(helpText(ctx.lang, ctx.role));
    ctx.handled = true;
  },
};
