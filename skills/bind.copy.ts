// What binding a chat account to a shop customer says (keys `bind.*`): to the member, and to the staff room when a
// customer turns out to be bound to someone else already.
import { defineCopy } from '../bot/core/copy';

export const bindCopy = defineCopy('bind', {
  bound: {
    zh: '✅ 已绑定商城账户，之前购物获得的积分已记入你的账户。当前积分 {balance, number}。',
    en: '✅ Your shop account is linked: the points from your earlier purchases are yours now. Balance: {balance, number}.',
  },
  already: { zh: '你已经绑定了这个商城账户，无需再绑定～', en: 'This shop account is already linked to you.' },
  invalid: {
    zh: '这个绑定码无效或已过期。请在商城「绑定社群账号」页面重新获取，再发送「绑定 绑定码」。',
    en: "That link code isn't valid or has expired. Get a new one from the shop, then send /bind CODE.",
  },
  usage: { zh: '用法：绑定 <绑定码>（绑定码在商城「绑定社群账号」页面获取）。', en: 'Usage: /bind CODE (the shop shows you the code).' },
  taken: {
    zh: '这个商城账户已经绑定了别的聊天账号，我已请客服同事核实，稍后会联系你。',
    en: "That shop account is linked to another chat account. I've asked a colleague to check, and they'll be in touch.",
  },
  otherCustomer: {
    zh: '你的聊天账号已经绑定了另一个商城账户。如需更换，请联系客服（发送「转人工」）。',
    en: 'Your chat account is already linked to another shop account. To change it, ask a colleague (send /human).',
  },
  staffTaken: {
    zh: '⚠️ {name} 用绑定码绑定商城客户 {customer}，但该客户已绑定会员 #{boundTo}，已拒绝。请核实是否同一人；如是，可在服务器上用 hearth members link 合并两个账号。',
    en: '⚠️ {name} used a link code for shop customer {customer}, which is already linked to member #{boundTo}: refused. Please check whether they are the same person; if so, merge the two with hearth members link.',
  },
});
