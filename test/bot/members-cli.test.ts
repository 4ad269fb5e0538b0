// `hearth members export|erase|link|unlink` as an operator uses it, on a database a real replay filled: the export holds the
// member's ledger, codes, tickets and posts; an erase keeps the program's figures and removes the person; a returning
// person is a new member who is not paid one-time rewards (the referral, a tier's upgrade gift) a second time.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { msg, replay, tempDir } from '../harness';
import { openDatabase, type Db } from '../../store/db';
import { findMemberByPlatformId, getMember } from '../../store/members';
import { balanceOf } from '../../store/ledger';
import { eraseMember } from '../../store/member-data';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'hearth.js');

function hearth(args: string[], dbPath: string, input = '') {
  const res = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    input,
    encoding: 'utf8',
    env: { ...process.env, HEARTH_LOG_LEVEL: 'error', HEARTH_DB: dbPath },
    timeout: 60_000,
  });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

const at = (day: number, time: string) => `2026-03-${String(day).padStart(2, '0')}T${time}:00+08:00`;
const alice = (id: string, when: string, text: string, chat = 'u1') => msg(id, when, 'u1', text, { chat, name: 'Alice' });

/** Alice came through Bob's invite, bought enough for Silver (gift), redeemed a code, shared a post and asked for a person. */
async function aliceHistory(path: string): Promise<{ code: string; inviteCode: string }> {
  const invite = await replay([msg('b1', at(1, '09:00'), 'u2', '/invite', { name: 'Bob' })], { dbPath: path });
  const inviteCode = /Your invite code: (\w+)/.exec(invite[0]!.text)![1]!;
  const out = await replay(
    [
      { type: 'role', member: 'm1', role: 'manager' },
      { type: 'role', member: 's1', role: 'staff' },
      alice('a1', at(1, '10:00'), `/invite ${inviteCode}`),
      alice('a2', at(1, '10:01'), '/checkin'),
      { type: 'purchase', at: at(1, '10:05'), member: 'u1', orderId: 'A1001', amount: 1200 },
      alice('a3', at(1, '10:10'), '/redeem free-shipping'),
      alice('a4', at(1, '10:20'), '#share The lip balm lasts all day and smells great.', 'g1'),
      msg('r1', at(1, '10:25'), 'm1', '/approve 1', { chat: 'g1', name: 'Mia' }),
      alice('a5', at(1, '11:00'), '/human my parcel never arrived, can someone help'),
      msg('s1', at(1, '11:02'), 's1', '/take 1', { name: 'Sam' }),
      msg('s2', at(1, '11:03'), 's1', 'Hi Alice, let me check the tracking number for you.', { name: 'Sam' }),
      alice('a6', at(1, '11:04'), 'It is SF123456789, sent to 12 Garden Road'),
      msg('s3', at(1, '11:10'), 's1', '/done', { name: 'Sam' }),
    ],
    { dbPath: path },
  );
  const code = /your code: (\S+)/.exec(out.find((o) => o.replyTo === 'a3')!.text)![1]!;
  return { code, inviteCode };
}

function figures(db: Db) {
  const one = (sql: string) => db.$client.prepare(sql).pluck().get() as number;
  return {
    balances: one('SELECT coalesce(sum(balance), 0) FROM member_points'),
    ledgerRows: one('SELECT count(*) FROM ledger_entries'),
    ledgerPoints: one('SELECT coalesce(sum(points), 0) FROM ledger_entries'),
    growth: one('SELECT coalesce(sum(growth), 0) FROM ledger_entries'),
    orders: one('SELECT count(*) FROM orders'),
    redemptions: one('SELECT count(*) FROM redemptions'),
    checkins: one('SELECT count(*) FROM checkins'),
  };
}

/** Every row of every table, to show a second erase changes nothing. */
function everything(db: Db): Record<string, unknown[]> {
  const tables = db.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  return Object.fromEntries(tables.map((t) => [t, db.$client.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all()]));
}

/** Which rows hold `words` anywhere: `table:key` (outbox by key, inbox by message id, else the rowid). */
function rowsContaining(db: Db, words: string): string[] {
  const found: string[] = [];
  for (const [table, rows] of Object.entries(everything(db))) {
    for (const row of rows as Record<string, unknown>[]) {
      if (!JSON.stringify(row).includes(words)) continue;
      found.push(`${table}:${table === 'outbox' ? row.key : table === 'inbox' ? row.message_id : JSON.stringify(row).slice(0, 40)}`);
    }
  }
  return found.sort();
}

describe('hearth members', () => {
  it('export prints everything stored about the member: ledger, codes, tickets with transcripts, posts, identities', async () => {
    const path = join(tempDir(), 'h.db');
    const { code, inviteCode } = await aliceHistory(path);
    const res = hearth(['members', 'export', 'u1'], path);
    expect(res.code).toBe(0);
    const data = JSON.parse(res.out) as Record<string, any>;
    expect(data.member).toMatchObject({ name: 'Alice', erasedAt: null });
    expect(data.identities).toEqual([expect.objectContaining({ channel: 'console', platformId: 'u1' })]);
    expect(data.ledger.map((e: { reason: string }) => e.reason)).toEqual(expect.arrayContaining(['checkin', 'purchase', 'tier-gift', 'redeem', 'ugc']));
    expect(data.redemptions).toEqual([expect.objectContaining({ rewardId: 'free-shipping', code })]);
    expect(data.orders).toEqual([expect.objectContaining({ orderId: 'A1001' })]);
    expect(data.posts).toEqual([expect.objectContaining({ text: 'The lip balm lasts all day and smells great.', status: 'approved' })]);
    expect(data.tickets).toHaveLength(1);
    expect(data.tickets[0].transcript.map((l: { text: string }) => l.text)).toEqual(
      expect.arrayContaining(['Hi Alice, let me check the tracking number for you.', 'It is SF123456789, sent to 12 Garden Road']),
    );
    expect(data.tickets[0].transitions.map((t: { toState: string }) => t.toState)).toEqual(['waiting', 'staff', 'closed']);
    expect(data.referrals.asInvitee).toMatchObject({ code: inviteCode });
    expect(data.inbox.map((i: { text: string }) => i.text)).toContain('It is SF123456789, sent to 12 Garden Road');
    expect(data.outbox.map((o: { text: string }) => o.text).join('\n')).toContain(code);
    expect(data.checkins).toHaveLength(1);
    // Times read as times.
    expect(data.member.createdAt).toBe('2026-03-01T02:00:00.000Z');

    // Only that channel's id names the member: the same id on another channel is someone else (here: nobody).
    const other = hearth(['members', 'export', 'telegram:u1'], path);
    expect(other.code).toBe(1);
    expect(other.err).toContain('no member is known as telegram:u1');
  }, 60_000);

  it('erase keeps the program figures, removes the person, and a second erase changes nothing', async () => {
    const path = join(tempDir(), 'h.db');
    const { code } = await aliceHistory(path);
    let db = openDatabase(path);
    const before = figures(db);
    const aliceId = findMemberByPlatformId(db, 'console', 'u1')!.id;
    db.$client.close();

    // Not on a terminal and without --yes: refused, nothing erased.
    const refused = hearth(['members', 'erase', 'u1'], path);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('--yes');

    const res = hearth(['members', 'erase', 'u1', '--yes'], path);
    expect(res.code).toBe(0);
    expect(res.out).toContain(`erased member #${aliceId}`);

    db = openDatabase(path);
    expect(figures(db)).toEqual(before);
    const row = getMember(db, aliceId)!;
    expect(row).toMatchObject({ name: '', lang: null, birthday: null, role: 'member' });
    expect(row.erasedAt).not.toBeNull();
    // Her words are gone everywhere, the bot's cards and bridge lines to staff included.
    for (const words of ['lip balm', 'SF123456789', 'Garden Road', 'parcel never arrived', code.slice(3)]) {
      expect(rowsContaining(db, words).filter((r) => !r.startsWith('redemptions'))).toEqual([]);
    }
    // Her name stays only in what staff wrote to her (until the retention prune).
    expect(rowsContaining(db, 'Alice')).toEqual(['inbox:s2']);
    const count = (sql: string) => db.$client.prepare(sql).pluck().get(aliceId) as number;
    expect(count('SELECT count(*) FROM identities WHERE member_id = ?')).toBe(0);
    expect(count('SELECT count(*) FROM chat_members WHERE member_id = ?')).toBe(0);
    expect(count('SELECT count(*) FROM recent_messages WHERE member_id = ?')).toBe(0);
    // The shop may still honour the code: its row stays, tied only to the anonymous member id.
    expect(db.$client.prepare('SELECT member_id FROM redemptions WHERE code = ?').pluck().get(code)).toBe(aliceId);
    expect(db.$client.prepare("SELECT action, details FROM audit_log WHERE action = 'member.erase'").all()).toEqual([
      { action: 'member.erase', details: JSON.stringify({ via: 'cli', identities: 1 }) },
    ]);
    const snapshot = everything(db);
    db.$client.close();

    const exported = hearth(['members', 'export', 'u1'], path);
    expect(exported.code).toBe(1);
    expect(exported.err).toContain('no member is known as console:u1');
    const again = hearth(['members', 'erase', 'u1', '--yes'], path);
    expect(again.code).toBe(1);
    db = openDatabase(path);
    expect(eraseMember(db, aliceId, new Date('2026-03-02T00:00:00Z'), { via: 'cli' })).toMatchObject({ erased: false });
    const after = everything(db);
    // Opening the database notes the opening process: that is not member data.
    const withoutOpenedBy = (s: Record<string, unknown[]>) => ({ ...s, meta: s.meta!.filter((r) => (r as { key: string }).key !== 'opened_by') });
    expect(withoutOpenedBy(after)).toEqual(withoutOpenedBy(snapshot));
    db.$client.close();
  }, 60_000);

  it('the same person writing again is a new member with 0 points, paid no second referral and no second gift for a tier gifted', async () => {
    const path = join(tempDir(), 'h.db');
    const { inviteCode } = await aliceHistory(path);
    let db = openDatabase(path);
    const bob = findMemberByPlatformId(db, 'console', 'u2')!.id;
    const oldAlice = findMemberByPlatformId(db, 'console', 'u1')!.id;
    const bobBefore = balanceOf(db, bob);
    db.$client.close();
    expect(hearth(['members', 'erase', 'u1', '--yes'], path).code).toBe(0);

    const out = await replay(
      [
        alice('n1', at(5, '10:00'), '/points'),
        alice('n2', at(5, '10:01'), `/invite ${inviteCode}`),
        alice('n3', at(5, '10:02'), '/checkin'),
        { type: 'purchase', at: at(5, '10:05'), member: 'u1', orderId: 'B2001', amount: 1200 },
        alice('n4', at(5, '10:06'), '/checkin'),
      ],
      { dbPath: path },
    );
    expect(out.find((o) => o.replyTo === 'n1')!.text).toContain('You have 0 points');
    expect(out.find((o) => o.replyTo === 'n2')!.text).toContain('Invite codes are for new members');
    const upgrade = out.find((o) => o.text.includes("you've reached Silver"))!;
    expect(upgrade.text).not.toContain('gift');

    db = openDatabase(path);
    const returning = findMemberByPlatformId(db, 'console', 'u1')!;
    expect(returning.id).not.toBe(oldAlice);
    expect(returning.alreadyPaid).toEqual(['referred', 'tier-gift:silver']);
    // 5 for the check-in and 1,200 for the purchase; no 100-point Silver gift this time.
    expect(balanceOf(db, returning.id)).toBe(1205);
    expect(db.$client.prepare("SELECT count(*) FROM ledger_entries WHERE member_id = ? AND reason = 'tier-gift'").pluck().get(returning.id)).toBe(0);
    expect(db.$client.prepare('SELECT count(*) FROM referrals WHERE invitee_id = ?').pluck().get(returning.id)).toBe(0);
    expect(balanceOf(db, bob)).toBe(bobBefore);
    db.$client.close();
  }, 60_000);

  it('links two identities of one person once, says so the second time, and unlinks from the audit record', async () => {
    const path = join(tempDir(), 'hearth.db');
    await replay(
      [
        alice('a1', at(1, '10:00'), '/checkin'),
        msg('t1', at(2, '10:00'), '777', '/checkin', { name: 'Alice', channel: 'telegram' }),
      ],
      { dbPath: path },
    );
    const refused = hearth(['members', 'link', 'u1', 'telegram:777'], path);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('--yes');
    expect(hearth(['members', 'link', 'u1', 'telegrm:777', '--yes'], path).err).toContain('"telegrm" is not a channel');

    const linked = hearth(['members', 'link', 'telegram:777', 'u1', '--yes'], path);
    expect(linked.code).toBe(0);
    expect(linked.out).toMatch(/member #\d+ merged into #\d+: 5 points moved/);
    let db = openDatabase(path);
    const one = findMemberByPlatformId(db, 'console', 'u1')!.id;
    expect(findMemberByPlatformId(db, 'telegram', '777')!.id).toBe(one);
    expect(balanceOf(db, one)).toBe(10);
    db.$client.close();

    const again = hearth(['members', 'link', 'u1', 'telegram:777', '--yes'], path);
    expect(again.code).toBe(0);
    expect(again.out).toContain('already one member');

    const unlinked = hearth(['members', 'unlink', 'telegram:777', '--yes'], path);
    expect(unlinked.code).toBe(0);
    expect(unlinked.out).toContain('is its own member again');
    db = openDatabase(path);
    expect(findMemberByPlatformId(db, 'telegram', '777')!.id).not.toBe(one);
    expect(balanceOf(db, one)).toBe(5);
    db.$client.close();
    expect(hearth(['members', 'unlink', 'telegram:777', '--yes'], path).err).toContain('nothing to undo');
  }, 60_000);
});
