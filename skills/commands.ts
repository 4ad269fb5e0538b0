// The one list of commands — name, other slash names, words that work without a slash (zh and en), who may use it,
// what it does — read by the router (`isCommand`), /help, and each platform's menu.
import type { SkillContext } from '../bot/core/skill';
import type { Lang } from '../bot/core/types';

/** Who a command is for: /help lists it for them, and the menus show it where they are. */
export type Audience = 'member' | 'moderator' | 'manager' | 'staff';

/** One command. */
export interface CommandSpec {
  /** The slash command: /name. */
  name: string;
  /** Other slash names that do the same (/balance for /points). */
  also?: string[];
  /** Words that work as the command without a slash, typed as the first word (签到, 兑换 包邮券). */
  words: { zh: string[]; en: string[] };
  audience: Audience;
  /** What follows the command, as /help shows it. */
  args?: { zh: string; en: string };
  description: { zh: string; en: string };
  /** Where platform menus show it (Telegram's "/" list). */
  menus?: ('private' | 'group' | 'admins' | 'staff')[];
}

const c = (spec: CommandSpec): CommandSpec => spec;

/** Every command, in the order /help lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  c({ name: 'checkin', words: { zh: ['签到', '打卡', '每日签到'], en: ['check in', 'check-in'] }, audience: 'member', description: { zh: '每日签到领积分', en: 'daily check-in for points' }, menus: ['private', 'group'] }),
  c({ name: 'points', also: ['balance'], words: { zh: ['积分', '我的积分', '查积分'], en: [] }, audience: 'member', description: { zh: '查看积分余额', en: 'your points balance' }, menus: ['private', 'group'] }),
  c({ name: 'tier', also: ['level'], words: { zh: ['等级', '我的等级', '会员等级'], en: [] }, audience: 'member', description: { zh: '会员等级和升级差距', en: 'your tier and how far to the next' }, menus: ['private', 'group'] }),
  c({ name: 'badges', also: ['mybadges'], words: { zh: ['我的勋章'], en: [] }, audience: 'member', description: { zh: '我的勋章', en: 'your badges' }, menus: ['private', 'group'] }),
  c({ name: 'top', also: ['leaderboard'], words: { zh: ['排行榜', '排行'], en: ['leaderboard'] }, audience: 'member', description: { zh: '本月排行榜', en: "this month's leaderboard" }, menus: ['group'] }),
  c({ name: 'rewards', also: ['catalog', 'shop'], words: { zh: ['积分商城', '兑换列表', '奖励列表'], en: [] }, audience: 'member', description: { zh: '看看能兑换什么', en: 'what you can redeem' }, menus: ['private'] }),
  c({ name: 'redeem', words: { zh: ['兑换'], en: [] }, audience: 'member', args: { zh: '<商品>', en: '<item>' }, description: { zh: '兑换奖励', en: 'redeem a reward' }, menus: ['private'] }),
  c({ name: 'mycodes', also: ['codes', 'vouchers'], words: { zh: ['我的券', '我的兑换码', '我的优惠券', '我的代金券'], en: ['my codes', 'my vouchers'] }, audience: 'member', description: { zh: '查看兑换码', en: 'your reward codes' }, menus: ['private'] }),
  c({ name: 'statement', also: ['history'], words: { zh: ['积分明细', '积分记录', '积分流水'], en: ['points history', 'my points history'] }, audience: 'member', description: { zh: '最近的积分变动和到期时间', en: 'your recent points, with reasons and expiry dates' }, menus: ['private'] }),
  c({ name: 'why', words: { zh: ['原因'], en: [] }, audience: 'member', args: { zh: '[编号]', en: '[line]' }, description: { zh: '某一笔积分或等级变动的原因', en: 'why a line of your statement (or your tier) changed' } }),
  c({ name: 'makeup', words: { zh: ['补签', '使用补签卡', '补签卡'], en: [] }, audience: 'member', description: { zh: '用补签卡补上昨天的签到', en: "use a make-up card on yesterday's check-in" } }),
  c({ name: 'share', words: { zh: [], en: [] }, audience: 'member', args: { zh: '<内容>（或 #分享）', en: '<text> (or #share)' }, description: { zh: '分享心得赚积分', en: 'share a post for points' }, menus: ['private', 'group'] }),
  c({ name: 'invite', words: { zh: ['邀请码', '邀请'], en: ['invite code', 'invite'] }, audience: 'member', description: { zh: '获取邀请码', en: 'your invite code' }, menus: ['private'] }),
  c({ name: 'bind', words: { zh: ['绑定'], en: [] }, audience: 'member', args: { zh: '<绑定码>', en: '<code>' }, description: { zh: '绑定商城账户', en: 'link your shop account' }, menus: ['private'] }),
  c({ name: 'mute', words: { zh: ['免打扰'], en: [] }, audience: 'member', description: { zh: '暂停提醒', en: 'pause reminders' } }),
  c({ name: 'unmute', words: { zh: ['取消免打扰'], en: [] }, audience: 'member', description: { zh: '恢复提醒', en: 'resume reminders' } }),
  c({ name: 'name', words: { zh: ['昵称', '改昵称'], en: [] }, audience: 'member', args: { zh: '<名字>', en: '<name>' }, description: { zh: '告诉我怎么称呼你', en: 'what I should call you' } }),
  c({ name: 'ai', words: { zh: ['AI助手'], en: [] }, audience: 'member', args: { zh: 'on|off', en: 'on|off' }, description: { zh: '允许或停止用 AI 模型回答你的问题', en: 'let an AI model answer your questions, or stop' } }),
  c({ name: 'mydata', words: { zh: ['我的数据'], en: [] }, audience: 'member', description: { zh: '我保存的关于你的信息', en: 'what I keep about you' } }),
  c({ name: 'deleteme', words: { zh: ['删除我的数据'], en: [] }, audience: 'member', description: { zh: '删除你的数据', en: 'delete your data' } }),
  c({ name: 'human', words: { zh: ['转人工', '人工客服', '人工', '客服', '真人', '找客服'], en: ['human', 'agent'] }, audience: 'member', description: { zh: '联系客服', en: 'talk to a person' }, menus: ['private'] }),
  c({ name: 'cancel', words: { zh: ['取消', '取消转人工', '取消人工'], en: ['cancel'] }, audience: 'member', description: { zh: '取消人工服务请求', en: 'cancel a request for a person' } }),
  c({ name: 'help', words: { zh: ['帮助', '菜单'], en: ['help'] }, audience: 'member', description: { zh: '我能做什么', en: 'what I can do' }, menus: ['private', 'group', 'staff'] }),
  c({ name: 'badge', words: { zh: ['颁发勋章', '授予勋章'], en: [] }, audience: 'moderator', args: { zh: '@成员 <勋章>（或回复对方的消息）', en: '@member <badge> (or as a reply)' }, description: { zh: '颁发勋章', en: 'grant a badge' }, menus: ['admins'] }),
  c({ name: 'unbadge', words: { zh: ['收回勋章', '撤销勋章'], en: [] }, audience: 'moderator', args: { zh: '@成员 <勋章>', en: '@member <badge>' }, description: { zh: '收回勋章', en: 'take a badge back' }, menus: ['admins'] }),
  c({ name: 'approve', words: { zh: ['通过', '审核通过'], en: [] }, audience: 'moderator', args: { zh: '（回复投稿或带编号）', en: '(reply to a post, or with its id)' }, description: { zh: '通过投稿', en: 'approve a shared post' }, menus: ['admins'] }),
  c({ name: 'reject', words: { zh: ['驳回', '拒绝'], en: [] }, audience: 'moderator', args: { zh: '[原因]', en: '[reason]' }, description: { zh: '驳回投稿', en: 'reject a shared post' }, menus: ['admins'] }),
  c({ name: 'review', words: { zh: ['待审核', '审核列表'], en: [] }, audience: 'moderator', description: { zh: '待审投稿', en: 'posts waiting for review' }, menus: ['admins'] }),
  c({ name: 'grant', words: { zh: ['调整积分', '发积分'], en: [] }, audience: 'manager', args: { zh: '@成员 <积分> <原因>', en: '@member <points> <reason>' }, description: { zh: '调整积分（扣分用负数）', en: 'add or deduct points' } }),
  c({ name: 'stats', words: { zh: [], en: [] }, audience: 'manager', description: { zh: '人工服务数据', en: 'handoff figures' } }),
  c({ name: 'nudges', words: { zh: ['提醒规则'], en: [] }, audience: 'manager', args: { zh: '[pause|resume|preview <规则>]', en: '[pause|resume|preview <rule>]' }, description: { zh: '提醒规则', en: 'reminder rules' } }),
  c({ name: 'group', words: { zh: ['开通本群', '关闭本群'], en: [] }, audience: 'manager', args: { zh: 'on|off（在群里发送）', en: 'on|off (in the group)' }, description: { zh: '开通或关闭本群服务', en: 'serve this group, or stop' } }),
  c({ name: 'member', words: { zh: ['查会员'], en: [] }, audience: 'staff', args: { zh: '@成员（或回复对方的消息、会员号）', en: '@member (or as a reply, or a member number)' }, description: { zh: '查询会员的积分、等级、记录和工单', en: "a member's points, tier, entries and tickets" }, menus: ['staff'] }),
  c({ name: 'queue', words: { zh: [], en: [] }, audience: 'staff', description: { zh: '排队中的工单', en: 'tickets waiting' }, menus: ['staff'] }),
  c({ name: 'take', words: { zh: [], en: [] }, audience: 'staff', args: { zh: '[工单号]', en: '[ticket]' }, description: { zh: '接手工单', en: 'take a ticket' }, menus: ['staff'] }),
  c({ name: 'done', words: { zh: [], en: [] }, audience: 'staff', description: { zh: '结束并交还机器人', en: 'hand back to the bot' }, menus: ['staff'] }),
  c({ name: 'transfer', words: { zh: [], en: [] }, audience: 'staff', args: { zh: '<客服>', en: '<staff>' }, description: { zh: '转交工单', en: 'pass a ticket on' }, menus: ['staff'] }),
  c({ name: 'dm', words: { zh: [], en: [] }, audience: 'staff', args: { zh: '<工单号>', en: '<ticket>' }, description: { zh: '请群里的成员转到私聊', en: 'invite a group member to a private chat' } }),
];

const byName = new Map(COMMANDS.map((spec) => [spec.name, spec]));

/** The spec of a command by name (a typo in a skill fails loudly, at its first message). */
export function commandSpec(name: string): CommandSpec {
  const spec = byName.get(name);
  if (!spec) throw new Error(`no command "${name}" in the command list`);
  return spec;
}

/** Every way the command is written without a slash, lower case. */
function wordsOf(spec: CommandSpec): string[] {
  return [...spec.words.zh, ...spec.words.en].map((w) => w.toLowerCase());
}

/** True when the message is the command: `/name` (or another of its slash names), or starts with one of its words. */
export function isCommand(ctx: SkillContext, name: string, opts: { words?: boolean } = {}): boolean {
  const spec = commandSpec(name);
  if (ctx.command) return ctx.command.name === spec.name || (spec.also ?? []).includes(ctx.command.name);
  if (opts.words === false) return false;
  const text = ctx.msg.text.trim().toLowerCase();
  return wordsOf(spec).some((w) => text === w || text.startsWith(`${w} `) || text.startsWith(`${w}\n`));
}

/** The words after the command or its word. */
export function commandArgs(ctx: SkillContext, name: string): string {
  if (ctx.command) return ctx.command.args;
  const text = ctx.msg.text.trim();
  const word = wordsOf(commandSpec(name))
    .sort((a, b) => b.length - a.length) // 取消免打扰 before 取消
    .find((w) => text.toLowerCase().startsWith(w));
  return word ? text.slice(word.length).trim() : '';
}

/** Commands for an audience and those below it (a manager sees the moderators' and members' too). */
export function commandsFor(role: 'member' | 'manager' | 'staff'): CommandSpec[] {
  const audiences: Audience[] = role === 'manager' ? ['member', 'moderator', 'manager', 'staff'] : role === 'staff' ? ['member', 'staff'] : ['member'];
  return COMMANDS.filter((spec) => audiences.includes(spec.audience));
}

/** How a command is written in /help: the slash command in English; the first word (or the slash) in Chinese. */
export function commandLine(spec: CommandSpec, lang: Lang): string {
  const call = lang === 'zh' && spec.words.zh[0] ? spec.words.zh[0] : `/${spec.name}`;
  const args = spec.args ? ` ${spec.args[lang]}` : '';
  return `${call}${args} — ${spec.description[lang]}`;
}
