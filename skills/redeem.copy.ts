// What the rewards catalog, `/redeem` and `/mycodes` say: the list and what a member can afford, a code, a refusal and
// its reason (keys `redeem.*`).
import { defineCopy } from '../bot/core/copy';

export const redeemCopy = defineCopy('redeem', {
  catalogEmpty: { zh: '积分商城暂时没有可兑换的奖励。', en: 'There are no rewards to redeem right now.' },
  catalogHead: {
    zh: '🎁 积分商城（你有 {spendable, number} 积分可用，{tier}）',
    en: '🎁 Rewards (you have {spendable, plural, one {# point} other {# points}} to use, {tier})',
  },
  // One reward: ✅ affordable now, 🔒 for a higher tier, 💰 points short; its tier gate and shortfall when there are.
  catalogRow: { zh: '{mark} {reward} — {cost, number} 积分{gate}{short}', en: '{mark} {reward} ({id}) — {cost, number} points{gate}{short}' },
  catalogGate: { zh: '，{tier}及以上', en: ', {tier}+' },
  catalogShort: { zh: '，还差 {short, number}', en: ', {short, number} short' },
  catalogMakeupIdle: { zh: '，漏签一天后才能用', en: ', only after a missed day' },
  catalogTail: { zh: '发送「兑换 商品名」即可兑换，例如：兑换 {example}', en: 'Send /redeem <item> to redeem, e.g. /redeem {id}' },

  whatToRedeem: {
    zh: '想兑换什么？发送「积分商城」看看，再发「兑换 商品名」。',
    en: 'What would you like to redeem? Send /rewards to see the list, then /redeem <item>.',
  },
  notFound: { zh: '没有找到「{typed}」。发送「积分商城」看看能兑换什么。', en: 'I couldn\'t find "{typed}". Send /rewards to see what you can redeem.' },
  whichOne: { zh: '你想兑换哪一个？{choices}', en: 'Which one do you mean? {choices}' },
  choice: { zh: '{reward}', en: '{reward} ({id})' },
  choiceSeparator: { zh: '、', en: ', ' },
  dailyLimit: {
    zh: '每天最多兑换 {limit} 次，今天的次数用完啦，明天再来吧。',
    en: "You can redeem up to {limit, plural, one {# reward} other {# rewards}} a day, and today's are used up. See you tomorrow!",
  },

  // The code itself goes only to a private chat.
  code: { zh: '🎁 {reward} 兑换码：{code}\n剩余积分：{balance, number}', en: '🎁 {reward} — your code: {code}\nPoints left: {balance, number}' },
  redeemed: { zh: '兑换成功！{details}', en: 'Redeemed! {details}' },
  redeemedSentPrivately: { zh: '兑换成功！{reward}的兑换码已私信发给你。', en: "Redeemed! I've sent your {reward} code in a private message." },
  redeemedSaved: {
    zh: '兑换成功！{reward}的兑换码已为你保存好。请私聊我（点下方按钮），发送「我的券」查看。',
    en: 'Redeemed! Your {reward} code is saved for you: open a private chat with me (the button below) and send /mycodes to see it.',
  },

  // A refusal: the reason names the balance, so a group hears only one of the two notes.
  refusal: { zh: '暂时无法兑换{reward}：{reasons}。', en: "Can't redeem {reward} yet: {reasons}." },
  needTier: { zh: '需要{tier}及以上（你目前是{current}）', en: "it's for {tier} members and above (you're {current})" },
  needPoints: {
    zh: '还差 {short, number} 积分（需 {cost, number}，你现在可用 {spendable, number}）',
    en: "you're {short, plural, one {# point} other {# points}} short (it costs {cost, number}; you have {spendable, number} to use)",
  },
  needTierAndPoints: { zh: '{tier}，{points}', en: '{tier}, and {points}' },
  // A make-up card refused before charging: it could not be used now.
  makeupNotNeeded: {
    zh: '现在不需要{reward}：你昨天签到过了，连签没有中断，积分没有扣。',
    en: "You don't need a {reward} now: you checked in yesterday, so your streak is intact. No points were taken.",
  },
  makeupNoGap: {
    zh: '现在兑换{reward}也用不上：补签卡只能补昨天这一天，而且前天要签过到才能接上连签。积分没有扣。',
    en: "{reward} not redeemed: it only fills in yesterday, after a check-in the day before, and there's no such gap to fill now. No points were taken.",
  },
  makeupHaveOne: {
    zh: '你已经有一张还没用的{reward}了，发送「补签」就能用它补上昨天。积分没有扣。',
    en: 'You already have an unused {reward}: send /makeup to fill in yesterday with it. No points were taken.',
  },
  refusedSentPrivately: { zh: '暂时无法兑换{reward}。原因已私信发给你。', en: "Can't redeem {reward} yet. I've sent you the reason privately." },
  refusedOpenPrivately: {
    zh: '暂时无法兑换{reward}。私聊我（点下方按钮）可以查看原因和你的积分。',
    en: "Can't redeem {reward} yet. Open a private chat with me (the button below) to see why and what you have.",
  },

  noCodes: { zh: '你还没有兑换过奖励。发送「积分商城」看看能换什么。', en: "You haven't redeemed anything yet. Send /rewards to see what you can get." },
  codesHead: { zh: '你的兑换码：', en: 'Your codes:' },
  codeUsedOn: { zh: '🎁 {reward} · {code} · {day} 兑换 · {usedDay} 已使用', en: '🎁 {reward} · {code} · redeemed {day} · used {usedDay}' },
  codeNotUsed: { zh: '🎁 {reward} · {code} · {day} 兑换 · 未使用', en: '🎁 {reward} · {code} · redeemed {day} · not used yet' },
});
