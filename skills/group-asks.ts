// Questions about oneself typed in a community group without mentioning the bot ("我还有多少积分", "how far am I
// from Gold?", "我今天签到了吗"): clear ones get an answer, privately (the group hears a short pointer); chatter stays unanswered.
import type { SkillContext } from '../bot/core/skill';
import { recogniseIntent, type IntentName } from '../community/intents';

/** The questions about one's own standing the bot answers in a group unasked (always privately). */
const selfQuestions: ReadonlySet<IntentName> = new Set<IntentName>(['balance', 'tier', 'next-tier', 'expiry', 'redeem', 'checkin-status']);

/** A quick question is short; a longer message that mentions points is a story, not a question to the bot. */
const MAX_GROUP_QUESTION = 60;

// Words that make the message about someone else, or to someone else: "你有多少积分", "他是金卡吗", "how many points do
// you have", "my sister's tier". Asked of a person, it is not for the bot.
const otherPeople = /你|您|他|她|它|大家|咱们|你们|他们|她们|群友|朋友|老公|老婆|妈|爸|姐|妹|哥|弟|闺蜜|\b(you|your|yours|u|ur|he|she|his|her|him|they|them|their|we|our|us|everyone|anyone|guys|y'all)\b/i;
// Asking for help ("can you check my points", "你能帮我查下积分吗") is said to the bot, not to another member.
const askingForHelp = /\b(can|could|would|will) (you|u)\b|你(能|可以|帮)|帮我|麻烦/gi;
// A balance, a tier or what to redeem, said without saying whose ("积分多少", "今天的优惠券活动好划算"), may be about
// anyone or anything; a question about the way to a tier or what expires is only ever about one's own.
// A request to look it up ("查积分", "balance check") is said to the bot about oneself, too.
const aboutOneself = /我|俺|咱|查|余额|\b(i|i'm|im|me|my|mine|check|balance)\b/i;
const ownByNature: ReadonlySet<IntentName> = new Set<IntentName>(['next-tier', 'expiry']);
const asking = /[?？]|吗|么|什么|怎么|多少|几|哪|\b(how|when|what|which|will|do|does|is|are|can)\b/i;

/** The shape every unasked group question must have: short, said to no one in particular, not about someone else. */
function saidToTheBotUnasked(ctx: SkillContext): boolean {
  const { msg } = ctx;
  if (msg.chatType !== 'group' || !ctx.communityGroup || ctx.addressed) return false;
  // A reply to someone or a mention of someone is said to them.
  if (msg.replyTo !== undefined || (msg.mentions ?? []).length > 0) return false;
  const text = msg.text.trim();
  if (text === '' || [...text].length > MAX_GROUP_QUESTION || /https?:\/\//i.test(text)) return false;
  return !otherPeople.test(text.replace(askingForHelp, ' '));
}

/**
 * True when a message in a community group, not addressed to the bot, is a clear question about the sender's own
 * points, tier, expiry or rewards (the same recognition as for addressed questions, and only its sure cases).
 */
export function isGroupSelfQuestion(ctx: SkillContext): boolean {
  if (!saidToTheBotUnasked(ctx)) return false;
  const text = ctx.msg.text.trim();
  const intent = recogniseIntent(text, ctx.deps.program.tiers);
  if (!selfQuestions.has(intent.name)) return false;
  // ("积分" alone is the /points command's word: its own skill answers it before this one.)
  return aboutOneself.test(text) || (ownByNature.has(intent.name) && asking.test(text));
}

/** True when an unasked group message that another skill recognised (a statement, a why) says it is about the sender. */
export function isGroupAskAboutOneself(ctx: SkillContext): boolean {
  return saidToTheBotUnasked(ctx) && aboutOneself.test(ctx.msg.text);
}
