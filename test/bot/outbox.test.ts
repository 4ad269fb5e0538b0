// The outbox: rows written before a crash are delivered once after a restart; quiet hours hold bot-initiated messages.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../store/db';
import { OutboxDispatcher, queueOutbound } from '../../bot/outbox';
import { silentLogger } from '../../bot/log';
import { HearthError } from '../../bot/errors';
import { program, tempDb } from '../harness';
import type { OutboxRow } from '../../store/outbox';

const noon = new Date('2026-03-01T04:00:00Z'); // 12:00 in Shanghai
const late = new Date('2026-03-01T14:30:00Z'); // 22:30 in Shanghai

describe('outbox', () => {
  it('delivers rows written before a crash exactly once after restart', async () => {
    const { path } = tempDb();
    const p = program();
    const before = openDatabase(path);
    queueOutbound({ db: before, program: p }, 'k1', { channel: 'console', chat: 'g1', text: 'one', kind: 'reply' }, noon);
    queueOutbound({ db: before, program: p }, 'k2', { channel: 'console', chat: 'g1', text: 'two', kind: 'reply' }, noon);
    queueOutbound({ db: before, program: p }, 'k1', { channel: 'console', chat: 'g1', text: 'one again', kind: 'reply' }, noon);
    before.$client.close(); // the process dies before delivering anything

    const after = openDatabase(path);
    const delivered: string[] = [];
    const dispatcher = new OutboxDispatcher({ db: after, log: silentLogger() });
    dispatcher.register('console', async (row: OutboxRow) => {
      delivered.push(row.text);
    });
    await dispatcher.flush(noon);
    await dispatcher.flush(noon);
    expect(delivered).toEqual(['one', 'two']);
    after.$client.close();
  });

  it('holds notices and nudges through quiet hours but not replies', async () => {
    const { db } = tempDb();
    const p = program();
    queueOutbound({ db, program: p }, 'n1', { channel: 'console', chat: 'u1', text: 'nudge', kind: 'nudge' }, late);
    queueOutbound({ db, program: p }, 'r1', { channel: 'console', chat: 'u1', text: 'answer', kind: 'reply' }, late);
    const delivered: string[] = [];
    const dispatcher = new OutboxDispatcher({ db, log: silentLogger() });
    dispatcher.register('console', async (row) => {
      delivered.push(row.text);
    });
    await dispatcher.flush(late);
    expect(delivered).toEqual(['answer']);
    await dispatcher.flush(new Date('2026-03-02T00:59:00Z')); // 08:59 next morning
    expect(delivered).toEqual(['answer']);
    await dispatcher.flush(new Date('2026-03-02T01:00:00Z')); // 09:00
    expect(delivered).toEqual(['answer', 'nudge']);
  });

  it('retries after a rate limit without sending twice, keeping a chat in order', async () => {
    const { db } = tempDb();
    const p = program();
    for (const [k, t] of [['a', 'first'], ['b', 'second']]) queueOutbound({ db, program: p }, k!, { channel: 'console', chat: 'g1', text: t!, kind: 'reply' }, noon);
    const delivered: string[] = [];
    let refused = false;
    const dispatcher = new OutboxDispatcher({ db, log: silentLogger() });
    dispatcher.register('console', async (row) => {
      if (!refused) {
        refused = true;
        throw new HearthError('rate_limited', 'slow down', { retryAfterMs: 3000 });
      }
      delivered.push(row.text);
    });
    await dispatcher.flush(noon);
    expect(delivered).toEqual([]);
    await dispatcher.flush(new Date(noon.getTime() + 3000));
    expect(delivered).toEqual(['first', 'second']);
  });
});
