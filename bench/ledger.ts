// Ledger speed: a month of purchases for 100,000 members written through the ledger (entries/s), beside the raw
// SQLite rate of one-row transactions on the same kind of file; and the daily expiry job over 1,000,000 lots
// (seconds, peak RSS of a process that does nothing else).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inTransaction, openDatabase, type Db } from '../store/db';
import { loadProgram } from '../bot/program-file';
import { recordPurchase } from '../store/orders';
import { handleOrderEvent } from '../skills/orders';
import { createHearth } from '../bot/hearth';
import { localDeployment } from '../bot/deployment';
import { VirtualClock } from '../bot/core/clock';
import { silentLogger } from '../bot/log';
import { expireAllDue } from '../store/ledger';
import { EXPIRY_BATCH } from '../skills/expiry';
import { median, perSecond, report } from './util';

// HEARTH_BENCH_SCALE=0.1 runs a tenth of the sizes (a quick look); the figures quoted are at scale 1.
const SCALE = Number(process.env.HEARTH_BENCH_SCALE ?? 1);
const MEMBERS = Math.round(100_000 * SCALE);
const LOTS = MEMBERS * 10;
const MONTH_START = Date.parse('2026-03-01T00:00:00+08:00');
const MONTH_MS = 31 * 86_400_000;

function freshDb(): { db: Db; dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-ledger-bench-'));
  const path = join(dir, 'bench.db');
  return { db: openDatabase(path), dir, path };
}

// Bench fixtures are generated set-based in SQL: building 100,000 members one call at a time would dwarf the figure.
function seedMembers(db: Db, count: number): void {
  db.$client.exec(`
    WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${count})
    INSERT INTO members (id, name, created_at, last_active_at) SELECT i, 'm' || i, ${MONTH_START - 86_400_000}, ${MONTH_START - 86_400_000} FROM seq;
    WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${count})
    INSERT INTO identities (channel, platform_id, member_id) SELECT 'shop', 'm' || i, i FROM seq;
  `);
}

/** A month of purchases: every member once, every third member twice, in time order, amounts ¥9.90–¥2,000. */
function monthOfPurchases(members: number): { member: number; orderId: string; amountFen: number; at: Date }[] {
  const out: { member: number; orderId: string; amountFen: number; at: Date }[] = [];
  let seed = 42;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (let m = 1; m <= members; m++) {
    const times = m % 3 === 0 ? 2 : 1;
    for (let k = 0; k < times; k++) out.push({ member: m, orderId: `o${m}-${k}`, amountFen: 990 + Math.floor(rand() * 199_010), at: new Date(MONTH_START + Math.floor(rand() * MONTH_MS)) });
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime());
}

function entries(db: Db): number {
  return (db.$client.prepare('SELECT count(*) AS n FROM ledger_entries').get() as { n: number }).n;
}

/** The floor: one-row INSERT transactions (BEGIN IMMEDIATE … COMMIT) on a file with the same pragmas, rows/s. */
function rawRate(rows: number): number {
  const { db, dir } = freshDb();
  try {
    const sqlite = db.$client;
    sqlite.exec('CREATE TABLE raw_bench (id INTEGER PRIMARY KEY, member INTEGER NOT NULL, points INTEGER NOT NULL, key TEXT NOT NULL UNIQUE, at INTEGER NOT NULL)');
    const insert = sqlite.prepare('INSERT INTO raw_bench (member, points, key, at) VALUES (?, ?, ?, ?)');
    const one = sqlite.transaction((i: number) => insert.run(i % MEMBERS, i % 997, `k${i}`, i));
    const start = performance.now();
    for (let i = 0; i < rows; i++) one.immediate(i);
    return rows / ((performance.now() - start) / 1000);
  } finally {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A month of purchases written through `write`, `perTransaction` purchases to a transaction (1 = each on its own,
 * like the webhook; imports batch). `limit` stops early. Returns ledger entries written per second.
 */
function monthThrough(
  write: (db: Db, p: ReturnType<typeof monthOfPurchases>[number]) => void,
  options: { perTransaction: number; limit?: number },
): { rate: number; purchases: number; entries: number; seconds: number } {
  const { db, dir } = freshDb();
  try {
    seedMembers(db, MEMBERS);
    const purchases = monthOfPurchases(MEMBERS).slice(0, options.limit);
    const start = performance.now();
    for (let i = 0; i < purchases.length; i += options.perTransaction) {
      const chunk = purchases.slice(i, i + options.perTransaction);
      inTransaction(db, () => chunk.forEach((p) => write(db, p)));
    }
    const seconds = (performance.now() - start) / 1000;
    const n = entries(db);
    return { rate: n / seconds, purchases: purchases.length, entries: n, seconds };
  } finally {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 1,000,000 lots over 100,000 members, all due by `now`, partly spent; balances that match. */
function seedLots(path: string, now: number): void {
  const db = openDatabase(path);
  try {
    // A large page cache for the seeding only: scattered index inserts into a 400 MB file thrash the default 2 MB one.
    db.$client.pragma('cache_size = -1000000');
    seedMembers(db, MEMBERS);
    const per = LOTS / MEMBERS;
    const earned = now - 800 * 86_400_000;
    db.$client.exec(`
      BEGIN;
      WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${LOTS})
      INSERT INTO ledger_entries (id, member_id, kind, points, growth, key, reason, at)
        SELECT i, ((i - 1) % ${MEMBERS}) + 1, 'earn', 100, 0, 'seed:' || i, 'purchase', ${earned} + i FROM seq;
      WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${LOTS})
      INSERT INTO point_lots (entry_id, member_id, points, remaining, earned_at, available_at, expires_at)
        SELECT i, ((i - 1) % ${MEMBERS}) + 1, 100, 100 - (i % 5) * 20, ${earned} + i, ${earned} + i, ${now} - 86400000 + (i % 86400000) FROM seq;
      WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${LOTS})
      INSERT INTO ledger_entries (id, member_id, kind, points, growth, key, reason, at)
        SELECT ${LOTS} + i, ((i - 1) % ${MEMBERS}) + 1, 'spend', -(i % 5) * 20, 0, 'seedspend:' || i, 'redeem', ${earned} + i + 1 FROM seq WHERE i % 5 <> 0;
      INSERT INTO member_points (member_id, balance, tier_id, updated_at)
        SELECT member_id, sum(remaining), 'member', ${earned} FROM point_lots GROUP BY member_id;
      COMMIT;
    `);
    if (per !== 10) throw new Error('seed assumes 10 lots a member');
    db.$client.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.$client.close();
  }
}

/** Run the expiry job in a child process of its own, so its peak RSS is the job's and not the bench's. */
function expiryInChild(path: string, now: number): { seconds: number; lots: number; points: number; rssMb: number; baseRssMb: number } {
  const here = fileURLToPath(import.meta.url);
  const out = execFileSync(process.execPath, ['--import', 'tsx', here, '--expire', path, String(now)], { encoding: 'utf8', cwd: join(here, '..', '..') });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { seconds: number; lots: number; points: number; rssMb: number; baseRssMb: number };
}

/** Print the ledger figures. */
export async function runLedgerBench(): Promise<void> {
  const program = loadProgram();
  const raw = await median(3, () => rawRate(20_000));
  report('raw SQLite: one-row transactions (median of 3)', perSecond(raw));

  const record = (db: Db, p: ReturnType<typeof monthOfPurchases>[number]) => {
    recordPurchase(db, program, { memberId: p.member, orderId: p.orderId, amountFen: p.amountFen, at: p.at });
  };
  // The order handler needs the runtime's services (queue, reach): one Hearth without skills per database.
  const hearths = new WeakMap<Db, ReturnType<typeof createHearth>>();
  const depsOf = (db: Db) => {
    let h = hearths.get(db);
    if (!h) hearths.set(db, (h = createHearth({ db, program, clock: new VirtualClock(new Date()), log: silentLogger(), deployment: localDeployment(['shop']), modules: [] })));
    return h.deps;
  };
  const handle = (db: Db, p: ReturnType<typeof monthOfPurchases>[number]) => {
    handleOrderEvent(depsOf(db), { kind: 'purchase', member: `m${p.member}`, channel: 'shop', orderId: p.orderId, amount: p.amountFen / 100, at: p.at });
  };
  const SAMPLE = Math.min(20_000, MEMBERS);
  const single = await median(3, () => monthThrough(record, { perTransaction: 1, limit: SAMPLE }).rate);
  report(
    `ledger: one purchase a transaction, first ${SAMPLE.toLocaleString('en-US')} (median of 3)`,
    `${perSecond(single)} entries (${((single / raw) * 100).toFixed(0)}% of raw)`,
  );
  const month = monthThrough(record, { perTransaction: 1000 });
  report(
    `month of purchases, ${MEMBERS.toLocaleString('en-US')} members, 1,000 a transaction`,
    `${perSecond(month.rate)} entries (${month.purchases.toLocaleString('en-US')} purchases in ${month.seconds.toFixed(1)} s)`,
  );
  const handled = monthThrough(handle, { perTransaction: 1000 });
  report(
    '  the same month through the order handler (+ tier review)',
    `${perSecond(handled.rate)} entries (${handled.entries.toLocaleString('en-US')} incl. tier gifts, ${handled.seconds.toFixed(1)} s)`,
  );

  const dir = mkdtempSync(join(tmpdir(), 'hearth-expiry-bench-'));
  try {
    const now = Date.parse('2028-03-01T00:05:00+08:00');
    const seeded = join(dir, 'seeded.db');
    seedLots(seeded, now);
    const runs: ReturnType<typeof expiryInChild>[] = [];
    for (let i = 0; i < 3; i++) {
      const file = join(dir, `lots-${i}.db`);
      copyFileSync(seeded, file);
      runs.push(expiryInChild(file, now));
      rmSync(file, { force: true });
    }
    runs.sort((a, b) => a.seconds - b.seconds);
    const mid = runs[1]!;
    if (mid.lots !== LOTS) throw new Error(`expiry bench expired ${mid.lots} lots, expected ${LOTS}`);
    report(
      `expiry job over ${LOTS.toLocaleString('en-US')} due lots (median of 3)`,
      `${mid.seconds.toFixed(1)} s, ${perSecond(mid.lots / mid.seconds)} lots, peak RSS ${mid.rssMb} MB (${mid.baseRssMb} MB before the job)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The child side of expiryInChild: open the seeded file, run the job, print one JSON line.
if (process.argv[2] === '--expire') {
  const db = openDatabase(process.argv[3]!);
  const baseRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const start = performance.now();
  const done = expireAllDue(db, new Date(Number(process.argv[4])), EXPIRY_BATCH);
  const seconds = (performance.now() - start) / 1000;
  db.$client.close();
  process.stdout.write(`${JSON.stringify({ seconds, ...done, rssMb: Math.round(process.resourceUsage().maxRSS / 1024), baseRssMb })}\n`);
}
