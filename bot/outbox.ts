// Queues outgoing messages (holding bot-initiated ones through quiet hours) and delivers due rows through channel senders.
import type { Logger } from 'pino';
import type { Db } from '../store/db';
import type { Program } from '../community/program';
import type { OutboundMessage } from './types';
import { nextDueTime, dueMessages, enqueueMessage, markFailed, markSent, type OutboxRow } from '../store/outbox';
import { quietHoursEnd } from '../community/quiet-hours';
import { HearthError } from './errors';

/** Queue a message; notices and nudges started by the bot wait out quiet hours, answers go at once. Returns the row id when new. */
export function queueOutbound(
  deps: { db: Db; program: Program },
  key: string,
  msg: OutboundMessage,
  at: Date,
): number | undefined {
  const held = msg.kind === 'notice' || msg.kind === 'nudge';
  const notBefore = held ? quietHoursEnd(at, deps.program.timezone, deps.program.nudges.quietHours) : at;
  return enqueueMessage(deps.db, key, msg, at, notBefore);
}

/** Delivers one outbox row on its platform; throws a HearthError('rate_limited') with `retryAfterMs`, or any error. */
export type Sender = (row: OutboxRow) => Promise<void>;

/**
 * Delivers due outbox rows through the sender of each row's channel, marking each sent exactly once. Delivery streams:
 * a flush hands every due row not already on its way to its sender at once (the channel's limiter paces and orders
 * them, so a reply queued during a long run of nudges overtakes them), while one chat's rows still go strictly in order.
 */
export class OutboxDispatcher {
  private readonly senders = new Map<string, Sender>();
  /** Rows handed to a sender and not finished yet. */
  private readonly inFlight = new Set<number>();
  /** The tail of each chat's delivery chain, and whether a row of that chain failed (its later rows then wait). */
  private readonly chains = new Map<string, { tail: Promise<boolean>; failed: boolean }>();
  /** Rows delivered since the last commit, and that commit, due on the next turn of the event loop. */
  private delivered: number[] = [];
  private commit: Promise<void> | undefined;

  constructor(private readonly deps: { db: Db; log: Logger }) {}

  /** Register the sender of a channel. */
  register(channel: string, sender: Sender): void {
    this.senders.set(channel, sender);
  }

  /**
   * Start every row due at `now` that is not on its way yet; resolves when those are done, with how many were sent.
   * Rows another flush started are not waited for.
   */
  async flush(now: Date): Promise<number> {
    const due = nextDueTime(this.deps.db);
    if (due === undefined || due > now.getTime()) return 0; // the common case after a job: nothing to send
    const started: Promise<boolean>[] = [];
    const noSender = new Set<number>(); // rows of channels not running in this process
    const inFlight = this.inFlight;
    const skip = {
      has: (id: number) => inFlight.has(id) || noSender.has(id),
      get size(): number {
        return inFlight.size + noSender.size;
      },
    };
    for (;;) {
      const batch = 500;
      const rows = dueMessages(this.deps.db, now, batch, undefined, skip);
      for (const row of rows) {
        if (this.senders.has(row.channel)) started.push(this.enqueue(row, now));
        else noSender.add(row.id);
      }
      if (rows.length < batch) break;
    }
    const results = await Promise.all(started);
    await this.commit; // the last deliveries' sent marks
    return results.filter(Boolean).length;
  }

  /** Chain a row behind the rows of its chat already on their way. */
  private enqueue(row: OutboxRow, now: Date): Promise<boolean> {
    const key = `${row.channel}\u0000${row.chat}`;
    this.inFlight.add(row.id);
    const chain = this.chains.get(key);
    const entry = chain ?? { tail: Promise.resolve(true), failed: false };
    // The first row of an idle chat starts at once, so rows of different chats reach their senders in row order.
    const run = chain ? chain.tail.then(() => this.deliver(row, now, entry)) : this.deliver(row, now, entry);
    entry.tail = run;
    this.chains.set(key, entry);
    void run.then(() => {
      if (this.chains.get(key)?.tail === run) this.chains.delete(key);
    });
    return run;
  }

  private async deliver(row: OutboxRow, now: Date, chain: { failed: boolean }): Promise<boolean> {
    const { db, log } = this.deps;
    let delivered = false;
    try {
      if (chain.failed) return false; // keep this chat's later rows behind the failed one; a later flush picks them up
      await this.senders.get(row.channel)!(row);
      delivered = true;
      // The chat's next row need not wait for this mark: it is committed with the others delivered this turn.
      this.markDelivered(row.id, now);
      return true;
    } catch (err) {
      chain.failed = true;
      const retryAfterMs = err instanceof HearthError ? Number(err.details?.retryAfterMs ?? 0) : 0;
      // A sender marks failures that no retry can fix (the chat is gone, the bot was blocked) as permanent.
      const permanent = err instanceof HearthError && err.details?.permanent === true;
      const giveUp = permanent || (!(err instanceof HearthError && err.code === 'rate_limited') && row.attempts >= 4);
      const backoff = retryAfterMs > 0 ? retryAfterMs : 2 ** row.attempts * 1000;
      log.warn({ err, outboxId: row.id, chat: row.chat, giveUp }, 'delivery failed');
      markFailed(db, row.id, String((err as Error)?.message ?? err), {
        at: now,
        giveUp,
        retryAt: new Date(now.getTime() + backoff),
      });
      return false;
    } finally {
      if (!delivered) this.inFlight.delete(row.id);
    }
  }

  /**
   * Mark a delivered row sent together with the others delivered in the same turn of the event loop: one commit for a
   * burst of nudges instead of one each. The row stays in flight until then, so no flush can pick it up again; a crash
   * in that turn re-sends the burst once (at least once, as the platforms themselves redeliver).
   */
  private markDelivered(id: number, now: Date): void {
    this.delivered.push(id);
    this.commit ??= new Promise((resolve) =>
      setImmediate(() => {
        const ids = this.delivered;
        this.delivered = [];
        this.commit = undefined;
        try {
          markSent(this.deps.db, ids, now);
        } catch (err) {
          // Left pending, the rows go out again on a later flush: a duplicate rather than a lost message.
          this.deps.log.error({ err, rows: ids.length }, 'could not mark delivered rows as sent');
        }
        for (const id of ids) this.inFlight.delete(id);
        resolve();
      }),
    );
  }
}

export type { OutboundMessage };
