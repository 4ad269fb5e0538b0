// `npm run bench`: every figure Hearth tracks, each beside a baseline measured in the same run. Medians, not single runs.
import { runEngineBench } from './engine';
import { runTelegramRateBench } from './telegram';
import { peakRssMb, report } from './util';

process.stdout.write(`Hearth bench — node ${process.version}, ${new Date().toISOString()}\n\n`);
await runEngineBench();
await runTelegramRateBench();
report('peak RSS of the bench process', `${peakRssMb()} MB`);
