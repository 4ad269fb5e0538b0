// `npm run bench [-- SECTION…]`: every figure Hearth tracks, each beside a baseline measured in the same run.
// Medians, not single runs. Sections: engine, checkin, ledger, import, nudges, telegram, wechat, model (default:
// all).
// HEARTH_BENCH_SCALE=0.1 runs a tenth of the sizes where a section supports it, for a quick look.
import { runEngineBench } from './engine';
import { runCheckinBench } from './checkin';
import { runLedgerBench } from './ledger';
import { runImportBench } from './import';
import { runNudgeBench } from './nudges';
import { runTelegramRateBench } from './telegram';
import { runWechatPacingBench } from './wechat';
import { runModelBench } from './model';
import { peakRssMb, report } from './util';

const sections: Record<string, () => Promise<void>> = {
  engine: runEngineBench,
  checkin: runCheckinBench,
  ledger: runLedgerBench,
  import: runImportBench,
  nudges: () => runNudgeBench(),
  telegram: () => runTelegramRateBench(),
  wechat: () => runWechatPacingBench(),
  model: runModelBench,
};

const asked = process.argv.slice(2).filter((a) => a !== '--');
const unknown = asked.filter((a) => !(a in sections));
if (unknown.length > 0) {
  process.stderr.write(`unknown bench section(s): ${unknown.join(', ')}; choose from ${Object.keys(sections).join(', ')}\n`);
  process.exit(2);
}

process.stdout.write(`Hearth bench — node ${process.version}, ${new Date().toISOString()}\n`);
for (const name of asked.length > 0 ? asked : Object.keys(sections)) {
  process.stdout.write(`\n## ${name}\n`);
  await sections[name]!();
}
process.stdout.write('\n');
report('peak RSS of the bench process', `${peakRssMb()} MB`);
