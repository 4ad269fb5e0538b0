// Queues outgoing messages (holding bot-initiated ones through quiet hours) and delivers due rows through their
// channels under each channel's rate limits: typed results decide sent, retry later, give up, or reroute.
import type { Logger } from 'pino';
import type { Db } from '../store/db';
import type { Program } from '../community/program';
import type { OutboundMessage } from './core/types';
import type { Channel, Delivery, DeliveryResult } from './core/channel';
import type { HealthReporter } from './core/skill';
import { deferMessage, nextDueTime, dueMessages, enqueueMessage, markFailed, markSent, proactiveSendTimes, type OutboxRow } from '../store/outbox';
import { quietHoursEnd } from '../community/quiet-hours';
import { HearthError } from './core/errors';
import { canMessagePrivatelyTo, findMemberByPlatformId, isGroupChat } from '../store/members';
import { PRIORITY, RateLimiter, SlidingWindow, wallClock, type LimiterClock } from './rate-limiter';

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

/** Queue a message; notices and nudges started by the bot wait out quiet hours, answers go at once. Returns the row id when new. */
export function queueOutbound(
  deps: { db: Db; program: Program },
  key: string,
  msg: OutboundMessage,
  at: Date,
): number | undefined {
  const held = msg.kind === 'notice' || msg.kind === 'nudge';
  const notBefore = held ? quietHoursEnd(at, deps.program.timezone, deps.program.nudges.quietHours) : at;
  // A secret (a code, a balance) never goes to a group, whatever a skill asked for: a bug, refused loudly.
  if (msg.secret && isGroupChat(deps.db, msg.channel, msg.chat)) throw new HearthError('forbidden', `a secret message was addressed to the group ${msg.chat}`);
  const text = clipText(msg.text, MAX_OUTBOUND_TEXT);
  return enqueueMessage(deps.db, key, text === msg.text ? msg : { ...msg, text }, at, notBefore);
}

/** How delivery failures that are not the platform's answer (a network error) are retried: this many times, then given up. */
const MAX_ATTEMPTS = 5;

const DAY_MS = 24 * 3600_000;

/**
 * Delivers due outbox rows through each row's channel, marking each sent as soon as its platform took it. Delivery
 * streams: a flush hands every due row not already on its way to its channel's limiter at once (which paces and orders
 * them, so a reply queued during a long run of nudges overtakes them), while one chat's rows still go strictly in order.
 */
export class OutboxDispatcher {
  private readonly channels = new Map<string, { channel: Channel; limiter: RateLimiter; budget?: SlidingWindow }>();
  /** Nudges dropped because their channel's daily budget stayed spent past their day, per channel. */
  readonly droppedOverBudget = new Map<string, number>();
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

  /** Deliver a channel's rows, paced by a limiter built from the channel's limits (on `clock`, the wall clock by default). */
  register(channel: Channel, clock: LimiterClock = wallClock): void {
    this.channels.get(channel.name)?.limiter.stop();
    const max = channel.limits.proactivePerDay;
    // What the bot starts on its own in any 24 hours; the sends already made are read back, so a restart does not refill it.
    const budget = max !== undefined && max !== Infinity ? new SlidingWindow(max, DAY_MS, proactiveSendTimes(this.deps.db, channel.name, new Date(clock.now() - DAY_MS))) : undefined;
    this.channels.set(channel.name, { channel, limiter: new RateLimiter(channel.limits, clock), ...(budget ? { budget } : {}) });
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
    const noChannel = new Set<number>(); // rows of channels not running in this process
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
        if (this.channels.has(row.channel)) started.push(this.enqueue(row, now));
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
      const { channel, limiter, budget } = this.channels.get(row.channel)!;
      const message = this.delivery(row, channel.capabilities.buttons);
      const counted = budget !== undefined && (row.kind === 'nudge' || row.kind === 'notice');
      if (counted) {
        const wait = budget.waitMs(now.getTime(), 0);
        if (wait > 0) return this.overBudget(row, now, wait);
        budget.start();
      }
      let result: DeliveryResult = { status: 'failed', reason: 'not delivered' };
      try {
        // Where members must open a private chat first, one who has not is known to be unreachable: no call is made.
        const closed = !message.group && channel.capabilities.privateMessages === 'opened' && canMessagePrivatelyTo(db, row.channel, row.chat) === false;
        result = closed
          ? { status: 'unreachable', reason: 'the member has not opened a private chat with the bot' }
          : await limiter.schedule(row.chat, message.group, PRIORITY[row.kind], (pacer) => channel.deliver(message, pacer));
      } catch (err) {
        // Not the platform's answer (a network error, stopping): try again later, a few times.
        result = { status: row.attempts + 1 >= MAX_ATTEMPTS ? 'failed' : 'retry', afterMs: 2 ** row.attempts * 1000, reason: String((err as Error)?.message ?? err) } as DeliveryResult;
      } finally {
        if (counted) budget.finish(now.getTime(), result.status === 'sent');
      }
      if (result.status === 'sent') {
        delivered = true;
        this.markDelivered(row.id, now);
        return true;
      }
      chain.failed = true;
      if (result.status === 'retry') limiter.pause(row.chat, message.group, result.afterMs);
      log.warn({ outboxId: row.id, chat: row.chat, result }, 'delivery not done');
      try {
        markFailed(db, row.id, result.reason, {
          at: now,
          giveUp: result.status !== 'retry',
          ...(result.status === 'retry' ? { retryAt: new Date(now.getTime() + result.afterMs) } : {}),
        });
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
   * A message the bot starts on its own when its channel's 24-hour budget is spent: it waits until there is room; a
   * nudge for which room comes only after its day (24 hours from when it was planned) is dropped, counted and logged —
   * a stale nudge helps nobody. Notices about a member's own points wait however long it takes.
   */
  private overBudget(row: OutboxRow, now: Date, waitMs: number): false {
    const { db, log } = this.deps;
    try {
      if (row.kind === 'nudge' && now.getTime() + waitMs - row.createdAt >= DAY_MS) {
        markFailed(db, row.id, `dropped: the ${row.channel} channel's daily budget of proactive messages stayed spent`, { at: now, giveUp: true });
        const dropped = (this.droppedOverBudget.get(row.channel) ?? 0) + 1;
        this.droppedOverBudget.set(row.channel, dropped);
        log.warn({ channel: row.channel, outboxId: row.id, dropped }, 'nudge dropped: the daily send budget stayed spent past its day');
      } else {
        deferMessage(db, row.id, new Date(now.getTime() + waitMs), `waiting for the ${row.channel} channel's daily send budget`);
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
