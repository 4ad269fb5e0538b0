// The escalation classifier: the model asked whether staff should take a member's words, beside the rules.
import type { HearthDeps, SkillContext } from '../../bot/core/skill';
import { HearthError } from '../../bot/core/errors';
import { spentBy } from '../../bot/core/assistant';
import { recordModelUse, type ModelUse } from '../../store/model-usage';
import { z } from 'zod';

const verdictSchema = z.object({ handoff: z.enum(['complaint', 'high-value', 'request', 'none']), why: z.string().max(200).default('') });
export type Verdict = z.infer<typeof verdictSchema>;

/**
 * The escalation classifier: one more reader beside the rules, for what they could not place. Its "why" is for staff,
 * in their language; an answer that is not the JSON asked for counts as "none" (the rules still decide alone). The
 * caller records what it cost.
 */
export async function classify(deps: HearthDeps, memberId: number, day: string, words: string, purpose: string): Promise<{ verdict: Verdict; use: ModelUse }> {
  const use = { day, memberId, purpose, calls: 1 };
  const none: Verdict = { handoff: 'none', why: '' };
  try {
    const answer = await deps.llm!.assistant.complete({ prompt: 'escalation-classifier', lang: deps.program.escalation.staffLang, vars: { today: day }, message: words, tools: [] });
    const json = /\{[\s\S]*\}/.exec(answer.text)?.[0];
    let parsed: unknown;
    try {
      parsed = json === undefined ? undefined : JSON.parse(json);
    } catch {
      parsed = undefined;
    }
    const verdict = verdictSchema.safeParse(parsed);
    return { verdict: verdict.success ? verdict.data : none, use: { ...use, ...spentBy(answer), replaced: !verdict.success } };
  } catch (err) {
    if (!(err instanceof HearthError)) throw err;
    return { verdict: none, use: { ...use, failed: true } };
  }
}

/** The classifier on a message being handled; its cost is recorded with the message's other writes. */
export async function modelVerdict(ctx: SkillContext, day: string, words: string): Promise<Verdict> {
  const { verdict, use } = await classify(ctx.deps, ctx.member.id, day, words, 'classify');
  ctx.afterHandled(() => recordModelUse(ctx.deps.db, use));
  return verdict;
}

/** A staff card's line for the classifier's reason. */
export const verdictDetail = (v: Verdict) => `🤖 ${v.why.trim().slice(0, 80)}`;

