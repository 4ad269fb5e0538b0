// Queues outgoing messages (holding bot-initiated ones through quiet hours) and delivers due rows through channel senders.
import type { Logger } from 'pino';
import type { Db } from '../store/db';
import type { Program } from '../community/program';
import type { OutboundMessage } from './types';
import { nextDueTime, dueMessages, enqueueMessage, markFailed, markSent, type OutboxRow } from '../store/outbox';
import { quietHoursEnd } from '../community/quiet-hours';
import { HearthError } from './errors';
import type { Health } from './health';
import { isGroupChat } from '../store/members';

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

/** Delivers one outbox row on its platform; throws a HearthError('rate_limited') with `retryAfterMs`, or any error. */
export type Sender = (row: OutboxRow) => Promise<void>;

/**
 * Delivers due outbox rows through the sender of each row's channel, marking each sent as soon as its platform took it.
 * Delivery streams: a flush hands every due row not already on its way to its sender at once (the channel's limiter
 * paces and orders them, so a reply queued during a long run of nudges overtakes them), while one chat's rows still
 * go strictly in order.
 */
export class OutboxDispatcher {
  private readonly senders = new Map<string, Sender>();
  /** Rows handed to a sender and not finished yet, and delivered rows whose "sent" mark could not be written yet. */
  private readonly inFlight = new Set<number>();
  /** The tail of each chat's delivery chain, and whether a row of that chain failed (its later rows then wait). */
  private readonly chains = new Map<string, { tail: Promise<boolean>; failed: boolean }>();
  /** Delivered rows the store refused to mark sent (a full disk): kept from being sent again, marked when it can. */
  private readonly unmarked = new Map<number, Date>();

  constructor(private readonly deps: { db: Db; log: Logger; health: Health }) {}

  /** Register the sender of a channel. */
  register(channel: string, sender: Sender): void {
    this.senders.set(channel, sender);
  }

  /**
   * Start every row due at `now` that is not on its way yet; resolves when those are done, with how many were sent.
   * Rows another flush started are not waited for.
   */
  async flush(now: Date): Promise<number> {
    if (this.unmarked.size > 0) this.markUnmarked();
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
      this.markDelivered(row.id, now);
      return true;
    } catch (err) {
      if (delivered) throw err;
      chain.failed = true;
      const retryAfterMs = err instanceof HearthError ? Number(err.details?.retryAfterMs ?? 0) : 0;
      // A sender marks failures that no retry can fix (the chat is gone, the bot was blocked) as permanent.
      const permanent = err instanceof HearthError && err.details?.permanent === true;
      const giveUp = permanent || (!(err instanceof HearthError && err.code === 'rate_limited') && row.attempts >= 4);
      const backoff = retryAfterMs > 0 ? retryAfterMs : 2 ** row.attempts * 1000;
      log.warn({ err, outboxId: row.id, chat: row.chat, giveUp }, 'delivery failed');
      try {
        markFailed(db, row.id, String((err as Error)?.message ?? err), { at: now, giveUp, retryAt: new Date(now.getTime() + backoff) });
      } catch (markErr) {
        log.error({ err: markErr, outboxId: row.id }, 'could not record a failed delivery');
      }
      return false;
    } finally {
      if (!delivered) this.inFlight.delete(row.id);
    }
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
