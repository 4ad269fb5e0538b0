// What the nudges skill says (keys `nudges.*`): to members muting and unmuting reminders, and to managers listing,
// pausing, resuming and previewing rules with /nudges (and `hearth nudges`). The nudges themselves are the program's.
import { defineCopy } from '../bot/core/copy';

export const nudgesCopy = defineCopy('nudges', {
  // ——— to members ———
  muted: {
    zh: '好的，之后不再给你发送提醒。和你自己积分有关的通知（积分到账、等级变化等）仍会照常发送。想恢复提醒时发送「订阅」或「取消免打扰」即可。',
    en: "Done: no more reminders from me. Notices about your own points (points added, tier changes) still come. Send /unmute or \"subscribe\" whenever you'd like reminders back.",
  },
  alreadyMuted: {
    zh: '你已经开启了免打扰，不会再收到提醒。想恢复时发送「订阅」或「取消免打扰」。',
    en: 'Reminders are already off for you. Send /unmute or "subscribe" to turn them back on.',
  },
  // Asked to stop every message: notices about the member's own points are kept (why: skills/nudges.ts optOut).
  noticesStay: {
    zh: '积分到账、等级变化这类通知是你账户的记录，无法单独关闭；如果不想再使用会员服务，可以发送「删除我的数据」。',
    en: "Notices about your own points and tier are your account's record and can't be turned off on their own. If you'd rather leave the program, send /deleteme.",
  },
  unmuted: { zh: '已恢复提醒。随时发送「免打扰」即可暂停。', en: 'Reminders are back on. Send /mute anytime to pause them.' },
  notMuted: { zh: '你没有开启免打扰，会正常收到提醒。', en: 'Reminders are already on for you.' },

  // ——— to managers ———
  managersOnly: {
    zh: '抱歉，只有社群管理员可以管理提醒规则。如果不想收到提醒，可以发送「免打扰」。',
    en: 'Sorry, only community managers can manage nudges. To stop reminders for yourself, send /mute.',
  },
  usage: {
    zh: '用法：/nudges 查看规则；/nudges pause <规则id> 暂停；/nudges resume <规则id> 恢复；/nudges preview <规则id> 预览。',
    en: 'Usage: /nudges lists the rules; /nudges pause <id>, /nudges resume <id>, /nudges preview <id>.',
  },
  whichRule: {
    zh: '请写上规则id，例如 /nudges {action} dormant-30。现有规则：{rules}',
    en: 'Which rule? For example /nudges {action} dormant-30. Rules: {rules}',
  },
  noSuchRule: { zh: '没有找到规则「{rule}」。现有规则：{rules}', en: 'There is no nudge rule "{rule}". Rules: {rules}' },
  alreadyRunning: { zh: '规则 {rule} 本来就在运行。', en: '{rule} is already running.' },
  alreadyPaused: { zh: '规则 {rule} 已经是暂停状态。', en: '{rule} is already paused.' },
  resumed: { zh: '已恢复规则 {rule}，下次运行：{when}。', en: 'Resumed {rule}. Next run: {when}.' },
  paused: {
    zh: '已暂停规则 {rule}，恢复前不会再发送。发送 /nudges resume {rule} 可恢复。',
    en: 'Paused {rule}. It sends nothing until /nudges resume {rule}.',
  },

  // The rule list: a title, one row per rule (what it is · next run or paused · sends), and how to change one.
  noRules: {
    zh: '还没有提醒规则。可以在活动配置文件的 nudges.rules 中添加。',
    en: 'There are no nudge rules yet. Add them under nudges.rules in the program file.',
  },
  rulesTitle: { zh: '提醒规则（发送数为近{days}天）：', en: 'Nudge rules (sends over the last {days, plural, one {# day} other {# days}}):' },
  ruleNext: { zh: '下次 {when}', en: 'next {when}' },
  rulePaused: { zh: '已暂停', en: 'paused' },
  ruleSent: { zh: '已发 {sent, number} 条', en: '{sent, number} sent' },
  rulesFooter: { zh: '暂停、恢复或预览：/nudges pause|resume|preview <规则id>', en: 'Pause, resume or preview one: /nudges pause|resume|preview <id>' },
  // What each kind of rule is, in the list.
  kindNearTier: { zh: '临近升级', en: 'close to the next tier' },
  kindDormant: { zh: '{days}天未活跃', en: 'silent {days}+ days' },
  kindExpiring: { zh: '积分{days}天内到期', en: 'points expiring within {days, plural, one {# day} other {# days}}' },
  kindBirthday: { zh: '生日祝福', en: 'birthday' },
  kindStreakAtRisk: { zh: '连签即将中断', en: 'check-in streak at risk' },

  // A preview: sends nothing, shows who would get the rule now and a few samples.
  previewNobody: {
    zh: '预览 {rule}：现在没有成员符合条件（未发送任何消息）。',
    en: 'Preview of {rule}: nobody would get it right now. Nothing was sent.',
  },
  previewCount: {
    zh: '预览 {rule}：现在会发给 {count, number} 位成员（未实际发送）。',
    en: 'Preview of {rule}: {count, plural, one {# member} other {# members}} would get it now. Nothing was sent.',
  },
  previewSamples: { zh: '示例：', en: 'Samples:' },
  previewSample: { zh: '{n}. {name}：{text}', en: '{n}. {name}: {text}' },
  previewPaused: { zh: '此规则已暂停，发送 /nudges resume {rule} 恢复。', en: 'This rule is paused; /nudges resume {rule} turns it back on.' },
});
