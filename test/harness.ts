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
import { createHearth, type Hearth } from '../bot/hearth';
import type { ModelSetup } from '../bot/core/assistant';
import { localDeployment } from '../bot/deployment';
import type { Deployment, HearthDeps, SkillModule } from '../bot/core/skill';
import { systemClock, VirtualClock, type Clock } from '../bot/core/clock';
import type { Channel } from '../bot/core/channel';
import type { Health } from '../bot/health';
import type { Logger } from 'pino';

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
  options: { program?: Program; dbPath?: string; llm?: ModelSetup } = {},
): Promise<ReplayOutput[]> {
  const text = typeof events === 'string' ? events : events.map((e) => JSON.stringify(e)).join('\n');
  const out: ReplayOutput[] = [];
  await runReplay(parseReplay(text), {
    program: options.program ?? program(),
    dbPath: options.dbPath,
    llm: options.llm,
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
    /** Channels to deliver through (none by default: rows stay in the outbox). */
    channels?: Channel[];
    llm?: ModelSetup;
  } = {},
): Hearth {
  const base = localDeployment(['console'], { capabilities: options.privateChatOptIn?.includes('console') ? { privateMessages: 'opened' } : {} });
  return createHearth({
    db,
    program: options.program ?? program(),
    clock: new VirtualClock(at),
    log: silentLogger(),
    deployment: {
      ...base,
      ...options.deployment,
      everyGroupListed: options.everyGroupListed ?? true,
      channels: { ...base.channels, ...options.deployment?.channels },
    },
    modules: options.modules,
    isGroupAdmin: options.isGroupAdmin,
    channels: options.channels,
    llm: options.llm,
  });
}

/** The runtime's services for a skill function called directly (queue, reach…), over `db`, with no skills installed. */
export function testDeps(db: Db, p: Program = program(), at = new Date('2026-03-01T00:00:00Z')): HearthDeps {
  return testHearth(db, at, { program: p, modules: [] }).deps;
}

/**
 * A Hearth delivering through real channels (connected, not started), flushing its outbox as each message is handled,
 * as a live run does: for tests that talk to a channel's platform peer.
 */
export async function hearthOn(
  channels: Channel[],
  options: { db: Db; program?: Program; clock?: Clock; log?: Logger; staffRoom?: { channel: string; chat: string }; health?: Health; modules?: SkillModule[] },
): Promise<Hearth> {
  const infos: Deployment['channels'] = {};
  for (const c of channels) {
    const me = await c.connect();
    infos[c.name] = { ...me, capabilities: c.capabilities };
  }
  const clock = options.clock ?? systemClock;
  const hearth = createHearth({
    db: options.db,
    program: options.program ?? program(),
    clock,
    log: options.log ?? silentLogger(),
    deployment: { staffRoom: options.staffRoom ?? { channel: channels[0]!.name, chat: '' }, channels: infos },
    channels,
    health: options.health,
    modules: options.modules,
  });
  hearth.onHandled(() => void hearth.dispatcher.flush(clock.now()));
  return hearth;
}
