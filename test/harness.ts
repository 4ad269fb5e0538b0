// Test helpers: run replay scripts through the real engine on a temp SQLite file, and compare with expected lines.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { parseReplay } from '../bot/replay-format';
import { runReplay } from '../bot/replay';
import type { ReplayOutput } from '../bot/channels/replay';
import { loadProgram, parseProgram } from '../bot/program-file';
import { silentLogger } from '../bot/log';
import type { Program } from '../community/program';
import { openDatabase, type Db } from '../store/db';
import { createHearth, type Hearth, type SkillModule } from '../bot/hearth';
import type { Deployment, HearthDeps } from '../bot/engine';
import { VirtualClock } from '../bot/clock';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

/** A fresh temp folder removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-test-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A migrated database on a temp file, closed after the test. */
export function tempDb(): { db: Db; path: string } {
  const path = join(tempDir(), 'test.db');
  const db = openDatabase(path);
  cleanups.push(() => db.$client.close());
  return { db, path };
}

/** The default program, optionally changed by a function. */
export function program(change?: (p: Program) => void): Program {
  const p = structuredClone(loadProgram());
  change?.(p);
  return p;
}

export { parseProgram };

/** Run replay events (objects or JSONL text) and return what the bot sent, in order. */
export async function replay(
  events: string | Record<string, unknown>[],
  options: { program?: Program; dbPath?: string } = {},
): Promise<ReplayOutput[]> {
  const text = typeof events === 'string' ? events : events.map((e) => JSON.stringify(e)).join('\n');
  const out: ReplayOutput[] = [];
  await runReplay(parseReplay(text), {
    program: options.program ?? program(),
    dbPath: options.dbPath,
    log: silentLogger(),
    write: (line) => out.push(JSON.parse(line) as ReplayOutput),
  });
  return out;
}

/** Builds message events tersely: msg('m1', '2026-03-01T09:00:00+08:00', 'u1', '签到', { chat: 'g1' }). */
export function msg(
  id: string,
  at: string,
  from: string,
  text: string,
  extra: { chat?: string; name?: string; replyTo?: string; mentions?: string[]; channel?: string; action?: string } = {},
): Record<string, unknown> {
  const chat = extra.chat ?? from;
  return { type: 'message', id, at, chat, chatType: chat === from ? 'private' : 'group', from, text, ...extra };
}

/** A Hearth over `db` on a virtual clock at `at`, deployed as in replay (staff room `staff`, bot id `hearth`). */
export function testHearth(
  db: Db,
  at: Date,
  options: {
    program?: Program;
    modules?: SkillModule[];
    isGroupAdmin?: HearthDeps['isGroupAdmin'];
    everyGroupListed?: boolean;
    /** Channels where the bot may write privately only to people who opened a private chat (as on Telegram). */
    privateChatOptIn?: string[];
    /** Anything else of the deployment (usernameHandles, groups, …). */
    deployment?: Partial<Deployment>;
  } = {},
): Hearth {
  return createHearth({
    db,
    program: options.program ?? program(),
    clock: new VirtualClock(at),
    log: silentLogger(),
    deployment: {
      staffRoom: { channel: 'console', chat: 'staff' },
      botIds: { console: 'hearth' },
      everyGroupListed: options.everyGroupListed ?? true,
      privateChatOptIn: options.privateChatOptIn,
      ...options.deployment,
    },
    modules: options.modules,
    isGroupAdmin: options.isGroupAdmin,
  });
}
