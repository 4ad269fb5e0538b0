// The daily expiry job: just after local midnight, what is left of every lot whose expiry has come is removed, in
// batches (one transaction each), so members never see points that can no longer be spent.
import type { SkillModule, HearthDeps } from '../bot/core/skill';
import { expireAllDue } from '../store/ledger';

/** When the expiry job runs, in the program's timezone: lots expire at local midnight, so five minutes after. */
export const EXPIRY_CRON = '5 0 * * *';
/** Lots per transaction: small enough that messages are never kept waiting long for the write lock. */
export const EXPIRY_BATCH = 5_000;

/** Expire every lot due by `now`; returns how many lots and points went. */
export function runExpiry(deps: Pick<HearthDeps, 'db' | 'log'>, now: Date): { lots: number; points: number } {
  const done = expireAllDue(deps.db, now, EXPIRY_BATCH);
  if (done.lots > 0) deps.log.info({ lots: done.lots, points: done.points }, 'points expired');
  return done;
}

/** Installs the daily expiry job. */
export const expiryModule: SkillModule = {
  install(hearth) {
    hearth.scheduler.addJob({ name: 'points-expiry', cron: EXPIRY_CRON, run: (dueAt) => void runExpiry(hearth.deps, dueAt) });
  },
};
