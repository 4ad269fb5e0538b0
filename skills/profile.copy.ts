// What a member hears when they tell Hearth what to call them, or their birthday (keys `profile.*`).
import { defineCopy } from '../bot/core/copy';

export const profileCopy = defineCopy('profile', {
  named: { zh: '好的，以后我就叫你「{name}」啦。', en: "Got it, I'll call you {name} from now on." },
  usage: { zh: '想让我怎么称呼你？发送「昵称 你的名字」，例如：昵称 小王', en: 'What should I call you? Send /name and your name, e.g. /name Sam' },
  invalid: {
    zh: '这个名字用不了：请用 1–{max, number} 个字，不含链接、@ 或换行。',
    en: "I can't use that name: keep it to 1–{max, number} characters, without links, @ or line breaks.",
  },

  // A birthday told in chat. `{date}` is a birthday as `date` or `dateWithYear` writes it.
  date: { zh: '{month}月{day}日', en: '{day} {monthName}' },
  dateWithYear: { zh: '{year}年{month}月{day}日', en: '{day} {monthName} {year}' },
  birthdaySet: { zh: '🎂 记下啦，你的生日是{date}。', en: '🎂 Got it: your birthday is {date}.' },
  birthdayPerk: { zh: '生日当天消费可享 {multiplier} 积分。', en: 'On the day, your purchases earn {multiplier} points.' },
  birthdayFinal: {
    zh: '生日登记后不能自行修改，如有写错请联系客服。',
    en: "Once set, it can't be changed here; if it's wrong, ask our staff (/human).",
  },
  birthdaySame: { zh: '你的生日已经登记为{date}，不用再设置啦。', en: 'Your birthday is already set to {date}, so nothing to change.' },
  birthdayLocked: {
    zh: '你的生日已登记为{date}，不能在这里修改。如需更正，请联系客服（发送「转人工」）。',
    en: "Your birthday is already set to {date} and can't be changed here. To correct it, ask our staff (send /human).",
  },
  birthdayInvalid: {
    zh: '这个日期好像不对。请这样告诉我：我的生日是3月15日（或 1990-03-15）。',
    en: "That date doesn't look right. Tell me like this: my birthday is 15 March (or 1990-03-15).",
  },
});
