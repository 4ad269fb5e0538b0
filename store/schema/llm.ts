// Tables of the model path: what model calls cost, per local day and member, so budgets hold and /stats can tell.
import { sqliteTable, text, integer, primaryKey } from 'drizzle-orm/sqlite-core';
import { members } from './core';

/** Per local day, member and use (`answer`, …): model calls, tokens and time, and questions answered without a model. */
export const modelUsage = sqliteTable(
  'model_usage',
  {
    day: text('day').notNull(),
    /** 0 for uses that belong to no member. */
    memberId: integer('member_id').notNull(),
    purpose: text('purpose').notNull(),
    calls: integer('calls').notNull().default(0),
    failures: integer('failures').notNull().default(0),
    /** Answers the model gave that the grounding guard or the reply checks replaced. */
    replaced: integer('replaced').notNull().default(0),
    promptTokens: integer('prompt_tokens').notNull().default(0),
    completionTokens: integer('completion_tokens').notNull().default(0),
    latencyMs: integer('latency_ms').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.memberId, t.purpose] })],
);

/**
 * Members' own word on the model (`/ai on|off`): `on`, their questions may go to it (needed where
 * HEARTH_LLM_CONSENT=required); `off`, never, whatever the deployment's setting. No row: the deployment's default.
 */
export const modelConsent = sqliteTable('model_consent', {
  memberId: integer('member_id').primaryKey().references(() => members.id),
  /** When the member last chose (the column predates `off`). */
  agreedAt: integer('agreed_at').notNull(),
  choice: text('choice', { enum: ['on', 'off'] }).notNull().default('on'),
});
