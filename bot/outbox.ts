// Queues outgoing messages (holding bot-initiated ones through quiet hours) and delivers due rows through their
// channels under each channel's rate limits and daily budgets: typed results decide sent, retry later, give up, or
// reroute; a platform that throttles the whole account pauses the whole channel, and managers hear of it.
import type { Logger } from 'pino';
import type { Db } from '../store/db';
import type { Program } from '../community/program';
import type { OutboundMessage } from './core/types';
import type { Channel, Delivery, DeliveryResult } from './core/channel';
import type { HealthReporter } from './core/skill';
import { deferMessage, nextDueTime, dueMessages, enqueueMessage, markFailed, markSent, sendTimes, type OutboxRow } from '../store/outbox';
import { quietHoursEnd } from '../community/quiet-hours';
import { HearthError } from './core/errors';
import { canMessagePrivatelyTo, findMemberByPlatformId, isGroupChat, memberIdByPlatformId, scriptOf } from '../store/members';
import { toTraditional } from '../community/language';
import { DayWindow, PRIORITY, RateLimiter, SlidingWindow, wallClock, type LimiterClock, type Throttle } from './rate-limiter';

/** The longest text the bot writes in one message of its own words; channels split it into their own pieces. */
export const MAX_OUTBOUND_TEXT = 12_000;

/** `text` cut to at most `max` UTF-16 units between whole characters (an emoji is never split), with "…" when cut. */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1; // the first half of a surrogate pair stays with its second
  return `${text.slice(0, cut)}…`;
}

/**
 * A message the bot starts on its own (a notice, a nudge) in the script of the member it is for: Traditional for a
 * member who writes Traditional. Answers are rendered where they are made (the engine's context).
 */
function inMemberScript(db: Db, msg: OutboundMessage): string {
  if (msg.kind !== 'notice' && msg.kind !== 'nudge') return msg.text;
  // A private chat's id is the member's; in a group, the one member a nudge mentions.
  const platformId = isGroupChat(db, msg.channel, msg.chat) ? (msg.mentions?.length === 1 ? msg.mentions[0] : undefined) : msg.chat;
  const memberId = platformId === undefined ? undefined : memberIdByPlatformId(db, platformId, msg.channel);
  return memberId !== undefined && scriptOf(db, memberId) === 'hant' ? toTraditional(msg.text) : msg.text;
}

/** Queue a message; notices and nudges started by the bot wait out quiet hours, answers go at once. Returns the row id when new. */
export function queueOutbound(
  deps: { db: Db; program: Program; clock?: { now(): Date } },
  key: string,
  msg: OutboundMessage,
  at: Date,
): number | undefined {
  const held = msg.kind === 'notice' || msg.kind === 'nudge';
  // Quiet hours count from when the message is queued, not from the event behind it: a notice about an order stamped
  // 18:00 but imported at 05:30 waits for the morning too.
  const clockNow = deps.clock?.now();
  const queuedAt = clockNow && clockNow.getTime() > at.getTime() ? clockNow : at;
  const notBefore = held ? quietHoursEnd(queuedAt, deps.program.timezone, deps.program.nudges.quietHours) : at;
  // A secret (a code, a balance) never goes to a group, whatever a skill asked for: a bug, refused loudly.
  if (msg.secret && isGroupChat(deps.db, msg.channel, msg.chat)) throw new HearthError('forbidden', `a secret message was addressed to the group ${msg.chat}`);
  const text = clipText(inMemberScript(deps.db, msg), MAX_OUTBOUND_TEXT);
  return enqueueMessage(deps.db, key, text === msg.text ? msg : { ...msg, text }, at, notBefore);
}

/** How delivery failures that are not the platform's answer (a network error) are retried: this many times, then given up. */
const MAX_ATTEMPTS = 5;

const DAY_MS = 24 * 3600_000;

/** A platform told a whole account to slow down: the first throttle of an episode, as managers are told of it. */
export interface ThrottleEvent {
  channel: string;
  /** The platform's words. */
  reason: string;
  /** How long every send of the channel waits. */
  pauseMs: number;
  since: Date;
  until: Date;
}

/** The health part of a channel's sending (apart from its connection, which the channel reports itself): a throttle. */
export function sendingPart(channel: string): string {
  return `sending:${channel}`;
}

/** The health part saying a channel's daily cap holds answers back. */
export function dailyCapPart(channel: string): string {
  return `daily-cap:${channel}`;
}

interface Registered {
  channel: Channel;
  limiter: RateLimiter;
  clock: LimiterClock;
  /** What the bot starts on its own in any 24 hours (proactivePerDay). */
  budget?: SlidingWindow;
  /** Every send in any 24 hours (dailyMax). */
  day?: DayWindow;
  /** The daily cap held an answer back and nothing was sent since (reported to health). */
  capped?: boolean;
  /** Until when (in the outbox's time, as `flush` is given it) the platform throttles the account: rows wait in the store. */
  pausedUntil?: number;
}

/**
 * Delivers due outbox rows through each row's channel, marking each sent as soon as its platform took it. Delivery
 * streams: a flush hands every due row not already on its way to its channel's limiter at once (which paces and orders
 * them, so a reply queued during a long run of nudges overtakes them), while one chat's rows still go strictly in order.
 */
export class OutboxDispatcher {
  private readonly channels = new Map<string, Registered>();
  /** Nudges dropped because their channel's daily budget stayed spent past their day, per channel. */
  readonly droppedOverBudget = new Map<string, number>();
  private readonly throttleListeners: ((event: ThrottleEvent) => void)[] = [];
  /** Rows handed to a channel and not finished yet, and delivered rows whose "sent" mark could not be written yet. */
  private readonly inFlight = new Set<number>();
  /** The tail of each chat's delivery chain, and whether a row of that chain failed (its later rows then wait). */
  private readonly chains = new Map<string, { tail: Promise<boolean>; failed: boolean }>();
  /** Delivered rows the store refused to mark sent (a full disk): kept from being sent again, marked when it can. */
  private readonly unmarked = new Map<number, Date>();
  /** A row was rerouted during this flush: its new row is due now too. */
  private rerouted = false;

  constructor(
    private readonly deps: {
      db: Db;
      log: Logger;
      health: HealthReporter;
      /** What to do with a row whose private chat cannot be written to: the runtime reroutes it (true when it queued a row). */
      unreachable?: (row: OutboxRow, now: Date) => boolean;
      /** What to say instead of a private-chat button on a channel without buttons, in the language of `text`. */
      privateChatHint?: (text: string) => string;
    },
  ) {}

  /**
   * Deliver a channel's rows, paced by a limiter built from the channel's limits (on `clock`, the wall clock by default;
   * `random` draws the jitter).
   */
  register(channel: Channel, clock: LimiterClock = wallClock, random: () => number = Math.random): void {
    this.channels.get(channel.name)?.limiter.stop();
    const { proactivePerDay: max, dailyMax } = channel.limits;
    // The sends of the last 24 hours are read back, so a restart refills neither budget.
    const since = new Date(clock.now() - DAY_MS);
    const sent = sendTimes(this.deps.db, channel.name, since);
    const budget = max !== undefined && max !== Infinity ? new SlidingWindow(max, DAY_MS, sent.filter((s) => !s.answer).map((s) => s.at)) : undefined;
    const day = dailyMax !== undefined && dailyMax !== Infinity ? new DayWindow(dailyMax, DAY_MS, sent) : undefined;
    this.channels.set(channel.name, { channel, clock, limiter: new RateLimiter(channel.limits, clock, random), ...(budget ? { budget } : {}), ...(day ? { day } : {}) });
  }

  /** Be told when a platform throttles a whole account: once per episode (until the channel sends cleanly again). */
  onThrottle(listener: (event: ThrottleEvent) => void): void {
    this.throttleListeners.push(listener);
  }

  /** Stop pacing: sends waiting for their turn are dropped (their rows stay pending for the next start). */
  stop(): void {
    for (const { limiter } of this.channels.values()) limiter.stop();
  }

  /**
   * Start every row due at `now` that is not on its way yet; resolves when those are done, with how many were sent.
   * Rows another flush started are not waited for.
   */
  async flush(now: Date): Promise<number> {
    if (this.unmarked.size > 0) this.markUnmarked();
    const due = nextDueTime(this.deps.db);
    if (due === undefined || due > now.getTime()) return 0; // the common case after a job: nothing to send
    this.rerouted = false;
    const started: Promise<boolean>[] = [];
    const noChannel = new Set<number>(); // rows of channels not running in this process, or paused
    const inFlight = this.inFlight;
    const skip = {
      has: (id: number) => inFlight.has(id) || noChannel.has(id),
      get size(): number {
        return inFlight.size + noChannel.size;
      },
    };
    for (;;) {
      const batch = 500;
      const rows = dueMessages(this.deps.db, now, batch, undefined, skip);
      for (const row of rows) {
        // A throttled channel's rows stay pending in the store until its pause is over: a stop does not wait it out.
        const registered = this.channels.get(row.channel);
        if (registered && now.getTime() >= (registered.pausedUntil ?? -Infinity)) started.push(this.enqueue(row, now));
        else noChannel.add(row.id);
      }
      if (rows.length < batch) break;
    }
    const results = await Promise.all(started);
    const sent = results.filter(Boolean).length;
    return this.rerouted ? sent + (await this.flush(now)) : sent;
  }

  /** Chain a row behind the rows of its chat already on their way. */
  private enqueue(row: OutboxRow, now: Date): Promise<boolean> {
    const key = `${row.channel}\u0000${row.chat}`;
    this.inFlight.add(row.id);
    const chain = this.chains.get(key);
    const entry = chain ?? { tail: Promise.resolve(true), failed: false };
    // The first row of an idle chat starts at once, so rows of different chats reach their channel in row order.
    const run = chain ? chain.tail.then(() => this.deliver(row, now, entry)) : this.deliver(row, now, entry);
    entry.tail = run;
    this.chains.set(key, entry);
    void run.then(() => {
      if (this.chains.get(key)?.tail === run) this.chains.delete(key);
    });
    return run;
  }

  /** The row as its channel delivers it: a group or not, the mentioned member's name, what to say instead of buttons. */
  private delivery(row: OutboxRow, buttons: 'inline' | 'card' | 'none'): Delivery {
    const { db } = this.deps;
    const mentions = (row.mentions ?? []).map((platformId) => ({ platformId, name: findMemberByPlatformId(db, row.channel, platformId)?.name || platformId }));
    return {
      id: row.id,
      chat: row.chat,
      group: isGroupChat(db, row.channel, row.chat),
      text: row.text,
      kind: row.kind,
      secret: row.secret,
      ...(row.replyTo ? { replyTo: row.replyTo } : {}),
      ...(row.replyHandle ? { replyHandle: row.replyHandle } : {}),
      ...(row.thread ? { thread: row.thread } : {}),
      ...(row.buttons && row.buttons.length > 0 ? { buttons: row.buttons } : {}),
      ...(row.buttonsText ? { buttonsText: row.buttonsText } : buttons === 'none' && row.buttons?.some((b) => b.privateChat) && this.deps.privateChatHint ? { buttonsText: this.deps.privateChatHint(row.text) } : {}),
      ...(mentions.length > 0 ? { mentions } : {}),
    };
  }

  private async deliver(row: OutboxRow, now: Date, chain: { failed: boolean }): Promise<boolean> {
    const { db, log } = this.deps;
    let delivered = false;
    try {
      if (chain.failed) return false; // keep this chat's later rows behind the failed one; a later flush picks them up
      const registered = this.channels.get(row.channel)!;
      const { channel, limiter, clock, budget, day } = registered;
      const message = this.delivery(row, channel.capabilities.buttons);
      const proactive = row.kind === 'nudge' || row.kind === 'notice';
      const counted = budget !== undefined && proactive;
      if (counted) {
        const wait = budget.waitMs(now.getTime(), 0);
        if (wait > 0) return this.overBudget(row, now, wait, `the ${row.channel} channel's daily budget of proactive messages`);
      }
      if (day) {
        const wait = day.waitMs(now.getTime(), !proactive);
        if (wait > 0) return proactive ? this.overBudget(row, now, wait, `the ${row.channel} channel's daily cap, after room for answers`) : this.overDailyCap(registered, row, now, wait, chain);
      }
      if (counted) budget.start();
      day?.start(!proactive);
      let result: DeliveryResult = { status: 'failed', reason: 'not delivered' };
      let throttle: Throttle | undefined;
      let cleared = false;
      try {
        // Where members must open a private chat first, one who has not is known to be unreachable: no call is made.
        const closed = !message.group && channel.capabilities.privateMessages === 'opened' && canMessagePrivatelyTo(db, row.channel, row.chat) === false;
        result = closed
          ? { status: 'unreachable', reason: 'the member has not opened a private chat with the bot' }
          : await limiter.schedule(row.chat, message.group, PRIORITY[row.kind], async (pacer) => {
              const startedAt = clock.now();
              const r = await channel.deliver(message, pacer);
              // Told to the limiter before this send's turn ends, so no other send slips out after a throttle.
              if (r.status === 'retry' && r.scope === 'account') throttle = limiter.throttled(r.afterMs, startedAt);
              else if (r.status === 'sent') cleared = limiter.cleared(startedAt);
              return r;
            });
      } catch (err) {
        // Not the platform's answer (a network error, stopping): try again later, a few times.
        result = { status: row.attempts + 1 >= MAX_ATTEMPTS ? 'failed' : 'retry', afterMs: 2 ** row.attempts * 1000, reason: String((err as Error)?.message ?? err) } as DeliveryResult;
      } finally {
        if (counted) budget.finish(now.getTime(), result.status === 'sent');
        day?.finish(now.getTime(), !proactive, result.status === 'sent');
      }
      if (result.status === 'sent') {
        delivered = true;
        this.markDelivered(row.id, now);
        if (cleared) {
          this.deps.health.ok(sendingPart(row.channel));
          log.info({ channel: row.channel }, 'sending resumed after the platform throttled the account');
        }
        if (registered.capped) {
          registered.capped = false;
          this.deps.health.ok(dailyCapPart(row.channel));
        }
        return true;
      }
      chain.failed = true;
      // After an account throttle the row waits as long as the whole channel does (a repeat waits longer).
      const retryAt = result.status === 'retry' ? new Date(now.getTime() + (throttle?.pauseMs ?? result.afterMs)) : undefined;
      if (throttle) {
        registered.pausedUntil = Math.max(registered.pausedUntil ?? -Infinity, now.getTime() + throttle.pauseMs);
        this.accountThrottled(row.channel, throttle, result.reason, clock);
      }
      else if (result.status === 'retry') limiter.pause(row.chat, message.group, result.afterMs);
      log.warn({ outboxId: row.id, chat: row.chat, result }, 'delivery not done');
      try {
        markFailed(db, row.id, result.reason, { at: now, giveUp: result.status !== 'retry', ...(retryAt ? { retryAt } : {}) });
        if (result.status === 'unreachable' && this.deps.unreachable?.(row, now)) this.rerouted = true;
      } catch (markErr) {
        log.error({ err: markErr, outboxId: row.id }, 'could not record a failed delivery');
      }
      return false;
    } finally {
      if (!delivered) this.inFlight.delete(row.id);
    }
  }

  /**
   * A platform throttled the whole account: `/health` shows it until a send goes out clean (each repeat counted), and
   * managers are told at the first throttle of an episode; a send that was already on its way repeats the signal.
   */
  private accountThrottled(name: string, throttle: Throttle, reason: string, clock: LimiterClock): void {
    if (throttle.stale) return;
    const at = new Date(clock.now());
    const until = new Date(throttle.until);
    const seconds = Math.round(throttle.pauseMs / 1000);
    this.deps.log.warn({ channel: name, pauseMs: throttle.pauseMs, reason }, 'the platform throttled the account: every send paused');
    this.deps.health.fail(sendingPart(name), `${reason}: every send paused for ${seconds} s, until ${until.toISOString()}`, at);
    if (!throttle.first) return;
    const event: ThrottleEvent = { channel: name, reason, pauseMs: throttle.pauseMs, since: at, until };
    for (const listener of this.throttleListeners) {
      try {
        listener(event);
      } catch (err) {
        this.deps.log.error({ err, channel: name }, 'a throttle listener failed');
      }
    }
  }

  /**
   * An answer when its channel's daily cap is reached: it waits until the day has room (never dropped: someone asked),
   * and so do its chat's later rows; `/health` says so until the channel sends again.
   */
  private overDailyCap(registered: Registered, row: OutboxRow, now: Date, waitMs: number, chain: { failed: boolean }): false {
    const { db, log } = this.deps;
    chain.failed = true;
    try {
      deferMessage(db, row.id, new Date(now.getTime() + waitMs), `waiting for the ${row.channel} channel's daily cap`);
      log.warn({ channel: row.channel, outboxId: row.id, waitMs }, 'answer deferred: the daily send cap is reached');
      if (!registered.capped) {
        registered.capped = true;
        this.deps.health.fail(dailyCapPart(row.channel), `the daily cap of ${registered.channel.limits.dailyMax} messages is reached: answers wait for room`, now);
      }
    } catch (err) {
      log.error({ err, outboxId: row.id }, 'could not defer a message over the daily cap');
    }
    return false;
  }

  /**
   * A message the bot starts on its own when its channel's 24-hour budget is spent (`budget` names which: the proactive
   * budget, or what the daily cap leaves after room for answers): it waits until there is room; a
   * nudge for which room comes only after its day (24 hours from when it was planned) is dropped, counted and logged —
   * a stale nudge helps nobody. Notices about a member's own points wait however long it takes.
   */
  private overBudget(row: OutboxRow, now: Date, waitMs: number, budget: string): false {
    const { db, log } = this.deps;
    try {
      if (row.kind === 'nudge' && now.getTime() + waitMs - row.createdAt >= DAY_MS) {
        markFailed(db, row.id, `dropped: ${budget} stayed spent`, { at: now, giveUp: true });
        const dropped = (this.droppedOverBudget.get(row.channel) ?? 0) + 1;
        this.droppedOverBudget.set(row.channel, dropped);
        log.warn({ channel: row.channel, outboxId: row.id, dropped }, 'nudge dropped: the daily send budget stayed spent past its day');
      } else {
        deferMessage(db, row.id, new Date(now.getTime() + waitMs), `waiting for ${budget}`);
        log.info({ channel: row.channel, outboxId: row.id, waitMs }, 'proactive message deferred: the daily send budget is spent');
      }
    } catch (err) {
      log.error({ err, outboxId: row.id }, 'could not defer a message over the send budget');
    }
    return false;
  }

  /**
   * Mark a delivered row sent at once: a crash can then re-send only the rows on their way at that moment (a platform
   * send has no idempotency key). When the store refuses the mark, the row stays "on its way" in this process, so it is
   * never sent again, and the mark is retried on every flush.
   */
  private markDelivered(id: number, now: Date): void {
    try {
      markSent(this.deps.db, [id], now);
      this.inFlight.delete(id);
      if (this.unmarked.size === 0) this.deps.health.ok('outbox');
    } catch (err) {
      this.unmarked.set(id, now);
      this.deps.log.error({ err, outboxId: id }, 'could not mark a delivered message as sent: holding it back from being sent again');
      this.deps.health.fail('outbox', `cannot record sent messages: ${(err as Error)?.message ?? String(err)}`, now);
    }
  }

  private markUnmarked(): void {
    for (const [id, at] of this.unmarked) {
      try {
        markSent(this.deps.db, [id], at);
      } catch {
        return; // still refused: try again on the next flush
      }
      this.unmarked.delete(id);
      this.inFlight.delete(id);
    }
    this.deps.health.ok('outbox');
  }
}

export type { OutboundMessage };
