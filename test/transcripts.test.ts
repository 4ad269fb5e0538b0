// Runs every conversation script in test/transcripts/ (NAME.jsonl) and compares the bot's messages with NAME.out.jsonl.
// An expected line matches when its fields are equal (one without `mentions` mentions no one); `textIncludes` / `textExcludes` match parts of the text instead.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay, program } from './harness';
import { loadProgram } from '../bot/program-file';

const dir = join(import.meta.dirname, 'transcripts');
const scripts = readdirSync(dir).filter((f) => f.endsWith('.jsonl') && !f.endsWith('.out.jsonl'));

interface Expected {
  at?: string;
  chat?: string;
  text?: string;
  replyTo?: string;
  buttons?: string[];
  /** Names of the members the message mentions; a line without it mentions no one. */
  mentions?: string[];
  textIncludes?: string[];
  textExcludes?: string[];
}

describe('transcripts', () => {
  it('has scripts', () => expect(scripts.length).toBeGreaterThan(0));
  for (const file of scripts) {
    it(file, async () => {
      const base = file.replace(/\.jsonl$/, '');
      const expectedFile = join(dir, `${base}.out.jsonl`);
      expect(existsSync(expectedFile), `${base}.out.jsonl is missing`).toBe(true);
      const programFile = join(dir, `${base}.program.yaml`);
      const out = await replay(readFileSync(join(dir, file), 'utf8'), {
        program: existsSync(programFile) ? loadProgram(programFile) : program(),
      });
      const expected = readFileSync(expectedFile, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Expected);
      const shown = out.map((o) => JSON.stringify(o)).join('\n');
      expect(out.length, `expected ${expected.length} messages, got:\n${shown}`).toBe(expected.length);
      expected.forEach((exp, i) => {
        const got = out[i]!;
        const { textIncludes, textExcludes, ...fields } = exp;
        for (const [k, v] of Object.entries(fields)) expect(got[k as keyof typeof got], `message ${i + 1} ${k}\n${shown}`).toEqual(v);
        for (const part of textIncludes ?? []) expect(got.text, `message ${i + 1} should include "${part}"`).toContain(part);
        for (const part of textExcludes ?? []) expect(got.text, `message ${i + 1} should not include "${part}"`).not.toContain(part);
        if (!('buttons' in fields)) expect(got.buttons === undefined || Array.isArray(got.buttons)).toBe(true);
        if (!('mentions' in fields)) expect(got.mentions, `message ${i + 1} mentions\n${shown}`).toBeUndefined();
      });
    });
  }
});
