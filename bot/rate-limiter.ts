// Paces a channel's sends under its limits (per chat, per group, overall), most urgent first: one chat's sends run
// one at a time in the order given; a shared queue lets replies overtake bulk nudges. Sliding windows over real send
// times guard the limits, so neither a late timer nor a slow connection bunches sends into a burst the platform would
// refuse. When the platform says the whole account sends too often, every chat waits, longer on each repeat. Time and
// the jitter's randomness are injected: live runs use the wall clock, tests a clock that jumps instead of waiting.
import type { RateLimits } from './core/channel';
import { HearthError } from './core/errors';
import type { OutboundKind } from './core/types';

/** What the limiter reads time from and waits on. */
export interface LimiterClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The wall clock. */
export const wallClock: LimiterClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, Math.ceil(ms)))),
};

/** The longest a wait sleeps before looking again, so a stop is not held up by a long pause (its timer ends soon). */
const LOOK_AGAIN_MS = 1000;

/** The longest pause after repeated account throttles: each doubles the one before, up to this. */
export const MAX_THROTTLE_MS = 60 * 60_000;

/** What an account throttle did: how long every send waits, and whether it opened a new episode (or repeated one). */
export interface Throttle {
  pauseMs: number;
  until: number;
  /** The first throttle since the channel last sent cleanly: managers are told once per episode. */
  first: boolean;
  /** A send that started before the last throttle and reports it again: the same signal, not a repeat. */
  stale: boolean;
}

/** Queue priorities (lower runs first): people waiting for an answer overtake bulk messages. */
export const PRIORITY: Record<OutboundKind, number> = { reply: 1, bridge: 1, notice: 5, nudge: 8 };

/**
 * A sliding window over finished sends plus the sends still on their way. A send counts from its start until it is
 * known finished; since a message reaches the platform before its answer comes back, counting finished sends by their
 * finish time can only over-count, so network delays never bunch messages into a window.
 */
export class SlidingWindow {
  private running = 0;
  /** `done`: when earlier sends finished, oldest first (a window that outlives the process is read back). */
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly done: number[] = [],
  ) {}
  /** 0 when a send may start at `now`, else how long to wait before looking again. */
  waitMs(now: number, margin: number): number {
    if (this.max === Infinity) return 0;
    const since = now - this.windowMs - margin;
    let first = this.done.length;
    while (first > 0 && this.done[first - 1]! > since) first--;
    const inWindow = this.done.length - first;
    if (inWindow + this.running < this.max) return 0;
    // The oldest finished send leaves the window first; if all are still running, look again shortly.
    return inWindow > 0 ? this.done[first]! - since : 5;
  }
  start(): void {
    this.running++;
  }
  /** The send started is over: it counts from `at`, unless it did not go out (`counted` false). */
  finish(at: number, counted = true): void {
    this.running--;
    if (!counted) return;
    this.done.push(at);
    if (this.done.length > this.max * 2) this.done.splice(0, this.done.length - this.max);
  }
}

/**
 * Every send of a channel in a sliding day, answers apart from the messages the bot starts on its own: the channel's
 * daily cap (RateLimits.dailyMax). An answer may go while the day's total is under the cap; a proactive message only if,
 * after it, the total plus as many answers again as the day had is within it, so nudges get what conversations leave.
 * Like SlidingWindow, a send counts from its start; finished sends count from when they finished.
 */
export class DayWindow {
  private running = { answers: 0, all: 0 };
  /** `done`: earlier sends, oldest first, read back at start so a restart does not refill the day. */
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly done: { at: number; answer: boolean }[] = [],
  ) {}
  /** 0 when a send (an answer, or a proactive message) may start at `now`, else how long until there may be room. */
  waitMs(now: number, answer: boolean): number {
    const since = now - this.windowMs;
    while (this.done.length > 0 && this.done[0]!.at <= since) this.done.shift();
    const answers = this.done.reduce((n, d) => n + (d.answer ? 1 : 0), 0) + this.running.answers;
    const total = this.done.length + this.running.all;
    // How much must leave the day first: an answer leaving frees its place and its share of the reserve.
    let excess = answer ? total + 1 - this.max : total + answers + 1 - this.max;
    if (excess <= 0) return 0;
    for (const d of this.done) {
      excess -= answer ? 1 : d.answer ? 2 : 1;
      if (excess <= 0) return d.at - since;
    }
    return LOOK_AGAIN_MS; // what is left is still on its way: look again shortly
  }
  start(answer: boolean): void {
    this.running.all++;
    if (answer) this.running.answers++;
  }
  /** The send started is over: it counts from `at`, unless it did not go out (`counted` false). */
  finish(at: number, answer: boolean, counted = true): void {
    this.running.all--;
    if (answer) this.running.answers--;
    if (!counted) return;
    let i = this.done.length; // kept in time order: sends from an earlier flush may finish later
    while (i > 0 && this.done[i - 1]!.at > at) i--;
    this.done.splice(i, 0, { at, answer });
  }
}

interface ChatState {
  /** When the last send to this chat finished (it reached the platform no later than that). */
  lastDone: number;
  /** This chat's jitter on top of the gap after its last send (drawn once per gap, so waiting does not redraw it). */
  jitter: number;
  pausedUntil: number;
  /** The tail of this chat's sends (each waits for the one before). */
  tail: Promise<unknown>;
  pending: number;
  group?: SlidingWindow;
}

interface Waiter {
  priority: number;
  seq: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Something a send may call between the pieces of one message: wait for the chat's next slot. */
export interface Pacer {
  next(): Promise<void>;
}

/** Schedules sends under the limits; `send` runs at most once per `schedule` call. */
export class RateLimiter {
  private readonly state = new Map<string, ChatState>();
  private readonly globalWindow: SlidingWindow;
  /** Sends waiting for a global slot, most urgent first. */
  private readonly waiting: Waiter[] = [];
  private pumping = false;
  private lastGrant = -Infinity;
  /** The jitter on top of the spacing before the next global turn. */
  private grantJitter = 0;
  private seq = 0;
  private stopped = false;
  /** Global turns handed out whose send has not finished. */
  private running = 0;
  /** The account throttle: every send waits until `pausedUntil`; `streak` throttles in a row since the last clean send. */
  private readonly throttle = { pausedUntil: -Infinity, streak: 0, lastAt: -Infinity };

  /** `random` in [0, 1) draws the jitter (tests pass a seeded one). */
  constructor(
    readonly limits: RateLimits,
    private readonly clock: LimiterClock = wallClock,
    private readonly random: () => number = Math.random,
  ) {
    this.globalWindow = new SlidingWindow(limits.globalMax, limits.globalWindowMs);
  }

  private jitter(): number {
    const max = this.limits.jitterMs ?? 0;
    return max > 0 ? this.random() * max : 0;
  }

  private chatState(chat: string, isGroup: boolean): ChatState {
    let s = this.state.get(chat);
    if (!s) {
      s = { lastDone: -Infinity, jitter: 0, pausedUntil: -Infinity, tail: Promise.resolve(), pending: 0, ...(isGroup ? { group: new SlidingWindow(this.limits.groupMax, this.limits.groupWindowMs) } : {}) };
      this.state.set(chat, s);
    }
    return s;
  }

  /** Hold a chat back (the platform said "retry after"). */
  pause(chat: string, isGroup: boolean, ms: number): void {
    const s = this.chatState(chat, isGroup);
    s.pausedUntil = Math.max(s.pausedUntil, this.clock.now() + ms);
  }

  /**
   * The platform says the whole account sends too often: hold every chat's sends for `afterMs`, doubled for each
   * throttle in a row (up to MAX_THROTTLE_MS, never less than the platform asked). `startedAt` is when the refused send
   * started: one that was already on its way when an earlier throttle came repeats that signal and doubles nothing.
   * Until a send goes out clean (`cleared`), sends go one at a time, so a second refusal costs one message, not a burst.
   */
  throttled(afterMs: number, startedAt: number): Throttle {
    const t = this.throttle;
    const now = this.clock.now();
    const stale = t.streak > 0 && startedAt < t.lastAt;
    if (!stale) {
      t.streak++;
      t.lastAt = now;
    }
    const pauseMs = Math.max(afterMs, Math.min(afterMs * 2 ** (t.streak - 1), MAX_THROTTLE_MS));
    t.pausedUntil = Math.max(t.pausedUntil, now + pauseMs);
    return { pauseMs, until: t.pausedUntil, first: t.streak === 1 && !stale, stale };
  }

  /** A send that started at `startedAt` went out: true when it ends a throttle episode (it started after the last throttle). */
  cleared(startedAt: number): boolean {
    const t = this.throttle;
    if (t.streak === 0 || startedAt < t.lastAt) return false;
    t.streak = 0;
    return true;
  }

  /** Run `send` for `chat` when every limit allows; a chat's sends run one at a time, in the order scheduled. */
  schedule<T>(chat: string, isGroup: boolean, priority: number, send: (pacer: Pacer) => Promise<T>): Promise<T> {
    const s = this.chatState(chat, isGroup);
    s.pending++;
    const run = s.tail.then(async () => {
      await this.slot(s, priority);
      // A further piece of the same message: the piece before counts as sent, and this one waits its turn.
      const pacer: Pacer = {
        next: async () => {
          this.finish(s);
          await this.slot(s, priority);
        },
      };
      try {
        return await send(pacer);
      } finally {
        this.finish(s);
      }
    });
    s.tail = run.catch(() => undefined);
    void s.tail.then(() => {
      const { groupWindowMs, perChatGapMs, marginMs, jitterMs } = this.limits;
      if (--s.pending === 0 && this.clock.now() - s.lastDone > Math.max(groupWindowMs, perChatGapMs + marginMs + (jitterMs ?? 0))) this.state.delete(chat);
    });
    return run;
  }

  /** Messages waiting for their turn in the shared queue (for logs and benches). */
  queued(): number {
    return this.waiting.length;
  }

  /** Refuse everything waiting (their sends never run); running sends finish. */
  stop(): void {
    this.stopped = true;
    for (const w of this.waiting.splice(0)) w.reject(new HearthError('delivery_failed', 'stopping'));
  }

  /** Wait until this chat may send again, then for a global turn; counts the send as started. */
  private async slot(s: ChatState, priority: number): Promise<void> {
    const { perChatGapMs, marginMs } = this.limits;
    for (;;) {
      if (this.stopped) throw new HearthError('delivery_failed', 'stopping');
      const now = this.clock.now();
      const wait = Math.max(s.lastDone + perChatGapMs + marginMs + s.jitter - now, s.pausedUntil - now, s.group?.waitMs(now, marginMs) ?? 0);
      if (wait <= 0) break;
      await this.clock.sleep(Math.min(wait, LOOK_AGAIN_MS));
    }
    s.group?.start();
    try {
      await this.globalTurn(priority);
    } catch (err) {
      s.group?.finish(this.clock.now());
      throw err;
    }
  }

  private finish(s: ChatState): void {
    const done = this.clock.now();
    s.lastDone = done;
    s.jitter = this.jitter();
    s.group?.finish(done);
    this.globalWindow.finish(done);
    this.running = Math.max(0, this.running - 1);
    // One at a time after a throttle: the pump stopped while this send ran, and the next one may go now.
    if (this.waiting.length > 0) void this.pump();
  }

  private globalTurn(priority: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { priority, seq: this.seq++, resolve, reject };
      let i = this.waiting.length;
      while (i > 0 && this.waiting[i - 1]!.priority > priority) i--;
      this.waiting.splice(i, 0, w);
      void this.pump();
    });
  }

  /**
   * Hand out global turns one at a time, spread a little under the overall limit (plus jitter), most urgent first; none
   * while the account is throttled, and after a throttle only when no send is running (the one running restarts it).
   */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      const { globalMax, globalWindowMs, marginMs } = this.limits;
      const spacing = globalMax === Infinity ? 0 : (globalWindowMs / globalMax) * 0.75;
      while (this.waiting.length > 0 && !this.stopped) {
        if (this.throttle.streak > 0 && this.running > 0) break;
        const now = this.clock.now();
        const wait = Math.max(this.globalWindow.waitMs(now, marginMs), this.lastGrant + spacing + this.grantJitter - now, this.throttle.pausedUntil - now);
        if (wait > 0) {
          await this.clock.sleep(Math.min(wait, LOOK_AGAIN_MS));
          continue;
        }
        const next = this.waiting.shift()!;
        this.lastGrant = now;
        this.grantJitter = this.jitter();
        this.globalWindow.start();
        this.running++;
        next.resolve();
      }
    } finally {
      this.pumping = false;
    }
  }
}
