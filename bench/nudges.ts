// Nudge audiences at scale: every default rule's audience chosen over 1,000,000 members on a file database (seconds,
// peak memory), and two virtual years of the daily nudge jobs for 10,000 members through the real replay path.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inTransaction, openDatabase, type Db } from '../store/db';
import { loadProgram } from '../bot/program-file';
import { silentLogger } from '../bot/log';
import { runReplay } from '../bot/replay';
import { parseReplay } from '../bot/replay-format';
import { activeNudgeRules, nudgeAudiencePages, recordNudgeSend, seedNudgeRules } from '../store/nudges';
import { nudgeWindow } from '../community/nudges';
import { addDays, localDate, startOfLocalDay } from '../community/calendar';
import type { Program } from '../community/program';
import { rawTransactionRate } from './engine';
import { median, peakRssMb, perSecond, report } from './util';

const DAY = 86_400_000;

/**
 * Fill a database with `n` members shaped like a real community, in plain SQL: identities (half can be written to
 * privately), one group each, balances and tiers, two purchases in the last two years (growth and lots expiring at
 * local midnight), five days of check-ins for one member in ten, some staff conversations, mutes and earlier sends.
 */
export function fillCommunity(db: Db, program: Program, n: number, now: Date): void {
  const tz = program.timezone;
  const t = now.getTime();
  const midnight = startOfLocalDay(localDate(now, tz), tz).getTime();
  const today = localDate(now, tz);
  const sqlite = db.$client;
  const seq = `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${n})`;
  const exec = (text: string) => void sqlite.exec(text);
  // Generated rows are consistent by construction: skip the per-row foreign key lookups while filling.
  sqlite.pragma('foreign_keys = OFF');
  sqlite.exec('BEGIN');
  exec(`${seq}
    INSERT INTO members (id, name, lang, birthday, role, created_at, last_active_at)
    SELECT i, 'Member ' || i, CASE WHEN i % 3 = 0 THEN 'en' ELSE 'zh' END,
           CASE WHEN i % 4 = 0 THEN NULL ELSE printf('%04d-%02d-%02d', 1970 + i % 30, 1 + i % 12, 1 + (i / 12) % 28) END,
           'member', ${t} - 400 * ${DAY}, ${t} - (i % 120) * ${DAY} - (i % 7) * 3600000 FROM seq`);
  exec(`${seq}
    INSERT INTO identities (channel, platform_id, member_id, can_message_privately)
    SELECT 'console', 'u' || i, i, i % 2 FROM seq`);
  exec(`${seq}
    INSERT INTO chat_members (channel, chat_id, member_id, first_seen_at, last_seen_at)
    SELECT 'console', 'g' || (i % 100), i, ${t} - 400 * ${DAY}, ${t} - (i % 120) * ${DAY} FROM seq`);
  // Two purchases per member: growth over the last year lands near every tier threshold for some members.
  exec(`${seq}
    INSERT INTO ledger_entries (id, member_id, kind, points, growth, key, reason, ref, at)
    SELECT 2 * i - 1, i, 'earn', (i * 37) % 3000, (i * 37) % 3000, 'b:' || i || ':1', 'purchase', 'o' || i || 'a', ${t} - (i % 300) * ${DAY} FROM seq`);
  exec(`${seq}
    INSERT INTO ledger_entries (id, member_id, kind, points, growth, key, reason, ref, at)
    SELECT 2 * i, i, 'earn', (i * 53) % 4000, (i * 53) % 4000, 'b:' || i || ':2', 'purchase', 'o' || i || 'b', ${t} - (300 + i % 450) * ${DAY} FROM seq`);
  // Lots expire at local midnight 24 months after earning; older lots are partly spent.
  exec(`
    INSERT INTO point_lots (entry_id, member_id, points, remaining, earned_at, available_at, expires_at)
    SELECT id, member_id, points, CASE WHEN id % 2 = 0 THEN points / 2 ELSE points END, at, at,
           ${midnight} + ((at - ${t}) / ${DAY} + 730) * ${DAY} FROM ledger_entries`);
  exec(`${seq}
    INSERT INTO member_points (member_id, balance, tier_id, updated_at)
    SELECT i, (i * 37) % 3000 + ((i * 53) % 4000) / 2,
           CASE WHEN (i * 37) % 3000 >= 1000 THEN 'silver' ELSE 'member' END, ${t} FROM seq`);
  // One member in ten checked in the five days up to yesterday (streaks 1..5); some of them also today.
  for (let d = 5; d >= 1; d--) {
    exec(`${seq}
      INSERT INTO checkins (member_id, day, streak, at, channel, chat)
      SELECT i, '${addDays(today, -d)}', ${6 - d}, ${t} - ${d} * ${DAY}, 'console', 'g' || (i % 100) FROM seq WHERE i % 10 = 0`);
  }
  exec(`${seq}
    INSERT INTO checkins (member_id, day, streak, at, channel, chat)
    SELECT i, '${today}', 6, ${t} - 3600000, 'console', 'g' || (i % 100) FROM seq WHERE i % 20 = 0`);
  exec(`${seq}
    INSERT INTO conversations (channel, chat_id, member_id, state, updated_at)
    SELECT 'console', 'u' || i, i, 'staff', ${t} FROM seq WHERE i % 1000 = 7`);
  exec(`${seq} INSERT INTO nudge_mutes (member_id, muted_at) SELECT i, ${t} FROM seq WHERE i % 100 = 3`);
  // Earlier sends this month, so the caps have rows to count.
  exec(`${seq}
    INSERT INTO nudge_sends (rule_id, member_id, occasion, at, deliver_at, channel, chat, outbox_key)
    SELECT 'dormant-30', i, 'since:' || i, ${t} - (i % 10) * ${DAY}, ${t} - (i % 10) * ${DAY}, 'console', 'u' || i, 'nudge:b:' || i
    FROM seq WHERE i % 5 = 1`);
  sqlite.exec('COMMIT');
  sqlite.pragma('foreign_keys = ON');
  sqlite.exec('ANALYZE');
}

/** Choose every rule's audience over a filled database at `now`; returns each rule's size and time. */
export function chooseAllAudiences(db: Db, program: Program, now: Date): { rule: string; members: number; ms: number }[] {
  return activeNudgeRules(db).map((rule) => {
    const start = performance.now();
    let members = 0;
    for (const page of nudgeAudiencePages(db, nudgeWindow(program, rule, now))) members += page.length;
    return { rule: rule.id, members, ms: performance.now() - start };
  });
}

/** Record every audience at `now` as sent (what that day's runs leave behind), without the outbox. */
function recordAllAudiences(db: Db, program: Program, now: Date): number {
  let n = 0;
  for (const rule of activeNudgeRules(db)) {
    const w = nudgeWindow(program, rule, now);
    inTransaction(db, () => {
      for (const r of [...nudgeAudiencePages(db, w)].flat()) {
        const outboxKey = `nudge:${rule.id}:${r.memberId}:${r.occasion}`;
        const send = { ruleId: rule.id, memberId: r.memberId, occasion: r.occasion, at: now, deliverAt: new Date(w.deliverAt) };
        if (recordNudgeSend(db, { ...send, channel: 'console', chat: String(r.memberId), outboxKey })) n++;
      }
    });
  }
  return n;
}

/** Choose every audience `runs` times; each rule's median time and the median of the totals. */
function medianAudiences(db: Db, program: Program, now: Date, runs: number): { total: number; rules: { rule: string; members: number; ms: number }[] } {
  const all = Array.from({ length: runs }, () => chooseAllAudiences(db, program, now));
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    total: mid(all.map((r) => r.reduce((s, x) => s + x.ms, 0))) / 1000,
    rules: all[0]!.map((r, i) => ({ rule: r.rule, members: r.members, ms: mid(all.map((a) => a[i]!.ms)) })),
  };
}

function printAudiences(label: string, result: { total: number; rules: { rule: string; members: number; ms: number }[] }, asRaw: (s: number) => string): void {
  report(label, `${result.total.toFixed(2)} s (aim ≤ 5 s; the time of ${asRaw(result.total)})`);
  for (const r of result.rules) report(`  ${r.rule}`, `${r.members.toLocaleString('en-US')} members, ${(r.ms / 1000).toFixed(2)} s`);
}

/** Two virtual years of the daily nudge jobs for `n` members: a replay that only moves the clock. */
export async function twoVirtualYears(n: number): Promise<{ seconds: number; sent: number }> {
  const program = loadProgram();
  const dir = mkdtempSync(join(tmpdir(), 'hearth-nudge-years-'));
  const dbPath = join(dir, 'years.db');
  const start = new Date('2026-01-01T00:00:00+08:00');
  try {
    const db = openDatabase(dbPath);
    seedNudgeRules(db, program.nudges.rules, start);
    fillCommunity(db, program, n, start);
    db.$client.close();
    const events = [
      { type: 'tick', at: '2026-01-01T00:00:00+08:00' },
      { type: 'tick', at: '2027-12-31T23:59:00+08:00' },
    ];
    let sent = 0;
    const began = performance.now();
    await runReplay(parseReplay(events.map((e) => JSON.stringify(e)).join('\n')), {
      program,
      dbPath,
      log: silentLogger(),
      write: () => void sent++,
    });
    return { seconds: (performance.now() - began) / 1000, sent };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const FIRST_RUN = new Date('2027-06-15T10:00:00+08:00');

/**
 * Steps that must not share the measuring process (filling a million members and recording a day's sends would count
 * toward its peak memory; a two-year replay would inherit its heap) run in a child process:
 * `tsx bench/nudges.ts step fill|record|years FILE MEMBERS`, printing their result.
 */
function inChild(step: 'fill' | 'record' | 'years', file: string, members: number): string {
  return execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), 'step', step, file, String(members)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

async function childStep(step: string, file: string, members: number): Promise<string> {
  if (step === 'years') return JSON.stringify(await twoVirtualYears(members));
  const program = loadProgram();
  const db = openDatabase(file);
  try {
    if (step === 'fill') {
      seedNudgeRules(db, program.nudges.rules, FIRST_RUN);
      fillCommunity(db, program, members, FIRST_RUN);
      return 'filled';
    }
    return String(recordAllAudiences(db, program, FIRST_RUN));
  } finally {
    db.$client.close();
  }
}

/**
 * `npm run bench`: every default rule's audience over 1,000,000 members, on a first run (nobody nudged yet: the
 * audiences are over half the membership) and on the next day (what a daily run meets), each the median of three, with
 * the peak memory of choosing them (setup runs in a child process); then two virtual years of the daily nudge jobs
 * for 10,000 members through the replay path, median of three, each in a fresh process.
 */
export async function runNudgeBench(members = 1_000_000): Promise<void> {
  const program = loadProgram();
  // The machine's pace in this run: the figures below are also given as that many raw one-row transactions.
  const raw = await median(5, () => rawTransactionRate());
  report('nudges: baseline, raw one-row transactions (median of 5)', perSecond(raw));
  const asRaw = (seconds: number) => `${Math.round((seconds * raw) / 1000).toLocaleString('en-US')}k raw transactions`;
  const dir = mkdtempSync(join(tmpdir(), 'hearth-nudge-bench-'));
  const count = members.toLocaleString('en-US');
  try {
    const file = join(dir, 'nudges.db');
    const filling = performance.now();
    inChild('fill', file, members);
    report(`nudges: filled ${count} members (setup, not timed)`, `${((performance.now() - filling) / 1000).toFixed(1)} s`);
    const db = openDatabase(file);
    const rssBefore = process.memoryUsage().rss;
    printAudiences(`nudges: all default audiences over ${count}, first run`, medianAudiences(db, program, FIRST_RUN, 3), asRaw);
    report('nudges: recorded as sent (setup, not timed)', `${Number(inChild('record', file, members)).toLocaleString('en-US')} nudges`);
    const nextDay = new Date(FIRST_RUN.getTime() + DAY);
    printAudiences(`nudges: all default audiences over ${count}, next day`, medianAudiences(db, program, nextDay, 3), asRaw);
    report('nudges: RSS before choosing; peak while choosing', `${Math.round(rssBefore / 2 ** 20)} MB; ${peakRssMb()} MB (aim ≤ 500 MB)`);
    db.$client.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const years: { seconds: number; sent: number }[] = [];
  for (let i = 0; i < 3; i++) years.push(JSON.parse(inChild('years', '', 10_000)) as { seconds: number; sent: number });
  const mid = years.sort((a, b) => a.seconds - b.seconds)[1]!;
  report(
    'nudges: two virtual years of daily jobs, 10,000 members',
    `${mid.seconds.toFixed(1)} s median (${years.map((y) => y.seconds.toFixed(1)).join(', ')}; the time of ${asRaw(mid.seconds)}), ${mid.sent.toLocaleString('en-US')} nudges sent`,
  );
}

// Run on its own: npx tsx bench/nudges.ts [members]; the child steps above call it with `step`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const [first, step, file, n] = process.argv.slice(2);
  if (first === 'step') process.stdout.write(`${await childStep(step!, file!, Number(n))}\n`);
  else await runNudgeBench(Number(first ?? 1_000_000));
}
