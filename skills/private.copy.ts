// What a group hears when a member's own business (or a manager's result) goes to a private chat instead, and the
// button that opens one (keys `private.*`; the runtime's rerouting uses the same button).
import { defineCopy } from '../bot/core/copy';

export const privateCopy = defineCopy('private', {
  chatButton: { zh: '私聊我', en: 'Chat with me privately' },
  sent: { zh: '📩 已私信发给你。', en: "📩 I've sent it to you privately." },
  openFirst: {
    zh: '🔒 积分和券码只在私聊里告诉你。请先点下方按钮私聊我，再问我一次。',
    en: '🔒 I keep points and codes to private chats. Open one with me (the button below), then ask me again.',
  },
  // A manager's or staff member's result, asked for in a members' group: the group hears only where it went.
  sentToManager: { zh: '📩 结果已私信发给你。', en: "📩 I've sent you the result privately." },
  sentToStaffRoom: { zh: '📩 结果已发到客服群。', en: "📩 I've sent the result to the staff room." },
  managerOpenFirst: {
    zh: '🔒 管理操作的结果只私信告诉你，但我现在还不能私信你。请点下方按钮私聊我，之后的结果都会发到那里。',
    en: "🔒 I send the results of manager commands privately, but I can't write to you yet. Open a chat with me (the button below) and they'll come there from now on.",
  },
});
