// What the check-in, make-up card and leaderboard skills say (keys `checkin.*`; a program's `copy:` may replace any).
import { defineCopy } from '../bot/core/copy';

export const checkinCopy = defineCopy('checkin', {
  // A group sees what the check-in did, never the balance.
  doneInGroup: {
    zh: '✅ {name} 签到成功！+{points} 积分{bonus} · 已连续签到 {streak} 天{next}。',
    en: '✅ {name} checked in! +{points} points{bonus} · {streak}-day streak{next}.',
  },
  done: {
    zh: '✅ 签到成功！+{points} 积分{bonus} · 已连续签到 {streak} 天{next}。当前积分 {balance}。',
    en: '✅ Checked in! +{points} points{bonus} · {streak}-day streak{next}. Balance: {balance}.',
  },
  streakBonus: { zh: '，连签 {streak} 天奖励 +{bonus} 🎉', en: ', plus a {bonus}-point bonus for your {streak}-day streak 🎉' },
  toBonus: {
    zh: ' · 再签 {days} 天可得 {bonus} 积分奖励',
    en: ' · {days, plural, one {# more day} other {# more days}} to the {bonus}-point bonus',
  },
  toNextBonus: {
    zh: ' · 再签 {days} 天可再得 {bonus} 积分奖励',
    en: ' · {days, plural, one {# more day} other {# more days}} to the next bonus',
  },
  streakEnded: {
    zh: '上次连签 {streak} 天已中断，今天重新开始，加油！',
    en: "Your {streak}-day streak ended, so this is day 1 of a new one. You've got this!",
  },
  alreadyInGroup: {
    zh: '{name}，你今天已经签到过啦 😊 已连续签到 {streak} 天。{next}',
    en: "{name}, you've already checked in today 😊 {streak}-day streak. {next}",
  },
  already: {
    zh: '你今天已经签到过啦 😊 已连续签到 {streak} 天。{next}',
    en: "You've already checked in today 😊 {streak}-day streak. {next}",
  },
  seeYouForBonus: {
    zh: '再签 {days} 天可得 {bonus} 积分奖励，明天见～',
    en: '{days, plural, one {# more day} other {# more days}} to the {bonus}-point bonus — see you tomorrow!',
  },
  seeYou: { zh: '明天见～', en: 'See you tomorrow!' },
  newBadge: { zh: '{emoji} 获得新勋章「{badge}」！', en: '{emoji} New badge: {badge}!' },
  referralPaid: {
    zh: '🎁 邀请你的 {inviter} 获得 {points} 积分邀请奖励，谢谢你们！',
    en: '🎁 {inviter}, who invited you, earns {points} referral points. Thank you both!',
  },
  // Questions about checking in, answered without checking in.
  infoPoints: { zh: '📅 每天签到一次 +{points} 积分。', en: '📅 Check in once a day: +{points} points.' },
  infoBonus: {
    zh: '🔥 连续签到每满 {every} 天再奖励 {bonus} 积分；中断一天就从第 1 天重新算。',
    en: '🔥 Every {every} days in a row earns a {bonus}-point bonus; miss a day and the streak starts again at 1.',
  },
  infoGrowth: { zh: '📈 每次签到还会 +{growth} 成长值，帮你升级。', en: '📈 Each check-in also adds {growth} growth toward your next tier.' },
  statusDone: { zh: '✅ 你今天已经签到了，已连续签到 {streak} 天。', en: "✅ You've checked in today: {streak, plural, one {# day} other {# days}} in a row." },
  statusNotYet: {
    zh: '你今天还没签到，目前已连续 {streak} 天，发送「签到」就能接上。',
    en: "You haven't checked in today. Your streak is {streak, plural, one {# day} other {# days}}: send /checkin to keep it going.",
  },
  statusNotYetNoStreak: { zh: '你今天还没签到，发送「签到」即可。', en: "You haven't checked in today. Send /checkin to do it now." },
  statusToBonus: {
    zh: '再签 {days} 天可得 {bonus} 积分连签奖励。',
    en: '{days, plural, one {# more day} other {# more days}} to the {bonus}-point streak bonus.',
  },
  noArguments: { zh: '签到不需要参数，直接发送「签到」就好。', en: 'Check-in takes no arguments: just send /checkin.' },

  makeupUnavailable: { zh: '目前还没有开放补签卡。', en: "Make-up cards aren't available in this program." },
  makeupNoCard: {
    zh: '你还没有补签卡。补签卡可用 {cost} 积分兑换：发送「兑换 补签卡」。',
    en: "You don't have a make-up card yet. They cost {cost} points: send /redeem makeup-card.",
  },
  makeupNotMissed: { zh: '你昨天签到过了，连签没有中断，不需要补签～', en: 'You checked in yesterday, so your streak is intact — no make-up needed.' },
  makeupNoStreak: {
    zh: '补签卡只能补上昨天这一天，用来接上中断的连签；你前天也没有签到，补签接不上哦。',
    en: "A make-up card fills in yesterday to bridge a one-day gap; you didn't check in the day before either, so there's no streak to save.",
  },
  makeupRestored: {
    zh: '✅ 已用补签卡补上昨天（{month}月{day}日）的签到，连签恢复为 {streak} 天！记得今天也来签到哦。',
    en: '✅ Make-up card used: yesterday ({date}) is filled in and your streak is back to {streak} days! Remember to check in today too.',
  },
  makeupRestoredWithToday: {
    zh: '✅ 已用补签卡补上昨天（{month}月{day}日）的签到，连签恢复为 {streak} 天！',
    en: '✅ Make-up card used: yesterday ({date}) is filled in and your streak is back to {streak} days!',
  },
  makeupBonus: { zh: '🎉 连签奖励 +{bonus} 积分！', en: '🎉 Streak bonus: +{bonus} points!' },
  makeupCardsLeft: { zh: '剩余补签卡 {cards} 张。', en: 'Make-up cards left: {cards}.' },

  topEmpty: {
    zh: '{month}月还没有人上榜，发送「签到」来做第一名吧！',
    en: 'Nobody has earned points this month yet. Send "check in" to be the first!',
  },
  topTitle: { zh: '🏆 {month}月排行榜', en: '🏆 {monthName} leaderboard' },
  topRow: { zh: '{place} {name} · {points} 积分', en: '{place} {name} · {points} pts' },
  topRowStreak: { zh: '{place} {name} · {points} 积分 · 连签 {streak} 天', en: '{place} {name} · {points} pts · {streak}-day streak' },
  topYourRank: { zh: '你排第 {rank} 名，本月 {points} 积分。', en: "You're #{rank} with {points} points this month." },
  topNotOnBoard: { zh: '你本月还没上榜，发送「签到」开始吧！', en: "You're not on this month's board yet. Send \"check in\" to start!" },
});
