// Scheduled work on the shared clock: cron jobs in the program's timezone and one-off timers.
// Live runs fire them with node-cron; replay moves a virtual clock and runs everything due on the way, in time order.
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { CronError, nextCronRun } from '../community/cron';
import type { Db } from '../store/db';
import { claimJobRun, dueTimers, finishJobRun, markTimerFired, nextTimerTime, type TimerRow } from '../store/jobs';
import { HearthError } from './core/errors';
import type { Job, TimerHandler } from './core/skill';

/** Polls working through slow (model) timers at once, live. */
const SLOW_LOOPS = 2;

/** Owns the jobs and timers; `advanceTo` (replay) or `start` (live) runs them. */
export class Scheduler {
  private readonly jobs: Job[] = [];
  private readonly timerHandlers = new Map<string, TimerHandler>();
  /** Timer kinds whose handlers wait on a model: fired after the others, by at most SLOW_LOOPS polls at once. */
  private readonly slowKinds = new Set<string>();
  private slowLoops = 0;
  private readonly next = new Map<string, Date>();
  private live: ScheduledTask[] = [];
  private timerPoll: NodeJS.Timeout | undefined;

  constructor(private readonly deps: { db: Db; log: Logger; timezone: string }) {}

  /** Register a recurring job. */
  addJob(job: Job): void {
    try {
      nextCronRun(job.cron, this.deps.timezone, new Date(0)); // fail at start on a bad expression
    } catch (err) {
      throw err instanceof CronError ? new HearthError('bad_config', `job ${job.name}: ${err.message}`) : err;
    }
    this.jobs.push(job);
  }

  /** Register the handler of a timer kind; `slow` for one that waits on a model (seconds, not milliseconds). */
  onTimer(kind: string, handler: TimerHandler, opts: { slow?: boolean } = {}): void {
    this.timerHandlers.set(kind, handler);
    if (opts.slow) this.slowKinds.add(kind);
  }

  /** The registered jobs' names and next runs after `from`. */
  upcoming(from: Date): { name: string; next: Date }[] {
    return this.jobs.map((j) => ({ name: j.name, next: nextCronRun(j.cron, this.deps.timezone, from) }));
  }

  /**
   * Virtual time: run every job occurrence and timer due in (from, to], earliest first, calling `between(t)` after each
   * step and `wake(t)` to ask for other due times (the outbox's held messages). Jobs count from `from` on; none are caught up.
   */
  async advanceTo(
    from: Date,
    to: Date,
    hooks: { setClock(t: Date): void; afterStep(t: Date): Promise<void>; nextWake(): number | undefined },
  ): Promise<void> {
    for (const job of this.jobs) {
      if (!this.next.has(job.name)) this.next.set(job.name, nextCronRun(job.cron, this.deps.timezone, from));
    }
    for (;;) {
      let soonest: { at: number; job?: Job } | undefined;
      for (const job of this.jobs) {
        const at = this.next.get(job.name)!.getTime();
        if (!soonest || at < soonest.at) soonest = { at, job };
      }
      const timerAt = nextTimerTime(this.deps.db);
      if (timerAt !== undefined && (!soonest || timerAt <= soonest.at)) soonest = { at: timerAt };
      const wakeAt = hooks.nextWake();
      if (wakeAt !== undefined && (!soonest || wakeAt < soonest.at)) soonest = { at: Math.max(wakeAt, from.getTime()) };
      if (!soonest || soonest.at > to.getTime()) break;
      const t = new Date(soonest.at);
      hooks.setClock(t);
      if (soonest.job) {
        await this.runOccurrence(soonest.job, t);
        this.next.set(soonest.job.name, nextCronRun(soonest.job.cron, this.deps.timezone, t));
      } else {
        await this.fireTimers(t);
      }
      await hooks.afterStep(t);
    }
    hooks.setClock(to);
  }

  /** Live time: fire jobs with node-cron in the program's timezone and poll timers. */
  start(clock: { now(): Date }, afterStep: (t: Date) => Promise<void>): void {
    for (const job of this.jobs) {
      const task = cron.schedule(
        job.cron,
        async (ctx) => {
          const dueAt = new Date(Math.floor(ctx.date.getTime() / 1000) * 1000);
          await this.runOccurrence(job, dueAt);
          await afterStep(clock.now());
        },
        { timezone: this.deps.timezone, name: job.name, noOverlap: true },
      );
      this.live.push(task);
    }
    this.timerPoll = setInterval(() => {
      void this.fireTimers(clock.now()).then(() => afterStep(clock.now()));
    }, 5_000);
  }

  /** Stop live scheduling. */
  async stop(): Promise<void> {
    if (this.timerPoll) clearInterval(this.timerPoll);
    await Promise.all(this.live.map((t) => t.destroy()));
    this.live = [];
  }

  /** Run one occurrence of a job unless it already ran (here or in another process). */
  async runOccurrence(job: Job, dueAt: Date): Promise<void> {
    const { db, log } = this.deps;
    if (!claimJobRun(db, job.name, dueAt, dueAt)) return;
    try {
      await job.run(dueAt);
      finishJobRun(db, job.name, dueAt, dueAt);
    } catch (err) {
      log.error({ err, job: job.name }, 'job failed');
      finishJobRun(db, job.name, dueAt, dueAt, String((err as Error)?.message ?? err));
    }
  }

  /**
   * Fire every timer due at `now`, earliest first — the quick ones before those that wait on a model, so an SLA
   * reminder never waits behind a model call. Live, polls overlap while slow timers are in hand: at most SLOW_LOOPS of
   * them work through those at once, and a later poll takes what is left. Returns how many were due and taken in hand.
   */
  async fireTimers(now: Date): Promise<number> {
    const due = dueTimers(this.deps.db, now);
    for (const timer of due) if (!this.slowKinds.has(timer.kind)) await this.fire(timer, now);
    const slow = due.filter((t) => this.slowKinds.has(t.kind));
    if (slow.length === 0 || this.slowLoops >= SLOW_LOOPS) return due.length - slow.length;
    this.slowLoops++;
    try {
      for (const timer of slow) await this.fire(timer, now);
    } finally {
      this.slowLoops--;
    }
    return due.length;
  }

  private async fire(timer: TimerRow, now: Date): Promise<void> {
    if (!markTimerFired(this.deps.db, timer.id, now)) return;
    const handler = this.timerHandlers.get(timer.kind);
    if (!handler) {
      this.deps.log.warn({ kind: timer.kind }, 'no handler for timer');
      return;
    }
    try {
      await handler(timer, now);
    } catch (err) {
      this.deps.log.error({ err, timer: timer.key }, 'timer failed');
    }
  }
}
