// `hearth nudges list|preview <id>`: the managers' /nudges view from a terminal, over the bot's database. Sends nothing.
import { parseArgs } from 'node:util';
import { loadConfig } from './config';
import { loadProgram } from './program-file';
import { systemClock } from './core/clock';
import { openDatabase } from '../store/db';
import { seedNudgeRules, activeNudgeRules } from '../store/nudges';
import { formatPreview, formatRuleList, previewNudge } from '../skills/nudges';

const usage = 'usage: hearth nudges list | hearth nudges preview RULE [--at TIME] [--db FILE] [--program FILE]';

/** Run `hearth nudges …`; resolves to the exit code. */
export async function runNudgesCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { at: { type: 'string' }, db: { type: 'string' }, program: { type: 'string' } } });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [action, ruleId, ...extra] = positionals;
  if (!((action === 'list' && !ruleId) || (action === 'preview' && ruleId)) || extra.length > 0) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const now = values.at === undefined ? systemClock.now() : new Date(values.at);
  if (Number.isNaN(now.getTime()) || (values.at !== undefined && !/[zZ]|[+-]\d{2}:?\d{2}$/.test(values.at))) {
    process.stderr.write(`hearth nudges: --at needs an ISO time with an offset, e.g. 2026-03-01T10:00:00+08:00\n`);
    return 2;
  }
  const config = loadConfig();
  const program = loadProgram(values.program ?? config.HEARTH_PROGRAM);
  const db = openDatabase(values.db ?? config.HEARTH_DB);
  try {
    // The store follows the program file, as it does when the bot starts.
    seedNudgeRules(db, program.nudges.rules, now);
    if (action === 'list') {
      process.stdout.write(`${formatRuleList({ db, program }, now, 'en')}\n`);
      return 0;
    }
    const preview = previewNudge({ db, program }, ruleId!, now);
    if (!preview) {
      process.stderr.write(`hearth nudges: no rule "${ruleId}" (rules: ${activeNudgeRules(db).map((r) => r.id).join(', ')})\n`);
      return 1;
    }
    process.stdout.write(`${formatPreview(preview, 'en', program)}\n`);
    return 0;
  } finally {
    db.$client.close();
  }
}
