// Queues outgoing messages (holding bot-initiated ones through quiet hours) and delivers due rows through channel senders.
import type { Logger } from 'pino';
import type { Db } from '../store/db';
import type { Program } from '../community/program';
import type { OutboundMessage } from './types';
import { dueMessages, enqueueMessage, markFailed, markSent, type OutboxRow } from '../store/outbox';
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

/** Delivers due outbox rows through the sender of each row's channel, marking each sent exactly once. */
export class OutboxDispatcher {
  private readonly senders = new Map<string, Sender>();
  private running: Promise<number> | undefined;

  constructor(private readonly deps: { db: Db; log: Logger }) {}

  /** Register the sender of a channel. */
  register(channel: string, sender: Sender): void {
    this.senders.set(channel, sender);
  }

  /** Deliver every row due at `now`; rows of one chat go in order. Returns how many were sent. Concurrent calls share one run. */
  flush(now: Date): Promise<number> {
    if (!this.running) {
      this.running = this.deliver(now).finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async deliver(now: Date): Promise<number> {
    const { db, log } = this.deps;
    let sent = 0;
    for (;;) {
      const rows = dueMessages(db, now, 500).filter((r) => this.senders.has(r.channel));
      if (rows.length === 0) return sent;
      // Different chats go out concurrently (the channel's limiter paces them); one chat's rows stay in order.
      const byChat = new Map<string, OutboxRow[]>();
      for (const r of rows) {
        const k = `${r.channel}\u0000${r.chat}`;
        byChat.set(k, [...(byChat.get(k) ?? []), r]);
      }
      let progressed = false;
      await Promise.all(
        [...byChat.values()].map(async (chatRows) => {
          for (const row of chatRows) {
            try {
              await this.senders.get(row.channel)!(row);
              markSent(db, row.id, now);
              sent++;
              progressed = true;
            } catch (err) {
              const retryAfterMs = err instanceof HearthError ? Number(err.details?.retryAfterMs ?? 0) : 0;
              const giveUp = !(err instanceof HearthError && err.code === 'rate_limited') && row.attempts >= 4;
              const backoff = retryAfterMs > 0 ? retryAfterMs : 2 ** row.attempts * 1000;
              log.warn({ err, outboxId: row.id, chat: row.chat, giveUp }, 'delivery failed');
              markFailed(db, row.id, String((err as Error)?.message ?? err), {
                at: now,
                giveUp,
                retryAt: new Date(now.getTime() + backoff),
              });
              return; // keep this chat's later rows behind the failed one
            }
          }
        }),
      );
      if (!progressed) return sent;
    }
  }
}

export type { OutboundMessage };
