// Helpers for tests that run Hearth live in a child process (`hearth start` on a Telegram webhook against a local
// fake Bot API, with the signed order endpoint): start it, talk to it over HTTP, kill it, read its database.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import Database from 'better-sqlite3';
import { signOrderRequest } from '../../bot/http';
import { SECRET_HEADER } from '../../bot/channels/telegram';
import { program } from '../harness';
import type { Program } from '../../community/program';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'hearth.js');

export const BOT_TOKEN = '123456:LIVE-test-token';
export const WEBHOOK_SECRET = 'live-webhook-secret-0123456789';
export const ORDERS_SECRET = 'live-orders-secret-0123456789';

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Write a program file (the default, changed by `change`) into `dir`; returns its path. */
export function writeProgram(dir: string, change: (p: Program) => void): string {
  const p = program(change);
  const path = join(dir, 'program.yaml');
  writeFileSync(path, stringify(p));
  return path;
}

/** A running `hearth start` child. */
export interface LiveBot {
  child: ChildProcess;
  port: number;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Environment for a live Hearth on a webhook at `port` against the fake Bot API at `apiUrl`. */
export function liveEnv(options: { db: string; programPath: string; port: number; apiUrl: string; staffChat?: string }): Record<string, string> {
  return {
    HEARTH_DB: options.db,
    HEARTH_PROGRAM: options.programPath,
    HEARTH_HTTP_PORT: String(options.port),
    HEARTH_LOG_LEVEL: 'error',
    HEARTH_ORDERS_SECRET: ORDERS_SECRET,
    TELEGRAM_BOT_TOKEN: BOT_TOKEN,
    TELEGRAM_API_ROOT: options.apiUrl,
    TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${options.port}/telegram/hook`,
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    TELEGRAM_STAFF_CHAT_ID: options.staffChat ?? '-100999',
  };
}

/** Spawn `hearth start` with `env` (added to this process's environment), optionally as another user. */
export function spawnHearth(env: Record<string, string>, options: { uid?: number; gid?: number } = {}): LiveBot {
  const child = spawn(process.execPath, [bin, 'start'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid } : {}),
  });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, port: Number(env.HEARTH_HTTP_PORT), stderr: () => err, exited };
}

/** Wait until the child answers GET /health (any status), or fail with what it printed. */
export async function waitReady(bot: LiveBot, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  let exitCode: number | null | undefined;
  void bot.exited.then((c) => (exitCode = c));
  for (;;) {
    if (exitCode !== undefined) throw new Error(`hearth exited with ${exitCode} before it was ready:\n${bot.stderr()}`);
    try {
      await fetch(`http://127.0.0.1:${bot.port}/health`, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      if (Date.now() > end) throw new Error(`hearth was not ready after ${ms} ms:\n${bot.stderr()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Kill the child at once (no cleanup: as a crash or a power cut of the process would). */
export async function killHard(bot: LiveBot): Promise<void> {
  bot.child.kill('SIGKILL');
  await bot.exited;
}

/** Stop the child gracefully. */
export async function stopGently(bot: LiveBot): Promise<number | null> {
  bot.child.kill('SIGTERM');
  return bot.exited;
}

/** POST a Telegram update to the child's webhook; the HTTP status, or 0 when the connection failed. */
export async function postUpdate(port: number, update: unknown): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/telegram/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SECRET_HEADER]: WEBHOOK_SECRET },
      body: JSON.stringify(update),
      signal: AbortSignal.timeout(10_000),
    });
    await res.text();
    return res.status;
  } catch {
    return 0;
  }
}

/** POST a signed order event to the child's order endpoint; the HTTP status, or 0 when the connection failed. */
export async function postOrder(port: number, event: Record<string, unknown>): Promise<number> {
  const body = JSON.stringify(event);
  const ts = String(Math.floor(Date.now() / 1000));
  try {
    const res = await fetch(`http://127.0.0.1:${port}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Hearth-Timestamp': ts, 'X-Hearth-Signature': signOrderRequest(ORDERS_SECRET, ts, body) },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    await res.text();
    return res.status;
  } catch {
    return 0;
  }
}

/** Read the child's database (read-only, beside it: WAL lets a reader in while the bot writes). */
export function readDb<T>(path: string, read: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Poll `probe` until it returns true, or fail with `what`. */
export async function until(probe: () => boolean | Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
