// What the badge skills say: managers granting and taking back badges, the group's announcement, members' lists, and
// why a member pointed at could not be found (keys `badges.*`; grant uses those too).
import { defineCopy } from '../bot/core/copy';

export const badgesCopy = defineCopy('badges', {
  // How a badge is named inside a sentence, and the catalog as one line.
  badgeName: { zh: '{emoji}「{name}」', en: '{emoji} {name}' },
  catalogEntry: { zh: '{emoji} {id} {name}', en: '{emoji} {id} ({name})' },
  catalogSeparator: { zh: '、', en: ', ' },

  unknownReply: {
    zh: '我认不出那条消息是谁发的。请直接 @ 对方，或回复对方的其他消息。',
    en: "I can't tell who wrote that message. Mention them, or reply to another of their messages.",
  },
  unknownName: {
    zh: '我找不到这位成员。请回复对方的消息再发送命令，或从列表里点选 @ 对方。',
    en: "I can't find that member. Reply to one of their messages with the command, or pick them from the @ list.",
  },
  ambiguousName: {
    zh: '最近有不止一位成员用过这个名字，为免弄错人，请回复对方的消息再发送命令。',
    en: 'More than one member has used that name recently. To be sure it reaches the right person, reply to one of their messages with the command.',
  },

  grantManagersOnly: {
    zh: '只有社群管理员可以颁发勋章哦。想要勋章？多帮助群友、坚持签到就有机会～',
    en: 'Only community managers can grant badges. Keep helping others and checking in — yours may be next!',
  },
  revokeManagersOnly: { zh: '只有社群管理员可以收回勋章哦。', en: 'Only community managers can take badges back.' },
  grantUsage: {
    zh: '用法：颁发勋章 @成员 <勋章>，或回复对方的消息发送「颁发勋章 <勋章>」。',
    en: 'Usage: /badge @member <badge>, or reply to their message with /badge <badge>.',
  },
  revokeUsage: {
    zh: '用法：收回勋章 @成员 <勋章>，或回复对方的消息发送「收回勋章 <勋章>」。',
    en: 'Usage: /unbadge @member <badge>, or reply to their message with /unbadge <badge>.',
  },
  usageWithCatalog: { zh: '{usage}\n勋章：{badges}', en: '{usage}\nBadges: {badges}' },
  noSuchBadge: { zh: '没有「{asked}」这个勋章。可用的勋章：{badges}', en: 'There is no badge "{asked}". Badges: {badges}' },
  notYourOwn: { zh: '不能给自己颁发或收回勋章哦，请社群管理员来操作。', en: "You can't grant or take back your own badges; please ask a community manager." },
  notInThisGroup: { zh: '{name} 不是这个群的成员，无法在这里操作。', en: "{name} isn't a member of this group, so that can't be done here." },
  alreadyHeld: { zh: '{name} 已经拥有勋章 {badge}啦。', en: '{name} already has the {badge} badge.' },
  notHeld: { zh: '{name} 没有勋章 {badge}，无需收回。', en: "{name} doesn't have the {badge} badge." },
  granted: { zh: '🎉 恭喜 {name} 获得勋章 {badge}！{description}', en: '🎉 {name} earned the {badge} badge — {description}!' },
  revoked: { zh: '已收回 {name} 的勋章 {badge}。', en: "{name}'s {badge} badge has been withdrawn." },

  noneYet: { zh: '你还没有勋章，快来收集吧：', en: 'No badges yet. Here is what you can collect:' },
  howToEarn: { zh: '{emoji} {name}：{description}', en: '{emoji} {name}: {description}' },
  noneYetOther: { zh: '{name} 还没有勋章。', en: '{name} has no badges yet.' },
  yours: { zh: '你的勋章（{count}）：', en: 'Your badges ({count}):' },
  theirs: { zh: '{name} 的勋章（{count}）：', en: "{name}'s badges ({count}):" },
  held: { zh: '{emoji} {name} — {description}', en: '{emoji} {name} — {description}' },
});
