// The outbox: rows written before a crash are delivered once after a restart; quiet hours hold bot-initiated messages.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../store/db';
import { OutboxDispatcher, queueOutbound } from '../../bot/outbox';
import { Health } from '../../bot/health';
import { silentLogger } from '../../bot/log';
import { program, tempDb } from '../harness';
import type { Channel, Delivery, DeliveryResult } from '../../bot/core/channel';
import { UNLIMITED } from '../../bot/core/channel';
import { LOCAL_CAPABILITIES } from '../../bot/deployment';

/** A console-like channel whose deliveries a test decides. */
function channel(deliver: (m: Delivery) => Promise<DeliveryResult | void>): Channel {
  return {
    name: 'console',
    capabilities: LOCAL_CAPABILITIES,
    limits: UNLIMITED,
    connect: async () => ({ botId: 'hearth' }),
    start: async () => undefined,
    stop: async () => undefined,
    deliver: async (m) => (await deliver(m)) ?? { status: 'sent' },
  };
}

const noon = new Date('2026-03-01T04:00:00Z'); // 12:00 in Shanghai
const late = new Date('2026-03-01T14:30:00Z'); // 22:30 in Shanghai

describe('outbox', () => {
  it("keeps a channel's messages started by the bot within its 24-hour budget: answers never count, a nudge that cannot go within its day is dropped, the budget survives a restart", async () => {
    const { path } = tempDb();
    const p = program();
    const db = openDatabase(path);
    const hour = 3600_000;
    const at = (h: number) => new Date(noon.getTime() + h * hour);
    const budgeted = (delivered: string[]): Channel => ({ ...channel(async (row) => void delivered.push(row.text)), limits: { ...UNLIMITED, proactivePerDay: 2 } });
    const clockAt = (t: Date) => ({ now: () => t.getTime(), sleep: async () => undefined });
    for (const [key, chat, kind] of [['n1', 'u1', 'nudge'], ['n2', 'u2', 'nudge'], ['n3', 'u3', 'nudge'], ['t1', 'u4', 'notice'], ['r1', 'u1', 'reply']] as const) {
      queueOutbound({ db, program: p }, key, { channel: 'console', chat, text: key, kind }, noon);
    }
    const delivered: string[] = [];
    const first = new OutboxDispatcher({ db, log: silentLogger(), health: new Health() });
    first.register(budgeted(delivered), clockAt(noon));
    await first.flush(noon);
    expect([...delivered].sort()).toEqual(['n1', 'n2', 'r1']);
    await first.flush(at(0.5));
    expect(first.droppedOverBudget.get('console')).toBe(1); // n3: no room before tomorrow noon, when its day is over
    expect(db.$client.prepare("SELECT text FROM outbox WHERE failed_at IS NOT NULL").pluck().all()).toEqual(['n3']);

    // A restart does not refill the budget: a nudge planned an hour later waits for room within its day.
    const second = new OutboxDispatcher({ db, log: silentLogger(), health: new Health() });
    second.register(budgeted(delivered), clockAt(at(1)));
    queueOutbound({ db, program: p }, 'n4', { channel: 'console', chat: 'u5', text: 'n4', kind: 'nudge' }, at(1));
    queueOutbound({ db, program: p }, 'r2', { channel: 'console', chat: 'u4', text: 'r2', kind: 'reply' }, at(1));
    await second.flush(at(1));
    await second.flush(at(23.9));
    expect([...delivered].sort()).toEqual(['n1', 'n2', 'r1', 'r2']);
    await second.flush(at(24));
    expect([...delivered].sort()).toEqual(['n1', 'n2', 'n4', 'r1', 'r2', 't1']);
    db.$client.close();
  });

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
    const dispatcher = new OutboxDispatcher({ db: after, log: silentLogger(), health: new Health() });
    dispatcher.register(channel(async (row) => void delivered.push(row.text)));
    await dispatcher.flush(noon);
    await dispatcher.flush(noon);
    expect(delivered).toEqual(['one', 'two']);
    after.$client.close();
  });

  it('says what to do instead of a private-chat button where the channel has no buttons', async () => {
    const { db } = tempDb();
    queueOutbound({ db, program: program() }, 'k1', { channel: 'console', chat: 'g1', text: '🔒 积分只在私聊里告诉你', kind: 'reply', buttons: [{ label: '私聊我', privateChat: true }] }, noon);
    const seen: Delivery[] = [];
    const dispatcher = new OutboxDispatcher({ db, log: silentLogger(), health: new Health(), privateChatHint: (text) => (/[\u4e00-\u9fff]/.test(text) ? '（点开我的头像私聊）' : '(open my profile)') });
    dispatcher.register({ ...channel(async (m) => void seen.push(m)), capabilities: { ...LOCAL_CAPABILITIES, buttons: 'none' } });
    await dispatcher.flush(noon);
    expect(seen[0]).toMatchObject({ text: '🔒 积分只在私聊里告诉你', buttonsText: '（点开我的头像私聊）' });
  });

  it('holds notices and nudges through quiet hours but not replies', async () => {
    const { db } = tempDb();
    const p = program();
    queueOutbound({ db, program: p }, 'n1', { channel: 'console', chat: 'u1', text: 'nudge', kind: 'nudge' }, late);
    queueOutbound({ db, program: p }, 'r1', { channel: 'console', chat: 'u1', text: 'answer', kind: 'reply' }, late);
    const delivered: string[] = [];
    const dispatcher = new OutboxDispatcher({ db, log: silentLogger(), health: new Health() });
    dispatcher.register(channel(async (row) => void delivered.push(row.text)));
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
    const dispatcher = new OutboxDispatcher({ db, log: silentLogger(), health: new Health() });
    dispatcher.register(
      channel(async (row) => {
        if (!refused) {
          refused = true;
          return { status: 'retry', afterMs: 3000, reason: 'slow down' };
        }
        delivered.push(row.text);
      }),
    );
    await dispatcher.flush(noon);
    expect(delivered).toEqual([]);
    await dispatcher.flush(new Date(noon.getTime() + 3000));
    expect(delivered).toEqual(['first', 'second']);
  });

  it('sends each row once when flushes overlap, and marks every delivered row sent by the time its flush returns', async () => {
    const { db } = tempDb();
    const p = program();
    for (let i = 0; i < 300; i++) {
      queueOutbound({ db, program: p }, `m${i}`, { channel: 'console', chat: `g${i % 7}`, text: `#${i}`, kind: 'reply' }, noon);
    }
    const delivered: string[] = [];
    const dispatcher = new OutboxDispatcher({ db, log: silentLogger(), health: new Health() });
    const more: Promise<number>[] = [];
    dispatcher.register(
      channel(async (row) => {
        await new Promise((resolve) => setImmediate(resolve)); // a platform answers on a later turn
        delivered.push(row.text);
        // Further flushes start while earlier rows are delivered but their sent marks not yet committed, as the live
        // one-second flush does.
        if (delivered.length % 40 === 0) more.push(dispatcher.flush(noon));
      }),
    );
    const sent = (await dispatcher.flush(noon)) + (await Promise.all(more)).reduce((a, b) => a + b, 0);
    expect(sent).toBe(300);
    expect(delivered.length).toBe(300);
    expect(new Set(delivered).size).toBe(300);
    // Each chat's rows arrived in the order they were written.
    for (let c = 0; c < 7; c++) {
      const chat = delivered.filter((t) => Number(t.slice(1)) % 7 === c).map((t) => Number(t.slice(1)));
      expect(chat).toEqual([...chat].sort((a, b) => a - b));
    }
    const unsent = db.$client.prepare('SELECT count(*) FROM outbox WHERE sent_at IS NULL').pluck().get();
    expect(unsent).toBe(0);
    expect(await dispatcher.flush(noon)).toBe(0);
    expect(delivered.length).toBe(300);
  });
});
