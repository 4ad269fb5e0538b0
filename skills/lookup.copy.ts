// What managers and staff are told when they look a member up (`/member`, `/points @bob`, `/tier @erin`), and what a
// member asking about someone else hears (keys `lookup.*`).
import { defineCopy } from '../bot/core/copy';

export const lookupCopy = defineCopy('lookup', {
  // ——— to members ———
  staffOnly: {
    zh: '抱歉，只有社群管理员和客服可以查询会员信息。想看自己的积分，发送「积分」就好。',
    en: 'Sorry, only community managers and staff can look members up. To see your own points, just send /points.',
  },
  ownOnly: {
    zh: '只能查看自己的积分和等级哦。直接发送「积分」或「等级」就能看到你的。',
    en: 'You can only see your own points and tier. Send /points or /tier on its own to see yours.',
  },

  // ——— to managers and staff ———
  usage: {
    zh: '用法：/member @成员，或回复对方的消息发送 /member，或 /member <会员号或平台id>（会员号前可加 #）。',
    en: 'Usage: /member @member, or reply to their message with /member, or /member <member number or platform id> (# before a member number).',
  },
  notFound: { zh: '找不到会员「{asked}」。', en: "I can't find a member \"{asked}\"." },
  header: { zh: '👤 {name}（会员号 {no}）', en: '👤 {name} (member no. {no})' },
  accounts: { zh: '账号：{ids}', en: 'Accounts: {ids}' },
  erased: { zh: '此会员已删除个人数据。', en: "This member's personal data was erased." },
  points: { zh: '积分：{points, number}', en: 'Points: {points, number}' },
  pointsSpendable: { zh: '积分：{points, number}（现在可用 {spendable, number}）', en: 'Points: {points, number} ({spendable, number} usable now)' },
  tierNext: {
    zh: '等级：{tier}，近 {months} 个月成长值 {growth, number}，再获得 {gap, number} 可升级{next}',
    en: 'Tier: {tier}, {growth, number} growth over the last {months} months; {gap, number} more to {next}',
  },
  tierTop: {
    zh: '等级：{tier}（最高等级），近 {months} 个月成长值 {growth, number}',
    en: 'Tier: {tier} (the top tier), {growth, number} growth over the last {months} months',
  },
  grace: {
    zh: '保级期：{date} 前需再获得 {keep, number} 成长值才能保留{tier}',
    en: 'Grace period: needs {keep, number} more growth by {date} to keep {tier}',
  },
  expiring: {
    zh: '⏳ {points, number} 积分将于 {date} 过期',
    en: '⏳ {points, plural, one {# point expires} other {# points expire}} on {date}',
  },
  recentTitle: { zh: '最近 {count} 条记录：', en: 'Latest {count, plural, one {entry} other {# entries}}:' },
  noEntries: { zh: '还没有积分记录。', en: 'No points activity yet.' },
  entry: { zh: '· {date} {points} {what}', en: '· {date} {points} {what}' },
  entryNote: { zh: '{what}（{note}）', en: '{what} ({note})' },
  // What a ledger entry was for, as a word.
  reasonPurchase: { zh: '消费', en: 'purchase' },
  reasonRefund: { zh: '退款', en: 'refund' },
  reasonCheckin: { zh: '签到', en: 'check-in' },
  reasonCheckinBonus: { zh: '连签奖励', en: 'streak bonus' },
  reasonUgc: { zh: '分享奖励', en: 'shared post' },
  reasonReferral: { zh: '邀请奖励', en: 'referral' },
  reasonTierGift: { zh: '升级礼', en: 'upgrade gift' },
  reasonGrant: { zh: '管理员调整', en: 'manager adjustment' },
  reasonRedeem: { zh: '兑换', en: 'redemption' },
  reasonExpiry: { zh: '过期', en: 'expired' },
  ticketWaiting: {
    zh: '工单 #{id}：等待客服（{reason}），{opened} 开启',
    en: 'Ticket #{id}: waiting for staff ({reason}), opened {opened}',
  },
  ticketWithStaff: {
    zh: '工单 #{id}：{staff} 处理中（{reason}），{opened} 开启',
    en: 'Ticket #{id}: with {staff} ({reason}), opened {opened}',
  },
  noTicket: { zh: '没有进行中的工单。', en: 'No open ticket.' },
});
