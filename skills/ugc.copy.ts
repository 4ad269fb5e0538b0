// What rewarded posts say: to the member sharing and hearing the outcome, and to the managers reviewing (keys `ugc.*`).
import { defineCopy } from '../bot/core/copy';

export const ugcCopy = defineCopy('ugc', {
  howToShare: { zh: '分享格式：#分享 你的心得（至少 {min} 个字）。', en: 'To share, send: #share followed by your post (at least {min} characters).' },
  tooLong: { zh: '内容太长啦，分享最多 {max} 个字，请精简后再发。', en: "That's too long: posts can be up to {max} characters. Please trim it and share again." },
  tooShort: {
    zh: '分享至少需要 {min} 个字（不含标点和表情），你的只有 {length} 个字。多写一点使用感受吧！',
    en: 'Posts need at least {min} characters (not counting spaces, punctuation or emoji); yours has {length}. Tell us a bit more!',
  },
  alreadyShared: { zh: '这篇你已经分享过了（#{id}），同样的内容只算一次哦。', en: "You've already shared this (post #{id}); the same post counts once." },
  received: {
    zh: '📝 收到你的分享（#{id}），等管理员审核通过后可得 {points} 积分。',
    en: '📝 Thanks for sharing! Post #{id} is waiting for review; approved posts earn {points} points.',
  },

  // The outcome opens with whose post it is: by name in the group where it was posted, "your" in a private chat.
  whoNamed: { zh: '{name}，你的', en: '{name}, your' },
  whoYou: { zh: '你的', en: 'Your' },
  rejectedBecause: { zh: '{who}分享 #{id} 未通过审核。原因：{reason}', en: "{who} post #{id} wasn't approved. Reason: {reason}" },
  rejected: { zh: '{who}分享 #{id} 这次未通过审核。', en: "{who} post #{id} wasn't approved this time." },
  // In the group, to an author the bot cannot write to privately yet: the reason is theirs alone, never the group's.
  rejectedAskPrivately: {
    zh: '{name}，你的分享 #{id} 这次未通过审核。想了解原因，可以私聊管理员。',
    en: "{name}, your post #{id} wasn't approved this time. If you'd like to know why, ask a manager privately.",
  },
  approvedOverCap: {
    zh: '✅ {who}分享 #{id} 已通过审核。每天最多 {cap} 篇分享可得积分，这篇就不加分啦，明天继续！',
    en: "✅ {who} post #{id} was approved. Only {cap} posts a day earn points, so this one doesn't — share again tomorrow!",
  },
  approvedDuplicate: {
    zh: '✅ {who}分享 #{id} 已通过审核。相同内容只奖励一次，这篇不再加积分。',
    en: '✅ {who} post #{id} was approved. The same text earns points only once, so no points this time.',
  },
  // Told in the group: what the approval earned, never the balance.
  approvedInGroup: { zh: '🎉 {who}分享 #{id} 已通过审核，+{points} 积分！', en: '🎉 {who} post #{id} was approved: +{points} points!' },
  approved: {
    zh: '🎉 {who}分享 #{id} 已通过审核，+{points} 积分！当前积分 {balance}。',
    en: '🎉 {who} post #{id} was approved: +{points} points! Balance: {balance}.',
  },

  managersOnly: { zh: '只有社群管理员可以审核分享哦。', en: 'Only community managers can review shared posts.' },
  noSuchPost: { zh: '没有编号为 #{id} 的分享。发送 /review 查看待审核列表。', en: 'There is no post #{id}. Send /review to see what is waiting.' },
  notAPost: {
    zh: '你回复的不是一篇分享。请回复成员的 #分享 消息，或使用 /approve <编号>。',
    en: "The message you replied to isn't a shared post. Reply to the member's #share message, or use /approve <id>.",
  },
  whichPostToApprove: {
    zh: '请回复要审核的分享，或带上编号，例如 /approve 12。发送 /review 查看待审核列表。',
    en: 'Reply to the post, or give its id, e.g. /approve 12. Send /review to see what is waiting.',
  },
  whichPostToReject: {
    zh: '请回复要审核的分享，或带上编号，例如 /reject 12 原因。发送 /review 查看待审核列表。',
    en: 'Reply to the post, or give its id, e.g. /reject 12 reason. Send /review to see what is waiting.',
  },
  notYourOwn: { zh: '不能审核自己的分享哦，请其他管理员来审核。', en: "You can't review your own post; another manager will." },
  otherGroup: {
    zh: '分享 #{id} 发在别的群里，只能由那个群的管理员或社群管理员审核。',
    en: "Post #{id} was shared in another group; only that group's admins or a community manager can review it.",
  },
  alreadyApproved: { zh: '分享 #{id} 之前就已通过了。', en: 'Post #{id} was already approved.' },
  alreadyRejected: { zh: '分享 #{id} 之前就已驳回了。', en: 'Post #{id} was already rejected.' },
  reasonTooLong: { zh: '驳回原因太长了，请控制在 {max} 字以内。', en: 'Please keep the reason under {max} characters.' },
  justReviewed: { zh: '分享 #{id} 刚刚已被审核。', en: 'Post #{id} was just reviewed by someone else.' },
  // To a manager reviewing a post from another chat.
  approvedAuthorTold: { zh: '已通过分享 #{id}（{author}），已通知作者。', en: 'Approved post #{id} ({author}); the author has been told.' },
  rejectedAuthorTold: { zh: '已驳回分享 #{id}（{author}），已通知作者。', en: 'Rejected post #{id} ({author}); the author has been told.' },

  nothingWaiting: { zh: '目前没有待审核的分享 🎉', en: 'Nothing is waiting for review 🎉' },
  waiting: { zh: '待审核的分享（{total}）：', en: 'Waiting for review ({total}):' },
  waitingMore: { zh: '……还有 {count} 篇', en: '…and {count} more' },
  howToReview: {
    zh: '回复分享发送 /approve 或 /reject <原因>，也可以用 /approve <编号>。',
    en: 'Reply to a post with /approve or /reject <reason>, or use /approve <id>.',
  },
});
