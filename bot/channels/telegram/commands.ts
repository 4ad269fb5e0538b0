// The command menus Telegram shows under "/": members in private chats, members in groups, and group admins (who
// moderate a listed group: badges and post review; points move only at a named manager's command), each in English
// (the default) and Chinese (language_code zh).

/** One menu entry: a command name (a-z, 0-9, _) and its description per language. */
interface MenuEntry {
  command: string;
  en: string;
  zh: string;
}

const member: Record<string, MenuEntry> = {
  checkin: { command: 'checkin', en: 'Daily check-in for points', zh: '每日签到领积分' },
  points: { command: 'points', en: 'Your points balance', zh: '查看积分余额' },
  tier: { command: 'tier', en: 'Your tier and how far to the next', zh: '会员等级和升级差距' },
  badges: { command: 'badges', en: 'Your badges', zh: '我的勋章' },
  top: { command: 'top', en: "This month's leaderboard", zh: '本月排行榜' },
  rewards: { command: 'rewards', en: 'What you can redeem', zh: '积分商城' },
  redeem: { command: 'redeem', en: 'Redeem a reward', zh: '兑换奖励' },
  mycodes: { command: 'mycodes', en: 'Your reward codes', zh: '我的券' },
  share: { command: 'share', en: 'Share a post for points', zh: '分享心得赚积分' },
  invite: { command: 'invite', en: 'Your invite link', zh: '我的邀请链接' },
  human: { command: 'human', en: 'Talk to a person', zh: '联系人工客服' },
  help: { command: 'help', en: 'What I can do', zh: '帮助' },
};

/** What a listed group's admins may do there (named managers may do it too, and more). */
const moderator: MenuEntry[] = [
  { command: 'badge', en: 'Grant a badge (reply or @member)', zh: '颁发勋章（回复或@成员）' },
  { command: 'unbadge', en: 'Take a badge back', zh: '收回勋章' },
  { command: 'approve', en: 'Approve a shared post', zh: '通过投稿' },
  { command: 'reject', en: 'Reject a shared post', zh: '驳回投稿' },
  { command: 'review', en: 'Posts waiting for review', zh: '待审投稿' },
];

const staff: MenuEntry[] = [
  { command: 'queue', en: 'Tickets waiting for staff', zh: '排队中的工单' },
  { command: 'take', en: 'Take the oldest (or a given) ticket', zh: '接手工单' },
  { command: 'done', en: 'Finish and hand back to the bot', zh: '结束并交还机器人' },
  { command: 'transfer', en: 'Pass a ticket to another staff member', zh: '转交工单' },
];

const privateMenu = ['checkin', 'points', 'tier', 'badges', 'rewards', 'redeem', 'mycodes', 'share', 'invite', 'human', 'help'].map((k) => member[k]!);
const groupMenu = ['checkin', 'points', 'tier', 'badges', 'top', 'share', 'help'].map((k) => member[k]!);

/** One setMyCommands call. */
export interface CommandMenu {
  scope: { type: 'all_private_chats' | 'all_group_chats' | 'all_chat_administrators' } | { type: 'chat'; chat_id: number };
  language_code?: 'zh';
  commands: { command: string; description: string }[];
}

/** Every setMyCommands call Hearth makes at start: three scopes (and the staff room's own), two languages. */
export function commandMenus(staffChatId?: string): CommandMenu[] {
  const scopes: [CommandMenu['scope'], MenuEntry[]][] = [
    [{ type: 'all_private_chats' }, privateMenu],
    [{ type: 'all_group_chats' }, groupMenu],
    [{ type: 'all_chat_administrators' }, [...groupMenu, ...moderator]],
  ];
  if (staffChatId && /^-\d+$/.test(staffChatId)) scopes.push([{ type: 'chat', chat_id: Number(staffChatId) }, [...staff, member.help!]]);
  return scopes.flatMap(([scope, entries]) =>
    (['en', 'zh'] as const).map((lang) => ({
      scope,
      ...(lang === 'zh' ? { language_code: 'zh' as const } : {}),
      commands: entries.map((e) => ({ command: e.command, description: e[lang] })),
    })),
  );
}
