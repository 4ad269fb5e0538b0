// Telegram rate bench: 2,000 nudges to 2,000 members plus live replies in 5 groups, through the real outbox, dispatcher
// and Telegram sender (telegraf's client), against a local fake Bot API that enforces Telegram's three limits and
// answers 429 when one is broken. Prints the 429 count, the rate reached beside the allowed 30/s, and reply latency.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../store/db';
import { ensureMember, markCanMessagePrivately } from '../store/members';
import { loadProgram } from '../bot/program-file';
import { TELEGRAM_LIMITS } from '../bot/channels/telegram';
import { hearthOnFakeBotApi, startFakeBotApi, STRICT_LIMITS } from './fake-bot-api';
import { report } from './util';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Run the bench and print its figures; `nudges` and `groups` scale it down for a quick look. */
export async function runTelegramRateBench(options: { nudges?: number; groups?: number; replyEveryMs?: number } = {}): Promise<void> {
  const nudges = options.nudges ?? 2000;
  const groupCount = options.groups ?? 5;
  // Each group asks the bot something every 4 s (15 a minute, under the 20 a group may receive).
  const replyEveryMs = options.replyEveryMs ?? 4000;
  const fake = await startFakeBotApi({ limits: STRICT_LIMITS });
  const dir = mkdtempSync(join(tmpdir(), 'hearth-tg-bench-'));
  const db = openDatabase(join(dir, 'bench.db'));
  const at = new Date('2026-03-02T03:00:00Z'); // 11:00 in Shanghai, outside quiet hours
  try {
    const { hearth, channel: sender } = await hearthOnFakeBotApi({ db, program: loadProgram(), at, apiUrl: fake.url });
    for (let i = 0; i < nudges; i++) {
      const id = String(100_000_000 + i);
      ensureMember(db, { channel: 'telegram', platformId: id, name: `member ${i}`, at });
      markCanMessagePrivately(db, 'telegram', id);
      hearth.deps.queue(`nudge:${i}`, { channel: 'telegram', chat: id, text: `Only 120 points to Gold, member ${i}!`, kind: 'nudge' }, at);
    }
    const flush = () => void hearth.dispatcher.flush(at);
    const ticker = setInterval(flush, 1000); // what `hearth start` does
    const queuedAt = new Map<string, number>();
    let replies = 0;
    const groups = [...Array(groupCount).keys()].map((g) => String(-1_001_000_000_000 - g));
    const live = setInterval(() => {
      const chat = groups[replies % groups.length]!;
      const text = `reply ${replies} in ${chat}`;
      queuedAt.set(text, Date.now());
      hearth.deps.queue(`reply:${replies}`, { channel: 'telegram', chat, text, kind: 'reply' }, at);
      replies++;
      flush(); // an answer is flushed as soon as it is written, as the channel does
    }, replyEveryMs / groups.length);
    flush();
    while (sender.stats.messages < nudges) await sleep(200);
    clearInterval(live);
    while (sender.stats.messages < nudges + replies) await sleep(200);
    clearInterval(ticker);

    const snap = await fake.snapshot();
    const arrivals = snap.accepted.map((a) => a.at);
    const seconds = (Math.max(...arrivals) - Math.min(...arrivals)) / 1000;
    const rate = (snap.accepted.length - 1) / seconds;
    const allowed = TELEGRAM_LIMITS.globalMax / (TELEGRAM_LIMITS.globalWindowMs / 1000);
    const latencies = snap.accepted
      .filter((a) => queuedAt.has(String(a.payload.text)))
      .map((a) => a.at - queuedAt.get(String(a.payload.text))!)
      .sort((a, b) => a - b);
    const inOrder = groups.every((g) => {
      const n = snap.accepted.filter((a) => a.chat === g).map((a) => Number(/reply (\d+)/.exec(String(a.payload.text))![1]));
      return n.every((v, i) => i === 0 || v > n[i - 1]!);
    });
    report(`telegram: ${nudges} nudges + ${replies} live replies in ${groupCount} groups`, `${snap.accepted.length} sent in ${seconds.toFixed(1)} s`);
    report('telegram: 429 answers from the fake Bot API', `${snap.tooManyRequests}`);
    report('telegram: send rate vs allowed 30/s overall', `${rate.toFixed(2)}/s  (${((rate / allowed) * 100).toFixed(1)}% of allowed)`);
    report(
      'telegram: reply latency while nudges are queued (median / max)',
      `${Math.round(latencies[Math.floor(latencies.length / 2)] ?? 0)} ms / ${Math.round(latencies[latencies.length - 1] ?? 0)} ms`,
    );
    report('telegram: every group got its replies in order, none twice', `${inOrder && new Set(snap.accepted.map((a) => a.payload.text)).size === snap.accepted.length}`);
  } finally {
    await fake.close();
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
