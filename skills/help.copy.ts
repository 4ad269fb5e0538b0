// The framing words of /help (keys `help.*`): a heading for each audience's commands and the closing hint; the
// command lines themselves come from the declarations in skills/commands.ts.
import { defineCopy } from '../bot/core/copy';

export const helpCopy = defineCopy('help', {
  memberHeading: { zh: '我可以帮你：', en: 'Here is what I can do:' },
  moderatorHeading: { zh: '群管理员命令（在开通的群里）：', en: 'Group admin commands (in a listed group):' },
  managerHeading: { zh: '管理员命令：', en: 'Manager commands:' },
  staffHeading: { zh: '客服命令：', en: 'Staff commands:' },
  askAnything: { zh: '也可以直接问我，比如“我有多少积分？”', en: 'You can also just ask, e.g. "how many points do I have?"' },
});
