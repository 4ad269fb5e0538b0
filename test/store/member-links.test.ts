// Merging two identities of one person and undoing it, on a database a real replay filled: balances, lots, check-ins,
// badges, a self-referral, mutes and tickets become one member; a second link changes nothing; unlink restores every
// table exactly; activity after the merge keeps it from being undone.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { msg, replay, tempDir, program } from '../harness';
import { openDatabase, type Db } from '../../store/db';
import { findMemberByPlatformId } from '../../store/members';
import { balanceOf } from '../../store/ledger';
import { MEMBER_COLUMNS, linkMembers, unlinkIdentity } from '../../store/member-links';

const at = (day: number, time: string) => `2026-03-${String(day).padStart(2, '0')}T${time}:00+08:00`;
const tierIds = program().tiers.map((t) => t.id);
const consoleAlice = { channel: 'console', id: 'u1' };
const telegramAlice = { channel: 'telegram', id: '777' };
const tg = (id: string, when: string, text: string, chat = '777') => msg(id, when, '777', text, { chat, name: 'Alice T', channel: 'telegram' });

/**
 * Alice on the console: check-ins on the 1st to 3rd, a purchase, an invite code. Alice on Telegram (newer): joins with
 * her own invite code (a self-referral, paid at her first check-in), checks in on the 3rd (a day both have) and the 4th,
 * is given a badge, mutes nudges, asks for a person and buys (which pays the referral).
 */
async function twoAlices(path: string): Promise<string> {
  const out = await replay(
    [
      { type: 'role', member: 'm1', role: 'manager' },
      msg('a1', at(1, '09:00'), 'u1', '/checkin', { name: 'Alice' }),
      msg('a2', at(2, '09:00'), 'u1', '/checkin', { name: 'Alice' }),
      msg('a3', at(3, '09:00'), 'u1', '/checkin', { name: 'Alice' }),
      { type: 'purchase', at: at(3, '10:00'), member: 'u1', orderId: 'A1', amount: 300 },
      msg('a4', at(3, '10:05'), 'u1', '/invite', { name: 'Alice' }),
    ],
    { dbPath: path },
  );
  const code = /Your invite code: (\w+)/.exec(out.find((o) => o.replyTo === 'a4')!.text)![1]!;
  await replay(
    [
      { type: 'role', member: '9', channel: 'telegram', role: 'manager' },
      tg('t1', at(3, '11:00'), `/invite ${code}`),
      tg('t2', at(3, '11:01'), '/checkin'),
      tg('t3', at(4, '09:00'), '/checkin'),
      tg('t4', at(4, '09:05'), '/mute'),
      tg('t5', at(4, '09:10'), 'hello everyone', 'g1'),
      msg('m2', at(4, '09:11'), '9', '/badge helper', { chat: 'g1', name: 'Mia', replyTo: 't5', channel: 'telegram' }),
      tg('t6', at(4, '09:20'), '/human my parcel is late'),
      // Her first purchase pays the referral she made to herself.
      { type: 'purchase', at: at(4, '09:30'), member: '777', channel: 'telegram', orderId: 'T1', amount: 100 },
    ],
    { dbPath: path },
  );
  return code;
}

/** Every table as rows, in a stable order (the audit log left out: it records the link and the unlink). */
function dump(db: Db): Record<string, unknown[]> {
  const tables = db.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' AND name <> 'audit_log' ORDER BY name").pluck().all() as string[];
  return Object.fromEntries(tables.map((t) => [t, db.$client.prepare(`SELECT * FROM ${t}`).all().map((r) => JSON.stringify(r)).sort()]));
}

const count = (db: Db, sql: string, ...p: unknown[]) => db.$client.prepare(sql).pluck().get(...p) as number;

describe('hearth members link and unlink', () => {
  it('every column that holds a member id is one the merge moves', () => {
    const db = openDatabase(':memory:');
    const tables = db.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    const referencing = tables.flatMap((t) =>
      (db.$client.prepare(`PRAGMA foreign_key_list(${t})`).all() as { table: string; from: string }[]).filter((fk) => fk.table === 'members').map((fk) => `${t}.${fk.from}`),
    );
    // member_points is settled on its own: balances add up and the higher tier stands.
    expect(referencing.filter((c) => c !== 'member_points.member_id').sort()).toEqual(MEMBER_COLUMNS.map((c) => `${c.table}.${c.column}`).sort());
  });

  it('makes one member of two: points add up, a day checked in twice counts once, the longer streak stands, the self-referral is void', async () => {
    const path = join(tempDir(), 'hearth.db');
    await twoAlices(path);
    const db = openDatabase(path);
    const older = findMemberByPlatformId(db, 'console', 'u1')!;
    const newer = findMemberByPlatformId(db, 'telegram', '777')!;
    const checkinPoints = count(db, "SELECT points FROM ledger_entries WHERE key = ?", `checkin:${newer.id}:2026-03-03`);
    const referralPaid = count(db, "SELECT coalesce(sum(points), 0) FROM ledger_entries WHERE key = ?", `referral:${newer.id}`);
    expect(referralPaid).toBeGreaterThan(0);
    const sum = balanceOf(db, older.id) + balanceOf(db, newer.id);

    const done = linkMembers(db, telegramAlice, consoleAlice, new Date(at(5, '12:00')), tierIds);
    expect(done.status).toBe('linked');
    // The older member stays whichever way round the two are named.
    expect(findMemberByPlatformId(db, 'telegram', '777')!.id).toBe(older.id);
    expect(count(db, 'SELECT count(*) FROM members WHERE id = ?', newer.id)).toBe(0);
    expect(balanceOf(db, older.id)).toBe(sum - checkinPoints - referralPaid);
    // The cached balance is the sum of the entries, and the open lots cover it.
    expect(count(db, 'SELECT coalesce(sum(points), 0) FROM ledger_entries WHERE member_id = ?', older.id)).toBe(balanceOf(db, older.id));
    expect(count(db, 'SELECT coalesce(sum(remaining), 0) FROM point_lots WHERE member_id = ?', older.id)).toBe(balanceOf(db, older.id));
    expect(db.$client.prepare('SELECT day, streak FROM checkins WHERE member_id = ? ORDER BY day').all(older.id)).toEqual([
      { day: '2026-03-01', streak: 1 },
      { day: '2026-03-02', streak: 2 },
      { day: '2026-03-03', streak: 3 },
      { day: '2026-03-04', streak: 4 },
    ]);
    expect(count(db, 'SELECT count(*) FROM referrals')).toBe(0);
    expect(count(db, "SELECT count(*) FROM member_badges WHERE member_id = ? AND badge_id = 'helper'", older.id)).toBe(1);
    expect(count(db, 'SELECT count(*) FROM nudge_mutes WHERE member_id = ?', older.id)).toBe(1);
    expect(count(db, 'SELECT count(*) FROM tickets WHERE member_id = ?', older.id)).toBe(1);
    expect(count(db, "SELECT count(*) FROM audit_log WHERE action = 'link'")).toBe(1);

    // A second run, either way round, finds one member and changes nothing.
    const once = dump(db);
    expect(linkMembers(db, consoleAlice, telegramAlice, new Date(at(5, '12:05')), tierIds)).toEqual({ status: 'already', memberId: older.id });
    expect(dump(db)).toEqual(once);
    db.$client.close();
  });

  it('unlink puts every table back as it was before the merge, and the next link is the same again', async () => {
    const path = join(tempDir(), 'hearth.db');
    await twoAlices(path);
    const db = openDatabase(path);
    const before = dump(db);
    expect(linkMembers(db, consoleAlice, telegramAlice, new Date(at(5, '12:00')), tierIds).status).toBe('linked');
    const merged = dump(db);
    expect(unlinkIdentity(db, telegramAlice, new Date(at(5, '12:10')))).toMatchObject({ status: 'unlinked', identities: ['telegram:777'] });
    expect(dump(db)).toEqual(before);
    // Undone once: there is nothing left to undo.
    expect(unlinkIdentity(db, telegramAlice, new Date(at(5, '12:11'))).status).toBe('not-linked');
    expect(linkMembers(db, consoleAlice, telegramAlice, new Date(at(5, '12:00')), tierIds).status).toBe('linked');
    // The same again, but for the new ids of the entries the merge writes (taking back the duplicates).
    const written = ['ledger_entries', 'lot_draws'];
    const again = dump(db);
    for (const t of written) expect(again[t]!.length).toBe(merged[t]!.length);
    expect(Object.fromEntries(Object.entries(again).filter(([t]) => !written.includes(t)))).toEqual(Object.fromEntries(Object.entries(merged).filter(([t]) => !written.includes(t))));
    db.$client.close();
  });

  it('refuses to undo a merge once the member was active after it, and changes nothing', async () => {
    const path = join(tempDir(), 'hearth.db');
    await twoAlices(path);
    let db = openDatabase(path);
    expect(linkMembers(db, consoleAlice, telegramAlice, new Date(at(5, '08:00')), tierIds).status).toBe('linked');
    db.$client.close();
    await replay([tg('t9', at(5, '09:00'), '/checkin')], { dbPath: path });
    db = openDatabase(path);
    const after = dump(db);
    expect(unlinkIdentity(db, telegramAlice, new Date(at(5, '10:00'))).status).toBe('active');
    expect(dump(db)).toEqual(after);
    db.$client.close();
  });

  it('names people only with their channel: the same id on two channels is two members until linked, and unknown ids change nothing', async () => {
    const path = join(tempDir(), 'hearth.db');
    await replay(
      [msg('a1', at(1, '09:00'), '42', '/checkin', { name: 'Ann' }), msg('b1', at(1, '09:01'), '42', '/checkin', { name: 'Ben', channel: 'telegram' })],
      { dbPath: path },
    );
    const db = openDatabase(path);
    expect(findMemberByPlatformId(db, 'console', '42')!.id).not.toBe(findMemberByPlatformId(db, 'telegram', '42')!.id);
    const before = dump(db);
    expect(linkMembers(db, { channel: 'console', id: '42' }, { channel: 'wecom', id: '42' }, new Date(at(2, '09:00')), tierIds)).toEqual({ status: 'unknown', ref: 'wecom:42' });
    expect(unlinkIdentity(db, { channel: 'console', id: '42' }, new Date(at(2, '09:00'))).status).toBe('not-linked');
    expect(dump(db)).toEqual(before);
    db.$client.close();
  });
});
