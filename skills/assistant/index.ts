// Free-form questions the intent layer could not place, answered by a language model from the member's own data:
// read-only tools bound to the member, every number checked against what the tools and rules said, a daily token
// budget, and a plain reply of its own when the model is slow, down or its answer fails the checks.
import type { Skill, SkillContext, SkillModule } from '../../bot/core/skill';
import { HearthError } from '../../bot/core/errors';
import { localDate } from '../../community/calendar';
import { agreedToModel, agreeToModel, recordModelUse, tokensSpent, withdrawFromModel } from '../../store/model-usage';
import { commandArgs, isCommand } from '../commands';
import { memberTools, programRules } from './tools';
import { replyProblem } from './guard';
import { assistantCopy } from './copy';
import { replyPrivately } from '../private';

/** Messages longer than this are not sent to the model (a question, not an essay; and the cost stays bounded). */
export const MAX_MODEL_QUESTION = 500;

/** The member's first name at most: the model gets no surname, handle, phone or id. */
function firstName(name: string): string {
  const first = name.trim().split(/\s+/)[0] ?? '';
  return first.length > 20 ? first.slice(0, 20) : first;
}

function withinBudget(ctx: SkillContext, day: string): boolean {
  const llm = ctx.deps.llm!;
  return tokensSpent(ctx.deps.db, day, ctx.member.id) < llm.memberDailyTokens && tokensSpent(ctx.deps.db, day) < llm.dailyTokens;
}

async function answerWithModel(ctx: SkillContext): Promise<void> {
  const { deps, member, lang, now } = ctx;
  const llm = deps.llm!;
  const tz = deps.program.timezone;
  const day = localDate(now, tz);
  const rules = programRules(deps.program, lang);
  const use = { day, memberId: member.id, purpose: 'answer', calls: 1 };
  let text: string;
  deps.showTyping(ctx.msg.channel, ctx.msg.chat);
  try {
    const answer = await llm.assistant.complete({
      prompt: 'member-assistant',
      lang,
      vars: { today: day, timezone: tz, name: firstName(member.name) || '—', rules },
      message: ctx.msg.text,
      tools: memberTools(deps, member, lang, now),
    });
    const problem = replyProblem(answer.text, [...answer.toolResults, rules, ctx.msg.text, day]);
    const spent = { promptTokens: answer.promptTokens, completionTokens: answer.completionTokens, latencyMs: answer.latencyMs };
    if (problem) {
      deps.log.warn({ model: llm.assistant.model, problem, answer: answer.text.slice(0, 300) }, 'model answer replaced');
      ctx.afterHandled(() => recordModelUse(deps.db, { ...use, ...spent, replaced: true }));
      text = assistantCopy.say(ctx, 'unsure');
    } else {
      ctx.afterHandled(() => recordModelUse(deps.db, { ...use, ...spent }));
      text = answer.text;
    }
  } catch (err) {
    if (!(err instanceof HearthError)) throw err;
    ctx.afterHandled(() => recordModelUse(deps.db, { ...use, failed: true }));
    text = assistantCopy.say(ctx, 'unsure');
  }
  // What the model says is about the member's own points: never to a group.
  replyPrivately(ctx, text);
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
    if (ctx.handled || !llm || !ctx.addressed || ctx.command || ctx.msg.action !== undefined) return next();
    if (ctx.msg.text.trim() === '' || ctx.msg.text.length > MAX_MODEL_QUESTION) return next();
    if (llm.consent === 'required' && !agreedToModel(ctx.deps.db, ctx.member.id)) return next();
    if (!withinBudget(ctx, localDate(ctx.now, ctx.deps.program.timezone))) return next();
    await answerWithModel(ctx);
    ctx.handled = true;
  },
};

/** The assistant as a module: after the ask skill (the fast path stays first), before the fallback. */
export const assistantModule: SkillModule = { skills: [assistantSkill] };
