// What `/points` and `/tier` say about a member's balance, tier, growth and expiring points; the ask skill answers
// free-form questions with the same lines (keys `points.*`).
import { defineCopy } from '../bot/core/copy';

export const pointsCopy = defineCopy('points', {
  // A tier's name as members say it (金卡会员, Gold); a name that already ends in 会员 is used as it is.
  tierLabel: { zh: '{tier}会员', en: '{tier}' },

  inDebt: {
    zh: '你的积分余额为 {points, number}（退款或调整扣回了已用掉的积分），之后获得的积分会先抵扣这部分。',
    en: 'Your balance is {points, number} points (a refund or adjustment took back points already used); new points will pay this off first.',
  },
  balance: { zh: '你有 {points, number} 积分。', en: 'You have {points, plural, one {# point} other {# points}}.' },
  balanceWithPending: {
    zh: '你有 {points, number} 积分，其中 {pending, number} 积分尚在锁定期，现在可用 {spendable, number}。',
    en: 'You have {points, plural, one {# point} other {# points}}; {pending, plural, one {# is} other {# are}} still pending, so {spendable, number} can be used now.',
  },
  balanceSpendable: {
    zh: '你有 {points, number} 积分，现在可用 {spendable, number}。',
    en: 'You have {points, plural, one {# point} other {# points}}; {spendable, number} can be used now.',
  },

  tierTop: { zh: '等级：{tier}（最高等级）。', en: 'Tier: {tier} (our top tier).' },
  tierNext: {
    zh: '等级：{tier}，再获得 {gap, number} 成长值可升级{next}。',
    en: 'Tier: {tier}, {gap, plural, one {# growth point} other {# growth points}} to {next}.',
  },
  expiring: {
    zh: '⏳ {points, number} 积分将于 {date} 过期。',
    en: '⏳ {points, plural, one {# point expires} other {# points expire}} on {date}.',
  },

  yourTier: {
    zh: '你的等级：{tier}，近 {months} 个月成长值 {growth, number}。',
    en: 'Your tier: {tier}, with {growth, plural, one {# growth point} other {# growth points}} over the last {months, plural, one {month} other {# months}}.',
  },
  toNextTier: {
    zh: '再获得 {gap, number} 成长值即可升级{next}（门槛 {threshold, number}）。',
    en: '{gap, plural, one {# more growth point} other {# more growth points}} to reach {next} (at {threshold, number}).',
  },
  topTier: { zh: '这已是最高等级，感谢你的支持！', en: "That's our top tier. Thank you!" },
  grace: {
    zh: '保级期：{date} 前再获得 {keep, number} 成长值即可保留{tier}。',
    en: 'Grace period: earn {keep, plural, one {# more growth point} other {# more growth points}} by {date} to keep {tier}.',
  },
});
