// Paces a channel's sends under its limits (per chat, per group, overall), most urgent first: one chat's sends run
// one at a time in the order given; a shared queue lets replies overtake bulk nudges. Sliding windows over real send
// times guard the limits, so neither a late timer nor a slow connection bunches sends into a burst the platform would
// refuse. Time is injected: live runs use the wall clock, tests a clock that jumps instead of waiting.
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

interface ChatState {
  /** When the last send to this chat finished (it reached the platform no later than that). */
  lastDone: number;
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
  private seq = 0;
  private stopped = false;

  constructor(
    readonly limits: RateLimits,
    private readonly clock: LimiterClock = wallClock,
  ) {
    this.globalWindow = new SlidingWindow(limits.globalMax, limits.globalWindowMs);
  }

  private chatState(chat: string, isGroup: boolean): ChatState {
    let s = this.state.get(chat);
    if (!s) {
      s = { lastDone: -Infinity, pausedUntil: -Infinity, tail: Promise.resolve(), pending: 0, ...(isGroup ? { group: new SlidingWindow(this.limits.groupMax, this.limits.groupWindowMs) } : {}) };
      this.state.set(chat, s);
    }
    return s;
  }

  /** Hold a chat back (the platform said "retry after"). */
  pause(chat: string, isGroup: boolean, ms: number): void {
    const s = this.chatState(chat, isGroup);
    s.pausedUntil = Math.max(s.pausedUntil, this.clock.now() + ms);
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
      if (--s.pending === 0 && this.clock.now() - s.lastDone > Math.max(this.limits.groupWindowMs, this.limits.perChatGapMs)) this.state.delete(chat);
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
      const wait = Math.max(s.lastDone + perChatGapMs + marginMs - now, s.pausedUntil - now, s.group?.waitMs(now, marginMs) ?? 0);
      if (wait <= 0) break;
      await this.clock.sleep(wait);
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
    s.group?.finish(done);
    this.globalWindow.finish(done);
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

  /** Hand out global turns one at a time, spread a little under the overall limit, most urgent first. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      const { globalMax, globalWindowMs, marginMs } = this.limits;
      const spacing = globalMax === Infinity ? 0 : (globalWindowMs / globalMax) * 0.75;
      while (this.waiting.length > 0 && !this.stopped) {
        const now = this.clock.now();
        const wait = Math.max(this.globalWindow.waitMs(now, marginMs), this.lastGrant + spacing - now);
        if (wait > 0) {
          await this.clock.sleep(wait);
          continue;
        }
        const next = this.waiting.shift()!;
        this.lastGrant = now;
        this.globalWindow.start();
        next.resolve();
      }
    } finally {
      this.pumping = false;
    }
  }
}
