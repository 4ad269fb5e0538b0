// What a member hears when they tell Hearth what to call them (keys `profile.*`).
import { defineCopy } from '../bot/core/copy';

export const profileCopy = defineCopy('profile', {
  named: { zh: '好的，以后我就叫你「{name}」啦。', en: "Got it, I'll call you {name} from now on." },
  usage: { zh: '想让我怎么称呼你？发送「昵称 你的名字」，例如：昵称 小王', en: 'What should I call you? Send /name and your name, e.g. /name Sam' },
  invalid: {
    zh: '这个名字用不了：请用 1–{max, number} 个字，不含链接、@ 或换行。',
    en: "I can't use that name: keep it to 1–{max, number} characters, without links, @ or line breaks.",
  },
});
