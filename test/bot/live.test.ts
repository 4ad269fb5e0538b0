// Hearth live in child processes: one database file has one running Hearth (a second waits as a standby and takes
// over when the first dies, with no message sent twice), and a database it cannot write makes it refuse to start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeBotApi, type FakeBotApi } from '../../bench/fake-bot-api';
import { openDatabase } from '../../store/db';
import { tempDir } from '../harness';
import { freePort, killHard, liveEnv, postUpdate, readDb, spawnHearth, stopGently, until, waitReady, writeProgram } from './live-support';

let fake: FakeBotApi;
beforeAll(async () => {
  fake = await startFakeBotApi({ limits: { perChatGapMs: 0, groupMax: 1000, groupWindowMs: 60_000, globalMax: 1000, globalWindowMs: 1000 } });
});
afterAll(async () => {
  await fake?.close();
});

let updateId = 1;
/** A /help from a new person in their private chat: one answer each. */
function helpFrom(user: number) {
  return { update_id: updateId++, message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: user, type: 'private', first_name: `P${user}` }, from: { id: user, is_bot: false, first_name: `P${user}` }, text: '/help', entities: [{ type: 'bot_command', offset: 0, length: 5 }] } };
}

const sentCount = (db: string) => readDb(db, (d) => d.prepare('SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL').pluck().get() as number);
const pendingCount = (db: string) =>
  readDb(db, (d) => (d.prepare('SELECT (SELECT count(*) FROM inbox WHERE done_at IS NULL) + (SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL)').pluck().get() as number));
const acceptedFor = async (from: number, to: number) =>
  (await fake.snapshot()).accepted.filter((a) => Number(a.chat) >= from && Number(a.chat) < to).length;

describe('one database file, one running Hearth', () => {
  it('a second process waits as a standby, sends nothing, and takes over when the first is killed: no message twice', async () => {
    const dir = tempDir();
    const db = join(dir, 'hearth.db');
    const programPath = writeProgram(dir, () => undefined);
    const [portA, portB] = [await freePort(), await freePort()];
    const a = spawnHearth(liveEnv({ db, programPath, port: portA, apiUrl: fake.url }));
    await waitReady(a);
    const b = spawnHearth(liveEnv({ db, programPath, port: portB, apiUrl: fake.url }));
    try {
      await until(() => /waiting as a standby/.test(b.stderr()), 'the standby line');
      expect(b.stderr()).toMatch(/another Hearth is running on .*hearth\.db \(pid \d+/);
      // The standby does not even listen: platforms keep talking to the running one.
      expect(await postUpdate(portB, helpFrom(50_000))).toBe(0);

      for (let u = 50_001; u <= 50_020; u++) expect(await postUpdate(portA, helpFrom(u))).toBe(200);
      await until(() => pendingCount(db) === 0, 'the first process to answer everything');
      expect(await acceptedFor(50_001, 50_021)).toBe(20);

      await killHard(a);
      await waitReady(b); // the standby takes over
      for (let u = 50_021; u <= 50_030; u++) expect(await postUpdate(portB, helpFrom(u))).toBe(200);
      await until(() => pendingCount(db) === 0, 'the second process to answer everything');
      expect(await acceptedFor(50_001, 50_031)).toBe(30);
      expect(sentCount(db)).toBe(30);
    } finally {
      await killHard(a).catch(() => undefined);
      await stopGently(b);
    }
  }, 120_000);

  it('a replay refuses a database a running Hearth holds', async () => {
    const dir = tempDir();
    const db = join(dir, 'hearth.db');
    const programPath = writeProgram(dir, () => undefined);
    const port = await freePort();
    const a = spawnHearth(liveEnv({ db, programPath, port, apiUrl: fake.url }));
    try {
      await waitReady(a);
      const { spawnSync } = await import('node:child_process');
      const script = join(dir, 'x.jsonl');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(script, '{"type":"tick","at":"2026-03-01T09:00:00+08:00"}\n');
      const res = spawnSync(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'hearth.js'), 'replay', script, '--db', db], { encoding: 'utf8', timeout: 60_000 });
      expect(res.status).toBe(2);
      expect(res.stderr).toMatch(/in use by a running Hearth/);
    } finally {
      await stopGently(a);
    }
  }, 120_000);
});

describe('a database Hearth cannot write', () => {
  // CI runs as root, who may write anything: run the bot as an unprivileged user, as a real deployment would.
  const asRoot = process.getuid?.() === 0;
  it.each([
    ['the file is read-only (its folder is writable)', 0o777],
    ['the file and its folder are read-only', 0o755],
  ])('refuses to start, saying why, instead of answering nothing: %s', async (_case, folderMode) => {
    const parent = tempDir();
    chmodSync(parent, 0o755);
    const dir = join(parent, 'data');
    mkdirSync(dir);
    const db = join(dir, 'hearth.db');
    openDatabase(db).$client.close();
    chmodSync(db, asRoot ? 0o644 : 0o444);
    chmodSync(dir, asRoot || folderMode === 0o777 ? folderMode : 0o555);
    const env = { HEARTH_DB: db, HEARTH_LOG_LEVEL: 'error', TELEGRAM_BOT_TOKEN: '', HOME: dir };
    const bot = spawnHearth(env, asRoot ? { uid: 65534, gid: 65534 } : {});
    const code = await bot.exited;
    chmodSync(dir, 0o755);
    expect(code).toBe(1);
    expect(bot.stderr()).toMatch(/cannot write to the database .*hearth\.db/);
    expect(bot.stderr()).not.toMatch(/\n\s+at /); // no stack trace
  }, 60_000);
});
