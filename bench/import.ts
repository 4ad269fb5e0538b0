// CSV import speed: a 100,000-line shop export (10,000 members, 2% refunds) through `importOrdersFile` and the real
// order handler on a fresh file database (median of 3), the same file again (all duplicates), and the intake alone.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../store/db';
import { createHearth } from '../bot/hearth';
import type { SkillModule } from '../bot/core/skill';
import { VirtualClock } from '../bot/core/clock';
import { silentLogger } from '../bot/log';
import { loadProgram } from '../bot/program-file';
import { importOrdersFile, type ImportSummary } from '../bot/import';
import { median, perSecond, report } from './util';

const LINES = 100_000;
const MEMBERS = 10_000;

/** A shop export: purchases over a year, every 50th line a partial refund of the order before it. */
export function shopCsv(lines: number, members: number): string {
  const out = ['member,order_id,amount,at,type'];
  const start = Date.parse('2025-03-01T00:00:00+08:00');
  const step = Math.floor((365 * 86_400_000) / lines);
  for (let i = 0; i < lines; i++) {
    const at = new Date(start + i * step).toISOString();
    if (i % 50 === 49) out.push(`m${(i - 1) % members},o${i - 1},1.00,${at},refund`);
    else out.push(`m${i % members},o${i},${(i % 400) + 9.9},${at},purchase`);
  }
  return `${out.join('\n')}\n`;
}

async function timedImport(file: string, modules?: SkillModule[]): Promise<{ seconds: number; summary: ImportSummary; again: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-import-bench-'));
  const db = openDatabase(join(dir, 'bench.db'));
  try {
    const hearth = createHearth({
      db,
      program: loadProgram(),
      clock: new VirtualClock(new Date('2026-06-01T00:00:00Z')),
      log: silentLogger(),
      deployment: { staffRoom: { channel: 'console', chat: 'staff' }, channels: {} },
      modules,
    });
    let start = performance.now();
    const summary = await importOrdersFile(hearth, file);
    const seconds = (performance.now() - start) / 1000;
    if (summary.rejected.length > 0) throw new Error(`bench import rejected line ${summary.rejected[0]!.line}: ${summary.rejected[0]!.reason}`);
    if (modules) return { seconds, summary, again: NaN };
    start = performance.now();
    const second = await importOrdersFile(hearth, file);
    if (second.imported !== 0 || second.duplicates !== summary.imported) throw new Error('the second import changed something');
    return { seconds, summary, again: (performance.now() - start) / 1000 };
  } finally {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Print the import figures: seconds and lines/s for a 100,000-line CSV, beside a re-import and the intake alone. */
export async function runImportBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-import-csv-'));
  const file = join(dir, 'orders.csv');
  writeFileSync(file, shopCsv(LINES, MEMBERS));
  try {
    const agains: number[] = [];
    const seconds = await median(3, async () => {
      const r = await timedImport(file);
      agains.push(r.again);
      return r.seconds;
    });
    const again = agains.sort((a, b) => a - b)[1]!;
    const label = `${LINES.toLocaleString('en-US')} lines`;
    report(`CSV import, ${label}, fresh database (median of 3)`, `${seconds.toFixed(1)} s, ${perSecond(LINES / seconds)}`);
    report(`CSV import, the same ${label} again (all duplicates)`, `${again.toFixed(1)} s, ${perSecond(LINES / again)}`);
    // The intake alone (read, parse, check, batch) with a handler that records nothing: the floor under the ledger.
    const noop: SkillModule = { install: (h) => void h.events.order.push(() => ({ status: 'recorded' })) };
    const intake = await median(3, async () => (await timedImport(file, [noop])).seconds);
    report(`  baseline: CSV intake without the ledger (median of 3)`, `${intake.toFixed(1)} s, ${perSecond(LINES / intake)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
