// `hearth import`: purchases and refunds from CSV through the real order handler into the ledger; bad lines reported by
// number while the rest go in; refunds before their purchase parked, not rejected; a second import changes nothing.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDb, tempDir, program } from '../harness';
import { createHearth, type Hearth } from '../../bot/hearth';
import { VirtualClock } from '../../bot/core/clock';
import { silentLogger } from '../../bot/log';
import { importOrdersFile, type ImportSummary } from '../../bot/import';
import { HearthError } from '../../bot/core/errors';
import { findMemberByPlatformId } from '../../store/members';
import { balanceOf, entriesOf } from '../../store/ledger';
import type { Db } from '../../store/db';

const root = join(import.meta.dirname, '..', '..');

function setup(): { hearth: Hearth; db: Db; path: string } {
  const { db, path } = tempDb();
  const hearth = createHearth({
    db,
    program: program(),
    clock: new VirtualClock(new Date('2026-06-01T00:00:00Z')),
    log: silentLogger(),
    deployment: { staffRoom: { channel: 'console', chat: 'staff' }, channels: {} },
  });
  return { hearth, db, path };
}

function csvFile(lines: string[], name = 'orders.csv'): string {
  const file = join(tempDir(), name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function balance(db: Db, platformId: string): number {
  const m = findMemberByPlatformId(db, 'console', platformId);
  expect(m, `member ${platformId}`).toBeDefined();
  const b = balanceOf(db, m!.id);
  // The balance a member sees must be the sum of their ledger entries.
  expect(entriesOf(db, m!.id).reduce((s, e) => s + e.points, 0)).toBe(b);
  return b;
}

function entryCount(db: Db, members: string[]): number {
  return members.reduce((n, p) => n + entriesOf(db, findMemberByPlatformId(db, 'console', p)!.id).length, 0);
}

/** 20 members × 5 purchases of ¥99.90 (99 points each, growth stays below Silver), with bad lines mixed in. */
function shopExport(): { lines: string[]; members: string[] } {
  const lines = ['member,order_id,amount,at,type'];
  const members = Array.from({ length: 20 }, (_, i) => `u${i + 1}`);
  let day = 1;
  for (let k = 1; k <= 5; k++) {
    for (const m of members) lines.push(`${m},o-${m}-${k},99.90,2026-03-${String(day).padStart(2, '0')}T10:00:00+08:00,purchase`);
    day++;
  }
  lines.splice(3, 0, 'u1,bad-amount,12x,2026-03-01T10:00:00+08:00,purchase'); // line 4
  lines.splice(10, 0, 'u2,bad-time,10,yesterday,purchase'); // line 11
  lines.splice(20, 0, ',no-member,10,2026-03-01T10:00:00+08:00,purchase'); // line 21
  lines.splice(30, 0, 'u3,"broken,10,2026-03-01T10:00:00+08:00,purchase'); // line 31
  lines.push('u4,o-never-sold,10,2026-04-01T10:00:00+08:00,refund'); // line 106: parked, waiting for its purchase
  lines.push('u1,o-u1-1,99.90,2026-03-01T10:00:00+08:00,purchase'); // line 107: same order again
  lines.push('u5,o-u5-1,99.90,2026-04-02T10:00:00+08:00,refund'); // line 108: full refund
  return { lines, members };
}

function reasons(s: ImportSummary): [number, string][] {
  return s.rejected.map((r) => [r.line, r.reason]);
}

describe('hearth import', () => {
  it('imports good lines, reports each bad one by line number, and changes nothing the second time', async () => {
    const { hearth, db } = setup();
    const { lines, members } = shopExport();
    const file = csvFile(lines);

    const first = await importOrdersFile(hearth, file);
    expect(first).toMatchObject({ lines: 107, imported: 101, purchases: 100, refunds: 1, duplicates: 1, parked: 1 });
    expect(reasons(first).map(([n]) => n)).toEqual([4, 11, 21, 31]);
    const [amount, time, member, quote] = reasons(first).map(([, r]) => r);
    expect(amount).toMatch(/bad amount "12x"/);
    expect(time).toMatch(/bad time "yesterday"/);
    expect(member).toMatch(/missing member/);
    expect(quote).toMatch(/quot/);

    // The line right after the broken quote still went in: u3..u11 have all five purchases.
    for (const m of members) expect(balance(db, m)).toBe(m === 'u5' ? 4 * 99 : 5 * 99);
    const entries = entryCount(db, members);

    // The parked refund, parked again, is a duplicate too.
    const second = await importOrdersFile(hearth, file);
    expect(second).toMatchObject({ lines: 107, imported: 0, duplicates: 103, parked: 0 });
    expect(reasons(second)).toEqual(reasons(first));
    for (const m of members) expect(balance(db, m)).toBe(m === 'u5' ? 4 * 99 : 5 * 99);
    expect(entryCount(db, members)).toBe(entries);
  });

  it('reads a header in any order with Chinese names, a BOM, CRLF line ends and times without an offset', async () => {
    const { hearth, db } = setup();
    const file = join(tempDir(), 'zh.csv');
    writeFileSync(file, '\uFEFF时间,会员,订单号,金额\r\n2026-03-01 10:00:00,alice,z1,"1,000"\r\n2026-03-01 10:00:00,alice,z2,1000\r\n\r\n2026-03-02T10:00,bob,z3,250.5\r\n');
    const s = await importOrdersFile(hearth, file);
    expect(reasons(s)).toEqual([[2, 'bad amount "1,000": expected a number of CNY like 1200 or 99.50']]);
    expect(s).toMatchObject({ imported: 2, duplicates: 0 });
    expect(balance(db, 'alice')).toBeGreaterThanOrEqual(1000);
    expect(balance(db, 'bob')).toBe(250);
    // No offset: read in the program's timezone (Asia/Shanghai), 10:00 there is 02:00 UTC.
    const bobEntries = entriesOf(db, findMemberByPlatformId(db, 'console', 'bob')!.id);
    expect(new Date(bobEntries[0]!.at).toISOString()).toBe('2026-03-02T02:00:00.000Z');
  });

  it('takes columns in the documented order when there is no header', async () => {
    const { hearth, db } = setup();
    const file = csvFile(['carol,p1,300,2026-03-01T10:00:00+08:00', 'carol,p1,120,2026-03-02T10:00:00+08:00,refund', 'carol,p2,10,2026-03-03T10:00:00+08:00,gift']);
    const s = await importOrdersFile(hearth, file);
    expect(s).toMatchObject({ lines: 3, imported: 2, purchases: 1, refunds: 1 });
    expect(reasons(s)).toEqual([[3, 'unknown type "gift": expected purchase or refund']]);
    expect(balance(db, 'carol')).toBe(300 - 120);
  });

  it('parks a refund that comes before its purchase and applies it when the purchase comes, in this file or a later one', async () => {
    const { hearth, db } = setup();
    const early = csvFile([
      'member,order_id,amount,at,type',
      'fay,f1,50,2026-03-02T10:00:00+08:00,refund',
      'fay,f1,200,2026-03-01T10:00:00+08:00,purchase',
      'fay,f2,20,2026-03-03T10:00:00+08:00,refund',
      'fay,f2,20,2026-03-03T10:00:00+08:00,refund',
    ]);
    const s = await importOrdersFile(hearth, early);
    expect(s).toMatchObject({ lines: 4, imported: 1, purchases: 1, refunds: 0, parked: 2, duplicates: 1, rejected: [] });
    expect(balance(db, 'fay')).toBe(150);
    const late = await importOrdersFile(hearth, csvFile(['member,order_id,amount,at,type', 'fay,f2,100,2026-03-02T12:00:00+08:00,purchase'], 'late.csv'));
    expect(late).toMatchObject({ imported: 1, parked: 0, rejected: [] });
    expect(balance(db, 'fay')).toBe(150 + 100 - 20);
    // Both files again: nothing changes.
    expect(await importOrdersFile(hearth, early)).toMatchObject({ imported: 0, parked: 0, duplicates: 4 });
    expect(balance(db, 'fay')).toBe(230);
  });

  it('reports orders dated before 730 days ago or more than 24 hours ahead by line, and the rest go in', async () => {
    const { hearth, db } = setup();
    const file = csvFile([
      'member,order_id,amount,at',
      'gus,t1,10,1970-01-01T08:00:00+08:00',
      'gus,t2,10,2026-06-02T08:00:01+08:00',
      'gus,t3,10,2026-06-02T07:59:00+08:00',
      'gus,t4,10,2099-01-01T00:00:00Z',
    ]);
    const s = await importOrdersFile(hearth, file);
    expect(reasons(s)).toEqual([
      [2, 'bad time "1970-01-01T08:00:00+08:00": more than 730 days ago'],
      [3, 'bad time "2026-06-02T08:00:01+08:00": more than 24 hours in the future'],
      [5, 'bad time "2099-01-01T00:00:00Z": more than 24 hours in the future'],
    ]);
    expect(s.imported).toBe(1);
    expect(balance(db, 'gus')).toBe(10);
  });

  it('refuses a header that lacks a required column before importing anything', async () => {
    const { hearth, db } = setup();
    const file = csvFile(['member,order_id,at', 'dave,q1,2026-03-01T10:00:00+08:00']);
    await expect(importOrdersFile(hearth, file)).rejects.toThrow(HearthError);
    await expect(importOrdersFile(hearth, file)).rejects.toThrow(/line 1: the header has no amount column/);
    expect(findMemberByPlatformId(db, 'console', 'dave')).toBeUndefined();
  });

  it('prints a summary and exits 1 when a line was rejected (hearth import FILE --db FILE)', () => {
    const dir = tempDir();
    const file = csvFile(['member,order_id,amount,at', 'erin,c1,88,2026-03-01T10:00:00+08:00', 'erin,c2,-5,2026-03-01T10:00:00+08:00']);
    const parkedOnly = csvFile(['member,order_id,amount,at,type', 'erin,c9,8,2026-03-01T10:00:00+08:00,refund'], 'parked.csv');
    const run = () =>
      spawnSync(process.execPath, [join(root, 'bin', 'hearth.js'), 'import', file, '--db', join(dir, 'cli.db')], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, HEARTH_LOG_LEVEL: 'error' },
        timeout: 60_000,
      });
    const res = run();
    expect(res.status).toBe(1);
    expect(res.stdout).toMatch(/imported\s+1 \(1 purchase, 0 refunds\)/);
    expect(res.stdout).toMatch(/rejected\s+1\n\s+line 3: bad amount "-5"/);
    const again = run();
    expect(again.stdout).toMatch(/imported\s+0/);
    expect(again.stdout).toMatch(/skipped as duplicate\s+1/);
    // Not a terminal: no progress bar drawn into the output.
    expect(res.stderr).toBe('');
    // A parked refund is not a rejection: exit 0, counted on its own line.
    const parked = spawnSync(process.execPath, [join(root, 'bin', 'hearth.js'), 'import', parkedOnly, '--db', join(dir, 'cli.db')], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, HEARTH_LOG_LEVEL: 'error' },
      timeout: 60_000,
    });
    expect(parked.status).toBe(0);
    expect(parked.stdout).toMatch(/parked\s+1 \(a refund waiting for its purchase\)/);
    expect(parked.stdout).toMatch(/rejected\s+0/);
  });
});
