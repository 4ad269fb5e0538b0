// Live runs (console or a platform): Hearth on the real clock over the configured database, holding the database's
// instance lock (a second process waits as a standby), finishing what a crash left, and running its cron jobs,
// timers, inbox retries and a steady outbox flush until stopped.
import type { Logger } from 'pino';
import type { Program } from '../community/program';
import { openDatabase } from '../store/db';
import { holderOf, lockDatabase, noteHolder, type InstanceLock } from '../store/instance-lock';
import { systemClock } from './clock';
import type { Config } from './config';
import type { Deployment, HearthDeps } from './engine';
import { createHearth, type Hearth } from './hearth';

/** A running Hearth; `stop` ends timekeeping, waits for queued messages, closes the database and releases its lock. */
export interface LiveHearth {
  hearth: Hearth;
  stop(): Promise<void>;
}

/** How often messages whose handling failed are tried again, and the outbox is flushed. */
const RETRY_MS = 30_000;
const FLUSH_MS = 1_000;

/**
 * Take the database's instance lock — waiting as a standby, with a line on stderr, while another Hearth holds it — then
 * open the database, build Hearth on the system clock, finish what was received and not handled before a restart, and
 * start its jobs, timers and outbox flush.
 */
export async function startLiveHearth(options: {
  config: Config;
  log: Logger;
  program: Program;
  deployment: Deployment;
  isGroupAdmin?: HearthDeps['isGroupAdmin'];
  /** Told when this process waits for another to stop (default: a line on stderr). */
  onStandby?: (message: string) => void;
}): Promise<LiveHearth> {
  const { config, log } = options;
  const lock = await lockDatabase(config.HEARTH_DB, {
    waiting: () => {
      let holder = '';
      try {
        const peek = openDatabase(config.HEARTH_DB);
        const h = holderOf(peek);
        peek.$client.close();
        if (h) holder = ` (pid ${h.pid} on ${h.host}, since ${h.since})`;
      } catch {
        // the holder's details are a courtesy
      }
      const line = `hearth: another Hearth is running on ${config.HEARTH_DB}${holder}; waiting as a standby — this one takes over when it stops`;
      (options.onStandby ?? ((m: string) => process.stderr.write(`${m}\n`)))(line);
      log.warn({ db: config.HEARTH_DB }, 'database held by another Hearth: standing by');
    },
  });
  if (!lock) throw new Error('the instance lock was not taken');
  let db;
  try {
    db = openDatabase(config.HEARTH_DB, { synchronous: config.HEARTH_DB_SYNC });
    noteHolder(db, systemClock.now());
  } catch (err) {
    lock.release();
    throw err;
  }
  return runLive(db, lock, options);
}

function runLive(db: ReturnType<typeof openDatabase>, lock: InstanceLock, options: Parameters<typeof startLiveHearth>[0]): LiveHearth {
  const { config, log } = options;
  const deployment: Deployment = { ...options.deployment, groups: [...(options.deployment.groups ?? []), ...config.HEARTH_GROUPS] };
  const hearth = createHearth({ db, program: options.program, clock: systemClock, log, deployment, isGroupAdmin: options.isGroupAdmin });
  const flush = () => hearth.dispatcher.flush(systemClock.now());
  hearth.scheduler.start(systemClock, async () => void (await flush()));
  const flushTimer = setInterval(() => void flush().catch((err: unknown) => log.error({ err }, 'outbox flush failed')), FLUSH_MS);
  flushTimer.unref();
  const resume = () => {
    try {
      hearth.engine.resume();
    } catch (err) {
      log.error({ err }, 'could not read the inbox');
    }
  };
  const retryTimer = setInterval(resume, RETRY_MS);
  retryTimer.unref();
  resume(); // what was received and not handled before a restart is finished now, in order per chat
  void flush(); // and what was written and not sent goes out
  return {
    hearth,
    async stop() {
      clearInterval(flushTimer);
      clearInterval(retryTimer);
      await hearth.scheduler.stop();
      await hearth.engine.idle();
      await flush().catch((err: unknown) => log.error({ err }, 'outbox flush failed'));
      db.$client.close();
      lock.release();
    },
  };
}
