// Engine throughput: inbound messages per second through the real engine on a file database, beside the raw rate
// of one-row better-sqlite3 transactions measured in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../store/db';
import { createHearth, type Hearth } from '../bot/hearth';
import { localDeployment } from '../bot/deployment';
import { VirtualClock } from '../bot/core/clock';
import { silentLogger } from '../bot/log';
import type { ModelSetup } from '../bot/core/assistant';
import { loadProgram } from '../bot/program-file';
import type { InboundMessage } from '../bot/core/types';
import { median, perSecond, report } from './util';

/** A Hearth over a fresh file database in a temp folder. */
export function benchHearth(options: { llm?: ModelSetup } = {}): { hearth: Hearth; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-'));
  const db = openDatabase(join(dir, 'bench.db'));
  const hearth = createHearth({
    db,
    program: loadProgram(),
    clock: new VirtualClock(new Date('2026-03-01T01:00:00Z')),
    log: silentLogger(),
    // As in the console and replay, every group is the community's: the bench measures serving them.
    deployment: localDeployment(['console']),
    llm: options.llm,
  });
  return {
    hearth,
    dispose() {
      db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Raw rate of one-row insert transactions on a WAL file database with the store's pragmas. */
export function rawTransactionRate(n = 20_000): number {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-raw-'));
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('create table t (id integer primary key, k text unique, v integer)');
  const insert = db.prepare('insert into t (k, v) values (?, ?)');
  const tx = db.transaction((i: number) => insert.run(`k${i}`, i));
  const start = performance.now();
  for (let i = 0; i < n; i++) tx(i);
  const rate = n / ((performance.now() - start) / 1000);
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return rate;
}

/** Messages per second through the engine for a traffic mix, spread over `chats` group chats and `members` members. */
export async function engineRate(traffic: (i: number) => Omit<InboundMessage, 'at' | 'channel'>, n: number): Promise<number> {
  const { hearth, dispose } = benchHearth();
  const at = hearth.deps.clock.now();
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < n; i++) pending.push(hearth.handleMessage({ ...traffic(i), channel: 'console', at }));
  await Promise.all(pending);
  const rate = n / ((performance.now() - start) / 1000);
  dispose();
  return rate;
}

/** /help traffic from 1,000 members in 20 groups. */
export function helpTraffic(i: number): Omit<InboundMessage, 'at' | 'channel'> {
  const member = `u${i % 1000}`;
  return { id: `h${i}`, chat: `g${i % 20}`, chatType: 'group', from: { id: member, name: member }, text: i % 2 ? '/help' : '帮助' };
}

/** Print the engine figures. */
export async function runEngineBench(): Promise<void> {
  const raw = await median(5, () => rawTransactionRate());
  const help = await median(5, () => engineRate(helpTraffic, 5_000));
  report('raw better-sqlite3 one-row transactions (median of 5)', perSecond(raw));
  report('engine, /help traffic on a file database (median of 5)', `${perSecond(help)}  (${(help / raw).toFixed(3)}× raw)`);
}
