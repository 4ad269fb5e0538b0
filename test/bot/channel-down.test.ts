// A channel that stays down is reported to the staff room (on another running channel), once, and again when it is
// back; a short blip is not reported at all. A platform throttling a whole account is reported once per episode, and a
// staff room on that very channel hears it when sending resumes. Through startLive, the real outbox and a database file.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config';
import { Health } from '../../bot/health';
import { silentLogger } from '../../bot/log';
import { startLive, type LiveHearth } from '../../bot/live';
import type { Channel, Delivery, DeliveryResult } from '../../bot/core/channel';
import { UNLIMITED } from '../../bot/core/channel';
import { LOCAL_CAPABILITIES } from '../../bot/deployment';
import { program, tempDb } from '../harness';

/** A channel that only records what it is asked to deliver; `refuse` may answer a delivery instead. */
function recordingChannel(name: string, delivered: Delivery[], refuse?: (d: Delivery) => DeliveryResult | undefined): Channel {
  return {
    name,
    capabilities: LOCAL_CAPABILITIES,
    limits: UNLIMITED,
    connect: async () => ({ botId: 'hearth' }),
    start: async () => undefined,
    stop: async () => undefined,
    deliver: async (d) => {
      const refused = refuse?.(d);
      if (refused) return refused;
      delivered.push(d);
      return { status: 'sent' };
    },
  };
}

/** The platform's "the account sends too often", the first `times` deliveries. */
function throttling(times: number, afterMs: number): () => DeliveryResult | undefined {
  let left = times;
  return () => (left-- > 0 ? { status: 'retry', afterMs, reason: 'too frequent', scope: 'account' } : undefined);
}

const until = async (check: () => boolean, ms = 3000) => {
  for (const end = Date.now() + ms; !check(); ) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('a channel down', () => {
  let live: LiveHearth | undefined;
  afterEach(async () => {
    await live?.stop();
    live = undefined;
  });

  it('tells the staff room once when it stays down, and when it is back; a blip says nothing', async () => {
    const { path } = tempDb();
    const staffSaw: Delivery[] = [];
    const health = new Health();
    const p = program((pr) => void (pr.escalation.staffLang = 'en'));
    live = await startLive({
      config: loadConfig({ HEARTH_DB: path, HEARTH_LOG_LEVEL: 'silent' }),
      log: silentLogger(),
      program: p,
      health,
      channels: [{ channel: recordingChannel('alpha', []) }, { channel: recordingChannel('beta', staffSaw) }],
      staffRoom: { channel: 'beta', chat: 'staff-room' },
      channelDownAfterMs: 100,
      onStandby: () => undefined,
    });
    health.fail('alpha', 'connection lost');
    health.ok('alpha'); // back within the grace: nobody is bothered
    health.fail('alpha', 'connection lost');
    health.fail('alpha', 'connection lost'); // a second failure while down is the same outage
    await until(() => staffSaw.length === 1);
    expect(staffSaw[0]).toMatchObject({ chat: 'staff-room', text: "⚠️ alpha is down (connection lost): members there get no answers for now. I'll say here when it is back." });
    health.ok('alpha');
    await until(() => staffSaw.length === 2);
    expect(staffSaw[1]!.text).toBe('✅ alpha is back; what arrived meanwhile is being answered.');
    await new Promise((r) => setTimeout(r, 200));
    expect(staffSaw).toHaveLength(2);
  });

  it('tells the staff room once per episode when a platform throttles a whole account, and /health shows it meanwhile', async () => {
    const { path } = tempDb();
    const staffSaw: Delivery[] = [];
    const alphaSent: Delivery[] = [];
    const health = new Health();
    live = await startLive({
      config: loadConfig({ HEARTH_DB: path, HEARTH_LOG_LEVEL: 'silent' }),
      log: silentLogger(),
      program: program((pr) => void (pr.escalation.staffLang = 'en')),
      health,
      channels: [{ channel: recordingChannel('alpha', alphaSent, throttling(2, 100)) }, { channel: recordingChannel('beta', staffSaw) }],
      staffRoom: { channel: 'beta', chat: 'staff-room' },
      onStandby: () => undefined,
    });
    const { hearth } = live;
    hearth.deps.queue('m1', { channel: 'alpha', chat: 'g1', text: 'hello', kind: 'reply' }, new Date());
    await hearth.dispatcher.flush(new Date());
    expect(health.list().map((p) => p.part)).toEqual(['sending:alpha']);
    await until(() => staffSaw.length === 1);
    expect(staffSaw[0]).toMatchObject({ chat: 'staff-room' });
    expect(staffSaw[0]!.text).toMatch(/^⏸️ alpha says Hearth is sending too often, so all sending there is paused for 1 minute \(until about \d\d:\d\d\), then eases back in\./);
    // Refused once more after the pause (a longer one, the same episode), then it goes: nobody is told twice.
    await until(() => alphaSent.length === 1, 10_000);
    expect(alphaSent[0]!.text).toBe('hello');
    expect(health.healthy).toBe(true);
    expect(staffSaw).toHaveLength(1);
  });

  it('a staff room on the throttled channel itself hears it when sending there resumes, not through the pause', async () => {
    const { path } = tempDb();
    const alphaSent: Delivery[] = [];
    live = await startLive({
      config: loadConfig({ HEARTH_DB: path, HEARTH_LOG_LEVEL: 'silent' }),
      log: silentLogger(),
      program: program((pr) => void (pr.escalation.staffLang = 'zh')),
      channels: [{ channel: recordingChannel('alpha', alphaSent, throttling(1, 300)) }],
      staffRoom: { channel: 'alpha', chat: 'staff-room' },
      onStandby: () => undefined,
    });
    const { hearth } = live;
    hearth.deps.queue('m1', { channel: 'alpha', chat: 'g1', text: '你好', kind: 'reply' }, new Date());
    await hearth.dispatcher.flush(new Date());
    // The line is queued at once, and held with everything else on the channel while the pause runs.
    const pending = () => hearth.deps.db.$client.prepare("SELECT text FROM outbox WHERE chat = 'staff-room' AND sent_at IS NULL").pluck().all() as string[];
    expect(pending()).toHaveLength(1);
    expect(pending()[0]).toMatch(/^⏸️ alpha提示发送过于频繁，Hearth 已暂停那里的所有发送 1 分钟（到 \d\d:\d\d 左右），之后会慢慢恢复。/);
    expect(alphaSent).toEqual([]);
    await until(() => alphaSent.length === 2, 10_000);
    expect(alphaSent.map((d) => d.chat).sort()).toEqual(['g1', 'staff-room']);
    expect(pending()).toEqual([]);
  });
});
