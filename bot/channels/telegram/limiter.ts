// Keeps Hearth under Telegram's published sending limits: about one message a second per chat, 20 a minute per group,
// 30 a second overall. Bottleneck serialises each chat, paces and orders the shared queue by priority (replies before
// nudges); sliding windows over real send times guard the limits themselves, so neither a late timer nor a slow
// connection can bunch messages into a burst that Telegram would refuse.
import Bottleneck from 'bottleneck';

/** The limits, and a margin kept on each so network jitter does not tip a send over. */
export interface RateLimits {
  /** Minimum time between two messages to one chat. */
  perChatGapMs: number;
  /** At most `groupMax` messages to one group in any `groupWindowMs`. */
  groupMax: number;
  groupWindowMs: number;
  /** At most `globalMax` messages in any `globalWindowMs`, all chats together. */
  globalMax: number;
  globalWindowMs: number;
  marginMs: number;
}

/** Telegram's figures (core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this). */
export const TELEGRAM_LIMITS: RateLimits = {
  perChatGapMs: 1000,
  groupMax: 20,
  groupWindowMs: 60_000,
  globalMax: 30,
  globalWindowMs: 1000,
  marginMs: 5,
};

/** Bottleneck priorities (0 runs first): people waiting for an answer overtake bulk messages. */
export const PRIORITY = { reply: 1, bridge: 1, notice: 5, nudge: 8 } as const;

/** Sends let into bottleneck's queue at once (see `admit`). */
const ADMITTED = 3;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, Math.ceil(ms))));

/**
 * A sliding window over finished sends plus the sends still on their way. A send counts from its start until it is
 * known finished; since a message reaches Telegram before its answer comes back, counting finished sends by their
 * finish time can only over-count, so network delays never bunch messages into a window.
 */
class Window {
  private readonly done: number[] = [];
  private running = 0;
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}
  /** 0 when a send may start at `now`, else how long to wait before looking again. */
  waitMs(now: number, margin: number): number {
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
  finish(at: number): void {
    this.running--;
    this.done.push(at);
    if (this.done.length > this.max * 2) this.done.splice(0, this.done.length - this.max);
  }
}

interface ChatState {
  /** When the last send to this chat finished (it reached Telegram no later than that). */
  lastDone: number;
  pausedUntil: number;
  /** A send of this chat is under way (its state must not be forgotten meanwhile). */
  active: boolean;
  group?: Window;
}

/** Schedules sends under the limits; `send` runs at most once per `schedule` call. */
export class TelegramRateLimiter {
  readonly limits: RateLimits;
  private readonly chats: Bottleneck.Group;
  private readonly global: Bottleneck;
  private readonly globalWindow: Window;
  private readonly state = new Map<string, ChatState>();
  private readonly waiting: { priority: number; seq: number; resolve: () => void }[] = [];
  private admitted = 0;
  private seq = 0;

  constructor(limits: Partial<RateLimits> = {}) {
    this.limits = { ...TELEGRAM_LIMITS, ...limits };
    const { globalMax, globalWindowMs } = this.limits;
    this.chats = new Bottleneck.Group({ maxConcurrent: 1 });
    // Bottleneck spreads sends out (a little faster than the limit, since its timers only ever run late); the window
    // below is what holds the rate at the limit.
    this.global = new Bottleneck({ maxConcurrent: 1, minTime: Math.floor((globalWindowMs / globalMax) * 0.75) });
    this.globalWindow = new Window(globalMax, globalWindowMs);
  }

  private chatState(chat: string, isGroup: boolean): ChatState {
    let s = this.state.get(chat);
    if (!s) {
      if (this.state.size >= 10_000) this.forgetIdleChats(Date.now());
      s = { lastDone: 0, pausedUntil: 0, active: false, ...(isGroup ? { group: new Window(this.limits.groupMax, this.limits.groupWindowMs) } : {}) };
      this.state.set(chat, s);
    }
    return s;
  }

  /**
   * Let a send into the shared queue, most urgent first. Bottleneck takes submissions one event-loop turn at a time,
   * in arrival order, so two thousand nudges handed over at once would hold a reply up for seconds before its
   * priority counted; only a few are let in at a time, and this queue decides which.
   */
  private admit(priority: number): Promise<void> {
    if (this.admitted < ADMITTED) {
      this.admitted++;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const entry = { priority, seq: this.seq++, resolve };
      let i = this.waiting.length;
      while (i > 0 && this.waiting[i - 1]!.priority > priority) i--;
      this.waiting.splice(i, 0, entry);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next.resolve();
    else this.admitted--;
  }

  /** Chats quiet for longer than every window can be forgotten: a fresh state allows exactly what they would. */
  private forgetIdleChats(now: number): void {
    const idle = now - Math.max(this.limits.groupWindowMs, this.limits.perChatGapMs) - this.limits.marginMs;
    for (const [chat, s] of this.state) {
      if (!s.active && s.lastDone < idle && s.pausedUntil < now) this.state.delete(chat);
    }
  }

  /** Hold a chat back (after Telegram answered 429 with retry_after). */
  pause(chat: string, isGroup: boolean, ms: number, now = Date.now()): void {
    const s = this.chatState(chat, isGroup);
    s.pausedUntil = Math.max(s.pausedUntil, now + ms);
  }

  /** Run `send` for `chat` when every limit allows; a chat's sends run one at a time, in the order scheduled. */
  schedule<T>(chat: string, isGroup: boolean, priority: number, send: () => Promise<T>): Promise<T> {
    const { perChatGapMs, marginMs } = this.limits;
    return this.chats.key(chat).schedule(async () => {
      const s = this.chatState(chat, isGroup);
      s.active = true;
      for (;;) {
        const now = Date.now();
        const wait = Math.max(s.lastDone + perChatGapMs + marginMs - now, s.pausedUntil - now, s.group?.waitMs(now, marginMs) ?? 0);
        if (wait <= 0) break;
        await sleep(wait);
      }
      s.group?.start();
      try {
        await this.admit(priority);
        try {
          await this.global.schedule({ priority }, async () => {
            for (;;) {
              const wait = this.globalWindow.waitMs(Date.now(), marginMs);
              if (wait <= 0) break;
              await sleep(wait);
            }
            this.globalWindow.start();
          });
        } finally {
          this.release();
        }
        try {
          return await send();
        } finally {
          this.globalWindow.finish(Date.now());
        }
      } finally {
        const done = Date.now();
        s.lastDone = done;
        s.group?.finish(done);
        s.active = false;
      }
    });
  }

  /** Messages waiting for their turn in the shared queue (for logs and benches). */
  queued(): number {
    return this.waiting.length;
  }

  /** Drop everything waiting; running sends finish. */
  async stop(): Promise<void> {
    await Promise.all([this.global.stop({ dropWaitingJobs: true }), ...this.chats.limiters().map((l) => l.limiter.stop({ dropWaitingJobs: true }))]);
  }
}
