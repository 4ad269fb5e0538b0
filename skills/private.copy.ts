// What a group hears when a member's own business goes to their private chat instead, and the button that opens one
// (keys `private.*`; the runtime's rerouting uses the same button).
import { defineCopy } from '../bot/core/copy';

export const privateCopy = defineCopy('private', {
  chatButton: { zh: '私聊我', en: 'Chat with me privately' },
  sent: { zh: '📩 已私信发给你。', en: "📩 I've sent it to you privately." },
  openFirst: {
    zh: '🔒 积分和券码只在私聊里告诉你。请先点下方按钮私聊我，再问我一次。',
    en: '🔒 I keep points and codes to private chats. Open one with me (the button below), then ask me again.',
  },
});
