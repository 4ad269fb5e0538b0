// The pure community-life rules: streaks across month ends, the bonus cycle, text folding for duplicates and length,
// badge lookup by any of its names, and invite codes that are stable and easy to read.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { program } from '../harness';
import { contentLength, daysToNextBonus, findBadge, inviteCodeFor, normalizeText, qualifyingBadges, streakFor, checkinAward } from '../../community/community-life';

const p = program();

describe('community-life rules', () => {
  it('continues a streak only from the day before, across month and year ends', () => {
    expect(streakFor('2026-03-01', { day: '2026-02-28', streak: 4 })).toBe(5);
    expect(streakFor('2027-01-01', { day: '2026-12-31', streak: 9 })).toBe(10);
    expect(streakFor('2026-03-02', { day: '2026-02-28', streak: 4 })).toBe(1);
    expect(streakFor('2026-03-02')).toBe(1);
  });

  it('pays the bonus on every 7th day and counts down to the next one', () => {
    expect([1, 6, 7, 8, 14].map((s) => checkinAward(p, s).bonus)).toEqual([0, 0, 50, 0, 50]);
    expect([1, 6, 7, 8].map((s) => daysToNextBonus(p, s))).toEqual([6, 1, 7, 6]);
    fc.assert(fc.property(fc.integer({ min: 1, max: 10_000 }), (s) => (s + daysToNextBonus(p, s)) % 7 === 0));
  });

  it('folds width, case, spaces, punctuation and emoji for duplicates and the length rule', () => {
    expect(normalizeText('Ｌｏｖｅ it!! 👍')).toBe(normalizeText('love   it'));
    expect(normalizeText('这款面霜，很好用！')).toBe(normalizeText('这款面霜 很好用'));
    expect(contentLength('Nice!!! 👍👍')).toBe(4);
    expect(contentLength('好用好用')).toBe(4);
  });

  it('finds a badge by id, either name or emoji, and nothing for a stranger', () => {
    expect(['helper', '热心助人', 'HELPER', '🤝', '30-day streak'].map((q) => findBadge(p, q)?.id)).toEqual(['helper', 'helper', 'helper', 'helper', 'streak-30']);
    expect(findBadge(p, 'superstar')).toBeUndefined();
    expect(findBadge(p, '')).toBeUndefined();
  });

  it('grants automatic badges from the thresholds in the program', () => {
    expect(qualifyingBadges(p, { streak: 29 }).map((b) => b.id)).toEqual([]);
    expect(qualifyingBadges(p, { streak: 30 }).map((b) => b.id)).toEqual(['streak-30']);
    expect(qualifyingBadges(p, { approvedPosts: 10 }).map((b) => b.id)).toEqual(['creator']);
  });

  it('makes stable eight-character invite codes without look-alike characters, keyed by the install', () => {
    expect(inviteCodeFor('s1', 1)).toBe(inviteCodeFor('s1', 1));
    expect(inviteCodeFor('s1', 1)).not.toBe(inviteCodeFor('s1', 1, 1));
    // The first member's code is not the same in every install.
    expect(inviteCodeFor('s1', 1)).not.toBe(inviteCodeFor('s2', 1));
    const codes = Array.from({ length: 2000 }, (_, i) => inviteCodeFor('s1', i + 1));
    for (const c of codes) expect(c).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    expect(new Set(codes).size).toBe(2000);
  });
});
