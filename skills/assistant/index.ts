// Free-form questions the intent layer could not place, answered by a language model from the member's own data:
// read-only tools bound to the member, every number checked against what the tools and rules said, a daily token
// budget, and a plain reply of its own when the model is slow, down or its answer fails the checks.
import type { HearthDeps, Skill, SkillContext, SkillModule } from '../../bot/core/skill';
import type { ModelSetup } from '../../bot/core/assistant';
import { laterPendingFrom } from '../../store/inbox';
import { HearthError } from '../../bot/core/errors';
import { localDate } from '../../community/calendar';
import { chooseModel, modelChoiceOf, recordModelUse, tokensSpent, type ModelUse } from '../../store/model-usage';
import { commandArgs, isCommand } from '../commands';
import { memberTools, programRules } from './tools';
import { languageProblem, plainText, replyProblem } from './guard';
import { assistantCopy } from './copy';
import { replyPrivately } from '../private';
import { escalateOnSignal, escalateSilently, requestOf } from '../handoff';
import { setTimer } from '../../store/jobs';
import { z } from 'zod';

/** Messages longer than this are not sent to the model (a question, not an essay; and the cost stays bounded). */
export const MAX_MODEL_QUESTION = 500;

/** The member's first name at most: the model gets no surname, handle, phone or id. */
export function firstName(name: string): string {
  const first = name.trim().split(/\s+/)[0] ?? '';
  return first.length > 20 ? first.slice(0, 20) : first;
}

/** Whether the model is on for the member: their own word (`/ai on|off`), else the deployment's consent setting. */
function modelOnFor(deps: Pick<HearthDeps, 'db'>, llm: ModelSetup, memberId: number): boolean {
  const choice = modelChoiceOf(deps.db, memberId);
  return choice === undefined ? llm.consent === 'not-required' : choice === 'on';
}

/** The member's words or data may go to the model today: it is on for them, and neither daily budget is spent. */
export function mayUseModelFor(deps: Pick<HearthDeps, 'db'>, llm: ModelSetup, memberId: number, day: string): boolean {
  if (!modelOnFor(deps, llm, memberId)) return false;
  const spent = tokensSpent(deps.db, day, memberId);
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
    const text = plainText(answer.text);
    const sources = [...answer.toolResults, rules, words, day];
    const problem = replyProblem(text, sources) ?? languageProblem(text, lang, sources);
    const spent = { promptTokens: answer.promptTokens, completionTokens: answer.completionTokens, latencyMs: answer.latencyMs };
    ctx.afterHandled(() => recordModelUse(deps.db, { ...use, ...spent, replaced: problem !== undefined }));
    if (!problem) return text;
    deps.log.warn({ model: llm.assistant.model, problem, answer: text.slice(0, 300) }, 'model answer replaced');
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
 * in their language; an answer that is not the JSON asked for counts as "none" (the rules still decide alone). The
 * caller records what it cost.
 */
async function classify(deps: HearthDeps, memberId: number, day: string, words: string, purpose: string): Promise<{ verdict: Verdict; use: ModelUse }> {
  const use = { day, memberId, purpose, calls: 1 };
  const none: Verdict = { handoff: 'none', why: '' };
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
    return { verdict: verdict.success ? verdict.data : none, use: { ...use, ...spent, replaced: !verdict.success } };
  } catch (err) {
    if (!(err instanceof HearthError)) throw err;
    return { verdict: none, use: { ...use, failed: true } };
  }
}

/** The classifier on a message being handled; its cost is recorded with the message's other writes. */
async function modelVerdict(ctx: SkillContext, day: string, words: string): Promise<Verdict> {
  const { verdict, use } = await classify(ctx.deps, ctx.member.id, day, words, 'classify');
  ctx.afterHandled(() => recordModelUse(ctx.deps.db, use));
  return verdict;
}

/** A staff card's line for the classifier's reason. */
const verdictDetail = (v: Verdict) => `🤖 ${v.why.trim().slice(0, 80)}`;

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
  // Typing shows where the answer lands: a group's question is answered privately, so the group sees nothing.
  if (msg.chatType === 'private') deps.showTyping(msg.channel, msg.chat);
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
    escalateOnSignal(ctx, verdict.handoff, verdictDetail(verdict));
    if (ctx.handled) return;
  }
  // What the model says is about the member's own points: never to a group.
  replyPrivately(ctx, text);
}

const GROUP_READ = 'group-read';
/** Group reads may spend at most this share of the day's overall tokens: members' own questions keep the rest. */
const GROUP_READ_SHARE = 0.5;

const groupReadSchema = z.object({
  memberId: z.number(),
  name: z.string(),
  channel: z.string(),
  chatId: z.string(),
  chatType: z.literal('group'),
  platformId: z.string(),
  lang: z.enum(['zh', 'en']),
  messageId: z.string(),
  text: z.string(),
  at: z.number(),
});

/**
 * Where the deployment asks for it (HEARTH_LLM_READ_GROUPS), a group message nobody claimed and not said to the bot
 * is read by the classifier alone, after it was handled (a timer due at once): the group's later messages never wait
 * on the model. A complaint or bulk enquiry the rules missed reaches staff silently, as the rules' own do; nothing is
 * ever said in the group.
 */
function readLater(ctx: SkillContext): void {
  const r = requestOf(ctx);
  ctx.afterHandled(() => setTimer(ctx.deps.db, `${GROUP_READ}:${r.channel}:${r.messageId}`, GROUP_READ, ctx.now, { ...r, at: r.at.getTime() }));
}

/** Group reads stay within the member's budget and their share of everyone's. */
function mayReadGroups(deps: HearthDeps, llm: ModelSetup, memberId: number, day: string): boolean {
  if (!mayUseModelFor(deps, llm, memberId, day)) return false;
  return tokensSpent(deps.db, day, memberId, GROUP_READ).onPurpose < llm.dailyTokens * GROUP_READ_SHARE;
}

async function readGroupMessage(deps: HearthDeps, payload: unknown, now: Date): Promise<void> {
  const read = groupReadSchema.safeParse(payload);
  const llm = deps.llm;
  if (!read.success || !llm) return;
  const r = { ...read.data, at: new Date(read.data.at) };
  const day = localDate(now, deps.program.timezone);
  if (!mayReadGroups(deps, llm, r.memberId, day)) return;
  const { verdict, use } = await classify(deps, r.memberId, day, r.text, GROUP_READ);
  recordModelUse(deps.db, use);
  if (verdict.handoff !== 'none') escalateSilently(deps, r, verdict.handoff, verdictDetail(verdict), now);
}

/** A group message the classifier may read (where asked): a member's, in a listed group, short, and not for the bot. */
function groupMessageToRead(ctx: SkillContext, llm: ModelSetup): boolean {
  const { msg } = ctx;
  return llm.readGroups && !ctx.addressed && msg.chatType === 'group' && ctx.communityGroup && ctx.role === 'member' && msg.text.trim().length >= 4 && msg.text.length <= MAX_MODEL_QUESTION;
}

/**
 * `/ai on|off` (AI助手): a member lets their questions go to the model (needed where consent is required) or keeps
 * them from it (always possible); a bare `/ai` says which it is now.
 */
function consentCommand(ctx: SkillContext): void {
  const say = assistantCopy.to(ctx);
  const { db, llm } = ctx.deps;
  if (!llm) return ctx.reply(say('noModel'));
  const arg = commandArgs(ctx, 'ai').toLowerCase();
  const on = modelOnFor(ctx.deps, llm, ctx.member.id);
  if (arg !== 'on' && arg !== 'off') return ctx.reply(say(on ? 'usageOn' : 'usageOff'));
  const wanted = arg === 'on';
  if (on === wanted) return ctx.reply(say(wanted ? 'alreadyOn' : 'alreadyOff'));
  chooseModel(db, ctx.member.id, arg, ctx.now);
  ctx.reply(say(wanted ? 'agreed' : 'withdrawn'));
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
    if (!toAnswer) {
      if (mayReadGroups(ctx.deps, llm, ctx.member.id, day)) readLater(ctx);
      return next();
    }
    if (!mayUseModelFor(ctx.deps, llm, ctx.member.id, day)) return next();
    await answerWithModel(ctx, day);
    ctx.handled = true;
  },
};

/** The assistant as a module: after the ask skill (the fast path stays first), before the fallback. */
export const assistantModule: SkillModule = {
  skills: [assistantSkill],
  install(host) {
    host.scheduler.onTimer(GROUP_READ, (timer, now) => readGroupMessage(host.deps, timer.payload, now));
  },
};
