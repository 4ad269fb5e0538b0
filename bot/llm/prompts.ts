// Prompt templates: every prompt is a file in prompts/ (NAME.LANG.md, its first line a version comment), filled with
// the program's facts at call time, so no prompt names a brand, a tier or a number of its own.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HearthError } from '../core/errors';
import type { Lang } from '../core/types';

const promptsDir = join(import.meta.dirname, '..', '..', 'prompts');
const cache = new Map<string, string>();

/** The template NAME in LANG, with its version comment removed. */
export function promptTemplate(name: string, lang: Lang): string {
  const key = `${name}.${lang}`;
  let text = cache.get(key);
  if (text === undefined) {
    if (!/^[a-z-]+$/.test(name)) throw new HearthError('bad_input', `not a prompt name: ${name}`);
    text = readFileSync(join(promptsDir, `${key}.md`), 'utf8').replace(/^<!--[^\n]*-->\n/, '');
    cache.set(key, text);
  }
  return text;
}

/** The prompt NAME in LANG with every {{var}} filled; a template naming a variable not given is an error, not a gap. */
export function renderPrompt(name: string, lang: Lang, vars: Record<string, string>): string {
  return promptTemplate(name, lang).replace(/\{\{(\w+)\}\}/g, (_m, v: string) => {
    const value = vars[v];
    if (value === undefined) throw new HearthError('bad_input', `prompt ${name}.${lang} needs {{${v}}}`);
    return value;
  });
}
