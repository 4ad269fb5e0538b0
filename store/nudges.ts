// The nudge rules store and the audiences: seeding rules from the program file (keeping managers' edits), one
// set-based query per rule run that picks the eligible members with every guard applied, the sends log and mutes.
import { and, asc, eq, gte, isNull, sql } from 'drizzle-orm';
import type { Statement } from 'better-sqlite3';
import { inTransaction, perConnection, statement, type Db } from './db';
import { nudgeMutes, nudgeRules, nudgeSends, outbox, type SeededNudgeRule } from './schema';
import type { NudgeRule } from '../community/program';
import type { NudgeCandidate, NudgeWindow } from '../community/nudges';

export type NudgeRuleRow = typeof nudgeRules.$inferSelect;

const FIELDS = ['kind', 'schedule', 'params', 'template', 'channel', 'enabled'] as const;

function seedOf(rule: NudgeRule): SeededNudgeRule {
  return { kind: rule.kind, schedule: rule.schedule, params: rule.params, template: rule.template, channel: rule.channel, enabled: rule.enabled };
}

// Key order must not make two equal definitions look different.
function same(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}
function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}

/** What a seeding changed: rules added, updated from the program file, kept as a manager edited them, retired. */
export interface SeedReport {
  added: string[];
  updated: string[];
  keptEdits: { id: string; fields: string[] }[];
  retired: string[];
}

/**
 * Bring the rules store in line with the program file. New rules are added; a rule whose program definition changed
 * takes the new value of every field a manager has not edited (a field differs from the last seed only by a manager's
 * edit); rules no longer in the file are retired. Idempotent; one transaction.
 */
export function seedNudgeRules(db: Db, rules: NudgeRule[], now: Date): SeedReport {
  const report: SeedReport = { added: [], updated: [], keptEdits: [], retired: [] };
  const at = now.getTime();
  inTransaction(db, () => {
    const existing = new Map(db.select().from(nudgeRules).all().map((r) => [r.id, r]));
    rules.forEach((rule, position) => {
      const seed = seedOf(rule);
      const row = existing.get(rule.id);
      if (!row) {
        db.insert(nudgeRules).values({ id: rule.id, ...seed, seed, position, updatedAt: at }).run();
        report.added.push(rule.id);
        return;
      }
      existing.delete(rule.id);
      const changedInFile = FIELDS.filter((f) => !same(seed[f], row.seed[f]));
      const edited = FIELDS.filter((f) => !same(row[f], row.seed[f]));
      const take = changedInFile.filter((f) => !edited.includes(f));
      const kept = changedInFile.filter((f) => edited.includes(f));
      if (changedInFile.length === 0 && row.position === position && row.retiredAt === null) return;
      const set: Partial<NudgeRuleRow> = { seed, position, retiredAt: null, updatedAt: at };
      for (const f of take) Object.assign(set, { [f]: seed[f] });
      db.update(nudgeRules).set(set).where(eq(nudgeRules.id, rule.id)).run();
      if (take.length > 0 || row.retiredAt !== null) report.updated.push(rule.id);
      if (kept.length > 0) report.keptEdits.push({ id: rule.id, fields: kept });
    });
    for (const row of existing.values()) {
      if (row.retiredAt !== null) continue;
      db.update(nudgeRules).set({ retiredAt: at, updatedAt: at }).where(eq(nudgeRules.id, row.id)).run();
      report.retired.push(row.id);
    }
  });
  return report;
}

/** The rules in force (not retired), in program order. */
export function activeNudgeRules(db: Db): NudgeRuleRow[] {
  return db.select().from(nudgeRules).where(isNull(nudgeRules.retiredAt)).orderBy(asc(nudgeRules.position)).all();
}

const ruleById = perConnection((db) =>
  db
    .select()
    .from(nudgeRules)
    .where(and(eq(nudgeRules.id, sql.placeholder('id')), isNull(nudgeRules.retiredAt)))
    .prepare(),
);

/** A rule in force by id. (Every job run reads it, so the statement is prepared once per database.) */
export function getNudgeRule(db: Db, id: string): NudgeRuleRow | undefined {
  return ruleById(db).get({ id });
}

/** Pause or resume a rule; false when it was already so. */
export function setNudgeRuleEnabled(db: Db, id: string, enabled: boolean, by: number | undefined, now: Date): boolean {
  return (
    db
      .update(nudgeRules)
      .set({ enabled, updatedAt: now.getTime(), updatedBy: by ?? null })
      .where(and(eq(nudgeRules.id, id), isNull(nudgeRules.retiredAt), eq(nudgeRules.enabled, !enabled)))
      .run().changes === 1
  );
}

// ---- Audiences -------------------------------------------------------------------------------------------------

/**
 * Per kind: the members the rule is about, as `c(member_id, part, next_tier, gap, expiring, expires_at, streak)`.
 * `part` is the row's half of the occasion key (community/nudges.ts).
 */
const CANDIDATES: Record<NudgeRule['kind'], string> = {
  'near-tier': `
    tiers AS MATERIALIZED (SELECT CAST(key AS INTEGER) AS rank, json_extract(value, '$.id') AS id, json_extract(value, '$.threshold') AS threshold
              FROM json_each(@tiers)),
    -- Members get near by earning growth: only those who earned lately are summed (the literal <> 0 lets SQLite use
    -- the partial index ledger_growth_at), each over their own entries in the window.
    recent AS MATERIALIZED (SELECT DISTINCT member_id FROM ledger_entries WHERE at > @recentSince AND at <= @now AND growth <> 0),
    growth AS MATERIALIZED (SELECT r.member_id,
                 (SELECT coalesce(sum(e.growth), 0) FROM ledger_entries e
                    WHERE e.member_id = r.member_id AND e.at > @growthSince AND e.at <= @now) AS growth
               FROM recent r),
    c AS MATERIALIZED (SELECT g.member_id, nt.id AS part, nt.id AS next_tier, nt.threshold - g.growth AS gap,
                 NULL AS expiring, NULL AS expires_at, NULL AS streak
          FROM growth g
          LEFT JOIN member_points p ON p.member_id = g.member_id
          LEFT JOIN tiers held ON held.id = p.tier_id
          JOIN tiers nt ON nt.rank = coalesce(held.rank, 0) + 1
          WHERE nt.threshold - g.growth > 0 AND nt.threshold - g.growth <= @ratio * nt.threshold)`,
  dormant: `
    c AS MATERIALIZED (SELECT m.id AS member_id, CAST(m.last_active_at AS TEXT) AS part, NULL AS next_tier, NULL AS gap,
                 NULL AS expiring, NULL AS expires_at, NULL AS streak
          FROM members m LEFT JOIN member_points p ON p.member_id = m.id
          WHERE m.last_active_at <= @silentBefore AND m.last_active_at > @silentAfter AND coalesce(p.balance, 0) >= @minPoints)`,
  // All points expiring in the window (capped by the balance), the soonest expiry, and the month it falls in.
  expiring: `
    months AS MATERIALIZED (SELECT json_extract(value, '$[0]') AS start, json_extract(value, '$[1]') AS month FROM json_each(@expiryMonths)),
    soonest AS (SELECT member_id, min(expires_at) AS first, sum(remaining) AS points FROM point_lots
                WHERE remaining > 0 AND expires_at > @now AND expires_at <= @expiringUntil GROUP BY member_id),
    c AS MATERIALIZED (
          SELECT s.member_id,
                 coalesce((SELECT month FROM months WHERE start <= s.first ORDER BY start DESC LIMIT 1), s.first) AS part,
                 NULL AS next_tier, NULL AS gap, min(s.points, max(coalesce(p.balance, 0), 0)) AS expiring,
                 s.first AS expires_at, NULL AS streak
          FROM soonest s LEFT JOIN member_points p ON p.member_id = s.member_id
          WHERE min(s.points, max(coalesce(p.balance, 0), 0)) > 0)`,
  birthday: `
    c AS MATERIALIZED (SELECT m.id AS member_id, '' AS part, NULL AS next_tier, NULL AS gap, NULL AS expiring, NULL AS expires_at, NULL AS streak
          FROM members m WHERE m.birthday IS NOT NULL AND substr(m.birthday, 6, 5) IN (SELECT value FROM json_each(@monthDays)))`,
  'streak-at-risk': `
    c AS MATERIALIZED (SELECT k.member_id, '' AS part, NULL AS next_tier, NULL AS gap, NULL AS expiring, NULL AS expires_at, k.streak AS streak
          FROM checkins k
          WHERE k.day = @yesterday AND k.streak >= @minStreak
            AND NOT EXISTS (SELECT 1 FROM checkins t WHERE t.member_id = k.member_id AND t.day = @today))`,
};

/**
 * Every guard, in one place: not this rule for this occasion before (first: in steady state it turns most candidates
 * away), not muted, no conversation owned by (or waiting for) staff, under the monthly and daily caps (counted on
 * delivery days; withdrawn sends do not count). Reachability (a private chat or a group) is checked after.
 */
const GUARDS = `
  NOT EXISTS (SELECT 1 FROM nudge_sends s WHERE s.rule_id = @ruleId AND s.member_id = c.member_id AND s.occasion = @occasionPrefix || c.part)
  AND NOT EXISTS (SELECT 1 FROM nudge_mutes x WHERE x.member_id = c.member_id)
  AND NOT EXISTS (SELECT 1 FROM conversations v WHERE v.member_id = c.member_id AND v.state IN ('waiting', 'staff'))
  AND NOT EXISTS (SELECT 1 FROM (SELECT count(*) AS month, sum(s.deliver_at >= @dayStart AND s.deliver_at < @dayEnd) AS day
                                 FROM nudge_sends s WHERE s.member_id = c.member_id AND s.cancelled_at IS NULL
                                   AND s.deliver_at >= @monthStart AND s.deliver_at < @monthEnd)
                  WHERE month >= @monthlyCap OR day >= @dailyCap)`;

/** The audience query of a kind (exported for EXPLAIN in the bench and tests). */
export function audienceSql(kind: NudgeRule['kind']): string {
  // Candidates first, then the guards on them only, then where to reach those left: each step materialized so the
  // planner never runs a guard over the whole membership. The group is looked up only when it may be used.
  return `
    WITH ${CANDIDATES[kind]},
    guarded AS MATERIALIZED (
      SELECT c.*,
             (SELECT i.channel || char(31) || i.platform_id FROM identities i
                WHERE i.member_id = c.member_id AND i.can_message_privately = 1 ORDER BY i.rowid LIMIT 1) AS private_to
      FROM c WHERE ${GUARDS}),
    reached AS MATERIALIZED (
      SELECT g.*,
             CASE WHEN @preferGroup = 1 OR g.private_to IS NULL THEN
               (SELECT cm.channel || char(31) || cm.chat_id || char(31) || i.platform_id FROM chat_members cm
                  JOIN identities i ON i.member_id = cm.member_id AND i.channel = cm.channel
                  WHERE cm.member_id = g.member_id ORDER BY cm.last_seen_at DESC LIMIT 1)
             END AS group_to
      FROM guarded g)
    SELECT c.member_id AS memberId, m.name AS name, m.lang AS lang, coalesce(p.balance, 0) AS balance,
           coalesce(p.tier_id, '') AS tierId, @occasionPrefix || c.part AS occasion,
           c.next_tier AS nextTierId, c.gap AS gap, c.expiring AS expiring, c.expires_at AS expiresAt, c.streak AS streak,
           c.private_to AS privateTo, c.group_to AS groupTo
    FROM reached c
    JOIN members m ON m.id = c.member_id
    LEFT JOIN member_points p ON p.member_id = c.member_id
    -- Staff are colleagues, not customers to win back.
    WHERE (c.private_to IS NOT NULL OR c.group_to IS NOT NULL) AND m.role <> 'staff'
    `;
}

/**
 * Where a candidate can be reached: a private chat, and their latest group with their id there (for a mention) when
 * the rule prefers groups or there is no private chat.
 */
export interface NudgeReach {
  private?: { channel: string; chat: string };
  group?: { channel: string; chat: string; mention: string };
}

/** A member a rule would nudge now, with its template values and where they can be reached. */
export type NudgeAudienceRow = NudgeCandidate & { reach: NudgeReach };

interface RawRow extends Omit<NudgeCandidate, 'lang'> {
  lang: string | null;
  privateTo: string | null;
  groupTo: string | null;
}

function bindings(w: NudgeWindow): Record<string, string | number> {
  return {
    ruleId: w.ruleId,
    preferGroup: w.channel === 'group' ? 1 : 0,
    now: w.now,
    dayStart: w.dayStart,
    dayEnd: w.dayEnd,
    monthStart: w.monthStart,
    monthEnd: w.monthEnd,
    monthlyCap: w.monthlyCap,
    dailyCap: w.dailyCap,
    occasionPrefix: w.occasionPrefix,
    recentSince: w.recentSince,
    growthSince: w.growthSince,
    tiers: JSON.stringify(w.tiers),
    ratio: w.ratio,
    silentBefore: w.silentBefore,
    silentAfter: w.silentAfter,
    minPoints: w.minPoints,
    expiringUntil: w.expiringUntil,
    expiryMonths: JSON.stringify(w.expiryMonths),
    monthDays: JSON.stringify(w.monthDays),
    today: w.today,
    yesterday: w.yesterday,
    minStreak: w.minStreak,
  };
}

function params(stmt: Statement, w: NudgeWindow): Record<string, string | number> {
  // Only the parameters the statement names may be bound.
  return Object.fromEntries(Object.entries(bindings(w)).filter(([k]) => stmt.source.includes(`@${k}`)));
}

// Built field by field: audiences can be hundreds of thousands of rows, and spreads cost more than the query.
function toAudienceRow(r: RawRow): NudgeAudienceRow {
  const reach: NudgeReach = {};
  if (r.privateTo !== null) {
    const cut = r.privateTo.indexOf('\u001f');
    reach.private = { channel: r.privateTo.slice(0, cut), chat: r.privateTo.slice(cut + 1) };
  }
  if (r.groupTo !== null) {
    const [channel, chat, mention] = r.groupTo.split('\u001f') as [string, string, string];
    reach.group = { channel, chat, mention };
  }
  return {
    memberId: r.memberId,
    name: r.name,
    lang: r.lang === 'zh' || r.lang === 'en' ? r.lang : null,
    balance: r.balance,
    tierId: r.tierId,
    occasion: r.occasion,
    nextTierId: r.nextTierId,
    gap: r.gap,
    expiring: r.expiring,
    expiresAt: r.expiresAt,
    streak: r.streak,
    reach,
  };
}

/** The members a rule run with this window would nudge, every guard applied; the first `limit` in the query's order. One query. */
export function nudgeAudience(db: Db, w: NudgeWindow, limit?: number): NudgeAudienceRow[] {
  const stmt = statement(db, limit === undefined ? audienceSql(w.kind) : `${audienceSql(w.kind)} LIMIT ${Math.max(0, Math.floor(limit))}`);
  // Row by row: a first run can pick a quarter of the membership, and two arrays of that would double the memory.
  const rows: NudgeAudienceRow[] = [];
  for (const r of stmt.iterate(params(stmt, w)) as IterableIterator<RawRow>) rows.push(toAudienceRow(r));
  return rows;
}

/** How many members a rule run with this window would nudge (a preview), without loading them. */
export function nudgeAudienceSize(db: Db, w: NudgeWindow): number {
  const stmt = statement(db, `SELECT count(*) AS n FROM (${audienceSql(w.kind)})`);
  return (stmt.get(params(stmt, w)) as { n: number }).n;
}

// ---- Sends, stats, mutes ---------------------------------------------------------------------------------------

/** A nudge decided for a member. */
export interface NudgeSend {
  ruleId: string;
  memberId: number;
  occasion: string;
  at: Date;
  deliverAt: Date;
  channel: string;
  chat: string;
  outboxKey: string;
}

/** Record a send; false when this rule already went to this member for this occasion (then send nothing). */
export function recordNudgeSend(db: Db, s: NudgeSend): boolean {
  // A run records thousands of these: one statement, prepared once per database.
  const stmt = statement(
    db,
    `INSERT INTO nudge_sends (rule_id, member_id, occasion, at, deliver_at, channel, chat, outbox_key)
     VALUES (@ruleId, @memberId, @occasion, @at, @deliverAt, @channel, @chat, @outboxKey) ON CONFLICT DO NOTHING`,
  );
  return stmt.run({ ...s, at: s.at.getTime(), deliverAt: s.deliverAt.getTime() }).changes === 1;
}

/** Sends per rule decided since `since` (withdrawn ones excluded), for the managers' list. */
export function nudgeSendCounts(db: Db, since: Date): Map<string, number> {
  const rows = db
    .select({ ruleId: nudgeSends.ruleId, n: sql<number>`count(*)` })
    .from(nudgeSends)
    .where(and(gte(nudgeSends.at, since.getTime()), isNull(nudgeSends.cancelledAt)))
    .groupBy(nudgeSends.ruleId)
    .all();
  return new Map(rows.map((r) => [r.ruleId, r.n]));
}

/** The member's sends, oldest first (tests and support). */
export function nudgeSendsOf(db: Db, memberId: number): (typeof nudgeSends.$inferSelect)[] {
  return db.select().from(nudgeSends).where(eq(nudgeSends.memberId, memberId)).orderBy(asc(nudgeSends.id)).all();
}

/**
 * Mute nudges for a member and withdraw their nudges still waiting in the outbox (held by quiet hours). Returns false
 * when they were already muted. One transaction.
 */
export function muteNudges(db: Db, memberId: number, now: Date): boolean {
  return inTransaction(db, () => {
    const added = db.insert(nudgeMutes).values({ memberId, mutedAt: now.getTime() }).onConflictDoNothing().run().changes === 1;
    const pending = db
      .select({ id: nudgeSends.id, key: nudgeSends.outboxKey })
      .from(nudgeSends)
      .innerJoin(outbox, eq(outbox.key, nudgeSends.outboxKey))
      .where(and(eq(nudgeSends.memberId, memberId), isNull(nudgeSends.cancelledAt), isNull(outbox.sentAt), isNull(outbox.failedAt)))
      .all();
    for (const p of pending) {
      db.update(outbox).set({ failedAt: now.getTime(), lastError: 'withdrawn: member muted nudges' }).where(eq(outbox.key, p.key)).run();
      db.update(nudgeSends).set({ cancelledAt: now.getTime() }).where(eq(nudgeSends.id, p.id)).run();
    }
    return added;
  });
}

/** Let nudges reach the member again; false when they were not muted. */
export function unmuteNudges(db: Db, memberId: number): boolean {
  return db.delete(nudgeMutes).where(eq(nudgeMutes.memberId, memberId)).run().changes === 1;
}
