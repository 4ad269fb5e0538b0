// One person, one member: merging two members (`hearth members link`, a bind to a shop customer) in one transaction,
// with a record of every row it moved, so `hearth members unlink` can undo a mistaken merge while nothing happened since.
import type { Db } from './db';
import { inTransaction, statement } from './db';
import { debitPoints } from './ledger';
import { addDays } from '../community/calendar';

type Row = Record<string, unknown>;

/**
 * Every column holding a member id (test/store/member-links.test.ts checks this list against the schema's foreign keys).
 * `key`: the other columns that, with the member, are unique — two members' rows clash when they agree on them, and
 * `keep` says which stays (the survivor's by default).
 */
interface MemberColumn {
  table: string;
  column: string;
  key?: readonly string[];
  keep?: (absorbed: Row, survivor: Row) => 'absorbed' | 'survivor';
}

export const MEMBER_COLUMNS: readonly MemberColumn[] = [
  { table: 'identities', column: 'member_id' },
  { table: 'ledger_entries', column: 'member_id' },
  { table: 'point_lots', column: 'member_id' },
  { table: 'orders', column: 'member_id' },
  { table: 'redemptions', column: 'member_id' },
  { table: 'ugc_submissions', column: 'member_id' },
  { table: 'tickets', column: 'member_id' },
  { table: 'tickets', column: 'staff_member_id' },
  { table: 'ticket_transitions', column: 'actor_member_id' },
  { table: 'ticket_transitions', column: 'staff_member_id' },
  { table: 'recent_messages', column: 'member_id' },
  { table: 'message_authors', column: 'member_id' },
  { table: 'bind_codes', column: 'used_by_member_id' },
  { table: 'community_groups', column: 'listed_by' },
  { table: 'referrals', column: 'inviter_id' },
  // One inviter per person: the survivor's stands.
  { table: 'referrals', column: 'invitee_id', key: [] },
  // A day checked in on both counts once (its second award is taken back by the ledger's key clash below).
  { table: 'checkins', column: 'member_id', key: ['day'] },
  // A badge held beats a revoked one (a revoked row only keeps automatic rules from handing it back).
  { table: 'member_badges', column: 'member_id', key: ['badge_id'], keep: (a, s) => (s.revoked_at !== null && a.revoked_at === null ? 'absorbed' : 'survivor') },
  { table: 'chat_members', column: 'member_id', key: ['channel', 'chat_id'], keep: (a, s) => (Number(a.last_seen_at) > Number(s.last_seen_at) ? 'absorbed' : 'survivor') },
  { table: 'handles', column: 'member_id', key: ['channel', 'handle'] },
  // A conversation with staff beats an idle one.
  { table: 'conversations', column: 'member_id', key: ['channel', 'chat_id'], keep: (a, s) => (a.state !== 'bot' && s.state === 'bot' ? 'absorbed' : 'survivor') },
  { table: 'nudge_sends', column: 'member_id', key: ['rule_id', 'occasion'] },
  // Muted on either side stays muted: an opt-out is never lost by a merge.
  { table: 'nudge_mutes', column: 'member_id', key: [] },
  { table: 'staff_desks', column: 'staff_member_id', key: [] },
  // The survivor's invite code stands (one per member); the absorbed one's stops working.
  { table: 'invite_codes', column: 'member_id', key: [] },
  // Agreement to the model is the survivor's: one person's yes is not taken for the other account's.
  { table: 'model_consent', column: 'member_id', key: [] },
];

/** Ledger keys that name their member: carried over under the survivor's id, or a duplicate when it has one already. */
const MEMBER_KEYED = ['checkin', 'checkin-bonus', 'tier-gift'];

/** What a merge did, kept in the audit log so it can be undone. Row ids are SQLite rowids. */
export interface MergeRecord {
  survivor: number;
  absorbed: number;
  at: number;
  /** The absorbed member's identities as `channel:id`. */
  identities: string[];
  /** The last ledger entry id once merged: anything later on the survivor is new activity. */
  lastEntryId: number;
  absorbedRow: Row;
  survivorRow: Row;
  points: { survivor: Row | null; absorbed: Row | null };
  moved: { table: string; column: string; rowids: number[] }[];
  deleted: { table: string; row: Row }[];
  rekeyed: { id: number; key: string }[];
  /** Entries the merge wrote (duplicates and a referral between the two taken back). */
  written: number[];
  streaks: { rowid: number; streak: number }[];
}

/** What a merge moved, for the person running it. */
export interface MergeSummary {
  survivor: number;
  absorbed: number;
  points: number;
  duplicateDays: number;
  voidedReferral: boolean;
  taken: number;
  role?: string;
}

const ROLE_RANK: Record<string, number> = { member: 0, staff: 1, manager: 2 };

function all(db: Db, sql: string, ...params: unknown[]): Row[] {
  return db.$client.prepare(sql).all(...params) as Row[];
}
function run(db: Db, sql: string, ...params: unknown[]): void {
  db.$client.prepare(sql).run(...params);
}
function insertRow(db: Db, table: string, row: Row): void {
  const cols = Object.keys(row);
  run(db, `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`, ...cols.map((c) => row[c]));
}

/**
 * Make `absorbed` part of `survivor`: every row of the absorbed member becomes the survivor's (clashes settled per
 * MEMBER_COLUMNS), balances add up, the higher tier stands, a day checked in on both counts once, the longer streak
 * stands, a referral between the two is void, and the absorbed member's row goes. Call inside a transaction; the
 * returned record undoes it (`undoMerge`). `tierIds` are the program's tiers in order, entry tier first.
 */
export function mergeMembers(db: Db, survivor: number, absorbed: number, now: Date, tierIds: readonly string[]): { record: MergeRecord; summary: MergeSummary } {
  const s = survivor;
  const a = absorbed;
  const survivorRow = all(db, 'SELECT * FROM members WHERE id = ?', s)[0]!;
  const absorbedRow = all(db, 'SELECT * FROM members WHERE id = ?', a)[0]!;
  const pointsOf = (id: number) => all(db, 'SELECT * FROM member_points WHERE member_id = ?', id)[0] ?? null;
  const points = { survivor: pointsOf(s), absorbed: pointsOf(a) };
  const identities = all(db, 'SELECT channel, platform_id FROM identities WHERE member_id = ?', a).map((r) => `${String(r.channel)}:${String(r.platform_id)}`);
  const record: MergeRecord = { survivor: s, absorbed: a, at: now.getTime(), identities, lastEntryId: 0, absorbedRow, survivorRow, points, moved: [], deleted: [], rekeyed: [], written: [], streaks: [] };
  const before = Number(points.survivor?.balance ?? 0) + Number(points.absorbed?.balance ?? 0);

  // A referral between the two was one person inviting themself: void, its reward taken back once everything is moved.
  const between = all(db, 'SELECT rowid AS _rowid, * FROM referrals WHERE (invitee_id = ? AND inviter_id = ?) OR (invitee_id = ? AND inviter_id = ?)', a, s, s, a)[0];
  if (between) {
    const { _rowid: rowid, ...row } = between;
    record.deleted.push({ table: 'referrals', row });
    run(db, 'DELETE FROM referrals WHERE rowid = ?', rowid);
  }
  const duplicateDays = all(db, 'SELECT day FROM checkins WHERE member_id = ? AND day IN (SELECT day FROM checkins WHERE member_id = ?)', a, s).length;

  for (const col of MEMBER_COLUMNS) {
    const rows = all(db, `SELECT rowid AS _rowid, * FROM ${col.table} WHERE ${col.column} = ?`, a);
    const moving: number[] = [];
    for (const { _rowid: rowid, ...row } of rows) {
      if (col.key === undefined) {
        moving.push(Number(rowid));
        continue;
      }
      const where = [`${col.column} = ?`, ...col.key.map((k) => `${k} IS ?`)].join(' AND ');
      const clash = all(db, `SELECT rowid AS _rowid, * FROM ${col.table} WHERE ${where}`, s, ...col.key.map((k) => row[k]))[0];
      if (!clash) {
        moving.push(Number(rowid));
      } else if ((col.keep ?? (() => 'survivor'))(row, clash) === 'survivor') {
        record.deleted.push({ table: col.table, row });
        run(db, `DELETE FROM ${col.table} WHERE rowid = ?`, rowid);
      } else {
        const { _rowid: clashId, ...clashRow } = clash;
        record.deleted.push({ table: col.table, row: clashRow });
        run(db, `DELETE FROM ${col.table} WHERE rowid = ?`, clashId);
        moving.push(Number(rowid));
      }
    }
    if (moving.length === 0) continue;
    const update = db.$client.prepare(`UPDATE ${col.table} SET ${col.column} = ? WHERE rowid = ?`);
    for (const rowid of moving) update.run(s, rowid);
    // Where the member column is the rowid itself (an INTEGER PRIMARY KEY), the moved row's rowid is now the survivor's.
    record.moved.push({ table: col.table, column: col.column, rowids: isRowid(db, col) ? [s] : moving });
  }

  run(db, 'DELETE FROM member_points WHERE member_id = ?', a);
  run(db, "INSERT INTO member_points (member_id, updated_at) VALUES (?, ?) ON CONFLICT (member_id) DO NOTHING", s, now.getTime());
  run(db, 'UPDATE member_points SET balance = (SELECT coalesce(sum(points), 0) FROM ledger_entries WHERE member_id = ?), updated_at = ? WHERE member_id = ?', s, now.getTime(), s);
  // The higher tier stands, with its grace period.
  const rank = (p: Row | null) => (p ? tierIds.indexOf(String(p.tier_id)) : -1);
  if (points.absorbed && rank(points.absorbed) > rank(points.survivor)) {
    run(db, 'UPDATE member_points SET tier_id = ?, grace_until = ? WHERE member_id = ?', points.absorbed.tier_id, points.absorbed.grace_until, s);
  }

  // Entries keyed by the absorbed member's id take the survivor's; where the survivor has that key already (a day
  // checked in on both, a tier gift had twice), the absorbed one is a duplicate and is taken back.
  const movedEntries = new Set(record.moved.find((m) => m.table === 'ledger_entries')?.rowids ?? []);
  for (const prefix of MEMBER_KEYED) {
    for (const entry of all(db, 'SELECT id, key, points, growth FROM ledger_entries WHERE member_id = ? AND key LIKE ?', s, `${prefix}:${a}:%`)) {
      if (!movedEntries.has(Number(entry.id))) continue;
      const oldKey = String(entry.key);
      const key = `${prefix}:${s}:${oldKey.slice(`${prefix}:${a}:`.length)}`;
      if (all(db, 'SELECT id FROM ledger_entries WHERE key = ?', key).length === 0) {
        run(db, 'UPDATE ledger_entries SET key = ? WHERE id = ?', key, entry.id);
        record.rekeyed.push({ id: Number(entry.id), key: oldKey });
      } else {
        takeBack(db, record, s, { id: Number(entry.id), points: Number(entry.points), growth: Number(entry.growth), key: oldKey }, 'merge-duplicate', now);
      }
    }
  }
  if (between) {
    const reward = all(db, 'SELECT id, key, points, growth FROM ledger_entries WHERE key = ?', `referral:${String(between.invitee_id)}`)[0];
    if (reward) takeBack(db, record, s, { id: Number(reward.id), points: Number(reward.points), growth: Number(reward.growth), key: String(reward.key) }, 'merge-void-referral', now);
  }

  recomputeStreaks(db, record, s);
  const role = ROLE_RANK[String(absorbedRow.role)]! > ROLE_RANK[String(survivorRow.role)]! ? String(absorbedRow.role) : undefined;
  const paid = [...new Set([...parseList(survivorRow.already_paid), ...parseList(absorbedRow.already_paid)])];
  const fixed = survivorRow.lang_fixed === 1 || absorbedRow.lang_fixed !== 1 ? survivorRow : absorbedRow;
  run(
    db,
    'UPDATE members SET name = ?, lang = ?, lang_fixed = ?, birthday = ?, role = ?, created_at = ?, last_active_at = ?, already_paid = ? WHERE id = ?',
    survivorRow.name || absorbedRow.name,
    fixed.lang ?? survivorRow.lang ?? absorbedRow.lang,
    fixed.lang_fixed,
    survivorRow.birthday ?? absorbedRow.birthday,
    role ?? survivorRow.role,
    Math.min(Number(survivorRow.created_at), Number(absorbedRow.created_at)),
    Math.max(Number(survivorRow.last_active_at), Number(absorbedRow.last_active_at)),
    paid.length > 0 ? JSON.stringify(paid) : null,
    s,
  );
  // Every reference was moved above: a foreign key still pointing at the member fails here, and nothing is written.
  run(db, 'DELETE FROM members WHERE id = ?', a);
  record.lastEntryId = Number(all(db, 'SELECT coalesce(max(id), 0) AS n FROM ledger_entries')[0]!.n);
  const after = Number(all(db, 'SELECT balance FROM member_points WHERE member_id = ?', s)[0]?.balance ?? 0);
  const summary: MergeSummary = { survivor: s, absorbed: a, points: Number(points.absorbed?.balance ?? 0), duplicateDays, voidedReferral: between !== undefined, taken: before - after };
  if (role) summary.role = role;
  return { record, summary };
}

function isRowid(db: Db, col: MemberColumn): boolean {
  const pk = (db.$client.prepare(`PRAGMA table_info(${col.table})`).all() as { name: string; type: string; pk: number }[]).filter((c) => c.pk > 0);
  return pk.length === 1 && pk[0]!.name === col.column && pk[0]!.type.toUpperCase() === 'INTEGER';
}

function parseList(value: unknown): string[] {
  return typeof value === 'string' ? (JSON.parse(value) as string[]) : [];
}

/** Take back an entry's points and growth from the merged member (it may go below zero, as a refund may). */
function takeBack(db: Db, record: MergeRecord, memberId: number, entry: { id: number; points: number; growth: number; key: string }, reason: string, now: Date): void {
  if (entry.points <= 0 && entry.growth <= 0) return;
  const res = debitPoints(db, { memberId, points: Math.max(entry.points, 0), growth: -Math.max(entry.growth, 0), kind: 'reverse', key: `${reason}:${entry.id}`, reason, ref: entry.key, at: now, allowNegative: true });
  if (res.created) record.written.push(res.entryId);
}

/** Each check-in's streak over the merged days: consecutive days count on, and no day's streak gets shorter. */
function recomputeStreaks(db: Db, record: MergeRecord, memberId: number): void {
  let prev: { day: string; streak: number } | undefined;
  for (const row of all(db, 'SELECT rowid AS _rowid, day, streak FROM checkins WHERE member_id = ? ORDER BY day', memberId)) {
    const day = String(row.day);
    const old = Number(row.streak);
    const streak = Math.max(old, prev && addDays(prev.day, 1) === day ? prev.streak + 1 : 1);
    if (streak !== old) {
      run(db, 'UPDATE checkins SET streak = ? WHERE rowid = ?', streak, row._rowid);
      record.streaks.push({ rowid: Number(row._rowid), streak: old });
    }
    prev = { day, streak };
  }
}

/** Why an undo cannot go ahead: the merged member was active since (staff correct by grant then). */
export type UndoRefusal = 'active';

/** Undo a merge from its record: the absorbed member comes back with its own rows, and the survivor is as it was. */
export function undoMerge(db: Db, record: MergeRecord): { ok: true } | { ok: false; reason: UndoRefusal } {
  return inTransaction(db, () => {
    const s = record.survivor;
    const later = statement<[number, number], number>(db, 'SELECT count(*) FROM ledger_entries WHERE member_id = ? AND id > ?').pluck().get(s, record.lastEntryId)!;
    const lastActive = statement<[number], number>(db, 'SELECT last_active_at FROM members WHERE id = ?').pluck().get(s);
    if (later > 0 || (lastActive ?? 0) > Math.max(Number(record.survivorRow.last_active_at), Number(record.absorbedRow.last_active_at))) return { ok: false, reason: 'active' };
    insertRow(db, 'members', record.absorbedRow);
    // The entries the merge wrote go as if never written: their draws back on their lots.
    for (const id of record.written) {
      for (const draw of all(db, 'SELECT lot_id, points FROM lot_draws WHERE entry_id = ?', id)) run(db, 'UPDATE point_lots SET remaining = remaining + ? WHERE entry_id = ?', draw.points, draw.lot_id);
      run(db, 'DELETE FROM lot_draws WHERE entry_id = ?', id);
      run(db, 'DELETE FROM ledger_entries WHERE id = ?', id);
    }
    for (const m of record.moved) {
      const update = db.$client.prepare(`UPDATE ${m.table} SET ${m.column} = ? WHERE rowid = ?`);
      for (const rowid of m.rowids) update.run(record.absorbed, rowid);
    }
    for (const d of record.deleted) insertRow(db, d.table, d.row);
    for (const r of record.rekeyed) run(db, 'UPDATE ledger_entries SET key = ? WHERE id = ?', r.key, r.id);
    for (const r of record.streaks) run(db, 'UPDATE checkins SET streak = ? WHERE rowid = ?', r.streak, r.rowid);
    run(db, 'DELETE FROM member_points WHERE member_id IN (?, ?)', s, record.absorbed);
    for (const p of [record.points.survivor, record.points.absorbed]) if (p) insertRow(db, 'member_points', p);
    for (const id of [s, record.absorbed]) {
      run(db, 'UPDATE member_points SET balance = (SELECT coalesce(sum(points), 0) FROM ledger_entries WHERE member_id = ?) WHERE member_id = ?', id, id);
    }
    const { id: _id, ...survivorFields } = record.survivorRow;
    const cols = Object.keys(survivorFields);
    run(db, `UPDATE members SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`, ...cols.map((c) => survivorFields[c]), s);
    return { ok: true };
  });
}

/** How `hearth members link` went. */
export type LinkOutcome =
  | { status: 'linked'; summary: MergeSummary; auditId: number }
  | { status: 'already'; memberId: number }
  | { status: 'unknown'; ref: string }
  | { status: 'erased'; ref: string };

type Ref = { channel: string; id: string };
const refText = (r: Ref) => `${r.channel}:${r.id}`;

function memberOf(db: Db, ref: Ref): { id: number; createdAt: number; erasedAt: number | null } | undefined {
  return statement<[string, string], { id: number; createdAt: number; erasedAt: number | null }>(
    db,
    'SELECT m.id, m.created_at AS createdAt, m.erased_at AS erasedAt FROM identities i JOIN members m ON m.id = i.member_id WHERE i.channel = ? AND i.platform_id = ?',
  ).get(ref.channel, ref.id);
}

/**
 * Merge the members behind two identities of one person (named explicitly, channel and id: equal ids on two channels
 * are two people until a manager says otherwise). The older member survives, so the order of the two does not matter
 * and a second run finds one member and changes nothing. Audited with the record `unlinkIdentity` undoes it from.
 */
export function linkMembers(db: Db, one: Ref, other: Ref, now: Date, tierIds: readonly string[]): LinkOutcome {
  return inTransaction(db, (): LinkOutcome => {
    const a = memberOf(db, one);
    const b = memberOf(db, other);
    if (!a) return { status: 'unknown', ref: refText(one) };
    if (!b) return { status: 'unknown', ref: refText(other) };
    if (a.erasedAt !== null) return { status: 'erased', ref: refText(one) };
    if (b.erasedAt !== null) return { status: 'erased', ref: refText(other) };
    if (a.id === b.id) return { status: 'already', memberId: a.id };
    const [survivor, absorbed] = a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.id < b.id) ? [a, b] : [b, a];
    const { record, summary } = mergeMembers(db, survivor.id, absorbed.id, now, tierIds);
    const res = db.$client
      .prepare("INSERT INTO audit_log (at, action, target_member_id, details) VALUES (?, 'link', ?, ?)")
      .run(now.getTime(), survivor.id, JSON.stringify({ summary, record }));
    return { status: 'linked', summary, auditId: Number(res.lastInsertRowid) };
  });
}

/** How `hearth members unlink` went. `active`: the member did something since the merge; staff correct by grant. */
export type UnlinkOutcome =
  | { status: 'unlinked'; survivor: number; restored: number; identities: string[] }
  | { status: 'not-linked'; ref: string }
  | { status: 'active'; ref: string }
  | { status: 'later-link'; ref: string };

/**
 * Undo the merge (a link, or a bind to a shop customer) that brought `ref` into its member, from the audit record, while
 * nothing happened since and no later merge depends on it.
 */
export function unlinkIdentity(db: Db, ref: Ref, now: Date): UnlinkOutcome {
  return inTransaction(db, (): UnlinkOutcome => {
    const member = memberOf(db, ref);
    const text = refText(ref);
    if (!member) return { status: 'not-linked', ref: text };
    const rows = all(
      db,
      "SELECT id, details FROM audit_log l WHERE action IN ('link', 'bind') AND target_member_id = ? AND NOT EXISTS (SELECT 1 FROM audit_log u WHERE u.action = 'unlink' AND json_extract(u.details, '$.link') = l.id) ORDER BY id DESC",
      member.id,
    );
    const links = rows.map((l) => ({ id: Number(l.id), record: (JSON.parse(String(l.details)) as { record?: MergeRecord }).record })).filter((l) => l.record !== undefined);
    const found = links.find((l) => l.record!.identities.includes(text)) as { id: number; record: MergeRecord } | undefined;
    if (!found) return { status: 'not-linked', ref: text };
    // Merges undo newest first: a later one changed the member the earlier record would restore.
    if (found !== links[0]) return { status: 'later-link', ref: text };
    const undone = undoMerge(db, found.record);
    if (!undone.ok) return { status: 'active', ref: text };
    run(db, "INSERT INTO audit_log (at, action, target_member_id, details) VALUES (?, 'unlink', ?, ?)", now.getTime(), found.record.absorbed, JSON.stringify({ link: found.id, survivor: found.record.survivor }));
    return { status: 'unlinked', survivor: found.record.survivor, restored: found.record.absorbed, identities: found.record.identities };
  });
}
