// What `/mydata` and `/deleteme` say: the summary of what Hearth keeps about a member, how long, and the erase
// confirmation and its outcome (keys `privacy.*`).
import { defineCopy } from '../bot/core/copy';

export const privacyCopy = defineCopy('privacy', {
  privateOnly: {
    zh: '🔒 个人数据只在私聊里处理。请私聊我，发送「我的数据」查看，或发送「删除我的数据」申请删除。',
    en: '🔒 Personal data is handled privately. Open a private chat with me and send /mydata to see it, or /deleteme to delete it.',
  },

  summaryHead: { zh: '我保存的关于你的信息：', en: "Here's what I keep about you:" },
  name: { zh: '• 昵称：{name}', en: '• Name: {name}' },
  noName: { zh: '（无）', en: '(none)' },
  accounts: { zh: '• 账号：{accounts}', en: '• Accounts: {accounts}' },
  accountWithUsername: { zh: '{channel} (@{username})', en: '{channel} (@{username})' },
  listSeparator: { zh: '、', en: ', ' },
  // The channels' names; a channel not listed here is shown by its id.
  channelTelegram: { zh: 'Telegram', en: 'Telegram' },
  channelWechat: { zh: '微信', en: 'WeChat' },
  channelWecom: { zh: '企业微信', en: 'WeCom' },
  channelConsole: { zh: '控制台', en: 'Console' },
  language: { zh: '• 语言：{language}', en: '• Language: {language}' },
  languageZh: { zh: '中文', en: 'Chinese' },
  languageEn: { zh: '英文', en: 'English' },
  languageNotSet: { zh: '未设置', en: 'not set' },
  birthday: { zh: '• 生日：{birthday}', en: '• Birthday: {birthday}' },
  points: {
    zh: '• 积分：{balance, number}（共 {entries, number} 条积分记录）',
    en: '• Points: {balance, number} ({entries, plural, one {# entry} other {# entries}} in your points history)',
  },
  counts: {
    zh: '• 签到 {checkins, number} 次 · 勋章 {badges, number} 枚 · 分享 {posts, number} 篇 · 客服工单 {tickets, number} 个 · 兑换码 {codes, number} 个',
    en: '• Check-ins: {checkins, number} · Badges: {badges, number} · Posts: {posts, number} · Support tickets: {tickets, number} · Reward codes: {codes, number}',
  },
  kept: {
    zh: '保存期限：你发来的消息内容，处理后保留 {inboxDays} 天；我发给你的消息（含兑换码）保留 {sentMessagesDays} 天；客服对话记录在工单结束后保留 {transcriptsDays} 天；你最近的几条消息保留 {recentMessagesDays} 天。积分、签到和勋章记录在你是会员期间一直保留。',
    en: "How long I keep things: the text of your messages, {inboxDays} days after I handle them; messages I send you (codes included), {sentMessagesDays} days; support chat transcripts, {transcriptsDays} days after the ticket is closed; your last few messages, {recentMessagesDays} days. Your points, check-ins and badges stay for as long as you're a member.",
  },
  fullCopy: {
    zh: '如需完整的数据副本，请联系社群工作人员。如要删除你的数据，请发送「删除我的数据」。',
    en: 'For a full copy of your data, ask the community staff. To delete your data, send /deleteme.',
  },

  confirm: {
    zh: '⚠️ 这会删除我保存的你的数据：昵称、账号、消息、分享内容和客服对话。你的 {points, number} 积分和 {codes, number} 个兑换码将一并作废，无法恢复。\n确定删除，请在 {minutes} 分钟内回复「确认删除」；回复其他内容即取消。',
    en: '⚠️ This deletes what I keep about you: your name, accounts, messages, posts and support chats. Your {points, plural, one {# point} other {# points}} and {codes, plural, one {# code} other {# codes}} will be gone and cannot be restored.\nTo go ahead, reply CONFIRM DELETE within {minutes} minutes. Anything else cancels.',
  },
  managerWarning: {
    zh: '注意：你是社群管理员，删除后管理员身份也会一并移除。',
    en: "Note: you're a community manager here — deleting your data removes your manager role too.",
  },
  staffWarning: {
    zh: '注意：你是客服人员，删除后客服身份也会一并移除。',
    en: "Note: you're on the support staff here — deleting your data removes your staff role too.",
  },
  namedInProgram: {
    zh: '你的角色也写在活动配置文件里，只删除数据的话角色还会恢复；如需彻底移除，请让负责运行 Hearth 的同事从配置中删除你。',
    en: 'Your role is also listed in the program file, so it comes back unless whoever runs Hearth removes you there.',
  },
  holdsTickets: {
    zh: '你手上还有未结束的工单（{tickets}）。请先用 /transfer 转交或用 /done 结束，再发送「删除我的数据」。',
    en: 'You still hold open tickets ({tickets}). Hand them over with /transfer or finish them with /done, then send /deleteme again.',
  },
  done: {
    zh: '✅ 已删除，我不再保存你的个人数据。如果之后再给我发消息，你会作为新会员重新开始。祝一切顺利！',
    en: "✅ Done — I've deleted your personal data. If you write to me again, you'll start over as a new member. All the best!",
  },
  expired: {
    zh: '删除申请已超过 {minutes} 分钟，已失效，没有删除任何数据。如仍要删除，请重新发送「删除我的数据」。',
    en: 'That request expired after {minutes} minutes, so nothing was deleted. If you still want your data deleted, send /deleteme again.',
  },
});
