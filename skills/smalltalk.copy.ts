// What Hearth says to a greeting or a thanks (keys `smalltalk.*`; a program's `copy:` may replace any): short and kind,
// with one pointer to what it can do, never a "didn't get that".
import { defineCopy } from '../bot/core/copy';

export const smalltalkCopy = defineCopy('smalltalk', {
  greeting: {
    zh: '你好，{name}！😊 想查积分、等级，或发送「签到」每日签到都可以；发送「帮助」看看我还能做什么。',
    en: 'Hi {name}! 😊 Ask me about your points or tier, or send /checkin for today\'s check-in. /help shows the rest.',
  },
  greetingInGroup: { zh: '你好，{name}！😊 有什么可以帮你？', en: 'Hi {name}! 😊 How can I help?' },
  thanks: { zh: '不客气！😊 有需要随时找我。', en: "You're welcome! 😊 I'm here whenever you need me." },
});
