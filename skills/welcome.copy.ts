// What welcomes and referrals say: a new member's welcome, `/invite` and its code, using a code, and the inviter's
// reward when a referral pays (keys `welcome.*`).
import { defineCopy } from '../bot/core/copy';

export const welcomeCopy = defineCopy('welcome', {
  welcomeToGroup: {
    zh: '欢迎 {name} 加入！👋 每天发送「签到」领积分，想查积分直接问我“我有多少积分”就好。',
    en: 'Welcome, {name}! 👋 Send "check in" every day to earn points, and ask me "how many points do I have?" anytime.',
  },
  welcome: {
    zh: '欢迎 {name}！👋 每天发送「签到」领积分，想查积分直接问我“我有多少积分”就好。',
    en: 'Welcome, {name}! 👋 Send "check in" every day to earn points, and ask me "how many points do I have?" anytime.',
  },
  invitedBy: {
    zh: '你是 {inviter} 邀请来的，{when}，{inviter} 将获得 {points} 积分。',
    en: '{inviter} invited you: they earn {points} points {when}.',
  },
  // When a referral pays, said to the invited member or to the inviter about their friend.
  whenYouCheckIn: {
    zh: '你{checkins, plural, =1 {首次签到} other {累计签到满 # 天}}后',
    en: 'after your {checkins, selectordinal, =1 {first} one {#st} two {#nd} few {#rd} other {#th}} check-in',
  },
  whenYouBuyOrCheckIn: {
    zh: '你首次消费或{checkins, plural, =1 {首次签到} other {累计签到满 # 天}}后',
    en: 'after your first purchase or your {checkins, selectordinal, =1 {first} one {#st} two {#nd} few {#rd} other {#th}} check-in',
  },
  whenFriendChecksIn: {
    zh: '好友{checkins, plural, =1 {首次签到} other {累计签到满 # 天}}后',
    en: 'after their {checkins, selectordinal, =1 {first} one {#st} two {#nd} few {#rd} other {#th}} check-in',
  },
  whenFriendBuysOrChecksIn: {
    zh: '好友首次消费或{checkins, plural, =1 {首次签到} other {累计签到满 # 天}}后',
    en: 'after their first purchase or their {checkins, selectordinal, =1 {first} one {#st} two {#nd} few {#rd} other {#th}} check-in',
  },

  yourCode: { zh: '你的专属邀请码：{code}', en: 'Your invite code: {code}' },
  inviteLink: { zh: '邀请链接：{link}', en: 'Invite link: {link}' },
  inviteTermsWithLink: {
    zh: '好友入群时使用邀请码（或点开链接），{when}你可得 {points} 积分，每位好友一次。',
    en: 'When a friend joins with it (or opens the link), you earn {points} points {when} — once per friend.',
  },
  inviteTerms: {
    zh: '好友入群时使用邀请码（发给我「邀请码 {code}」），{when}你可得 {points} 积分，每位好友一次。',
    en: 'When a friend joins with it (by sending me "invite {code}"), you earn {points} points {when} — once per friend.',
  },
  badCode: {
    zh: '邀请码由字母和数字组成，例如：邀请码 K7QX2M。发送「邀请」获取你自己的邀请码。',
    en: 'An invite code is letters and digits, e.g. /invite K7QX2M. Send /invite alone to get your own code.',
  },
  alreadyInvited: {
    zh: '你已经通过 {inviter} 的邀请加入啦，发送「签到」开始吧！',
    en: "You already joined through {inviter}'s invite. Send \"check in\" to get going!",
  },
  // Who invited, when they are no longer known.
  aFriend: { zh: '好友', en: 'a friend' },
  unknownCode: {
    zh: '邀请码「{code}」无效，请和邀请你的好友核对一下。',
    en: 'The invite code "{code}" isn\'t valid. Please check it with the friend who sent it.',
  },
  ownCode: { zh: '这是你自己的邀请码哦，分享给好友吧！', en: "That's your own invite code — share it with friends!" },
  notNew: { zh: '邀请码只适用于新成员，你已经是老朋友啦 😊', en: "Invite codes are for new members, and you're already one of us 😊" },

  referralPaid: {
    zh: '🎁 你邀请的 {name} 已成为活跃会员，你获得 {points} 积分邀请奖励！当前积分 {balance}。',
    en: '🎁 {name}, whom you invited, is now an active member: you earn {points} referral points! Balance: {balance}.',
  },
});
