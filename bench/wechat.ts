// WeChat pacing bench: a nudge to each of 150 rooms with answers to 10 members queued behind them, through the real
// outbox and dispatcher on WECHAT_LIMITS, on a virtual clock (no real waiting): the busiest minute beside the limit, how
// irregular the gaps are (what keeps a personal account from looking like a machine), where the answers landed, and
// what the daily budgets let through.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../store/db';
import { loadProgram } from '../bot/program-file';
import { OutboxDispatcher, queueOutbound } from '../bot/outbox';
import { Health } from '../bot/health';
import { silentLogger } from '../bot/log';
import { WECHAT_LIMITS } from '../bot/channels/wechaty';
import { LOCAL_CAPABILITIES } from '../bot/deployment';
import type { Channel } from '../bot/core/channel';
import type { LimiterClock } from '../bot/rate-limiter';
import { report } from './util';

/** Run the bench and print its figures. */
export async function runWechatPacingBench(options: { rooms?: number; answers?: number } = {}): Promise<void> {
  const rooms = options.rooms ?? 150;
  const answers = options.answers ?? 10;
  const dir = mkdtempSync(join(tmpdir(), 'hearth-wechat-bench-'));
  const db = openDatabase(join(dir, 'bench.db'));
  const start = new Date('2026-03-02T03:00:00Z'); // 11:00 in Shanghai, outside quiet hours
  let t = start.getTime();
  // Time moves only when the limiter waits, once everything runnable at the present time has run.
  const clock: LimiterClock = {
    now: () => t,
    sleep: async (ms) => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      t += Math.max(0, ms);
    },
  };
  try {
    const program = loadProgram();
    const sent: { at: number; text: string }[] = [];
    const channel: Channel = {
      name: 'wechat',
      capabilities: LOCAL_CAPABILITIES,
      limits: WECHAT_LIMITS,
      connect: async () => ({ botId: 'hearth' }),
      start: async () => undefined,
      stop: async () => undefined,
      deliver: async (m) => {
        sent.push({ at: t, text: m.text });
        return { status: 'sent' };
      },
    };
    const dispatcher = new OutboxDispatcher({ db, log: silentLogger(), health: new Health() });
    dispatcher.register(channel, clock);
    for (let i = 0; i < rooms; i++) queueOutbound({ db, program }, `nudge:${i}`, { channel: 'wechat', chat: `room${i}@chatroom`, text: `nudge ${i}`, kind: 'nudge' }, start);
    for (let i = 0; i < answers; i++) queueOutbound({ db, program }, `reply:${i}`, { channel: 'wechat', chat: `wxid_${i}`, text: `reply ${i}`, kind: 'reply' }, start);
    await dispatcher.flush(new Date(t));

    const gaps = sent.slice(1).map((s, i) => s.at - sent[i]!.at).sort((a, b) => a - b);
    let busiest = 0;
    for (let i = 0, j = 0; i < sent.length; i++) {
      while (sent[i]!.at - sent[j]!.at >= WECHAT_LIMITS.globalWindowMs) j++;
      busiest = Math.max(busiest, i - j + 1);
    }
    const replyPlaces = sent.map((s, i) => (s.text.startsWith('reply') ? i + 1 : 0)).filter((p) => p > 0);
    const deferred = db.$client.prepare("SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND kind = 'nudge'").pluck().get() as number;
    report(`sent of ${rooms} nudges + ${answers} answers`, `${sent.length} in ${((t - start.getTime()) / 60_000).toFixed(1)} virtual minutes`);
    report('busiest minute (limit)', `${busiest} (${WECHAT_LIMITS.globalMax})`);
    report('gap between sends: min / median / max', `${(gaps[0]! / 1000).toFixed(2)} / ${(gaps[Math.floor(gaps.length / 2)]! / 1000).toFixed(2)} / ${(gaps[gaps.length - 1]! / 1000).toFixed(2)} s`);
    report('distinct gaps (to 10 ms) of all gaps', `${new Set(gaps.map((g) => Math.round(g / 10))).size} of ${gaps.length}`);
    report('places of the answers queued behind the nudges', replyPlaces.join(', '));
    report(`nudges held by the daily budget (${WECHAT_LIMITS.proactivePerDay}/day)`, `${deferred}`);
  } finally {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
