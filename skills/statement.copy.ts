// What the points statement, /why, and the missing-points answers say (keys `statement.*`): each line's reason, the
// rule and event behind it, the balance and what expires when, and what happens with an order's points.
import { defineCopy } from '../bot/core/copy';

export const statementCopy = defineCopy('statement', {
  empty: { zh: '你的积分账户还没有任何变动。签到、购物或分享内容都可以获得积分。', en: 'Nothing has moved on your points yet. Check-ins, purchases and shared posts all earn points.' },
  head: {
    zh: '📒 积分明细（最近 {count} 笔）：',
    en: '📒 Your points statement (the latest {count, plural, one {entry} other {# entries}}):',
  },
  // One numbered line: {points} is signed (+5, -30).
  line: { zh: '{n}. {day}  {points}  {what}', en: '{n}. {day}  {points}  {what}' },
  tierLine: { zh: '{n}. {day}  {what}', en: '{n}. {day}  {what}' },
  balance: { zh: '当前余额：{points, number} 积分。', en: 'Balance now: {points, plural, one {# point} other {# points}}.' },
  expiresOn: { zh: '⏳ {date} 到期 {points, number} 积分', en: '⏳ {points, plural, one {# point expires} other {# points expire}} on {date}' },
  nothingExpires: { zh: '暂时没有即将到期的积分。', en: 'No points are due to expire.' },
  footer: { zh: '想知道某一笔的原因，发送「原因 编号」，例如：原因 1', en: 'To see why a line happened, send /why and its number, e.g. /why 1' },

  // What each line was for.
  whatPurchase: { zh: '购物（订单 {orderId}）', en: 'purchase, order {orderId}' },
  whatRefund: { zh: '退款（订单 {orderId}）', en: 'refund of order {orderId}' },
  whatCheckin: { zh: '签到（连签第 {streak} 天）', en: 'check-in (streak day {streak})' },
  whatCheckinPlain: { zh: '签到', en: 'check-in' },
  whatCheckinBonus: { zh: '连签 {streak} 天奖励', en: '{streak}-day streak bonus' },
  whatCheckinBonusPlain: { zh: '连签奖励', en: 'streak bonus' },
  whatUgc: { zh: '分享内容通过审核', en: 'approved post' },
  whatReferral: { zh: '邀请好友奖励', en: 'reward for inviting a friend' },
  whatTierGift: { zh: '{tier}升级礼', en: '{tier} upgrade gift' },
  whatGrant: { zh: '{by} 调整：{why}', en: 'adjusted by {by}: {why}' },
  whatGrantNoReason: { zh: '{by} 调整', en: 'adjusted by {by}' },
  whatGrantNobody: { zh: '人工调整：{why}', en: 'manual adjustment: {why}' },
  whatRedeem: { zh: '兑换{reward}', en: 'redeemed {reward}' },
  whatExpiry: { zh: '{earnedOn} 获得的积分到期', en: 'expiry of points earned on {earnedOn}' },
  whatExpiryPlain: { zh: '积分到期', en: 'points expired' },
  whatUpgrade: { zh: '⬆️ 升级为{tier}', en: '⬆️ moved up to {tier}' },
  whatGrace: { zh: '⚠️ {tier}进入保级期', en: '⚠️ {tier} grace period began' },
  whatDowngrade: { zh: '⬇️ 降为{tier}', en: '⬇️ moved down to {tier}' },
  whatOther: { zh: '积分调整（{reason}）', en: 'adjustment ({reason})' },

  // What an expired lot had been earned for.
  forPurchase: { zh: '购物', en: 'a purchase' },
  forCheckin: { zh: '签到', en: 'a check-in' },
  forBonus: { zh: '连签奖励', en: 'a streak bonus' },
  forUgc: { zh: '分享内容', en: 'a shared post' },
  forReferral: { zh: '邀请好友', en: 'a referral' },
  forGift: { zh: '升级礼', en: 'an upgrade gift' },
  forGrant: { zh: '人工调整', en: 'an adjustment' },
  forOther: { zh: '其他', en: 'other' },

  // /why: the rule and the event behind one line ({head} is the line itself, as the statement shows it).
  whyHead: { zh: '第 {n} 笔：{line}', en: 'Line {n}: {line}' },
  whyPurchase: {
    zh: '订单 {orderId}（¥{amount}）：每消费 1 元得 {perCny} 积分，共 {points, number} 积分，另得 {growth, number} 成长值。',
    en: 'Order {orderId} (¥{amount}): {perCny, plural, one {# point} other {# points}} per ¥1, so {points, plural, one {# point} other {# points}}, plus {growth, number} growth.',
  },
  whyPurchaseMultiplied: {
    zh: '订单 {orderId}（¥{amount}）：每消费 1 元得 {perCny} 积分，乘以 {multiplier} 倍（会员等级、生日或活动加倍），共 {points, number} 积分，另得 {growth, number} 成长值。',
    en: 'Order {orderId} (¥{amount}): {perCny, plural, one {# point} other {# points}} per ¥1, times {multiplier} (your tier, a birthday or a campaign), so {points, plural, one {# point} other {# points}}, plus {growth, number} growth.',
  },
  whyRefund: {
    zh: '订单 {orderId} 退款{amount}：按退款金额的比例扣回这笔订单得到的积分（{points, number}）和成长值（{growth, number}）。',
    en: 'Order {orderId} was refunded{amount}: the same share of the points that order earned was taken back ({points, number}), and of its growth ({growth, number}).',
  },
  refundAmount: { zh: ' ¥{amount}', en: ' (¥{amount})' },
  whyCheckin: {
    zh: '{day} 签到：每天签到得 {points, number} 积分，这是你连续签到的第 {streak} 天；每连签满 {every} 天再奖励 {bonus, number} 积分。',
    en: 'Check-in on {day}: every daily check-in earns {points, plural, one {# point} other {# points}}, and this was day {streak} of your streak; every {every, plural, one {day} other {# days}} in a row adds {bonus, number} more.',
  },
  whyCheckinPlain: {
    zh: '{day} 签到：每天签到得 {points, number} 积分；每连签满 {every} 天再奖励 {bonus, number} 积分。',
    en: 'Check-in on {day}: every daily check-in earns {points, plural, one {# point} other {# points}}; every {every, plural, one {day} other {# days}} in a row adds {bonus, number} more.',
  },
  whyCheckinBonus: {
    zh: '连续签到满 {streak} 天：每连签满 {every} 天额外奖励 {points, number} 积分。',
    en: 'You checked in {streak} days in a row: every {every, plural, one {day} other {# days}} in a row earns a bonus of {points, plural, one {# point} other {# points}}.',
  },
  whyUgc: {
    zh: '你分享的内容通过了审核：每篇通过的内容得 {points, number} 积分和 {growth, number} 成长值。',
    en: 'A post you shared was approved: each approved post earns {points, plural, one {# point} other {# points}} and {growth, number} growth.',
  },
  whyReferral: { zh: '你邀请的好友加入并完成了首次消费或签到：邀请奖励 {points, number} 积分。', en: 'A friend you invited joined and made their first purchase or check-ins: a referral reward of {points, plural, one {# point} other {# points}}.' },
  whyTierGift: {
    zh: '你升级为{tier}，获得升级礼 {points, number} 积分（每个等级的升级礼只发一次）。',
    en: 'You reached {tier}, which comes with a gift of {points, plural, one {# point} other {# points}} (each tier’s gift is given once).',
  },
  // A manual adjustment: {change} is one of the two lines after these.
  whyGrant: { zh: '由 {by} 手动{change}，原因：{why}。', en: '{by} {change}. Reason given: {why}.' },
  whyGrantNoReason: { zh: '由 {by} 手动{change}。', en: '{by} {change}.' },
  whyGrantNobody: { zh: '工作人员手动{change}，原因：{why}。', en: 'Our team {change}. Reason given: {why}.' },
  grantAdded: { zh: '增加了 {points, number} 积分', en: 'added {points, plural, one {# point} other {# points}}' },
  grantDeducted: { zh: '扣除了 {points, number} 积分', en: 'took off {points, plural, one {# point} other {# points}}' },
  whyRedeem: {
    zh: '你兑换了{reward}，花费 {cost, number} 积分（先用最早到期的积分）。发送「我的券」查看兑换码。',
    en: 'You redeemed {reward} for {cost, plural, one {# point} other {# points}} (the points closest to expiring go first). Send /mycodes to see its code.',
  },
  whyExpiry: {
    zh: '{earnedOn} 获得的积分（{earnedFor}）满 {months} 个月到期，当时还没用掉的 {points, number} 积分已过期。积分按先到期先使用的顺序花掉。',
    en: 'Points you earned on {earnedOn} ({earnedFor}) expire after {months} months, so the {points, plural, one {# point} other {# points}} still unused expired. Spending always uses the points closest to expiring first.',
  },
  whyExpiryPlain: {
    zh: '积分获得满 {months} 个月到期，这 {points, number} 积分已过期。',
    en: 'Points expire {months} months after they are earned: these {points, plural, one {# point} other {# points}} expired.',
  },
  whyUpgrade: {
    zh: '等级按近 {months} 个月的成长值计算：你的成长值达到 {growth, number}，达到{tier}门槛 {threshold, number}，当即升级。',
    en: 'Tiers go by growth over the last {months} months: yours reached {growth, number}, at or above the {threshold, number} {tier} needs, so you moved up at once.',
  },
  whyGrace: {
    zh: '等级按近 {months} 个月的成长值计算：你的成长值变为 {growth, number}，低于{tier}门槛 {threshold, number}，所以进入保级期。{lastDay} 前再获得 {keep, number} 成长值即可保留{tier}。',
    en: 'Tiers go by growth over the last {months} months: yours fell to {growth, number}, below the {threshold, number} {tier} needs, so a grace period began. Earn {keep, number} more by {lastDay} to keep {tier}.',
  },
  whyDowngrade: {
    zh: '等级按近 {months} 个月的成长值计算：保级期（{graceDays} 天）结束时你的成长值为 {growth, number}，仍低于{from}门槛 {threshold, number}，所以降一级为{to}。',
    en: 'Tiers go by growth over the last {months} months: when the {graceDays}-day grace period ended yours was {growth, number}, still below the {threshold, number} {from} needs, so you moved down one level to {to}.',
  },
  whyOther: { zh: '这是一笔 {points, number} 积分的调整（{reason}）。如有疑问，发送「转人工」联系客服。', en: 'This was an adjustment of {points, number} points ({reason}). Send /human if something looks wrong.' },
  noSuchLine: {
    zh: '没有第 {n} 笔。你的积分明细目前有 {count} 笔，发送「积分明细」查看。',
    en: 'There is no line {n}: your statement has {count, plural, one {# line} other {# lines}} now. Send /statement to see them.',
  },
  nothingToExplain: { zh: '你的积分和等级还没有任何变动。', en: "Nothing has changed on your points or tier yet." },
  whyTail: { zh: '发送「积分明细」查看最近的全部变动。', en: 'Send /statement to see all your recent changes.' },
  // On a staff card: the member's latest change, explained.
  staffLatest: { zh: '最近变动：{line}\n{why}', en: 'Latest change: {line}\n{why}' },

  // Points missing for an order.
  askOrderNumber: {
    zh: '请把订单号发给我，例如「订单 123456 积分没到账」，我帮你查。',
    en: 'Send me the order number, e.g. "order 123456, where are my points?", and I’ll look it up.',
  },
  orderCredited: {
    zh: '订单 {orderId}（¥{amount}）的 {points, number} 积分已于 {day} 到账。发送「积分明细」可以看到这一笔。',
    en: 'Order {orderId} (¥{amount}) earned {points, plural, one {# point} other {# points}}, credited on {day}. Send /statement to see it there.',
  },
  orderCreditedRefunded: {
    zh: '订单 {orderId}（¥{amount}）的 {points, number} 积分已于 {day} 到账，之后因退款 ¥{refunded} 按比例扣回了一部分。发送「积分明细」查看。',
    en: 'Order {orderId} (¥{amount}) earned {points, plural, one {# point} other {# points}} on {day}; its refund of ¥{refunded} later took back the same share. Send /statement to see both.',
  },
  orderPending: {
    zh: '订单 {orderId} 的 {points, number} 积分已于 {day} 记入，{available} 起可以使用。',
    en: 'Order {orderId} earned {points, plural, one {# point} other {# points}} on {day}, to use from {available}.',
  },
  orderNotYours: {
    zh: '订单 {orderId} 不在你的账户上。如果这是你的订单，发送「转人工」，客服会帮你核对。',
    en: 'Order {orderId} isn’t on your account. If it is yours, send /human and our team will check it with you.',
  },
  orderUnknown: {
    zh: '我这边还没有订单 {orderId} 的记录，已转给客服核对（工单 #{id}），他们会尽快回复你。',
    en: 'I have no record of order {orderId} yet, so I’ve passed it to our team to check (ticket #{id}). They’ll get back to you soon.',
  },
  orderUnknownJoined: {
    zh: '我这边还没有订单 {orderId} 的记录，已补充到你正在处理的工单 #{id}，客服会一并核对。',
    en: 'I have no record of order {orderId} yet; I’ve added it to your open ticket #{id}, and our team will check it.',
  },
  // The detail on the staff card of a ticket opened for a missing order.
  ticketDetail: { zh: '订单 {orderId} 积分未到账', en: 'points missing for order {orderId}' },
  groupNote: { zh: '已私信告诉你订单的情况。', en: "I've sent you what I found about that order privately." },
});
