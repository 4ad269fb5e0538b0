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
 * `part` is the row's half of the occasion key (community/nudges.ts). Each lists its members in id order, so the
 * occasion guard walks its index in order and the candidates table (below) is filled by appending.
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
          WHERE nt.threshold - g.growth > 0 AND nt.threshold - g.growth <= @ratio * nt.threshold
          ORDER BY g.member_id)`,
  dormant: `
    c AS MATERIALIZED (SELECT m.id AS member_id, CAST(m.last_active_at AS TEXT) AS part, NULL AS next_tier, NULL AS gap,
                 NULL AS expiring, NULL AS expires_at, NULL AS streak
          FROM members m LEFT JOIN member_points p ON p.member_id = m.id
          WHERE m.last_active_at <= @silentBefore AND m.last_active_at > @silentAfter AND coalesce(p.balance, 0) >= @minPoints
          ORDER BY m.id)`,
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
          WHERE min(s.points, max(coalesce(p.balance, 0), 0)) > 0
          ORDER BY s.member_id)`,
  birthday: `
    c AS MATERIALIZED (SELECT m.id AS member_id, '' AS part, NULL AS next_tier, NULL AS gap, NULL AS expiring, NULL AS expires_at, NULL AS streak
          FROM members m WHERE m.birthday IS NOT NULL AND substr(m.birthday, 6, 5) IN (SELECT value FROM json_each(@monthDays))
          ORDER BY m.id)`,
  'streak-at-risk': `
    c AS MATERIALIZED (SELECT k.member_id, '' AS part, NULL AS next_tier, NULL AS gap, NULL AS expiring, NULL AS expires_at, k.streak AS streak
          FROM checkins k
          WHERE k.day = @yesterday AND k.streak >= @minStreak
            AND NOT EXISTS (SELECT 1 FROM checkins t WHERE t.member_id = k.member_id AND t.day = @today)
          ORDER BY k.member_id)`,
};

/**
 * Every guard, in one place. Not this rule for this occasion before: applied as candidates are collected, since in
 * steady state it turns most of them away (a member stays silent, or their points stay due, for many daily runs).
 * Then, on each page: not staff, not muted, no conversation owned by (or waiting for) staff, under the monthly and
 * daily caps (counted on delivery days; withdrawn sends do not count).
 */
const OCCASION_GUARD = `
  NOT EXISTS (SELECT 1 FROM nudge_sends s WHERE s.rule_id = @ruleId AND s.member_id = c.member_id AND s.occasion = @occasionPrefix || c.part)`;
const GUARDS = `
  -- Staff are colleagues, not customers to win back.
  m.role <> 'staff'
  AND NOT EXISTS (SELECT 1 FROM nudge_mutes x WHERE x.member_id = c.member_id)
  AND NOT EXISTS (SELECT 1 FROM conversations v WHERE v.member_id = c.member_id AND v.state IN ('waiting', 'staff'))
  AND NOT EXISTS (SELECT 1 FROM (SELECT count(*) AS month, sum(s.deliver_at >= @dayStart AND s.deliver_at < @dayEnd) AS day
                                 FROM nudge_sends s WHERE s.member_id = c.member_id AND s.cancelled_at IS NULL
                                   AND s.deliver_at >= @monthStart AND s.deliver_at < @monthEnd)
                  WHERE month >= @monthlyCap OR day >= @dailyCap)`;

/** A private chat the member opened with the bot, as channel␟chat. */
const PRIVATE_CHAT = `(SELECT i.channel || char(31) || i.platform_id FROM identities i
    WHERE i.member_id = c.member_id AND i.can_message_privately = 1 ORDER BY i.channel, i.platform_id LIMIT 1)`;
/** The group the member was last seen in, with their id there to mention, as channel␟chat␟id. */
const LATEST_GROUP = `(SELECT cm.channel || char(31) || cm.chat_id || char(31) || i.platform_id FROM chat_members cm
    JOIN identities i ON i.member_id = cm.member_id AND i.channel = cm.channel
    WHERE cm.member_id = c.member_id ORDER BY cm.last_seen_at DESC LIMIT 1)`;

/** Where a run keeps its candidates: per connection (a temporary table), keyed and so ordered by member. */
const CANDIDATE_TABLE = `CREATE TEMP TABLE IF NOT EXISTS nudge_candidates (member_id INTEGER PRIMARY KEY, part TEXT NOT NULL,
  next_tier TEXT, gap INTEGER, expiring INTEGER, expires_at INTEGER, streak INTEGER)`;

/** The statement that writes a kind's candidates (exported, with AUDIENCE_PAGE_SQL, for EXPLAIN in tests). */
export function candidatesSql(kind: NudgeRule['kind']): string {
  return `WITH ${CANDIDATES[kind]}
    INSERT INTO temp.nudge_candidates (member_id, part, next_tier, gap, expiring, expires_at, streak)
    SELECT member_id, part, next_tier, gap, expiring, expires_at, streak FROM c WHERE ${OCCASION_GUARD}`;
}

/**
 * One page of an audience: the next candidates after `@after`, in member order, that pass every guard, each with where
 * to reach them — their private chat, or their latest group when the rule prefers groups or there is no private chat
 * (never a group for a message that shows what the member has).
 * (coalesce stops at its first non-null argument, so a group is looked up only when it may be used.) `target` is null
 * for a member who cannot be reached at all. Walking the candidates in member order reads every member-keyed index
 * from one end to the other rather than at random: a run over a large audience is about a third faster.
 */
export const AUDIENCE_PAGE_SQL = `
    SELECT c.member_id AS memberId, m.name AS name, m.lang AS lang, coalesce(p.balance, 0) AS balance,
           coalesce(p.tier_id, '') AS tierId, @occasionPrefix || c.part AS occasion,
           c.next_tier AS nextTierId, c.gap AS gap, c.expiring AS expiring, c.expires_at AS expiresAt, c.streak AS streak,
           coalesce(CASE WHEN @preferGroup = 0 THEN ${PRIVATE_CHAT} END, CASE WHEN @privateOnly = 0 THEN ${LATEST_GROUP} END, ${PRIVATE_CHAT}) AS target
    -- CROSS JOIN keeps the candidates as the outer loop: the planner has no statistics for a temporary table and,
    -- once the members table has them, would otherwise walk every member and look each up among the candidates.
    FROM temp.nudge_candidates c
    CROSS JOIN members m ON m.id = c.member_id
    LEFT JOIN member_points p ON p.member_id = c.member_id
    WHERE c.member_id > @after AND ${GUARDS}
    ORDER BY c.member_id LIMIT @pageSize`;

/** Where a nudge goes: a private chat, or a group with the member to mention. */
export interface NudgeTarget {
  channel: string;
  chat: string;
  mention?: string;
}

/** A member a rule would nudge now, with its template values and where the nudge goes. */
export type NudgeAudienceRow = NudgeCandidate & { target: NudgeTarget };

/** A result row as an array, in the order of AUDIENCE_PAGE_SQL's columns (rows as objects cost a fifth of a large run). */
type RawRow = [
  memberId: number,
  name: string,
  lang: string | null,
  balance: number,
  tierId: string,
  occasion: string,
  nextTierId: string | null,
  gap: number | null,
  expiring: number | null,
  expiresAt: number | null,
  streak: number | null,
  target: string | null,
];

/** The named parameters of a kind's query, from a window (only those the query names may be bound). */
const BINDINGS: Record<string, (w: NudgeWindow) => string | number> = {
  ruleId: (w) => w.ruleId,
  preferGroup: (w) => (w.channel === 'group' ? 1 : 0),
  privateOnly: (w) => (w.privateOnly ? 1 : 0),
  now: (w) => w.now,
  dayStart: (w) => w.dayStart,
  dayEnd: (w) => w.dayEnd,
  monthStart: (w) => w.monthStart,
  monthEnd: (w) => w.monthEnd,
  monthlyCap: (w) => w.monthlyCap,
  dailyCap: (w) => w.dailyCap,
  occasionPrefix: (w) => w.occasionPrefix,
  recentSince: (w) => w.recentSince,
  growthSince: (w) => w.growthSince,
  tiers: (w) => JSON.stringify(w.tiers),
  ratio: (w) => w.ratio,
  silentBefore: (w) => w.silentBefore,
  silentAfter: (w) => w.silentAfter,
  minPoints: (w) => w.minPoints,
  expiringUntil: (w) => w.expiringUntil,
  expiryMonths: (w) => JSON.stringify(w.expiryMonths),
  monthDays: (w) => JSON.stringify(w.monthDays),
  today: (w) => w.today,
  yesterday: (w) => w.yesterday,
  minStreak: (w) => w.minStreak,
};

// The candidates table must exist before any statement that reads it is prepared: created once per connection.
const candidatesTable = perConnection((db) => {
  db.$client.exec(CANDIDATE_TABLE);
  return true;
});

/** An audience statement, prepared once per connection like every hot statement (`statement`). */
function audienceStatement(db: Db, text: string): Statement {
  candidatesTable(db);
  return statement(db, text);
}

// Which window values a statement binds (only those it names may be bound), found once per statement text.
const boundNames = new Map<string, string[]>();
function params(text: string, w: NudgeWindow): Record<string, string | number> {
  let names = boundNames.get(text);
  if (!names) boundNames.set(text, (names = Object.keys(BINDINGS).filter((k) => text.includes(`@${k}`))));
  const out: Record<string, string | number> = {};
  for (const name of names) out[name] = BINDINGS[name]!(w);
  return out;
}

/** Write the run's candidates to the per-connection table (replacing the last run's). */
function collectCandidates(db: Db, w: NudgeWindow): void {
  const text = candidatesSql(w.kind);
  audienceStatement(db, 'DELETE FROM temp.nudge_candidates').run();
  audienceStatement(db, text).run(params(text, w));
}

const AUDIENCE_COUNT_SQL = `SELECT count(*) FROM (${AUDIENCE_PAGE_SQL}) WHERE target IS NOT NULL`;

// Built field by field: audiences can be hundreds of thousands of rows, and spreads cost more than the query.
function toAudienceRow(r: RawRow, target: string): NudgeAudienceRow {
  const [channel, chat, mention] = target.split('\u001f') as [string, string, string | undefined];
  const lang = r[2];
  return {
    memberId: r[0],
    name: r[1],
    lang: lang === 'zh' || lang === 'en' ? lang : null,
    balance: r[3],
    tierId: r[4],
    occasion: r[5],
    nextTierId: r[6],
    gap: r[7],
    expiring: r[8],
    expiresAt: r[9],
    streak: r[10],
    target: mention === undefined ? { channel, chat } : { channel, chat, mention },
  };
}

/**
 * The members a rule run with this window would nudge, every guard applied, a page at a time in member order (the
 * first `limit` of them). No statement is open between pages, so the caller may record sends as it goes; memory stays
 * at one page however large the audience.
 */
export function* nudgeAudiencePages(db: Db, w: NudgeWindow, limit = Infinity, pageSize = AUDIENCE_PAGE): Generator<NudgeAudienceRow[]> {
  if (limit <= 0) return;
  collectCandidates(db, w);
  yield* collectedPages(db, w, limit, pageSize);
}

// The pages of the candidates already collected for this window.
function* collectedPages(db: Db, w: NudgeWindow, limit: number, pageSize: number): Generator<NudgeAudienceRow[]> {
  const page = audienceStatement(db, AUDIENCE_PAGE_SQL).raw(true);
  const bound = params(AUDIENCE_PAGE_SQL, w);
  let left = limit;
  for (let after = 0; ; ) {
    const raw = page.all({ ...bound, after, pageSize }) as RawRow[];
    if (raw.length === 0) return;
    after = raw[raw.length - 1]![0];
    const rows: NudgeAudienceRow[] = [];
    for (const r of raw) {
      const target = r[11];
      if (target === null) continue; // nowhere to reach them
      rows.push(toAudienceRow(r, target));
      if (--left === 0) break;
    }
    yield rows;
    if (left === 0 || raw.length < pageSize) return;
  }
}

const AUDIENCE_PAGE = 5_000;

/** The members a rule run with this window would nudge, every guard applied; the first `limit` in member order. */
export function nudgeAudience(db: Db, w: NudgeWindow, limit = Infinity): NudgeAudienceRow[] {
  const rows: NudgeAudienceRow[] = [];
  for (const page of nudgeAudiencePages(db, w, limit)) rows.push(...page);
  return rows;
}

/** How many members a rule run with this window would nudge, without loading them. */
export function nudgeAudienceSize(db: Db, w: NudgeWindow): number {
  collectCandidates(db, w);
  return countCollected(db, w);
}

/** A preview: how many members a run would nudge now and the first `samples` of them, collecting candidates once. */
export function nudgeAudiencePreview(db: Db, w: NudgeWindow, samples: number): { count: number; rows: NudgeAudienceRow[] } {
  collectCandidates(db, w);
  const rows = samples > 0 ? [...collectedPages(db, w, samples, samples)].flat() : [];
  return { count: countCollected(db, w), rows };
}

function countCollected(db: Db, w: NudgeWindow): number {
  const count = audienceStatement(db, AUDIENCE_COUNT_SQL).pluck();
  return count.get({ ...params(AUDIENCE_COUNT_SQL, w), after: 0, pageSize: -1 }) as number;
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
