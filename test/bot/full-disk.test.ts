// When the database refuses writes (a full disk), nothing is acknowledged that was not recorded: long polling asks
// Telegram for the same updates again, the webhook answers 500 (Telegram resends), /health says what is wrong, and a
// message delivered while its "sent" mark cannot be written is never sent a second time.
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startFakeBotApi, type FakeBotApi } from '../../bench/fake-bot-api';
import { createTelegramChannel, SECRET_HEADER, type TelegramChannel } from '../../bot/channels/telegram';
import type { Hearth } from '../../bot/hearth';
import { createHttpApp, listen, type HttpServer } from '../../bot/http';
import { silentLogger } from '../../bot/log';
import type { Db } from '../../store/db';
import { hearthOn, program, tempDb } from '../harness';
import { Health } from '../../bot/health';
import { until } from './live-support';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

const SECRET = 'full-disk-webhook-secret-012345';
const group = -100123;

/** Fill the disk: no free page left, and none may be added. */
function fillDisk(db: Db): () => void {
  const sqlite = db.$client;
  sqlite.exec('VACUUM');
  sqlite.pragma(`max_page_count = ${sqlite.pragma('page_count', { simple: true }) as number}`);
  return () => void sqlite.pragma('max_page_count = 1073741823');
}

let updateId = 1;
/** A check-in in the group, long enough that recording it needs a new page. */
function checkinUpdate(user: number) {
  const date = Math.floor(Date.now() / 1000);
  return {
    update_id: updateId++,
    message: { message_id: updateId, date, chat: { id: group, type: 'supergroup', title: 'Tea' }, from: { id: user, is_bot: false, first_name: `U${user}` }, text: `签到 ${'。'.repeat(6000)}` },
  };
}

async function setUp(options: { webhook?: boolean } = {}): Promise<{ fake: FakeBotApi; hearth: Hearth; channel: TelegramChannel; db: Db; http?: HttpServer }> {
  const fake = await startFakeBotApi({ limits: { perChatGapMs: 0, groupMax: 1000, groupWindowMs: 60_000, globalMax: 1000, globalWindowMs: 1000 } });
  const { db } = tempDb();
  const webhook = options.webhook ? { TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram/hook', TELEGRAM_WEBHOOK_SECRET: SECRET } : {};
  const health = new Health();
  const channel = createTelegramChannel(
    { TELEGRAM_BOT_TOKEN: '123456:FULL-token', TELEGRAM_API_ROOT: fake.url, ...webhook },
    { log: silentLogger(), botInfo: { id: 6000000001, username: 'hearth_test_bot' }, retryMs: 100, health },
  );
  const hearth = await hearthOn([channel], { db, program: program((p) => void (p.groups = [`telegram:${group}`])), health });
  let http: HttpServer | undefined;
  if (channel.webhook) {
    const app = createHttpApp({ hearth });
    channel.webhook.mount(app);
    http = await listen(app, { port: 0, hostname: '127.0.0.1' });
  }
  await channel.start(hearth);
  cleanups.push(async () => {
    await channel.stop();
    await http?.close();
    await fake.close();
  });
  return { fake, hearth, channel, db, http };
}

const checkins = (db: Db) => db.$client.prepare('SELECT count(*) FROM checkins').pluck().get() as number;

describe('a full disk', () => {
  it('long polling does not acknowledge updates it could not record: Telegram delivers them again, and they are handled once space is back', async () => {
    const { fake, hearth, db } = await setUp();
    const free = fillDisk(db);
    fake.enqueue([checkinUpdate(1), checkinUpdate(2)]);
    await until(async () => (await fake.snapshot()).offsets.filter((o) => o === 0).length >= 3, 'getUpdates to ask for the same updates again');
    expect(checkins(db)).toBe(0);
    expect((await fake.snapshot()).unconfirmed).toBe(2);
    expect(hearth.health.list().map((p) => p.part)).toContain('database');

    free();
    await until(() => checkins(db) === 2, 'both check-ins once space is back');
    await until(async () => (await fake.snapshot()).unconfirmed === 0, 'the updates to be confirmed');
    await until(async () => (await fake.snapshot()).accepted.filter((a) => /签到成功|\+5/.test(String(a.payload.text))).length === 2, 'both answers');
    expect(hearth.health.healthy).toBe(true);
  }, 60_000);

  it('the webhook answers 500 to an update it could not record, /health says so, and the resent update is handled once', async () => {
    const { fake, hearth, db, http } = await setUp({ webhook: true });
    const post = (update: unknown) =>
      fetch(`${http!.url}/telegram/hook`, { method: 'POST', headers: { 'content-type': 'application/json', [SECRET_HEADER]: SECRET }, body: JSON.stringify(update) });
    const free = fillDisk(db);
    const update = checkinUpdate(3);
    expect((await post(update)).status).toBe(500);
    const health = await fetch(`${http!.url}/health`);
    expect(health.status).toBe(503);
    const body = (await health.json()) as { ok: boolean; problems: { part: string; message: string }[] };
    expect(body.ok).toBe(false);
    expect(body.problems.map((p) => p.part)).toContain('database');
    expect(checkins(db)).toBe(0);

    free();
    expect((await post(update)).status).toBe(200);
    expect((await post(update)).status).toBe(200); // a redelivery of a recorded update: acknowledged, nothing twice
    await until(() => checkins(db) === 1, 'the check-in');
    await until(async () => (await fake.snapshot()).accepted.filter((a) => /签到成功|\+5/.test(String(a.payload.text))).length === 1, 'one answer');
    expect((await fetch(`${http!.url}/health`)).status).toBe(200);
    expect(hearth.health.healthy).toBe(true);
  }, 60_000);

  it('a message delivered while its "sent" mark cannot be written is held back, not sent again, and marked later', async () => {
    const { fake, hearth, db } = await setUp();
    for (let i = 0; i < 5; i++) {
      db.$client
        .prepare("INSERT INTO outbox (key, channel, chat, text, kind, created_at, not_before) VALUES (?, 'telegram', ?, ?, 'reply', 0, 0)")
        .run(`k${i}`, String(group), `hello ${i}`);
    }
    // Another writer holds the database: every write of Hearth's fails, as on a full disk.
    db.$client.pragma('busy_timeout = 50');
    const blocker = new Database(db.$client.name);
    blocker.exec('BEGIN IMMEDIATE');
    await hearth.dispatcher.flush(new Date());
    await hearth.dispatcher.flush(new Date());
    await hearth.dispatcher.flush(new Date());
    expect((await fake.snapshot()).accepted).toHaveLength(5);
    expect(hearth.health.list().map((p) => p.part)).toContain('outbox');
    blocker.exec('ROLLBACK');
    blocker.close();
    await hearth.dispatcher.flush(new Date());
    expect(db.$client.prepare('SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL').pluck().get()).toBe(5);
    await hearth.dispatcher.flush(new Date());
    expect((await fake.snapshot()).accepted).toHaveLength(5);
    expect(hearth.health.healthy).toBe(true);
  }, 60_000);
});
