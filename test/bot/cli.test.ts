// The command line as a person uses it: piped console chat, `hearth replay` output and exit codes, check-program.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../harness';
import { defaultProgramPath } from '../../bot/program-file';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'hearth.js');

function hearth(args: string[], input = '', env: Record<string, string> = {}) {
  const res = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    input,
    encoding: 'utf8',
    env: { ...process.env, HEARTH_LOG_LEVEL: 'error', ...env },
    timeout: 60_000,
  });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

describe('hearth CLI', () => {
  it('hearth bind-code prints a one-time code that a member binds with in the console', () => {
    const dir = tempDir();
    const env = { HEARTH_DB: join(dir, 'h.db') };
    const issued = hearth(['bind-code', 'C1001', '--minutes', '5'], '', env);
    expect(issued.code).toBe(0);
    const code = /^([A-Z0-9]{8}) /.exec(issued.out)?.[1];
    expect(code).toBeDefined();
    const res = hearth(['console'], `:dm\n/bind ${code}\n/bind ${code}\n`, env);
    expect(res.out).toContain('✅ Your shop account is linked');
    expect(res.out).toContain('This shop account is already linked to you.');
    expect(hearth(['bind-code'], '', env)).toMatchObject({ code: 2, err: expect.stringContaining('usage: hearth bind-code CUSTOMER') });
  });

  it('answers piped /help in English, then 帮助 in Chinese, and exits 0 at end of input', () => {
    const dir = tempDir();
    const res = hearth(['start'], '/help\n帮助\n', { HEARTH_DB: join(dir, 'h.db') });
    expect(res.code).toBe(0);
    const en = res.out.indexOf('Here is what I can do');
    const zh = res.out.indexOf('我可以帮你');
    expect(en).toBeGreaterThanOrEqual(0);
    expect(zh).toBeGreaterThan(en);
  });

  it('replays a script and prints one JSON line per bot message with replyTo', () => {
    const dir = tempDir();
    const file = join(dir, 'help.jsonl');
    writeFileSync(
      file,
      [
        { type: 'message', id: 'm1', at: '2026-03-01T09:00:00+08:00', chat: 'u1', chatType: 'private', from: 'u1', text: '/help' },
        { type: 'message', id: 'm2', at: '2026-03-01T09:01:00+08:00', chat: 'u1', chatType: 'private', from: 'u1', text: '帮助' },
      ]
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    const res = hearth(['replay', file]);
    expect(res.code).toBe(0);
    const lines = res.out.trim().split('\n').map((l) => JSON.parse(l) as { at: string; chat: string; text: string; replyTo: string });
    expect(lines.map((l) => [l.at, l.chat, l.replyTo])).toEqual([
      ['2026-03-01T09:00:00+08:00', 'u1', 'm1'],
      ['2026-03-01T09:01:00+08:00', 'u1', 'm2'],
    ]);
    expect(lines[0]!.text).toContain('Here is what I can do');
    expect(lines[1]!.text).toContain('我可以帮你');
  });

  it('stops at a malformed line with exit 2 and "line N: reason", processing nothing', () => {
    const dir = tempDir();
    const file = join(dir, 'bad.jsonl');
    const db = join(dir, 'bad.db');
    writeFileSync(
      file,
      `${JSON.stringify({ type: 'message', id: 'm1', at: '2026-03-01T09:00:00+08:00', chat: 'u1', chatType: 'private', from: 'u1', text: '/help' })}\n{"type":"message","id":\n`,
    );
    const res = hearth(['replay', file, '--db', db]);
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/^line 2: /);
    expect(res.out).toBe('');
  });

  it('rejects events out of time order and unknown event types', () => {
    const dir = tempDir();
    const file = join(dir, 'order.jsonl');
    writeFileSync(
      file,
      [
        { type: 'tick', at: '2026-03-02T09:00:00+08:00' },
        { type: 'tick', at: '2026-03-01T09:00:00+08:00' },
      ]
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    expect(hearth(['replay', file]).err).toMatch(/^line 2: .*time order/);
    writeFileSync(file, '{"type":"dance","at":"2026-03-01T09:00:00+08:00"}\n');
    const res = hearth(['replay', file]);
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/^line 1: /);
  });

  it('check-program accepts the default program and names the line of a mistake', () => {
    expect(hearth(['check-program', defaultProgramPath]).code).toBe(0);
    const dir = tempDir();
    const file = join(dir, 'p.yaml');
    writeFileSync(file, readFileSync(defaultProgramPath, 'utf8').replace('points: 20', 'points: -20'));
    const res = hearth(['check-program', file]);
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/p\.yaml:\d+: .*ugc\.points/);
  });

  it('check-program reports a YAML alias bomb as a mistake at its line, without a stack trace', () => {
    const bomb = [
      'lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
      ...Array.from({ length: 8 }, (_, i) => `lol${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]`),
    ].join('\n');
    const file = join(tempDir(), 'bomb.yaml');
    writeFileSync(file, `${bomb}\n${readFileSync(defaultProgramPath, 'utf8')}`);
    const res = hearth(['check-program', file]);
    expect(res.code).toBe(1);
    expect(res.out).toBe('');
    expect(res.err).toMatch(/^hearth: .*bomb\.yaml:\d+: too many aliases/m);
    expect(res.err).not.toMatch(/^ {4}at /m);
  });
});
