// What the runtime itself says, apart from any skill (keys `hearth.*`; a program's `copy:` may replace any line).
import { defineCopy } from './core/copy';

export const runtimeCopy = defineCopy('hearth', {
  unlistedGroup: {
    zh: '你好！我还没有在这个群开通服务。社群管理员在群里发送 /group on 即可开通。',
    en: "Hi! I'm not set up for this group yet. A community manager can turn me on here with /group on.",
  },
  somethingWentWrong: { zh: '抱歉，处理时出了点问题，请稍后再试。', en: 'Sorry, something went wrong on my side. Please try again in a moment.' },
  secretUndelivered: {
    zh: '🔒 我没能私信给你，刚才的内容只在私聊里发。请点下方按钮私聊我，再问我一次。',
    en: "🔒 I couldn't reach you privately, and that answer is only for a private chat. Open one with the button below, then ask me again.",
  },
});
