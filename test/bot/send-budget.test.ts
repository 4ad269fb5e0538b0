// A channel's send budget through the real OutboxDispatcher and a real SQLite store, on injected clocks: a platform
// throttling the whole account pauses every chat of that channel (not other channels), longer on each repeat, shown in
// /health and told once per episode; a daily cap leaves nudges only what answers may still need; WeChat's limits come
// from the environment, checked at start.
import { describe, expect, it } from 'vitest';
import { OutboxDispatcher, queueOutbound, type ThrottleEvent } from '../../bot/outbox';
import { Health } from '../../bot/health';
import { silentLogger } from '../../bot/log';
import { loadConfig, wechatLimitsOf } from '../../bot/config';
import { UNLIMITED, type Channel, type Delivery, type DeliveryResult, type RateLimits } from '../../bot/core/channel';
import type { OutboundKind } from '../../bot/core/types';
import { LOCAL_CAPABILITIES } from '../../bot/deployment';
import type { Db } from '../../store/db';
import { program, tempDb } from '../harness';
import { ManualClock } from './test-clocks';

/** A local channel named `name` with these limits, whose deliveries the test decides (sent when it returns nothing). */
function channel(name: string, limits: RateLimits, deliver: (m: Delivery) => Promise<DeliveryResult | void>): Channel {
  return {
    name,
    capabilities: LOCAL_CAPABILITIES,
    limits,
    connect: async () => ({ botId: 'hearth' }),
    start: async () => undefined,
    stop: async () => undefined,
    deliver: async (m) => (await deliver(m)) ?? { status: 'sent' },
  };
}

const noon = new Date('2026-03-01T04:00:00Z'); // 12:00 in Shanghai: no quiet hours
const hour = 3600_000;
const tooFrequent: DeliveryResult = { status: 'retry', afterMs: 60_000, reason: 'WeChat says too frequent: Ret 1205', scope: 'account' };

function queuer(db: Db) {
  const p = program();
  let n = 0;
  return (channelName: string, chat: string, text: string, at: Date, kind: OutboundKind = 'reply') =>
    queueOutbound({ db, program: p }, `k${++n}`, { channel: channelName, chat, text, kind }, at);
}

const notBefore = (db: Db, text: string) => db.$client.prepare('SELECT not_before FROM outbox WHERE text = ?').pluck().get(text) as number;

describe('the send budget', () => {
  it('a throttle from one chat pauses every chat of that channel until it is over, and no other channel', async () => {
    const { db } = tempDb();
    const queue = queuer(db);
    const clock = new ManualClock(noon.getTime());
    const at = () => new Date(clock.now());
    const health = new Health();
    const events: ThrottleEvent[] = [];
    const dispatcher = new OutboxDispatcher({ db, log: silentLogger(), health });
    dispatcher.onThrottle((e) => events.push(e));
    const delivered: string[] = [];
    let refusals = 1;
    // One send at a time (750 ms apart), so the second chat's message is still waiting when the first is refused.
    const serial: RateLimits = { ...UNLIMITED, globalMax: 1, globalWindowMs: 1000 };
    dispatcher.register(
      channel('alpha', serial, async (m) => {
        if (m.text === 'a1' && refusals-- > 0) return tooFrequent;
        delivered.push(`alpha:${m.text}`);
      }),
      clock,
    );
    dispatcher.register(channel('beta', serial, async (m) => void delivered.push(`beta:${m.text}`)), clock);
    queue('alpha', 'u1', 'a1', at());
    queue('alpha', 'u2', 'a2', at());
    queue('beta', 'u3', 'b1', at());
    const first = dispatcher.flush(at());
    await clock.advance(59_999);
    // u2 never wrote too often, yet waits: WeChat throttles the account. beta is another account and goes on.
    expect(delivered).toEqual(['beta:b1']);
    expect(notBefore(db, 'a1')).toBe(noon.getTime() + 60_000);
    expect(events).toMatchObject([{ channel: 'alpha', pauseMs: 60_000, reason: tooFrequent.reason, until: new Date(noon.getTime() + 60_000) }]);
    expect(health.list()).toMatchObject([{ part: 'sending:alpha', count: 1 }]);
    expect(health.list()[0]!.message).toMatch(/Ret 1205: every send paused for 60 s/);
    // What is queued meanwhile stays in the store: a flush hands nothing of alpha's to the channel.
    queue('alpha', 'u4', 'a3', at());
    queue('beta', 'u5', 'b2', at());
    expect(await dispatcher.flush(at())).toBe(1);
    expect(delivered).toEqual(['beta:b1', 'beta:b2']);

    await clock.advance(1);
    expect(await first).toBe(2); // b1, and a2: the first send after the pause, alone, and it went out clean
    expect(delivered).toEqual(['beta:b1', 'beta:b2', 'alpha:a2']);
    expect(health.healthy).toBe(true);
    const rest = dispatcher.flush(at());
    await clock.advance(3000);
    expect(await rest).toBe(2);
    expect(delivered).toEqual(['beta:b1', 'beta:b2', 'alpha:a2', 'alpha:a1', 'alpha:a3']);
    expect(events).toHaveLength(1);
  });

  it('repeated throttles back off longer and longer; managers hear once per episode, /health counts each; a clean send resets', async () => {
    const { db } = tempDb();
    const queue = queuer(db);
    const clock = new ManualClock(noon.getTime());
    const at = () => new Date(clock.now());
    const health = new Health();
    const events: ThrottleEvent[] = [];
    const dispatcher = new OutboxDispatcher({ db, log: silentLogger(), health });
    dispatcher.onThrottle((e) => events.push(e));
    let refusals = 3;
    const delivered: string[] = [];
    dispatcher.register(
      channel('wechat', UNLIMITED, async (m) => {
        if (refusals-- > 0) return tooFrequent;
        delivered.push(m.text);
      }),
      clock,
    );
    queue('wechat', 'room1', 'hello', at());
    const pauses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = clock.now();
      expect(await dispatcher.flush(at())).toBe(0);
      pauses.push(notBefore(db, 'hello') - before);
      expect(health.list()).toMatchObject([{ part: 'sending:wechat', count: i + 1 }]);
      await clock.advance(pauses[i]! - 1);
      expect(await dispatcher.flush(at())).toBe(0); // not a moment before
      await clock.advance(1);
    }
    expect(pauses).toEqual([60_000, 120_000, 240_000]);
    expect(events).toHaveLength(1); // one episode, one word to managers
    expect(await dispatcher.flush(at())).toBe(1);
    expect(delivered).toEqual(['hello']);
    expect(health.healthy).toBe(true);

    // Sending went clean: the next throttle is a new episode, and starts from the platform's own wait again.
    refusals = 1;
    queue('wechat', 'room2', 'again', at());
    const before = clock.now();
    await dispatcher.flush(at());
    expect(notBefore(db, 'again') - before).toBe(60_000);
    expect(events).toHaveLength(2);
    expect(events[1]!.since.getTime()).toBe(before);
  });

  it('a chat-scoped retry (the default) holds only that chat', async () => {
    const { db } = tempDb();
    const queue = queuer(db);
    const clock = new ManualClock(noon.getTime());
    const at = () => new Date(clock.now());
    const health = new Health();
    const dispatcher = new OutboxDispatcher({ db, log: silentLogger(), health });
    const delivered: string[] = [];
    let refusals = 1;
    dispatcher.register(
      channel('telegram', UNLIMITED, async (m) => {
        if (m.chat === 'u1' && refusals-- > 0) return { status: 'retry', afterMs: 5000, reason: 'Telegram 429 for chat u1' };
        delivered.push(m.text);
      }),
      clock,
    );
    queue('telegram', 'u1', 'one', at());
    queue('telegram', 'u2', 'two', at());
    expect(await dispatcher.flush(at())).toBe(1);
    expect(delivered).toEqual(['two']);
    expect(health.healthy).toBe(true);
  });

  it("a daily cap: nudges get what answers may still need, deferred within their day or dropped with a count; answers go, and wait only at the cap", async () => {
    const { db } = tempDb();
    const queue = queuer(db);
    const at = (h: number) => new Date(noon.getTime() + h * hour);
    // The clock the budgets read back from; nothing waits on it (no pacing limits here).
    const fixed = (t: Date) => ({ now: () => t.getTime(), sleep: async () => undefined });
    const capped: RateLimits = { ...UNLIMITED, dailyMax: 6, proactivePerDay: 10 };
    const delivered: string[] = [];
    const health = new Health();
    const open = (t: Date) => {
      const d = new OutboxDispatcher({ db, log: silentLogger(), health });
      d.register(channel('wechat', capped, async (m) => void delivered.push(m.text)), fixed(t));
      return d;
    };
    const dispatcher = open(at(0));
    queue('wechat', 'u1', 'r1', at(0));
    queue('wechat', 'u2', 'r2', at(0));
    await dispatcher.flush(at(0));
    for (const [chat, text] of [['u3', 'n1'], ['u4', 'n2'], ['u5', 'n3']]) queue('wechat', chat!, text!, at(0), 'nudge');
    await dispatcher.flush(at(0));
    // 2 answers so far: a nudge goes only while, after it, the total plus 2 more answers fits in 6. n1 (5), n2 (6) do;
    // n3 would need the first answer gone, 24 hours on, when its day is over: dropped, and counted.
    expect(delivered).toEqual(['r1', 'r2', 'n1', 'n2']);
    expect(dispatcher.droppedOverBudget.get('wechat')).toBe(1);
    expect(db.$client.prepare('SELECT text FROM outbox WHERE failed_at IS NOT NULL').pluck().all()).toEqual(['n3']);

    // Answers still go, up to the cap itself.
    queue('wechat', 'u1', 'r3', at(1));
    queue('wechat', 'u2', 'r4', at(1));
    await dispatcher.flush(at(1));
    expect(delivered.slice(4)).toEqual(['r3', 'r4']);
    // A nudge planned now has room when n1 leaves the day, 22 hours on, within its own day: it waits for that.
    queue('wechat', 'u6', 'n4', at(2), 'nudge');
    await dispatcher.flush(at(2));
    expect(notBefore(db, 'n4')).toBe(at(24).getTime());

    // A restart reads the day back: the 7th answer waits for the first send to leave the day, and /health says so.
    const restarted = open(at(3));
    queue('wechat', 'u1', 'r5', at(3));
    await restarted.flush(at(3));
    expect(delivered).toHaveLength(6);
    expect(notBefore(db, 'r5')).toBe(at(24).getTime());
    expect(health.list()).toMatchObject([{ part: 'daily-cap:wechat' }]);
    // A day on, the first four sends have left the day: the nudge (within its day) and the answer both go.
    await restarted.flush(at(24));
    expect(delivered.slice(6)).toEqual(['n4', 'r5']);
    expect(health.healthy).toBe(true);
    expect(restarted.droppedOverBudget.get('wechat')).toBeUndefined();
  });

  it("WeChat's limits come from the environment: plain numbers in range, blank for the default, refused with the variable's name", () => {
    expect(wechatLimitsOf(loadConfig({}))).toEqual({});
    expect(wechatLimitsOf(loadConfig({ WECHAT_SENDS_PER_DAY: ' ', WECHAT_JITTER_MS: '' }))).toEqual({});
    expect(
      wechatLimitsOf(
        loadConfig({
          WECHAT_CHAT_GAP_MS: '5000',
          WECHAT_PER_ROOM_PER_MINUTE: '6',
          WECHAT_SENDS_PER_MINUTE: '12',
          WECHAT_SENDS_PER_DAY: '200',
          WECHAT_PROACTIVE_PER_DAY: '40',
          WECHAT_JITTER_MS: '0',
        }),
      ),
    ).toEqual({ perChatGapMs: 5000, groupMax: 6, groupWindowMs: 60_000, globalMax: 12, globalWindowMs: 60_000, dailyMax: 200, proactivePerDay: 40, jitterMs: 0 });
    for (const [name, value, range] of [
      ['WECHAT_SENDS_PER_MINUTE', '0', 'from 1 to 60'],
      ['WECHAT_SENDS_PER_MINUTE', '600', 'from 1 to 60'],
      ['WECHAT_PER_ROOM_PER_MINUTE', '2.5', 'from 1 to 30'],
      ['WECHAT_SENDS_PER_DAY', 'lots', 'from 1 to 10000'],
      ['WECHAT_JITTER_MS', '-5', 'from 0 to 60000'],
      ['WECHAT_CHAT_GAP_MS', '500', 'from 1000 to 600000'],
    ] as const) {
      expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}: must be a whole number ${range} \\(got "${value.replace('.', '\\.')}"\\)`));
    }
    expect(() => loadConfig({ WECHAT_SENDS_PER_DAY: '50', WECHAT_PROACTIVE_PER_DAY: '80' })).toThrow(/WECHAT_PROACTIVE_PER_DAY: is 80, more than WECHAT_SENDS_PER_DAY \(50\)/);
  });
});
