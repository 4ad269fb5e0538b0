// Free-form questions the intent layer could not place, answered by a language model from the member's own data:
// read-only tools bound to the member, every number checked against what the tools and rules said, a daily token
// budget, and a plain reply of its own when the model is slow, down or its answer fails the checks.
import type { HearthDeps, Skill, SkillContext, SkillModule } from '../../bot/core/skill';
import { laterPendingFrom } from '../../store/inbox';
import { HearthError } from '../../bot/core/errors';
import { localDate } from '../../community/calendar';
import { chooseModel, MODEL_ANSWER, recordModelUse } from '../../store/model-usage';
import { spentBy } from '../../bot/core/assistant';
import { commandArgs, isCommand } from '../commands';
import { replyPrivately } from '../private';
import { escalateOnSignal } from '../handoff';
import { firstName, MAX_MODEL_QUESTION, mayUseModelFor, modelOnFor } from './access';
import { modelVerdict, verdictDetail } from './classifier';
import { groupMessageToRead, installGroupReads, readGroupLater } from './group-reads';
import { memberTools, programRules } from './tools';
import { isRefusal, languageProblem, plainText, replyProblem } from './guard';
import { assistantCopy } from './copy';

/** The model's answer to the member's words, checked; the bot's own line when it fails a check or the model fails. */
async function modelAnswer(ctx: SkillContext, day: string, words: string): Promise<string> {
  const { deps, member, lang, now } = ctx;
  const llm = deps.llm!;
  const tz = deps.program.timezone;
  const rules = programRules(deps.program, lang);
  const use = { day, memberId: member.id, purpose: MODEL_ANSWER, calls: 1 };
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
    const problem = replyProblem(text, sources) ?? languageProblem(text, lang, sources) ?? (isRefusal(text) ? 'declined' : undefined);
    ctx.afterHandled(() => recordModelUse(deps.db, { ...use, ...spentBy(answer), replaced: problem !== undefined }));
    if (!problem) return text;
    deps.log.warn({ model: llm.assistant.model, problem, answer: text.slice(0, 300) }, 'model answer replaced');
  } catch (err) {
    if (!(err instanceof HearthError)) throw err;
    ctx.afterHandled(() => recordModelUse(deps.db, { ...use, failed: true }));
  }
  return assistantCopy.say(ctx, 'unsure');
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
      readGroupLater(ctx, llm, day);
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
  install: installGroupReads,
};
