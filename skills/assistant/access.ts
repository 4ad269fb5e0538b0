// Who may go to the model, and how much of them: a member's own word (`/ai on|off`) or the deployment's consent
// setting, the daily budgets, and their first name at most.
import type { HearthDeps } from '../../bot/core/skill';
import type { ModelSetup } from '../../bot/core/assistant';
import { modelChoiceOf, tokensSpent } from '../../store/model-usage';

/** Messages longer than this are not sent to the model (a question, not an essay; and the cost stays bounded). */
export const MAX_MODEL_QUESTION = 500;

/** The member's first name at most: the model gets no surname, handle, phone or id. */
export function firstName(name: string): string {
  const first = name.trim().split(/\s+/)[0] ?? '';
  return first.length > 20 ? first.slice(0, 20) : first;
}

/** Whether the model is on for the member: their own word (`/ai on|off`), else the deployment's consent setting. */
export function modelOnFor(deps: Pick<HearthDeps, 'db'>, llm: ModelSetup, memberId: number): boolean {
  const choice = modelChoiceOf(deps.db, memberId);
  return choice === undefined ? llm.consent === 'not-required' : choice === 'on';
}

/**
 * The member's words or data may go to the model today: it is on for them, neither daily budget is spent, and a use
 * held to a `share` of the overall budget (group reads) has not spent its share — all from one read of the day.
 */
export function mayUseModelFor(deps: Pick<HearthDeps, 'db'>, llm: ModelSetup, memberId: number, day: string, share?: { purpose: string; of: number }): boolean {
  if (!modelOnFor(deps, llm, memberId)) return false;
  const spent = tokensSpent(deps.db, day, memberId, share?.purpose);
  return spent.member < llm.memberDailyTokens && spent.everyone < llm.dailyTokens && (!share || spent.onPurpose < llm.dailyTokens * share.of);
}

