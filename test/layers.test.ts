// The house's import order, read from every source file: community ← bot/core ← store ← skills ← the runtime ←
// channels. A file importing a layer above its own (types included) fails here, as does a platform SDK or the database
// driver outside the one place allowed to use it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

const ORDER = ['community', 'core', 'store', 'skills', 'runtime', 'channels'] as const;
type Layer = (typeof ORDER)[number];

/** The composition roots: the runtime files that build channels (everything else reaches them through the contract). */
const ASSEMBLES_CHANNELS = ['bot/cli.ts', 'bot/replay.ts'];
/** Packages only one place may use: platform SDKs in their channel, the SQLite driver and drizzle in the store. */
const ONLY_IN: { pattern: RegExp; where: string; what: string }[] = [
  { pattern: /^telegraf(\/|$)/, where: 'bot/channels/telegram/', what: 'the Telegram SDK' },
  { pattern: /^(wechaty|wechaty-)/, where: 'bot/channels/wechaty/', what: 'the WeChat SDK' },
  { pattern: /^@wecom\//, where: 'bot/channels/wecom/', what: 'the WeCom SDK' },
  { pattern: /^(openai|langchain)(\/|$)|^@langchain\//, where: 'bot/llm/', what: 'the model SDKs' },
  { pattern: /^(better-sqlite3|drizzle-orm)(\/|$)/, where: 'store/', what: 'the database driver' },
];

function layerOf(file: string): Layer | undefined {
  if (file.startsWith('community/')) return 'community';
  if (file.startsWith('bot/core/')) return 'core';
  if (file.startsWith('store/')) return 'store';
  if (file.startsWith('skills/')) return 'skills';
  if (file.startsWith('bot/channels/')) return 'channels';
  if (file.startsWith('bot/')) return 'runtime';
  return undefined;
}

/** What is wrong with `file` (relative to the repository) importing `specifier`, if anything. */
export function importProblem(file: string, specifier: string): string | undefined {
  const from = layerOf(file);
  if (!from) return undefined;
  if (!specifier.startsWith('.')) {
    const rule = ONLY_IN.find((r) => r.pattern.test(specifier));
    return rule && !file.startsWith(rule.where) ? `${file} imports ${rule.what} (${specifier}); only ${rule.where} may` : undefined;
  }
  const target = relative(root, resolve(root, dirname(file), specifier));
  const to = layerOf(target.endsWith('.ts') ? target : `${target}.ts`);
  if (!to) return `${file} imports ${target}, outside the layers`;
  if (to === 'channels' && from === 'runtime') return ASSEMBLES_CHANNELS.includes(file) ? undefined : `${file} imports the channel ${target}; only ${ASSEMBLES_CHANNELS.join(' and ')} build channels`;
  if (ORDER.indexOf(to) > ORDER.indexOf(from)) return `${file} (${from}) imports ${target} (${to}), a layer above it`;
  return undefined;
}

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .filter((f) => !f.includes('/migrations/'));
}

describe('layers', () => {
  const files = ['community', 'bot', 'store', 'skills'].flatMap(sources);

  it('finds the sources of every layer', () => {
    for (const layer of ORDER) expect(files.some((f) => layerOf(f) === layer), layer).toBe(true);
  });

  it('no file imports a layer above its own, and SDKs and the driver stay in their place', () => {
    const problems = files.flatMap((file) =>
      ts
        .preProcessFile(readFileSync(join(root, file), 'utf8'), true, true)
        .importedFiles.map((i) => importProblem(file, i.fileName))
        .filter((p): p is string => p !== undefined),
    );
    expect(problems).toEqual([]);
  });

  it('catches the kinds of break it is for', () => {
    expect(importProblem('store/members.ts', '../bot/engine')).toMatch(/a layer above it/);
    expect(importProblem('bot/core/skill.ts', '../../skills/help')).toMatch(/a layer above it/);
    expect(importProblem('community/tiers.ts', '../store/ledger')).toMatch(/a layer above it/);
    expect(importProblem('skills/help.ts', '../bot/hearth')).toMatch(/a layer above it/);
    expect(importProblem('bot/engine.ts', './channels/telegram')).toMatch(/build channels/);
    expect(importProblem('skills/points.ts', 'telegraf')).toMatch(/the Telegram SDK/);
    expect(importProblem('bot/outbox.ts', 'better-sqlite3')).toMatch(/the database driver/);
    expect(importProblem('skills/points.ts', '../store/ledger')).toBeUndefined();
    expect(importProblem('bot/channels/telegram/index.ts', 'telegraf')).toBeUndefined();
  });
});
