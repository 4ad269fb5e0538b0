// The words Hearth says: every catalog line reads in both languages with the placeholders its type asks for and is
// used by its skill; a brand's `copy:` override changes what members see, and a wrong one fails the program check
// with its file and line.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { defineCopy, placeholdersOf } from '../../../bot/core/copy';
import { ALL_CATALOGS, defaultProgramPath, parseProgram } from '../../../bot/program-file';
import { checkinCopy } from '../../../skills/checkin.copy';
import { main } from '../../../bot/cli';
import { HearthError } from '../../../bot/core/errors';
import { msg, program, replay } from '../../harness';

const root = resolve(import.meta.dirname, '../../..');
const defaultText = readFileSync(defaultProgramPath, 'utf8');

/** The names a placeholder type sees: top-level `{name…}` only (what `CopyArgs` reads from the text). */
function typeVisible(template: string): string[] {
  const names = new Set<string>();
  for (const m of template.matchAll(/\{([^{}]*)[{}]/g)) {
    const name = m[1]!.split(',')[0]!.trim();
    if (/^[A-Za-z_]\w*$/.test(name)) names.add(name);
  }
  return [...names].sort();
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

describe('the catalogs', () => {
  const files = [...sourcesUnder('skills'), ...sourcesUnder('bot')];
  const isCatalogFile = (f: string) => /(\.copy\.ts|\/copy\.ts)$/.test(f);
  const code = files.filter((f) => !isCatalogFile(f)).map((f) => readFileSync(join(root, f), 'utf8'));
  // Each catalog's exported name, from its file: a line counts as said only in code that uses that catalog.
  const catalogName = new Map<string, string>();
  for (const f of files.filter(isCatalogFile)) {
    for (const m of readFileSync(join(root, f), 'utf8').matchAll(/export const (\w+) = defineCopy\('([\w-]+)'/g)) catalogName.set(m[2]!, m[1]!);
  }

  it('have one prefix each', () => {
    const prefixes = ALL_CATALOGS.map((c) => c.prefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });

  for (const catalog of ALL_CATALOGS) {
    it(`${catalog.prefix}: every line reads in both languages, its type sees every placeholder, and it is said somewhere`, () => {
      const exported = catalogName.get(catalog.prefix);
      expect(exported, `the file declaring the ${catalog.prefix} catalog`).toBeDefined();
      const users = code.filter((c) => new RegExp(`\\b${exported}\\b`).test(c));
      for (const [name, line] of Object.entries(catalog.lines)) {
        for (const lang of ['zh', 'en'] as const) {
          const read = placeholdersOf(line[lang]);
          expect(read, `${catalog.prefix}.${name}.${lang}`).toHaveProperty('names');
          if ('names' in read) expect(typeVisible(line[lang]), `${catalog.prefix}.${name}.${lang}: a placeholder only inside a branch`).toEqual([...read.names].sort());
        }
        expect(users.some((c) => c.includes(`'${name}'`)), `${catalog.prefix}.${name} is never said`).toBe(true);
      }
    });
  }

  it('fill placeholders, plurals and numbers per language, and type-check what a line needs', () => {
    const c = defineCopy('sample', {
      more: { zh: '再签 {days} 天，共 {total, number} 分', en: '{days, plural, one {# more day} other {# more days}}, {total, number} in all' },
      plain: { zh: '好', en: 'OK' },
    });
    const p = program();
    expect(c.say({ lang: 'en', program: p }, 'more', { days: 1, total: 12345 })).toBe('1 more day, 12,345 in all');
    expect(c.say({ lang: 'en', program: p }, 'more', { days: 3, total: 5 })).toBe('3 more days, 5 in all');
    expect(c.say({ lang: 'zh', program: p }, 'more', { days: 3, total: 12345 })).toBe('再签 3 天，共 12,345 分');
    expect(c.say({ lang: 'zh', program: p }, 'plain')).toBe('好');
    // @ts-expect-error a line with placeholders needs its values
    expect(() => c.say({ lang: 'en', program: p }, 'more')).toThrow();
    // @ts-expect-error a misspelt placeholder does not compile
    expect(() => c.say({ lang: 'en', program: p }, 'more', { day: 1, total: 1 })).toThrow();
    // @ts-expect-error an unknown line does not compile
    expect(() => c.say({ lang: 'en', program: p }, 'less')).toThrow();
  });
});

describe("a program's copy overrides", () => {
  const withCopy = (yaml: string) => `${defaultText}\ncopy:\n${yaml}`;

  it('change what members see in the language given, and leave the other as the catalog has it', async () => {
    const p = parseProgram(withCopy('  checkin.doneInGroup:\n    zh: "亲～{name} 签到成功啦！+{points} 积分，连签 {streak} 天{next}"\n'));
    const out = await replay(
      [msg('c1', '2026-03-01T09:00:00+08:00', 'u1', '签到', { chat: 'g1', name: '小红' }), msg('c2', '2026-03-01T09:01:00+08:00', 'u2', '/checkin', { chat: 'g1', name: 'Bob' })],
      { program: p },
    );
    expect(out.map((o) => o.text)).toEqual([
      '亲～小红 签到成功啦！+5 积分，连签 1 天 · 再签 6 天可得 50 积分奖励',
      '✅ Bob checked in! +5 points · 1-day streak · 6 more days to the 50-point bonus.',
    ]);
  });

  it('refuse an unknown line, an unknown placeholder and an unreadable message, each with its line', () => {
    const text = withCopy(['  checkin.dome:', '    en: "Done!"', '  checkin.done:', '    en: "Done, {name}! Balance {balance}"', '  private.chatButton:', '    zh: "私聊 {"'].join('\n'));
    const line = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    let problems: string[] = [];
    try {
      parseProgram(text, 'brand.yaml');
    } catch (err) {
      expect(err).toBeInstanceOf(HearthError);
      problems = (err as HearthError).details!.problems as string[];
    }
    expect(problems).toEqual([
      `brand.yaml:${line('checkin.dome:')}: no copy line is called "checkin.dome" (did you mean checkin.done?); \`hearth copy\` lists every line (copy.checkin.dome)`,
      `brand.yaml:${line('Done, {name}')}: unknown placeholder {name}: it has {points}, {bonus}, {streak}, {next}, {balance} (copy.checkin.done.en)`,
      expect.stringMatching(new RegExp(`^brand\\.yaml:${line('私聊 {')}: cannot be read as a message .*\\(copy\\.private\\.chatButton\\.zh\\)$`)),
    ]);
  });

  it('`hearth copy` prints every line as a copy: section that the program check accepts back', async () => {
    let printed = '';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => ((printed += chunk), true)) as typeof process.stdout.write;
    try {
      expect(await main(['copy'])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    const keys = Object.keys((parseYaml(printed) as { copy: Record<string, unknown> }).copy);
    expect(keys).toContain('checkin.done');
    expect(keys.length).toBe(ALL_CATALOGS.reduce((n, c) => n + Object.keys(c.lines).length, 0));
    const p = parseProgram(withCopy(printed.split('\n').slice(2).join('\n')));
    expect(p.copy['checkin.done']).toEqual({ zh: checkinCopy.lines.done.zh, en: checkinCopy.lines.done.en });
  });
});
