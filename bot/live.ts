// Live runs (console or a platform): Hearth on the real clock over the configured database, with its cron jobs,
// timers and a steady outbox flush running until stopped.
import type { Logger } from 'pino';
import type { Program } from '../community/program';
import { openDatabase } from '../store/db';
import { systemClock } from './clock';
import type { Config } from './config';
import type { Deployment, HearthDeps } from './engine';
import { createHearth, type Hearth } from './hearth';

/** A running Hearth; `stop` ends timekeeping, waits for queued messages and closes the database. */
export interface LiveHearth {
  hearth: Hearth;
  stop(): Promise<void>;
}

/** Open the database, build Hearth on the system clock, and start its jobs, timers and outbox flush. */
export function startLiveHearth(options: {
  config: Config;
  log: Logger;
  program: Program;
  deployment: Deployment;
  isGroupAdmin?: HearthDeps['isGroupAdmin'];
}): LiveHearth {
  const { config, log } = options;
  const db = openDatabase(config.HEARTH_DB);
  const hearth = createHearth({ db, program: options.program, clock: systemClock, log, deployment: options.deployment, isGroupAdmin: options.isGroupAdmin });
  const flush = () => hearth.dispatcher.flush(systemClock.now());
  hearth.scheduler.start(systemClock, async () => void (await flush()));
  const timer = setInterval(() => void flush().catch((err: unknown) => log.error({ err }, 'outbox flush failed')), 1000);
  timer.unref();
  void flush(); // what was written and not sent before a restart goes out now
  return {
    hearth,
    async stop() {
      clearInterval(timer);
      await hearth.scheduler.stop();
      await hearth.engine.idle();
      await flush();
      db.$client.close();
    },
  };
}
