// A second (third, …) Hearth in its own thread on the same database file, for the check-in concurrency test:
// it waits for "go", then delivers its check-in messages all at once.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../store/db';
import { createHearth } from '../../bot/hearth';
import { localDeployment } from '../../bot/deployment';
import { VirtualClock } from '../../bot/core/clock';
import { silentLogger } from '../../bot/log';
import { loadProgram } from '../../bot/program-file';

const { path, at, messages } = workerData as { path: string; at: string; messages: { id: string; from: string; chat: string }[] };
const db = openDatabase(path);
const hearth = createHearth({
  db,
  program: loadProgram(),
  clock: new VirtualClock(new Date(at)),
  log: silentLogger(),
  deployment: localDeployment(['console']),
});
parentPort!.once('message', () => {
  void Promise.all(
    messages.map((m) =>
      hearth.handleMessage({ id: m.id, channel: 'console', chat: m.chat, chatType: 'group', from: { id: m.from, name: m.from }, text: '签到', at: new Date(at) }),
    ),
  )
    .then(() => hearth.engine.idle())
    .then(() => {
      db.$client.close();
      parentPort!.postMessage('done');
    });
});
parentPort!.postMessage('ready');
