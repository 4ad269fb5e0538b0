// The rate limiter on injected time and randomness: jitter keeps every gap within its bounds yet irregular, and an
// account throttle holds every chat, doubles on repeats up to a cap, ignores sends that were already on their way, and
// lets one send at a time through until one goes out clean.
import { describe, expect, it } from 'vitest';
import { UNLIMITED, type RateLimits } from '../../bot/core/channel';
import { DayWindow, MAX_THROTTLE_MS, RateLimiter } from '../../bot/rate-limiter';
import { WECHAT_LIMITS } from '../../bot/channels/wechaty';
import { jumpingClock, ManualClock, seededRandom, settle } from './test-clocks';

/** When each send started, scheduling `sends` (chat names) at once on a limiter over a jumping clock. */
async function startTimes(limits: RateLimits, sends: string[], seed: number): Promise<number[]> {
  const clock = jumpingClock(0);
  const limiter = new RateLimiter(limits, clock, seededRandom(seed));
  const started: number[] = [];
  await Promise.all(sends.map((chat) => limiter.schedule(chat, false, 1, async () => void started.push(clock.now()))));
  return started;
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

describe('rate limiter', () => {
  it("adds 0..jitterMs to one chat's gap, drawn afresh each time: within bounds, never a regular beat, the same for the same seed", async () => {
    const limits: RateLimits = { ...UNLIMITED, perChatGapMs: 1000, marginMs: 50, jitterMs: 500 };
    const times = await startTimes(limits, Array(30).fill('room'), 7);
    const g = gaps(times);
    expect(g).toHaveLength(29);
    for (const gap of g) {
      expect(gap).toBeGreaterThanOrEqual(1050);
      expect(gap).toBeLessThanOrEqual(1550);
    }
    expect(Math.max(...g) - Math.min(...g)).toBeGreaterThan(200); // spread over the range, not a fixed extra
    expect(new Set(g.map((x) => Math.round(x))).size).toBeGreaterThan(20);
    expect(await startTimes(limits, Array(30).fill('room'), 7)).toEqual(times);
    expect(await startTimes(limits, Array(30).fill('room'), 8)).not.toEqual(times);
  });

  it('adds 0..jitterMs between two sends overall, on top of the spacing under the overall limit', async () => {
    // 100 a minute is a send every 450 ms at the limiter's 75 %; with up to 300 ms more, 450..750 ms apart.
    const limits: RateLimits = { ...UNLIMITED, globalMax: 100, globalWindowMs: 60_000, jitterMs: 300 };
    const chats = Array.from({ length: 40 }, (_, i) => `u${i}`);
    const g = gaps(await startTimes(limits, chats, 42));
    for (const gap of g) {
      expect(gap).toBeGreaterThanOrEqual(450);
      expect(gap).toBeLessThanOrEqual(750);
    }
    expect(Math.max(...g) - Math.min(...g)).toBeGreaterThan(150);
    // Without jitter the beat is exactly regular: what WeChat sees from a machine.
    expect(new Set(gaps(await startTimes({ ...limits, jitterMs: 0 }, chats, 42)))).toEqual(new Set([450]));
  });

  it("WeChat's defaults jitter, and stay under their own overall limit on average", () => {
    const spacing = (WECHAT_LIMITS.globalWindowMs / WECHAT_LIMITS.globalMax) * 0.75;
    expect(WECHAT_LIMITS.jitterMs).toBeGreaterThan(0);
    expect(WECHAT_LIMITS.globalWindowMs / (spacing + WECHAT_LIMITS.jitterMs! / 2)).toBeLessThan(WECHAT_LIMITS.globalMax);
  });

  it('an account throttle doubles on each repeat up to the cap, a send already on its way repeats nothing, a clean send ends it', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter(UNLIMITED, clock);
    expect(limiter.throttled(60_000, 0)).toMatchObject({ pauseMs: 60_000, until: 60_000, first: true, stale: false });
    // A send that started before that throttle reports it again: same episode, same pause.
    expect(limiter.throttled(60_000, -10)).toMatchObject({ pauseMs: 60_000, first: false, stale: true });
    await clock.advance(60_000);
    expect(limiter.throttled(60_000, 60_000)).toMatchObject({ pauseMs: 120_000, first: false, stale: false });
    const pauses: number[] = [];
    for (let i = 0; i < 8; i++) pauses.push(limiter.throttled(60_000, clock.now() + i + 1).pauseMs);
    expect(pauses).toEqual([240_000, 480_000, 960_000, 1_920_000, MAX_THROTTLE_MS, MAX_THROTTLE_MS, MAX_THROTTLE_MS, MAX_THROTTLE_MS]);
    // Never less than the platform asked for, even past the cap.
    expect(limiter.throttled(2 * MAX_THROTTLE_MS, clock.now() + 100).pauseMs).toBe(2 * MAX_THROTTLE_MS);
    expect(limiter.cleared(clock.now() - 1)).toBe(false); // on its way before the last throttle: proves nothing
    expect(limiter.cleared(clock.now() + 200)).toBe(true);
    expect(limiter.throttled(60_000, clock.now() + 300)).toMatchObject({ pauseMs: 60_000, first: true });
  });

  it('a throttle holds every chat until it is over, then lets one send at a time through until one goes out clean', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter(UNLIMITED, clock);
    const started: string[] = [];
    const finishers = new Map<string, () => void>();
    const send = (chat: string) =>
      limiter.schedule(chat, false, 1, () => {
        started.push(chat);
        return new Promise<void>((resolve) => finishers.set(chat, resolve));
      });
    limiter.throttled(10_000, 0);
    const all = ['a', 'b', 'c'].map(send);
    await clock.advance(9_999);
    expect(started).toEqual([]);
    await clock.advance(1);
    expect(started).toEqual(['a']); // the probe, alone
    await clock.advance(5_000);
    expect(started).toEqual(['a']);
    expect(limiter.cleared(10_000)).toBe(true); // it went out clean: full pace again
    finishers.get('a')!();
    await settle();
    expect(started).toEqual(['a', 'b', 'c']);
    for (const c of ['b', 'c']) finishers.get(c)!();
    await Promise.all(all);
  });

  it("a day window: answers may use the whole cap, a proactive message only what leaves room for as many answers again as the day had", () => {
    const hour = 3600_000;
    const day = new DayWindow(6, 24 * hour, [
      { at: 0, answer: true },
      { at: hour, answer: true },
    ]);
    // 2 sent, both answers: a nudge needs 2 + 1 + 2 ≤ 6 — room for one more after it.
    expect(day.waitMs(2 * hour, false)).toBe(0);
    day.start(false);
    day.finish(2 * hour, false);
    expect(day.waitMs(2 * hour, false)).toBe(0);
    day.start(false);
    day.finish(2 * hour, false);
    // 4 sent (2 answers): a third nudge would leave no room for the answers: it waits for the first answer to leave.
    expect(day.waitMs(3 * hour, false)).toBe(21 * hour);
    // An answer still fits, twice; then answers wait too, for the oldest send to leave.
    expect(day.waitMs(3 * hour, true)).toBe(0);
    day.start(true);
    day.finish(3 * hour, true);
    day.start(true);
    day.finish(3 * hour, true);
    expect(day.waitMs(4 * hour, true)).toBe(20 * hour);
    expect(day.waitMs(24 * hour, true)).toBe(0); // the first answer has left the day
  });
});
