// What the ask skill answers to members' own-words questions about their points: balance and expiry, tier and the gap
// to the next, how to earn, what they can redeem (keys `ask.*`; a program's `copy:` may replace any).
import { defineCopy } from '../bot/core/copy';

export const askCopy = defineCopy('ask', {
  // How lists inside a sentence are joined.
  growthSeparator: { zh: '，', en: ', ' },
  listSeparator: { zh: '、', en: ', ' },

  expiringPart: { zh: '⏳ 其中 {points, number} 积分将于 {date} 过期。', en: '⏳ {points, number} of them expire on {date}.' },

  // Tier questions: `{multiplier}` is written ×1.0, ×1.2.
  // English says "your tier is Gold", not "you're Gold" (which reads "You're Member" for the entry tier).
  tierIs: { zh: '你是{tier}，消费积分倍率 {multiplier}。', en: 'Your tier is {tier}: your purchases earn points at {multiplier}.' },
  tierIsAsked: { zh: '是的，你是{tier}，消费积分倍率 {multiplier}。', en: 'Yes, your tier is {tier}: your purchases earn points at {multiplier}.' },
  tierAboveAsked: {
    zh: '你已经是{tier}啦（高于{asked}），消费积分倍率 {multiplier}。',
    en: 'Your tier is already {tier}, above {asked}: your purchases earn points at {multiplier}.',
  },
  tierBelowAsked: { zh: '还不是哦，你现在是{tier}，消费积分倍率 {multiplier}。', en: 'Not yet: your tier is {tier}, and your purchases earn points at {multiplier}.' },
  topTier: { zh: '这已是最高等级，感谢你的支持！', en: "That's our top tier. Thank you!" },
  gapReached: { zh: '你的成长值已达到{tier}门槛，升级马上到账！', en: "You've reached {tier}'s threshold: the upgrade is on its way!" },
  gap: {
    zh: '再获得 {gap, number} 成长值即可升级{tier}（门槛 {threshold, number}，你近 {months} 个月累计成长值 {growth, number}）。',
    en: '{gap, plural, one {# more growth point} other {# more growth points}} to {tier} (you have {growth, number} of {threshold, number} over the last {months, plural, one {month} other {# months}}).',
  },
  grace: {
    zh: '保级期中：{date} 前再获得 {keep, number} 成长值即可保留{tier}。',
    en: "You're in a grace period: earn {keep, plural, one {# more growth point} other {# more growth points}} by {date} to keep {tier}.",
  },

  // Next-tier questions.
  alreadyTier: { zh: '你已经是{tier}啦！', en: 'Your tier is already {tier}!' },
  alreadyAbove: { zh: '你已经是{tier}，高于{asked}啦！', en: 'Your tier is already {tier}, above {asked}!' },
  alreadyTopTier: { zh: '你已经是最高等级{tier}，感谢你的支持！', en: 'Your tier is {tier}, our top tier. Thank you!' },
  tierNow: { zh: '你现在是{tier}。', en: 'Your tier is {tier}.' },
  growthSources: { zh: '成长值来源：{sources}。', en: 'Growth comes from {sources}.' },
  growthFromSpending: { zh: '每消费 ¥1 +{growth}', en: 'every ¥1 spent +{growth}' },
  growthFromCheckins: { zh: '签到 +{growth}', en: 'check-ins +{growth}' },
  growthFromPosts: { zh: '分享通过 +{growth}', en: 'approved posts +{growth}' },

  // Expiry questions.
  expiryRule: {
    zh: '积分在获得 {months} 个月后过期，先到期的先使用。',
    en: 'Points expire {months, plural, one {# month} other {# months}} after you earn them, and the oldest are used first.',
  },
  expiringSoon: {
    zh: '⏳ 你有 {points, number} 积分将于 {date} 过期，记得发送「积分商城」看看能换什么。',
    en: '⏳ {points, number} of your points expire on {date}. Send /rewards to use them.',
  },
  noneExpiring: { zh: '未来 {days} 天内没有积分过期。', en: 'None of your points expire in the next {days, plural, one {# day} other {# days}}.' },

  // How to earn: one line per way the program pays, `{multiplier}` written ×2.
  earnTitle: { zh: '赚积分的方式：', en: 'Ways to earn points:' },
  earnShopping: {
    zh: '🛍 购物：每消费 ¥1 得 {points} 积分{tierBoost}',
    en: '🛍 Shopping: {points, plural, one {# point} other {# points}} per ¥1{tierBoost}',
  },
  earnShoppingTierBoost: { zh: '，{tier}再 {multiplier}', en: ', {multiplier} as {tier}' },
  earnCheckin: { zh: '📅 每日签到 +{points}{streakBonus}', en: '📅 Daily check-in: +{points}{streakBonus}' },
  earnCheckinStreakBonus: { zh: '，连续签到每满 {every} 天再 +{bonus}', en: ', plus {bonus} for every {every, plural, one {day} other {# days}} in a row' },
  earnPosts: {
    zh: '✍️ 发送「#分享 心得」，审核通过 +{points}（每天最多 {perDay} 篇）',
    en: '✍️ Share a post (#share): +{points} once approved (up to {perDay} a day)',
  },
  // `{when}` is the referral's condition as the invite terms say it ("好友首次消费或累计签到满 3 天后").
  earnReferral: { zh: '👋 邀请好友：{when}你得 +{points}', en: '👋 Invite a friend: +{points} {when}' },
  earnBirthday: { zh: '🎂 生日当天消费 {multiplier}', en: '🎂 On your birthday: purchases earn {multiplier}' },
  earnCampaign: { zh: '🎉 {campaign}{when}消费 {multiplier}', en: '🎉 {campaign}{when}: purchases earn {multiplier}' },
  // The `{when}` of a campaign held every year on the same day (`{date}` is MM-DD).
  earnCampaignDay: { zh: '（{month}月{day}日）', en: ' ({date})' },

  // What the member can redeem.
  noRewards: { zh: '积分商城暂时没有可兑换的奖励。', en: 'There are no rewards to redeem right now.' },
  canRedeem: { zh: '你有 {points, number} 积分可用，现在可以兑换：', en: 'You have {points, number} points to use. You can redeem now:' },
  rewardRow: { zh: '✅ {reward} — {cost, number} 积分', en: '✅ {reward} — {cost, number} points' },
  howToRedeem: { zh: '发送「兑换 {reward}」即可兑换。', en: 'Send /redeem {id} to get one.' },
  notEnoughYet: {
    zh: '你有 {points, number} 积分可用，暂时还不够兑换。最近的是{reward}（{cost, number} 积分），还差 {short, number}。',
    en: 'You have {points, number} points to use, not quite enough yet. The closest is {reward} ({cost, number} points): {short, number} to go.',
  },
  pointsToUse: { zh: '你有 {points, number} 积分可用。', en: 'You have {points, number} points to use.' },
  lockedRewards: { zh: '🔒 升级后解锁：{rewards}', en: '🔒 Unlocks at a higher tier: {rewards}' },
  lockedReward: { zh: '{reward}（{tier}及以上）', en: '{reward} ({tier}+)' },

  // A tier's perks, said from the program's numbers (a program's tier `benefits:` text replaces the lines).
  benefitsTitle: { zh: '{tier}权益：', en: '{tier} perks:' },
  benefitMultiplier: { zh: '🛍 消费积分 {multiplier}', en: '🛍 Purchases earn points at {multiplier}' },
  benefitGift: { zh: '🎁 升级礼包 {gift, number} 积分', en: '🎁 An upgrade gift of {gift, number} points' },
  benefitUnlocks: { zh: '🔓 解锁兑换：{rewards}', en: '🔓 Unlocks: {rewards}' },
  benefitRewards: {
    zh: '🎀 积分商城可兑换 {count} 种奖励',
    en: '🎀 {count, plural, one {# reward} other {# rewards}} to redeem in the shop',
  },
  benefitPriority: { zh: '👑 人工客服优先接待', en: '👑 Priority with our support staff' },
  benefitThreshold: {
    zh: '📈 门槛：近 {months} 个月累计成长值 {threshold, number}',
    en: '📈 Reached at {threshold, number} growth points over {months, plural, one {# month} other {# months}}',
  },
  benefitsNext: { zh: '想看下一级？发送「{tier}有什么权益」。', en: 'Curious about the next one? Ask "what are {tier} perks?"' },
});
