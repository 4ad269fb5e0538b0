// Consent and cost of the model path: who agreed that their questions may go to a model, and what it costs: calls, failures, replaced answers, tokens and latency per local day, member and use; the
// daily token budgets are read from here, and /stats reports it beside the questions answered without a model.
import { and, eq, gte, lte, sql } from 'drizzle-orm';
import type { Db } from './db';
import { modelConsent, modelUsage } from './schema';

/** The use under which questions answered without a model are counted. */
export const FAST_PATH = 'fast-path';
/** The use of a member's question the model answered (the classifier, summaries and nudge lines have their own). */
export const MODEL_ANSWER = 'answer';

/** One model call (or, under FAST_PATH, one question answered without a model) to add to the day's counts. */
export interface ModelUse {
  day: string;
  memberId: number;
  purpose: string;
  calls: number;
  failed?: boolean;
  replaced?: boolean;
  promptTokens?: number;
  completionTokens?: number;
  latencyMs?: number;
}

/** Add one use to the day's row (one upsert: never read-then-write). */
export function recordModelUse(db: Db, u: ModelUse): void {
  const row = {
    day: u.day,
    memberId: u.memberId,
    purpose: u.purpose,
    calls: u.calls,
    failures: u.failed ? 1 : 0,
    replaced: u.replaced ? 1 : 0,
    promptTokens: u.promptTokens ?? 0,
    completionTokens: u.completionTokens ?? 0,
    latencyMs: Math.round(u.latencyMs ?? 0),
  };
  db.insert(modelUsage)
    .values(row)
    .onConflictDoUpdate({
      target: [modelUsage.day, modelUsage.memberId, modelUsage.purpose],
      set: {
        calls: sql`${modelUsage.calls} + ${row.calls}`,
        failures: sql`${modelUsage.failures} + ${row.failures}`,
        replaced: sql`${modelUsage.replaced} + ${row.replaced}`,
        promptTokens: sql`${modelUsage.promptTokens} + ${row.promptTokens}`,
        completionTokens: sql`${modelUsage.completionTokens} + ${row.completionTokens}`,
        latencyMs: sql`${modelUsage.latencyMs} + ${row.latencyMs}`,
      },
    })
    .run();
}

/** Tokens spent on a local day by one member, by everyone, and by everyone on one use (`purpose`), in one read. */
export function tokensSpent(db: Db, day: string, memberId: number, purpose = ''): { member: number; everyone: number; onPurpose: number } {
  const tokens = sql<number>`${modelUsage.promptTokens} + ${modelUsage.completionTokens}`;
  return db
    .select({
      member: sql<number>`coalesce(sum(CASE WHEN ${modelUsage.memberId} = ${memberId} THEN ${tokens} ELSE 0 END), 0)`,
      everyone: sql<number>`coalesce(sum(${tokens}), 0)`,
      onPurpose: sql<number>`coalesce(sum(CASE WHEN ${modelUsage.purpose} = ${purpose} THEN ${tokens} ELSE 0 END), 0)`,
    })
    .from(modelUsage)
    .where(eq(modelUsage.day, day))
    .get()!;
}

/** Totals per use over local days, for /stats. */
export interface UsageTotals {
  purpose: string;
  /** Model calls; under FAST_PATH, questions answered without a model. */
  calls: number;
  failures: number;
  replaced: number;
  tokens: number;
  latencyMs: number;
}

/** A day's totals per use. */
export function modelUsageOn(db: Db, day: string): UsageTotals[] {
  return modelUsageBetween(db, day, day);
}

/** Totals per use over local days `from`..`to` (YYYY-MM-DD, inclusive). */
export function modelUsageBetween(db: Db, from: string, to: string): UsageTotals[] {
  return db
    .select({
      purpose: modelUsage.purpose,
      calls: sql<number>`sum(${modelUsage.calls})`,
      failures: sql<number>`sum(${modelUsage.failures})`,
      replaced: sql<number>`sum(${modelUsage.replaced})`,
      tokens: sql<number>`sum(${modelUsage.promptTokens} + ${modelUsage.completionTokens})`,
      latencyMs: sql<number>`sum(${modelUsage.latencyMs})`,
    })
    .from(modelUsage)
    .where(and(gte(modelUsage.day, from), lte(modelUsage.day, to)))
    .groupBy(modelUsage.purpose)
    .all();
}

/** A member's own word on the model (`/ai on|off`), or undefined when they never said. */
export function modelChoiceOf(db: Db, memberId: number): 'on' | 'off' | undefined {
  return db.select({ choice: modelConsent.choice }).from(modelConsent).where(eq(modelConsent.memberId, memberId)).get()?.choice;
}

/** Record a member's word on the model (one upsert). */
export function chooseModel(db: Db, memberId: number, choice: 'on' | 'off', at: Date): void {
  db.insert(modelConsent).values({ memberId, agreedAt: at.getTime(), choice }).onConflictDoUpdate({ target: modelConsent.memberId, set: { choice, agreedAt: at.getTime() } }).run();
}
