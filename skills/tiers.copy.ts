// What tier reviews tell a member: an upgrade and its gift, a grace period, a step down, a tier kept (keys `tiers.*`).
import { defineCopy } from '../bot/core/copy';

export const tiersCopy = defineCopy('tiers', {
  upgraded: { zh: '🎉 恭喜升级为{tier}会员{gift}！{perk}', en: "🎉 Congratulations, you've reached {tier}!{gift}{perk}" },
  upgradeGift: { zh: '，获赠 {gift, number} 积分升级礼', en: ' Your upgrade gift of {gift, number} points is in your account.' },
  upgradePerk: { zh: '今后消费可享 {multiplier} 倍积分。', en: ' Purchases now earn ×{multiplier} points.' },
  grace: {
    zh: '你近期的成长值为 {growth, number}，低于{tier}门槛 {threshold, number}。{lastDay} 前再获得 {gap, number} 成长值即可保留{tier}，否则将降一级。',
    en: "Your growth value is now {growth, number}, below {tier}'s {threshold, number}. Earn {gap, number} more by {lastDay} to keep {tier}; otherwise you'll move down one tier.",
  },
  downgraded: { zh: '你的会员等级已调整为{tier}。', en: 'Your tier is now {tier}.' },
  downgradedWithGrace: {
    zh: '你的会员等级已调整为{tier}。{lastDay} 前再获得 {gap, number} 成长值即可保留{tier}。',
    en: 'Your tier is now {tier}. Earn {gap, plural, one {# more growth point} other {# more growth points}} by {lastDay} to keep it.',
  },
  recovered: { zh: '成长值已回到{tier}门槛以上，保级成功！', en: "You're back above {tier}'s threshold, so {tier} stays yours." },
  // In a group a grace period or a step down (it names the growth value) becomes a pointer to ask privately.
  newsInGroup: {
    zh: '你的会员等级有新消息，私聊我发送「等级」即可查看。',
    en: 'There is news about your membership tier: send me /tier in a private chat to see it.',
  },
});
