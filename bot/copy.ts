// What the runtime itself says, apart from any skill (keys `hearth.*`; a program's `copy:` may replace any line).
import { defineCopy } from './core/copy';

export const runtimeCopy = defineCopy('hearth', {
  unlistedGroup: {
    zh: '你好！我还没有在这个群开通服务。社群管理员在群里发送 /group on 即可开通。',
    en: "Hi! I'm not set up for this group yet. A community manager can turn me on here with /group on.",
  },
  somethingWentWrong: { zh: '抱歉，处理时出了点问题，请稍后再试。', en: 'Sorry, something went wrong on my side. Please try again in a moment.' },
  // To the staff room when a channel has been down a while, and when it is back; {channel} is one of the names below.
  nameTelegram: { zh: 'Telegram', en: 'Telegram' },
  nameWecom: { zh: '企业微信', en: 'WeCom' },
  nameWechat: { zh: '微信', en: 'WeChat' },
  channelDown: {
    zh: '⚠️ {channel} 连接中断（{reason}），那里的会员暂时收不到回复。恢复后我会在这里告诉大家。',
    en: "⚠️ {channel} is down ({reason}): members there get no answers for now. I'll say here when it is back.",
  },
  channelBack: {
    zh: '✅ {channel} 已恢复，中断期间收到的消息正在处理。',
    en: '✅ {channel} is back; what arrived meanwhile is being answered.',
  },
  // To the staff room, once, when a platform says the whole account sends too often; {until} is a local HH:MM.
  channelThrottled: {
    zh: '⏸️ {channel}提示发送过于频繁，Hearth 已暂停那里的所有发送 {minutes} 分钟（到 {until} 左右），之后会慢慢恢复。期间收到的消息都记着，恢复后按顺序回复。',
    en: "⏸️ {channel} says Hearth is sending too often, so all sending there is paused for {minutes, plural, one {# minute} other {# minutes}} (until about {until}), then eases back in. Messages that arrive meanwhile are kept and answered in order.",
  },
  // Said instead of the private-chat button where a platform has no buttons (WeChat).
  privateChatHint: { zh: '（想私聊的话，点开我的头像给我发条消息即可）', en: '(To chat privately, open my profile and send me a message.)' },
  secretUndelivered: {
    zh: '🔒 我没能私信给你，刚才的内容只在私聊里发。请点下方按钮私聊我，再问我一次。',
    en: "🔒 I couldn't reach you privately, and that answer is only for a private chat. Open one with the button below, then ask me again.",
  },
});
