// `hearth replay` with a model: OPENAI_BASE_URL at a local chat-completions server makes the model answer what the fast
// path cannot, and every transcript's fast-path answers stay exactly as they are without a model.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { replay, program, tempDir } from '../../harness';
import { loadProgram } from '../../../bot/program-file';
import { startFakeOpenAI, textOf, type FakeOpenAI } from './openai-server';
import { modelSetupAt } from './model-setup';

const root = join(import.meta.dirname, '..', '..', '..');
const transcripts = join(root, 'test', 'transcripts');
const MODEL_WORDS = 'A kind word from the model.';
/** The same words for a member who writes Chinese (the model is asked in the member's language, and must answer in it). */
const MODEL_WORDS_ZH = '模型的一句暖心话。';

let server: FakeOpenAI;
beforeAll(async () => {
  server = await startFakeOpenAI((req) => ({ text: /\p{Script=Han}/u.test(textOf(req.messages[0]!.content)) ? MODEL_WORDS_ZH : MODEL_WORDS }));
});
afterAll(() => server.close());

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'hearth.js'), ...args], { cwd: root, env: { ...process.env, HEARTH_LOG_LEVEL: 'error', ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('hearth replay with a model', () => {
  it('uses the model named by OPENAI_BASE_URL and HEARTH_LLM_MODEL for what the fast path does not answer', async () => {
    const file = join(tempDir(), 'chat.jsonl');
    const lines = [
      { type: 'message', id: 'm1', at: '2026-03-01T10:00:00+08:00', chat: 'u1', chatType: 'private', from: 'u1', text: 'write me a little poem about my journey with you' },
      { type: 'message', id: 'm2', at: '2026-03-01T10:01:00+08:00', chat: 'u1', chatType: 'private', from: 'u1', text: '/points' },
    ];
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
    const before = server.requests.length;
    const res = await run(['replay', file], { OPENAI_BASE_URL: server.baseURL, HEARTH_LLM_MODEL: 'local-test' });
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    const out = res.out.trim().split('\n').map((l) => JSON.parse(l) as { replyTo?: string; text: string });
    expect(out.find((o) => o.replyTo === 'm1')!.text).toBe(MODEL_WORDS);
    expect(out.find((o) => o.replyTo === 'm2')!.text).toMatch(/^You have 0 points/);
    // One answer and one look by the escalation classifier (which found nothing for staff in these words).
    expect(server.requests.length - before).toBe(2);
    expect(server.requests.at(-1)!.model).toBe('local-test');
  });

  it('leaves every transcript\'s fast-path answers as they are', async () => {
    const llm = modelSetupAt(server.baseURL, { dailyTokens: 1e9, memberDailyTokens: 1e9 });
    const scripts = readdirSync(transcripts).filter((f) => f.endsWith('.jsonl') && !f.endsWith('.out.jsonl'));
    let compared = 0;
    for (const file of scripts) {
      const programFile = join(transcripts, file.replace(/\.jsonl$/, '.program.yaml'));
      const p = existsSync(programFile) ? loadProgram(programFile) : program();
      const text = readFileSync(join(transcripts, file), 'utf8');
      // Redemption codes are drawn at random on each run: compared as their shape.
      const codesAsShape = <T extends { text: string }>(o: T): T => ({ ...o, text: o.text.replace(/HX-[A-Z0-9]{4}-[A-Z0-9]{4}/g, 'HX-····-····') });
      const without = (await replay(text, { program: p })).map(codesAsShape);
      // A staff card may gain its summary; nothing else may change.
      const withModel = (await replay(text, { program: p, llm })).map(codesAsShape).filter((o) => !(o.chat === 'staff' && o.text.startsWith('🧠')));
      // Up to the first message the model answered, the two runs are the same, message for message.
      const firstModel = withModel.findIndex((o) => o.text === MODEL_WORDS || o.text === MODEL_WORDS_ZH);
      const upTo = firstModel === -1 ? withModel.length : firstModel;
      expect(withModel.slice(0, upTo), file).toEqual(without.slice(0, upTo));
      if (firstModel === -1) expect(withModel, file).toEqual(without);
      compared += upTo;
    }
    expect(compared).toBeGreaterThan(100);
  }, 120_000);
});
