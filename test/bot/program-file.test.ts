// Program files: the default one is valid; a mistake names the file, the line and what is wrong.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadProgram, parseProgram, defaultProgramPath } from '../../bot/program-file';
import { HearthError } from '../../bot/errors';

const text = readFileSync(defaultProgramPath, 'utf8');

function problemsOf(source: string): string[] {
  try {
    parseProgram(source, 'p.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(HearthError);
    return (err as HearthError).message.split('\n');
  }
  throw new Error('expected the program to be rejected');
}

describe('program file', () => {
  it('loads the default program with the numbers of DESIGN.md', () => {
    const p = loadProgram();
    expect(p.timezone).toBe('Asia/Shanghai');
    expect(p.tiers.map((t) => [t.id, t.threshold, t.multiplier, t.upgradeGift])).toEqual([
      ['member', 0, 1, 0],
      ['silver', 1000, 1, 100],
      ['gold', 5000, 1.2, 300],
      ['platinum', 20000, 1.5, 800],
      ['diamond', 50000, 2, 2000],
    ]);
    expect(p.checkin).toEqual({ points: 5, bonusEvery: 7, bonusPoints: 50 });
    expect(p.rewards.find((r) => r.id === 'voucher-50')?.minTier).toBe('gold');
  });

  it('names the line of a wrong value', () => {
    const broken = text.replace('bonusPoints: 50', 'bonusPoints: lots');
    const line = broken.split('\n').findIndex((l) => l.includes('bonusPoints: lots')) + 1;
    const problems = problemsOf(broken);
    expect(problems[0]).toMatch(new RegExp(`^p\\.yaml:${line}: .*checkin\\.bonusPoints`));
  });

  it('names the line of a YAML syntax error', () => {
    const broken = text.replace('timezone: Asia/Shanghai', 'timezone: [Asia/Shanghai');
    expect(problemsOf(broken)[0]).toMatch(/^p\.yaml:\d+: /);
  });

  it('rejects an unknown timezone, falling thresholds, unknown tiers and duplicate ids', () => {
    expect(problemsOf(text.replace('timezone: Asia/Shanghai', 'timezone: Mars/Olympus')).join('\n')).toMatch(/unknown IANA timezone/);
    expect(problemsOf(text.replace('threshold: 5000,', 'threshold: 500,')).join('\n')).toMatch(/thresholds must rise/);
    expect(problemsOf(text.replace('minTier: gold', 'minTier: golden')).join('\n')).toMatch(/no tier "golden"/);
    expect(problemsOf(text.replace('id: koc', 'id: helper')).join('\n')).toMatch(/duplicate id "helper"/);
  });

  it('rejects unknown keys so typos do not pass silently', () => {
    expect(problemsOf(text.replace('tierGraceDays: 30', 'tierGraceDay: 30')).join('\n')).toMatch(/tierGraceDay|Unrecognized/);
  });
});
