// Free-form questions the intent layer could not place, answered by a language model from the member's own data:
// read-only tools bound to the member, every number checked against what the tools and rules said, a daily token
// budget, and a plain reply of its own when the model is slow, down or its answer fails the checks.
import type { HearthDeps, Skill, SkillContext, SkillModule } from '../../bot/core/skill';
import type { ModelSetup } from '../../bot/core/assistant';
import { laterPendingFrom } from '../../store/inbox';
import { HearthError } from '../../bot/core/errors';
import { localDate } from '../../community/calendar';
import { agreedToModel, agreeToModel, recordModelUse, tokensSpent, withdrawFromModel } from '../../store/model-usage';
import { commandArgs, isCommand } from '../commands';
import { memberTools, programRules } from './tools';
import { replyProblem } from './guard';
import { assistantCopy } from './copy';
import { replyPrivately } from '../private';
import { escalateOnSignal } from '../handoff';
import { z } from 'zod';

/** Messages longer than this are not sent to the model (a question, not an essay; and the cost stays bounded). */
export const MAX_MODEL_QUESTION = 500;

/** The member's first name at most: the model gets no surname, handle, phone or id. */
function firstName(name: string): string {
  const first = name.trim().split(/\s+/)[0] ?? '';
  return first.length > 20 ? first.slice(0, 20) : first;
}

/** The member may go to the model today: they agreed where that is asked, and neither daily budget is spent. */
function mayUseModel(ctx: SkillContext, llm: ModelSetup, day: string): boolean {
  if (llm.consent === 'required' && !agreedToModel(ctx.deps.db, ctx.member.id)) return false;
  const spent = tokensSpent(ctx.deps.db, day, ctx.member.id);
  return spent.member < llm.memberDailyTokens && spent.everyone < llm.dailyTokens;
}

/** The model's answer to the member's words, checked; the bot's own line when it fails a check or the model fails. */
async function modelAnswer(ctx: SkillContext, day: string, words: string): Promise<string> {
  const { deps, member, lang, now } = ctx;
  const llm = deps.llm!;
  const tz = deps.program.timezone;
  const rules = programRules(deps.program, lang);
  const use = { day, memberId: member.id, purpose: 'answer', calls: 1 };
  try {
    const answer = await llm.assistant.complete({
      prompt: 'member-assistant',
      lang,
      vars: { today: day, timezone: tz, name: firstName(member.name) || '—', rules },
      message: words,
      tools: memberTools(deps, member, lang, now),
    });
    const problem = replyProblem(answer.text, [...answer.toolResults, rules, words, day]);
    const spent = { promptTokens: answer.promptTokens, completionTokens: answer.completionTokens, latencyMs: answer.latencyMs };
    ctx.afterHandled(() => recordModelUse(deps.db, { ...use, ...spent, replaced: problem !== undefined }));
    if (!problem) return answer.text;
    deps.log.warn({ model: llm.assistant.model, problem, answer: answer.text.slice(0, 300) }, 'model answer replaced');
  } catch (err) {
    if (!(err instanceof HearthError)) throw err;
    ctx.afterHandled(() => recordModelUse(deps.db, { ...use, failed: true }));
  }
  return assistantCopy.say(ctx, 'unsure');
}

const verdictSchema = z.object({ handoff: z.enum(['complaint', 'high-value', 'request', 'none']), why: z.string().max(200).default('') });
type Verdict = z.infer<typeof verdictSchema>;

/**
 * The escalation classifier: one more reader beside the rules, for what they could not place. Its "why" is for staff,
 * in their language; an answer that is not the JSON asked for counts as "none" (the rules still decide alone).
 */
async function modelVerdict(ctx: SkillContext, day: string, words: string): Promise<Verdict> {
  const { deps, member } = ctx;
  const use = { day, memberId: member.id, purpose: 'classify', calls: 1 };
  try {
    const answer = await deps.llm!.assistant.complete({ prompt: 'escalation-classifier', lang: deps.program.escalation.staffLang, vars: { today: day }, message: words, tools: [] });
    const spent = { promptTokens: answer.promptTokens, completionTokens: answer.completionTokens, latencyMs: answer.latencyMs };
    const json = /\{[\s\S]*\}/.exec(answer.text)?.[0];
    let parsed: unknown;
    try {
      parsed = json === undefined ? undefined : JSON.parse(json);
    } catch {
      parsed = undefined;
    }
    const verdict = verdictSchema.safeParse(parsed);
    ctx.afterHandled(() => recordModelUse(deps.db, { ...use, ...spent, replaced: !verdict.success }));
    return verdict.success ? verdict.data : { handoff: 'none', why: '' };
  } catch (err) {
    if (!(err instanceof HearthError)) throw err;
    ctx.afterHandled(() => recordModelUse(deps.db, { ...use, failed: true }));
    return { handoff: 'none', why: '' };
  }
}

/** Follow-ups remembered as read together, at most. */
const MAX_READ_TOGETHER = 1000;
/** Follow-ups already read with an earlier message, per running Hearth (after a restart they are simply answered). */
const readTogether = new WeakMap<HearthDeps, Set<string>>();

function absorbed(deps: HearthDeps): Set<string> {
  let set = readTogether.get(deps);
  if (!set) readTogether.set(deps, (set = new Set()));
  return set;
}

/**
 * Classify and answer at once (the member waits for one model turn, not two); a handoff wins over the answer. Quick
 * follow-ups from the member, received while this waited its short debounce, are read with it and not answered again.
 */
async function answerWithModel(ctx: SkillContext, day: string): Promise<void> {
  const { deps, msg } = ctx;
  deps.showTyping(msg.channel, msg.chat);
  if (deps.llm!.debounceMs > 0) await new Promise((resolve) => setTimeout(resolve, deps.llm!.debounceMs));
  const later = laterPendingFrom(deps.db, msg.channel, msg.chat, msg.id, msg.from.id);
  const set = absorbed(deps);
  for (const l of later) set.add(`${msg.channel}:${l.messageId}`);
  // A follow-up another skill answered (a check-in) never comes back to be taken off: keep the set small.
  for (const old of set) {
    if (set.size <= MAX_READ_TOGETHER) break;
    set.delete(old);
  }
  const words = [msg.text, ...later.map((l) => l.text)].join('\n');
  const [verdict, text] = await Promise.all([modelVerdict(ctx, day, words), modelAnswer(ctx, day, words)]);
  if (verdict.handoff !== 'none' && ctx.role === 'member') {
    escalateOnSignal(ctx, verdict.handoff, `🤖 ${verdict.why.trim().slice(0, 80)}`);
    if (ctx.handled) return;
  }
  // What the model says is about the member's own points: never to a group.
  replyPrivately(ctx, text);
}

/**
 * Where the deployment asks for it (HEARTH_LLM_READ_GROUPS), a group message nobody claimed and not said to the bot
 * is read by the classifier alone: a complaint or bulk enquiry the rules missed reaches staff silently, as the rules'
 * own do; nothing is ever said in the group.
 */
async function readGroupMessage(ctx: SkillContext, day: string): Promise<void> {
  const verdict = await modelVerdict(ctx, day, ctx.msg.text);
  if (verdict.handoff === 'complaint' || verdict.handoff === 'high-value') escalateOnSignal(ctx, verdict.handoff, `🤖 ${verdict.why.trim().slice(0, 80)}`, { silent: true });
}

/** A group message the classifier may read (where asked): a member's, in a listed group, short, and not for the bot. */
function groupMessageToRead(ctx: SkillContext, llm: ModelSetup): boolean {
  const { msg } = ctx;
  return llm.readGroups && !ctx.addressed && msg.chatType === 'group' && ctx.communityGroup && ctx.role === 'member' && msg.text.trim().length >= 4 && msg.text.length <= MAX_MODEL_QUESTION;
}

/** `/ai on|off` (AI助手): a member agrees that their questions may go to the model, or withdraws. */
function consentCommand(ctx: SkillContext): void {
  const say = assistantCopy.to(ctx);
  const { db } = ctx.deps;
  if (!ctx.deps.llm) return ctx.reply(say('noModel'));
  const arg = commandArgs(ctx, 'ai').toLowerCase();
  if (arg === 'on') ctx.reply(agreeToModel(db, ctx.member.id, ctx.now) ? say('agreed') : say('alreadyAgreed'));
  else if (arg === 'off') ctx.reply(withdrawFromModel(db, ctx.member.id) ? say('withdrawn') : say('notAgreed'));
  else ctx.reply(say('usage'));
}

/** Hands what no skill claimed to the model, when one is configured, the member agreed where that is asked, and the day's budget allows. */
export const assistantSkill: Skill = {
  name: 'assistant',
  async middleware(ctx, next) {
    if (isCommand(ctx, 'ai')) {
      ctx.handled = true;
      return consentCommand(ctx);
    }
    const llm = ctx.deps.llm;
    if (ctx.handled || !llm || ctx.command || ctx.msg.action !== undefined) return next();
    // Read already with the message before it, and answered there.
    if (ctx.addressed && absorbed(ctx.deps).delete(`${ctx.msg.channel}:${ctx.msg.id}`)) {
      ctx.handled = true;
      return;
    }
    const toAnswer = ctx.addressed && ctx.msg.text.trim() !== '' && ctx.msg.text.length <= MAX_MODEL_QUESTION;
    if (!toAnswer && !groupMessageToRead(ctx, llm)) return next();
    const day = localDate(ctx.now, ctx.deps.program.timezone);
    if (!mayUseModel(ctx, llm, day)) return next();
    if (!toAnswer) {
      await readGroupMessage(ctx, day);
      return ctx.handled ? undefined : next();
    }
    await answerWithModel(ctx, day);
    ctx.handled = true;
  },
};

/** The assistant as a module: after the ask skill (the fast path stays first), before the fallback. */
export const assistantModule: SkillModule = { skills: [assistantSkill] };
