// `hearth db backup` beside a running, writing Hearth (it holds the instance lock), and `hearth db restore`: the copy is
// consistent and has the same balances; a restore is refused while a bot holds the target, or for a file that is no
// Hearth database.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDb, tempDir, testHearth } from '../harness';
import { openDatabase, type Db } from '../../store/db';
import { tryLockDatabase } from '../../store/instance-lock';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'hearth.js');
const env = (dbPath: string) => ({ ...process.env, HEARTH_LOG_LEVEL: 'error', HEARTH_DB: dbPath });

function hearth(args: string[], dbPath: string) {
  const res = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: env(dbPath), timeout: 60_000 });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

/** Run the CLI without blocking this process, so the Hearth here keeps writing meanwhile. */
function hearthAsync(args: string[], dbPath: string): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: env(dbPath) });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, err }));
  });
}

const balances = (db: Db) => db.$client.prepare('SELECT member_id AS member, balance FROM member_points ORDER BY member_id').all();
/** Members whose cached balance is not the sum of their entries: none in a consistent copy. */
const inconsistent = (db: Db) =>
  db.$client
    .prepare(
      `SELECT p.member_id FROM member_points p LEFT JOIN (SELECT member_id, sum(points) AS s FROM ledger_entries GROUP BY member_id) e
       ON e.member_id = p.member_id WHERE p.balance <> coalesce(e.s, 0)`,
    )
    .all();

describe('hearth db backup / restore', () => {
  it('backs up while a Hearth writes, and restores into a new path with the same balances', async () => {
    const { db, path } = tempDb();
    const lock = tryLockDatabase(path)!; // as a live bot holds it
    const start = new Date('2026-03-01T10:00:00+08:00');
    const h = testHearth(db, start);
    let n = 0;
    const write = async () => {
      const at = new Date(start.getTime() + n * 60_000);
      await h.handleOrder({ kind: 'purchase', member: `u${n % 50}`, orderId: `o${n}`, amount: 10 + (n % 7), at });
      await h.handleMessage({ id: `c${n}`, channel: 'console', chat: `u${n % 50}`, chatType: 'private', from: { id: `u${n % 50}` }, text: '/checkin', at });
      n++;
    };
    for (let i = 0; i < 100; i++) await write();

    const dir = tempDir();
    const during = join(dir, 'during.db');
    const backup = hearthAsync(['db', 'backup', during], path);
    let finished = false;
    void backup.then(() => (finished = true));
    const before = n;
    while (!finished) await write();
    expect(n).toBeGreaterThan(before); // it really was writing while the backup ran
    expect(await backup).toMatchObject({ code: 0 });

    // The copy taken mid-write is consistent: every balance is the sum of its entries.
    const restoredDuring = join(dir, 'restored-during.db');
    expect(hearth(['db', 'restore', during], restoredDuring).code).toBe(0);
    const copy = openDatabase(restoredDuring);
    expect(inconsistent(copy)).toEqual([]);
    expect(copy.$client.prepare('SELECT count(*) FROM ledger_entries').pluck().get()).toBeGreaterThan(0);
    copy.$client.close();

    // Quiet now: a backup restored elsewhere has exactly the balances of the live database.
    const after = join(dir, 'after.db');
    expect(hearth(['db', 'backup', after], path).code).toBe(0);
    const restored = join(dir, 'restored.db');
    const res = hearth(['db', 'restore', after], restored);
    expect(res.code).toBe(0);
    expect(res.out).toContain('restored');
    const back = openDatabase(restored);
    expect(balances(back)).toEqual(balances(db));
    expect(balances(back)).toHaveLength(50);
    back.$client.close();
    lock.release();
  }, 120_000);

  it('refuses to restore while a Hearth holds the target, and refuses a file that is not a Hearth database', () => {
    const { db, path } = tempDb();
    const dir = tempDir();
    const file = join(dir, 'b.db');
    expect(hearth(['db', 'backup', file], path).code).toBe(0);
    db.$client.close();

    const lock = tryLockDatabase(path)!;
    const refused = hearth(['db', 'restore', file], path);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('in use by a running Hearth');
    lock.release();

    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'this is not a database, just some text that is long enough to look like a file header'.repeat(20));
    const bad = hearth(['db', 'restore', junk], path);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/not a readable database|does not open|integrity/);
    // The target is untouched by the refused restores, and a good backup restores.
    expect(hearth(['db', 'restore', file], path).code).toBe(0);
    const reopened = openDatabase(path);
    expect(reopened.$client.prepare('SELECT count(*) FROM members').pluck().get()).toBe(0);
    reopened.$client.close();
  }, 120_000);
});
