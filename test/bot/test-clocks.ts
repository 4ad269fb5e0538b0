// Clocks and randomness for pacing tests: a clock that moves only when the test says, one that jumps over every wait,
// and a seeded random, so what the limiter and the outbox do with time is checked without any real waiting.
import type { LimiterClock } from '../../bot/rate-limiter';

/** Let every promise and immediate that can run, run (the store is synchronous, so a few turns settle a flush). */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A clock that moves only on `advance`: sleepers wake in time order as it passes them. */
export class ManualClock implements LimiterClock {
  private sleepers: { at: number; resolve: () => void }[] = [];
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => this.sleepers.push({ at: this.t + Math.max(0, ms), resolve }));
  }
  /** Move `ms` on, waking each sleeper at its time and letting what it starts run before the next. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await settle();
    for (;;) {
      this.sleepers.sort((a, b) => a.at - b.at);
      const next = this.sleepers[0];
      if (!next || next.at > end) break;
      this.sleepers.shift();
      this.t = Math.max(this.t, next.at);
      next.resolve();
      await settle();
    }
    this.t = end;
    await settle();
  }
}

/**
 * A clock for one waiter at a time: every sleep moves time on by exactly what was asked, once everything that can run
 * at the present time has run (a send just let through starts at its own time, not the next one's).
 */
export function jumpingClock(start: number): LimiterClock & { now(): number } {
  let t = start;
  return {
    now: () => t,
    sleep: async (ms) => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      t += Math.max(0, ms);
    },
  };
}

/** A seeded random in [0, 1) (mulberry32): the same seed, the same jitter. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
