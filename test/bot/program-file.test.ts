// Program files: the default one is valid; a mistake names the file, the line and what is wrong.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProgram, parseProgram, defaultProgramPath } from '../../bot/program-file';
import { HearthError } from '../../bot/core/errors';
import { tempDir } from '../harness';

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

// The program rejected with bad_program (and nothing else thrown): its problem lines.
function rejected(run: () => unknown): string[] {
  let caught: unknown;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(HearthError);
  expect((caught as HearthError).code).toBe('bad_program');
  return (caught as HearthError).message.split('\n');
}

/** The default program with `from` replaced by `to` (which must change it), and the 1-based line of `to`'s first line. */
function edit(from: string, to: string): { source: string; line: number } {
  expect(text).toContain(from);
  const source = text.replace(from, to);
  return { source, line: source.split('\n').findIndex((l) => l.includes(to.split('\n')[0]!)) + 1 };
}

/** The problems of the default program changed by `edit`, and the line the change is on. */
function problemsAt(from: string, to: string): { problems: string[]; line: number } {
  const { source, line } = edit(from, to);
  return { problems: rejected(() => parseProgram(source, 'p.yaml')), line };
}

// Nine levels of lists, each holding the level below nine times: 9^9 (387 million) leaves once expanded.
const aliasBomb = [
  'lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
  ...Array.from({ length: 8 }, (_, i) => `lol${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]`),
].join('\n');

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

  describe('rejects what the bot would later use wrongly', () => {
    it('a schedule that is not a cron expression, naming the rule and the line', () => {
      const { problems, line } = problemsAt('schedule: "0 20 * * *"', 'schedule: "99 * * * *"');
      expect(problems).toEqual([
        `p.yaml:${line}: nudge rule "streak-at-risk": schedule "99 * * * *" is not a valid cron expression (minute hour day month weekday, e.g. "0 10 * * *")`,
      ]);
    });

    it('a schedule that never runs, or skips years', () => {
      const never = problemsAt('schedule: "0 20 * * *"', 'schedule: "0 0 31 2 *"');
      expect(never.problems[0]).toBe(`p.yaml:${never.line}: nudge rule "streak-at-risk": schedule "0 0 31 2 *" never runs: day 31 does not occur in that month`);
      const leap = problemsAt('schedule: "0 20 * * *"', 'schedule: "0 10 29 2 *"');
      expect(leap.problems[0]).toMatch(new RegExp(`^p\\.yaml:${leap.line}: nudge rule "streak-at-risk": .*does not run every year`));
      // Friday the 13th of February: some years have none.
      const friday = problemsAt('schedule: "0 20 * * *"', 'schedule: "0 10 13 2 5"');
      expect(friday.problems[0]).toMatch(new RegExp(`^p\\.yaml:${friday.line}: .*does not run every year`));
    });

    it('a schedule running more than hourly', () => {
      const { problems, line } = problemsAt('schedule: "0 20 * * *"', 'schedule: "* * * * *"');
      expect(problems[0]).toMatch(new RegExp(`^p\\.yaml:${line}: nudge rule "streak-at-risk": schedule "\\* \\* \\* \\* \\*" runs more than 24 times a day`));
    });

    it('accepts weekly, monthly and yearly schedules', () => {
      for (const schedule of ['0 9 * * 1', '30 8 1 * *', '0 10 11 11 *', '0 10 * 2 5', '0 9-20 * * *', '0 10 31 * *']) {
        expect(() => parseProgram(text.replace('schedule: "0 20 * * *"', `schedule: "${schedule}"`), 'p.yaml'), schedule).not.toThrow();
      }
    });

    it('numbers beyond their bounds, below zero, or fractional where a whole number is meant', () => {
      for (const value of ['99999999', '-1', '1.5', '.inf', '"3"']) {
        const { problems, line } = problemsAt('pendingDays: 0 ', `pendingDays: ${value} `);
        expect(problems, value).toEqual([`p.yaml:${line}: must be a whole number of days from 0 to 365 (points.pendingDays)`]);
      }
      const cases: [string, string, RegExp][] = [
        ['perCny: 1  ', 'perCny: 5000  ', /a number of points per CNY above 0 and at most 1,000 \(points\.perCny\)/],
        ['expiryMonths: 24', 'expiryMonths: 1200', /whole number of months from 1 to 120 \(points\.expiryMonths\)/],
        ['multiplier: 2.0, upgradeGift: 2000', 'multiplier: 1000, upgradeGift: 2000', /a multiplier above 0 and at most 100 \(tiers\.4\.multiplier\)/],
        ['threshold: 50000,', 'threshold: 5000000000,', /from 0 to 1,000,000,000 \(tiers\.4\.threshold\)/],
        ['bonusPoints: 50', 'bonusPoints: 5000000', /from 0 to 1,000,000 \(checkin\.bonusPoints\)/],
        ['maxRewardedPerDay: 3', 'maxRewardedPerDay: 1000', /from 0 to 100 \(ugc\.maxRewardedPerDay\)/],
        ['dailyCap: 1', 'dailyCap: 25', /nudges a day from 0 to 24 \(nudges\.dailyCap\)/],
        ['ratingWindowMinutes: 60', 'ratingWindowMinutes: 100000', /minutes from 1 to 10,080 \(escalation\.ratingWindowMinutes\)/],
        ['highValueCny: 5000', 'highValueCny: 1e12', /an amount in CNY above 0 and at most 100,000,000 \(escalation\.highValueCny\)/],
        ['params: { days: 30 }', 'params: { days: 3000 }', /days must be a whole number from 1 to 365 \(nudges\.rules\.3\.params\.days\)/],
        ['params: { minStreak: 3 }', 'params: { minStreak: 2.5 }', /minStreak must be a whole number from 1 to 3,650 \(nudges\.rules\.5\.params\.minStreak\)/],
      ];
      for (const [from, to, reason] of cases) {
        const { problems, line } = problemsAt(from, to);
        expect(problems, to).toHaveLength(1);
        expect(problems[0], to).toMatch(new RegExp(`^p\\.yaml:${line}: `));
        expect(problems[0], to).toMatch(reason);
      }
    });

    it('staff written with spaces around the id', () => {
      const { problems, line } = problemsAt('staff: []', 'staff: ["  9001 "]');
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^p\\.yaml:${line}: "  9001 " has spaces around it .*write it with its channel.*\\(staff\\.0\\)$`));
    });

    it('a bare Telegram-looking id, or an unknown channel, in groups', () => {
      const { problems, line } = problemsAt('groups: []', 'groups: ["9001", "-1001234567890", "whatsapp:1", "alice"]');
      expect(problems).toEqual([
        `p.yaml:${line}: "9001" looks like a Telegram id: write telegram:9001 (a bare id means the console) (groups.0)`,
        `p.yaml:${line}: "-1001234567890" looks like a Telegram id: write telegram:-1001234567890 (a bare id means the console) (groups.1)`,
        expect.stringMatching(new RegExp(`^p\\.yaml:${line}: "whatsapp" is not a channel .*\\(groups\\.2\\)$`)),
      ]);
    });

    it('a YAML alias bomb, at the line of its first alias', () => {
      const source = `${aliasBomb}\n${text}`;
      const problems = rejected(() => parseProgram(source, 'p.yaml'));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^p\.yaml:2: too many aliases/);
    });

    it('nesting too deep, an empty file and a file that is not a mapping', () => {
      expect(rejected(() => parseProgram(`x: ${'['.repeat(50_000)}${']'.repeat(50_000)}`, 'p.yaml'))).toEqual(['p.yaml:1: the file is nested too deeply to read']);
      for (const source of [`x: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n${text}`, '', '   \n', 'hello', '- 1\n- 2', '\u0000\u0001binary']) {
        expect(rejected(() => parseProgram(source, 'p.yaml'))[0]).toMatch(/^p\.yaml:\d+: \S/);
      }
    });

    it('a file larger than 1 MB', () => {
      const big = `${text}\n#${'x'.repeat(1024 * 1024)}\n`;
      expect(rejected(() => parseProgram(big, 'p.yaml'))).toEqual([expect.stringMatching(/^p\.yaml:1: the program file is larger than 1 MB/)]);
      const file = join(tempDir(), 'big.yaml');
      writeFileSync(file, big);
      expect(rejected(() => loadProgram(file))[0]).toMatch(/big\.yaml:1: the program file is larger than 1 MB/);
    });

    it('campaign dates that are not real, or run backwards, and a campaign with both kinds of dates', () => {
      const backwards = problemsAt('everyYear: "11-11"', 'from: "2026-11-12", to: "2026-11-11"');
      expect(backwards.problems).toEqual([`p.yaml:${backwards.line}: the campaign ends (to: 2026-11-11) before it starts (from: 2026-11-12) (campaigns.0.to)`]);
      const feb30 = problemsAt('everyYear: "11-11"', 'everyYear: "02-30"');
      expect(feb30.problems).toEqual([`p.yaml:${feb30.line}: expected a day of the year as MM-DD, e.g. "11-11" (campaigns.0.everyYear)`]);
      const notLeap = problemsAt('everyYear: "11-11"', 'from: 2027-02-29, to: 2027-03-01');
      expect(notLeap.problems[0]).toMatch(new RegExp(`^p\\.yaml:${notLeap.line}: expected a calendar date .*\\(campaigns\\.0\\.from\\)$`));
      const both = problemsAt('everyYear: "11-11"', 'everyYear: "11-11", from: 2026-11-01, to: 2026-11-11');
      expect(both.problems[0]).toMatch(/everyYear or from and to, not both/);
      expect(() => parseProgram(text.replace('everyYear: "11-11"', 'everyYear: "02-29"'), 'p.yaml')).not.toThrow();
    });

    it('quiet hours that start and end at the same time', () => {
      const { problems, line } = problemsAt('quietHours: { from: "21:00", to: "09:00" }', 'quietHours: { from: "21:00", to: "21:00" }');
      expect(problems).toEqual([`p.yaml:${line}: quiet hours need different from and to times (from equal to to is not a range) (nudges.quietHours.to)`]);
    });

    it('managers told no later than staff are reminded', () => {
      for (const minutes of ['10', '5']) {
        const { problems, line } = problemsAt('managersAfterMinutes: 30', `managersAfterMinutes: ${minutes}`);
        expect(problems).toEqual([expect.stringMatching(new RegExp(`^p\\.yaml:${line}: managers are told after staff are reminded: .*must be more than remindAfterMinutes`))]);
      }
    });

    it('blank and overlong names and templates', () => {
      const blank = problemsAt('en: Silver }', 'en: "   " }');
      expect(blank.problems).toEqual([`p.yaml:${blank.line}: must not be empty (tiers.1.name.en)`]);
      const long = problemsAt('en: Helper }', `en: ${'x'.repeat(101)} }`);
      expect(long.problems).toEqual([`p.yaml:${long.line}: must be at most 100 characters (badges.0.name.en)`]);
    });
  });
});
