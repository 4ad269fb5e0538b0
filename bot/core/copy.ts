// Member-facing words: each skill keeps a catalog of lines beside it, in Chinese and English, written as ICU messages
// ("{name} checked in", "{days, plural, one {# day} other {# days}}"); a brand overrides any line by its key from the
// program file. A line's placeholders are read from its text, so a caller that forgets one does not compile.
import { IntlMessageFormat } from 'intl-messageformat';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { closestMatch } from 'leven';
import type { Lang } from './types';

/** One line in both languages. */
export interface CopyLine {
  readonly zh: string;
  readonly en: string;
}

/** A skill's lines by name. */
export type CopyLines = Readonly<Record<string, CopyLine>>;

/** A brand's replacements from the program file, by full key (`checkin.done`), either language or both. */
export type CopyOverrides = Readonly<Record<string, { readonly zh?: string; readonly en?: string }>>;

// The placeholders a type can see: each top-level `{name…}`; `#` and words inside plural branches are not names.
type Name<P extends string> = P extends `${infer N},${string}` ? Name<N> : P extends ` ${infer N}` ? Name<N> : P extends `${infer N} ` ? Name<N> : P;
type Proper<N extends string> = N extends '' | `${string}#${string}` | `${string} ${string}` | `${string}{${string}` ? never : N;
type Holes<S extends string> = S extends `${string}{${infer P}}${infer R}` ? Proper<Name<P>> | Holes<R> : never;
type HolesOf<L extends CopyLine> = Holes<L['zh']> | Holes<L['en']>;
/** The values a line needs: none, or one per placeholder. */
export type CopyArgs<L extends CopyLine> = [HolesOf<L>] extends [never] ? [] : [vars: Record<HolesOf<L>, string | number>];

/** Whom words are for: their language and the program whose overrides apply (a skill context qualifies as it is). */
export type Audience = { readonly lang: Lang; readonly program: { readonly copy?: CopyOverrides } } | { readonly lang: Lang; readonly deps: { readonly program: { readonly copy?: CopyOverrides } } };

/** A skill's catalog: its lines, and how to say them. */
export interface Catalog<C extends CopyLines = CopyLines> {
  /** The first part of every key (`checkin` in `checkin.done`). */
  readonly prefix: string;
  readonly lines: C;
  /** Line `name` for `to`, the program's override first, placeholders filled. */
  say<K extends keyof C & string>(to: Audience, name: K, ...vars: CopyArgs<C[K]>): string;
  /** A function saying this catalog's lines to one audience. */
  to(to: Audience): <K extends keyof C & string>(name: K, ...vars: CopyArgs<C[K]>) => string;
}

const compiled = new Map<string, IntlMessageFormat>();

function format(lang: Lang, template: string, vars: Record<string, string | number> | undefined): string {
  const cacheKey = `${lang}\u0000${template}`;
  let message = compiled.get(cacheKey);
  if (!message) {
    message = new IntlMessageFormat(template, lang === 'zh' ? 'zh-CN' : 'en-US', undefined, { ignoreTag: true });
    compiled.set(cacheKey, message);
  }
  return String(message.format(vars));
}

/** Declare a skill's catalog under `prefix`; line names are camelCase words (`done`, `alreadyToday`). */
export function defineCopy<const C extends CopyLines>(prefix: string, lines: C): Catalog<C> {
  const say = <K extends keyof C & string>(to: Audience, name: K, ...vars: CopyArgs<C[K]>): string => {
    const program = 'program' in to ? to.program : to.deps.program;
    const template = program.copy?.[`${prefix}.${name}`]?.[to.lang] ?? lines[name]![to.lang];
    return format(to.lang, template, vars[0] as Record<string, string | number> | undefined);
  };
  return { prefix, lines, say, to: (to) => (name, ...vars) => say(to, name, ...vars) };
}

/** The placeholders a message uses (plural and select arguments too), or why it cannot be read. */
export function placeholdersOf(template: string): { names: string[] } | { problem: string } {
  let elements: MessageFormatElement[];
  try {
    elements = parse(template, { ignoreTag: true });
  } catch (err) {
    return { problem: `cannot be read as a message (${(err as Error).message}): check its { and } pairs` };
  }
  const names = new Set<string>();
  const walk = (els: MessageFormatElement[]) => {
    for (const el of els) {
      if (el.type === TYPE.argument || el.type === TYPE.number || el.type === TYPE.date || el.type === TYPE.time) names.add(el.value);
      if (el.type === TYPE.plural || el.type === TYPE.select) {
        names.add(el.value);
        for (const option of Object.values(el.options)) walk(option.value);
      }
    }
  };
  walk(elements);
  return { names: [...names] };
}

/**
 * What is wrong with a brand's overrides against the catalogs: an unknown key, a line that cannot be read, a
 * placeholder the line does not have. Each problem names the key (and language) it is about.
 */
export function copyOverrideProblems(overrides: CopyOverrides, catalogs: readonly Catalog[]): { key: string; lang?: Lang; problem: string }[] {
  const lines = new Map<string, CopyLine>();
  for (const c of catalogs) for (const [name, line] of Object.entries(c.lines)) lines.set(`${c.prefix}.${name}`, line);
  const problems: { key: string; lang?: Lang; problem: string }[] = [];
  for (const [key, override] of Object.entries(overrides)) {
    const line = lines.get(key);
    if (!line) {
      // A typo is suggested; a guess at a far-off key is not.
      const near = closestMatch(key, [...lines.keys()], { maxDistance: Math.max(2, Math.floor(key.length / 6)) });
      problems.push({ key, problem: `no copy line is called "${key}"${near ? ` (did you mean ${near}?)` : ''}; \`hearth copy\` lists every line` });
      continue;
    }
    for (const lang of ['zh', 'en'] as const) {
      const text = override[lang];
      if (text === undefined) continue;
      const known = placeholdersOf(line[lang]);
      const used = placeholdersOf(text);
      if ('problem' in used) {
        problems.push({ key, lang, problem: used.problem });
        continue;
      }
      const allowed = 'names' in known ? known.names : [];
      const unknown = used.names.filter((n) => !allowed.includes(n));
      if (unknown.length > 0) {
        const has = allowed.length > 0 ? `it has ${allowed.map((n) => `{${n}}`).join(', ')}` : 'it has no placeholders';
        problems.push({ key, lang, problem: `unknown placeholder ${unknown.map((n) => `{${n}}`).join(', ')}: ${has}` });
      }
    }
  }
  return problems;
}

