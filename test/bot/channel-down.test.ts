// A channel that stays down is reported to the staff room (on another running channel), once, and again when it is
// back; a short blip is not reported at all. Through startLive, the real outbox and a real database file.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config';
import { Health } from '../../bot/health';
import { silentLogger } from '../../bot/log';
import { startLive, type LiveHearth } from '../../bot/live';
import type { Channel, Delivery } from '../../bot/core/channel';
import { UNLIMITED } from '../../bot/core/channel';
import { LOCAL_CAPABILITIES } from '../../bot/deployment';
import { program, tempDb } from '../harness';

/** A channel that only records what it is asked to deliver. */
function recordingChannel(name: string, delivered: Delivery[]): Channel {
  return {
    name,
    capabilities: LOCAL_CAPABILITIES,
    limits: UNLIMITED,
    connect: async () => ({ botId: 'hearth' }),
    start: async () => undefined,
    stop: async () => undefined,
    deliver: async (d) => {
      delivered.push(d);
      return { status: 'sent' };
    },
  };
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
});
