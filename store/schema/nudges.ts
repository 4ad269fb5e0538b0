// Nudges: the rules store (seeded from the program file, paused and resumed by managers), every nudge sent (one per
// rule, member and occasion; the caps count these rows) and the members who asked for no nudges.
import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { members } from './core';

/** A rule as the program file defines it; the store keeps the last seeded copy to tell managers' edits apart. */
export interface SeededNudgeRule {
  kind: 'near-tier' | 'dormant' | 'expiring' | 'birthday' | 'streak-at-risk';
  schedule: string;
  params: Record<string, number>;
  template: { zh: string; en: string };
  channel: 'private' | 'group';
  enabled: boolean;
}

/** The nudge rules that run. A field that differs from `seed` was edited by a manager and survives a reseed. */
export const nudgeRules = sqliteTable('nudge_rules', {
  id: text('id').primaryKey(),
  kind: text('kind', { enum: ['near-tier', 'dormant', 'expiring', 'birthday', 'streak-at-risk'] }).notNull(),
  /** Cron expression in the program's timezone. */
  schedule: text('schedule').notNull(),
  params: text('params', { mode: 'json' }).$type<Record<string, number>>().notNull(),
  template: text('template', { mode: 'json' }).$type<{ zh: string; en: string }>().notNull(),
  /** Preferred way to reach the member: their private chat, or a mention in their group. */
  channel: text('channel', { enum: ['private', 'group'] }).notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull(),
  /** The program file's definition this row was last seeded from. */
  seed: text('seed', { mode: 'json' }).$type<SeededNudgeRule>().notNull(),
  /** Order in the program file: rules due at the same minute run in this order. */
  position: integer('position').notNull(),
  /** Set when the program file no longer has the rule: it stops running, its sends stay on record. */
  retiredAt: integer('retired_at'),
  updatedAt: integer('updated_at').notNull(),
  /** The manager who last paused or resumed it. */
  updatedBy: integer('updated_by'),
});

/**
 * One nudge decided for a member. Unique per (rule, member, occasion), so a rule never repeats itself for the same
 * expiring lot, tier gap, birthday year or silent spell. `deliverAt` is after any quiet-hours wait: the caps count the
 * day and month the member actually receives it.
 */
export const nudgeSends = sqliteTable(
  'nudge_sends',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ruleId: text('rule_id').notNull(),
    memberId: integer('member_id').notNull().references(() => members.id),
    occasion: text('occasion').notNull(),
    /** When the rule ran and decided it. */
    at: integer('at').notNull(),
    deliverAt: integer('deliver_at').notNull(),
    channel: text('channel').notNull(),
    chat: text('chat').notNull(),
    /** The outbox row's key, to withdraw it if the member mutes before it goes out. */
    outboxKey: text('outbox_key').notNull(),
    /** Withdrawn before delivery (the member muted nudges): no longer counts against the caps. */
    cancelledAt: integer('cancelled_at'),
  },
  (t) => [
    uniqueIndex('nudge_sends_occasion').on(t.ruleId, t.memberId, t.occasion),
    index('nudge_sends_member').on(t.memberId, t.deliverAt),
    index('nudge_sends_rule').on(t.ruleId, t.at),
  ],
);

/** Members who sent /mute (免打扰): no nudges until they /unmute. */
export const nudgeMutes = sqliteTable('nudge_mutes', {
  memberId: integer('member_id').primaryKey().references(() => members.id),
  mutedAt: integer('muted_at').notNull(),
});
