// What `/grant` tells a manager adjusting a member's points (keys `grant.*`); a member pointed at who cannot be found
// is told in the badges' words (`badges.unknownName` and the like), which grant shares.
import { defineCopy } from '../bot/core/copy';

export const grantCopy = defineCopy('grant', {
  managersOnly: { zh: '抱歉，只有社群管理员可以调整积分。', en: 'Sorry, only community managers can adjust points.' },
  usage: {
    zh: '用法：/grant @成员 积分 原因（扣分用负数），例如：/grant @小明 100 活动奖励。也可以回复对方的消息发送 /grant 100 原因。',
    en: 'Usage: /grant @member <points> <reason> (negative to deduct), e.g. /grant @alice 100 event prize. Or reply to their message with /grant 100 <reason>.',
  },
  badAmount: {
    zh: '积分需为非零整数，单次最多 ±{max, number}。',
    en: 'Points must be a whole number other than 0, at most ±{max, number} at a time.',
  },
  needReason: { zh: '请写上原因，方便日后查账，例如：/grant @小明 100 活动奖励', en: 'Please add a reason for the record, e.g. /grant @alice 100 event prize' },
  reasonTooLong: { zh: '原因请控制在 {max} 字以内。', en: 'Please keep the reason under {max} characters.' },
  // In a group the balance is left out: it is the member's own business.
  added: {
    zh: '已为 {name} 增加 {points, number} 积分（{reason}）。',
    en: 'Added {points, plural, one {# point} other {# points}} for {name} ({reason}).',
  },
  addedWithBalance: {
    zh: '已为 {name} 增加 {points, number} 积分（{reason}），当前余额 {balance, number}。',
    en: 'Added {points, plural, one {# point} other {# points}} for {name} ({reason}). Their balance is now {balance, number}.',
  },
  deducted: {
    zh: '已扣除 {name} {points, number} 积分（{reason}）。',
    en: 'Deducted {points, plural, one {# point} other {# points}} from {name} ({reason}).',
  },
  deductedWithBalance: {
    zh: '已扣除 {name} {points, number} 积分（{reason}），当前余额 {balance, number}。',
    en: 'Deducted {points, plural, one {# point} other {# points}} from {name} ({reason}). Their balance is now {balance, number}.',
  },
});
