// What the assistant says itself when the model cannot give a checked answer (keys `assistant.*`).
import { defineCopy } from '../../bot/core/copy';

export const assistantCopy = defineCopy('assistant', {
  unsure: {
    zh: '这个问题我暂时没法给你准确的答复。你可以问“我有多少积分”，或发送「转人工」请工作人员来帮你。',
    en: 'I can\'t give you a sure answer to that right now. You can ask "how many points do I have?", or send /human and a person will help.',
  },
  agreed: {
    zh: '好的，之后我答不上来的问题会请 AI 模型帮忙，它只能看到你的积分、等级等会员信息，不会看到你的手机号。发送「AI助手 off」随时停止。',
    en: "Done: questions I can't answer myself will go to an AI model from now on. It sees only your member data (points, tier, check-ins), never your phone number. Send /ai off to stop at any time.",
  },
  alreadyOn: { zh: 'AI 助手已经开启。发送「AI助手 off」可以停止。', en: 'The AI model is already on for you. Send /ai off to stop.' },
  withdrawn: { zh: '已停止，你的问题不会再发给 AI 模型。发送「AI助手 on」可以重新开启。', en: "Stopped: your questions won't go to the AI model any more. Send /ai on to turn it back on." },
  alreadyOff: { zh: 'AI 助手没有开启，你的问题不会发给 AI 模型。发送「AI助手 on」可以开启。', en: "The AI model is off for you: your questions don't go to it. Send /ai on to turn it on." },
  usageOn: {
    zh: '我答不上来的问题会请 AI 模型帮忙，它只能看到你的会员信息。不想这样的话，发送「AI助手 off」。',
    en: "Questions I can't answer myself go to an AI model, which sees only your member data. Send /ai off if you'd rather they didn't.",
  },
  usageOff: {
    zh: 'AI 助手没有为你开启。发送「AI助手 on」，我答不上来的问题就可以请 AI 模型帮忙。',
    en: "The AI model is off for you. Send /ai on to let it help with questions I can't answer myself.",
  },
  noModel: { zh: '这里没有接入 AI 模型，我会用自己的方式回答你。', en: "There's no AI model set up here: I answer everything myself." },
});
