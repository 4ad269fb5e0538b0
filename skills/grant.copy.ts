// What `/grant` tells a manager adjusting a member's points, privately (keys `grant.*`); a member pointed at who cannot
// be found is told in the badges' words (`badges.unknownName` and the like), which grant shares.
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
  // Said to the manager alone (privately, or in the staff room): the balance is the member's business and theirs.
  addedWithBalance: {
    zh: '已为 {name} 增加 {points, number} 积分（{reason}），当前余额 {balance, number}。',
    en: 'Added {points, plural, one {# point} other {# points}} for {name} ({reason}). Their balance is now {balance, number}.',
  },
  deductedWithBalance: {
    zh: '已扣除 {name} {points, number} 积分（{reason}），当前余额 {balance, number}。',
    en: 'Deducted {points, plural, one {# point} other {# points}} from {name} ({reason}). Their balance is now {balance, number}.',
  },
  // A deduction that would take the balance below zero (program setting grants.belowZero).
  refusedBelowZero: {
    zh: '{name} 现有 {balance, number} 积分，不能扣除 {points, number}：余额不能低于 0，现在最多可扣 {balance, number}。',
    en: "{name} has {balance, plural, one {# point} other {# points}}, so {points, number} can't be deducted: the balance can't go below zero. The most you can deduct now is {balance, number}.",
  },
  refusedNothingLeft: {
    zh: '{name} 的积分余额为 {balance, number}，已没有可扣除的积分（余额不能低于 0）。',
    en: "{name}'s balance is {balance, number}, so there is nothing left to deduct (the balance can't go below zero).",
  },
  confirmBelowZero: {
    zh: '{name} 现有 {balance, number} 积分，扣除 {points, number}（{reason}）后余额将变为 {after, number}。确定要扣吗？点下方按钮确认，或发送 /grant confirm {id}。',
    en: '{name} has {balance, plural, one {# point} other {# points}}; deducting {points, number} ({reason}) would leave {after, number}. Go ahead? Press the button below, or send /grant confirm {id}.',
  },
  confirmButton: { zh: '确认扣除 {points, number} 积分', en: 'Deduct {points, plural, one {# point} other {# points}}' },
  alreadyConfirmed: {
    zh: '这笔扣分之前已确认过了：{name} 已扣除 {points, number} 积分（{reason}），当前余额 {balance, number}。',
    en: 'That deduction was already confirmed: {points, plural, one {# point} other {# points}} taken from {name} ({reason}). Their balance is {balance, number}.',
  },
  noSuchConfirmation: { zh: '没有待确认的扣分 {id}。', en: 'There is no deduction {id} waiting for confirmation.' },
  notYourConfirmation: { zh: '扣分 {id} 是其他管理员发起的，需由发起人本人确认。', en: 'Deduction {id} was asked for by another manager; only they can confirm it.' },
  confirmationExpired: {
    zh: '扣分 {id} 已超过 {hours} 小时未确认，已作废。如仍需扣分，请重新发送 /grant。',
    en: 'Deduction {id} waited more than {hours} hours and has lapsed. Send /grant again if it is still needed.',
  },
});
