// Starts the fake Bot API (bench/fake-bot-api-worker.ts) in a worker thread and talks to it: its URL for telegraf's
// apiRoot, a snapshot of what it accepted and refused, and close.
import { Worker } from 'node:worker_threads';
import type { Db } from '../store/db';
import type { Program } from '../community/program';
import { createHearth } from '../bot/hearth';
import { VirtualClock } from '../bot/core/clock';
import { silentLogger } from '../bot/log';
import { createTelegramChannel } from '../bot/channels/telegram';
import type { RateLimits } from '../bot/core/channel';
import type { FakeBotApiSetup, FakeSnapshot } from './fake-bot-api-worker';

export type { Accepted, FakeSnapshot, MessageEntity } from './fake-bot-api-worker';

/** A running fake Bot API. */
export interface FakeBotApi {
  /** For telegraf's apiRoot. */
  url: string;
  snapshot(): Promise<FakeSnapshot>;
  /** Queue updates for long polling (getUpdates), as users sending messages would. */
  enqueue(updates: { update_id: number }[]): void;
  close(): Promise<void>;
}

/** Telegram's published figures, enforced exactly (the bot keeps its own margin). */
export const STRICT_LIMITS: FakeBotApiSetup['limits'] = { perChatGapMs: 1000, groupMax: 20, groupWindowMs: 60_000, globalMax: 30, globalWindowMs: 1000 };

/** Start the fake on a free port of 127.0.0.1. */
export async function startFakeBotApi(setup: Partial<FakeBotApiSetup> = {}): Promise<FakeBotApi> {
  const data: FakeBotApiSetup = { limits: STRICT_LIMITS, admins: {}, failures: {}, force429: {}, ...setup };
  const workerUrl = new URL('./fake-bot-api-worker.ts', import.meta.url).href;
  // Workers do not inherit tsx's loader: register it inside the worker, then load the TypeScript file.
  const worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(workerUrl)}); })`, {
    eval: true,
    workerData: data,
  });
  const next = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (msg: { type: string } & Record<string, unknown>) => {
        if (msg.type !== type) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve(msg as T);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  const { port } = await next<{ port: number }>('ready');
  return {
    url: `http://127.0.0.1:${port}`,
    async snapshot() {
      const answer = next<{ snapshot: FakeSnapshot }>('snapshot');
      worker.postMessage({ type: 'snapshot' });
      return (await answer).snapshot;
    },
    enqueue(updates) {
      worker.postMessage({ type: 'enqueue', updates });
    },
    async close() {
      const closed = next('closed');
      worker.postMessage({ type: 'close' });
      await closed;
      await worker.terminate();
    },
  };
}

/**
 * A Hearth without skills whose outbox delivers through the real Telegram channel to a fake Bot API at `apiUrl`
 * (the rate bench and the channel tests share it).
 */
export async function hearthOnFakeBotApi(options: { db: Db; program: Program; at: Date; apiUrl: string; limits?: Partial<RateLimits> }) {
  const { db, at } = options;
  const channel = createTelegramChannel(
    { TELEGRAM_BOT_TOKEN: '123456:FAKE-token', TELEGRAM_API_ROOT: options.apiUrl },
    { log: silentLogger(), botInfo: { id: 6000000001, username: 'hearth_test_bot' }, limits: options.limits },
  );
  const me = await channel.connect();
  const hearth = createHearth({
    db,
    program: options.program,
    clock: new VirtualClock(at),
    log: silentLogger(),
    deployment: { staffRoom: { channel: 'telegram', chat: '-100999' }, channels: { telegram: { ...me, capabilities: channel.capabilities } } },
    channels: [channel],
    modules: [],
  });
  return { hearth, channel };
}
