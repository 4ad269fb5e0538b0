// Community-life rules as pure functions: check-in streaks and their bonus, UGC text folding, automatic badges,
// badge lookup by name, and invite codes. Inputs in, decisions out; no clock reads.
import { createHmac } from 'node:crypto';
import type { Badge, Program } from './program';
import { addDays } from './calendar';

/** The streak a check-in on `day` makes, given the member's latest earlier check-in (if any). */
export function streakFor(day: string, previous?: { day: string; streak: number }): number {
  return previous && addDays(previous.day, 1) === day ? previous.streak + 1 : 1;
}

/** What a check-in earns: the base points, and the bonus when the streak hits a multiple of `bonusEvery`. */
export function checkinAward(program: Program, streak: number): { points: number; bonus: number; growth: number } {
  const { points, bonusEvery, bonusPoints } = program.checkin;
  return { points, bonus: streak > 0 && streak % bonusEvery === 0 ? bonusPoints : 0, growth: program.growth.perCheckin };
}

/** Check-ins still needed after a day with this streak until the next bonus (a full cycle right after a bonus). */
export function daysToNextBonus(program: Program, streak: number): number {
  const every = program.checkin.bonusEvery;
  return every - (streak % every);
}

/** Fold a post for duplicate checks: width and case folded, spaces, punctuation and symbols removed. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}\p{Z}\s]+/gu, '');
}

/** Length in characters (code points) of a post once folded: emoji and punctuation padding do not count. */
export function contentLength(text: string): number {
  return [...normalizeText(text)].length;
}

/** Automatic badges the member has just qualified for, given their current streak and approved-post count. */
export function qualifyingBadges(program: Program, stats: { streak?: number; approvedPosts?: number }): Badge[] {
  return program.badges.filter((b) => {
    if (!b.auto) return false;
    if (b.auto.rule === 'streak') return stats.streak !== undefined && stats.streak >= b.auto.days;
    return stats.approvedPosts !== undefined && stats.approvedPosts >= b.auto.count;
  });
}

/** Find a badge by id, Chinese or English name, or emoji (case and spaces ignored). */
export function findBadge(program: Program, query: string): Badge | undefined {
  const q = query.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  if (q === '') return undefined;
  const fold = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  return program.badges.find(
    (b) => fold(b.id) === q || fold(b.name.zh) === q || fold(b.name.en) === q || fold(b.emoji) === q || fold(`${b.emoji}${b.name.zh}`) === q || fold(`${b.emoji}${b.name.en}`) === q,
  );
}

const codeAlphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** How long an invite code is: 32⁸ (about 10¹²) codes, so guessing one a member holds is hopeless. */
export const INVITE_CODE_LENGTH = 8;

/**
 * A member's invite code: keyed by the install's secret (so nobody can work out a member's code from their number,
 * and the first member's code differs between installs), stable for a member, with `attempt` to step past a
 * collision. No 0/O/1/I, so codes survive being read aloud or retyped.
 */
export function inviteCodeFor(secret: string, memberId: number, attempt = 0): string {
  const digest = createHmac('sha256', secret).update(`hearth-invite:${memberId}:${attempt}`).digest();
  let code = '';
  for (let i = 0; i < INVITE_CODE_LENGTH; i++) code += codeAlphabet[digest[i]! % codeAlphabet.length];
  return code;
}

/** True when text looks like an invite code (what `/start CODE` and join events carry). */
export function looksLikeInviteCode(text: string): boolean {
  return /^[A-Za-z0-9]{4,16}$/.test(text);
}
