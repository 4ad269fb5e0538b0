// What the fallback says to a message for the bot that no skill understood: an unknown command, or words it could not
// follow (keys `fallback.*`; a program's `copy:` may replace any).
import { defineCopy } from '../bot/core/copy';

export const fallbackCopy = defineCopy('fallback', {
  unknownCommand: {
    zh: '我不认识 /{command} 这个命令。发送「帮助」查看我能做什么。',
    en: "I don't know the command /{command}. Send /help to see what I can do.",
  },
  notUnderstood: {
    zh: '抱歉，我没太明白。你可以问“我有多少积分”，或发送「帮助」查看我能做什么。',
    en: 'Sorry, I didn\'t quite get that. You can ask "how many points do I have?" or send /help to see what I can do.',
  },
});
