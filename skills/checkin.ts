// Daily check-in (签到 打卡 /checkin "check in"): once per member per local day, points and growth, the streak and its
// bonus, the referral reward on an invited member's first check-in, automatic streak badges; and `/top` 排行榜.
import { recogniseIntent } from '../community/intents';
import type { HearthDeps, Skill, SkillContext } from '../bot/core/skill';
import type { Lang } from '../bot/core/types';
import type { Audience } from '../bot/core/copy';
import type { Badge } from '../community/program';
import { addDays, addMonths, localDate, localMonth, startOfLocalDay } from '../community/calendar';
import { lotExpiresAt } from '../community/earning';
import { checkinAward, daysToNextBonus, qualifyingBadges, streakFor } from '../community/community-life';
import { inTransaction } from '../store/db';
import { balanceOf, earnPoints, entryByKey } from '../store/ledger';
import { checkinOn, insertCheckin, latestCheckinBefore, leaderboard, leaderboardRank, setCheckinStreak, type CheckinRow } from '../store/checkins';
import { markRedemptionUsed, unusedRedemptions } from '../store/redemptions';
import { badgesOf, grantAutoBadge } from '../store/badges';
import { getMember } from '../store/members';
import { commandSpec, isCommand } from './commands';
import { reviewTier, tierChangeText } from './tiers';
import { notifyReferralPaid, payReferralIfDue } from './welcome';
import { checkinCopy } from './checkin.copy';


/** What a check-in did. */
export type CheckinResult =
  | { kind: 'duplicate'; day: string; streak: number }
  | {
      kind: 'checked-in';
      day: string;
      streak: number;
      /** The streak that was broken by this check-in restarting at 1, if any. */
      brokenStreak?: number;
      points: number;
      bonus: number;
      balance: number;
      referral?: { inviterId: number; points: number };
      badges: Badge[];
    };

/**
 * Check a member in for the local day of `now`, in one transaction: the unique (member, day) row and the ledger keys
 * (`checkin:<member>:<day>`, `checkin-bonus:…`, `referral:<invitee>`) make a second or concurrent attempt a duplicate.
 */
export function checkIn(
  deps: Pick<HearthDeps, 'db' | 'program'>,
  memberId: number,
  where: { channel: string; chat: string; messageId?: string },
  now: Date,
): CheckinResult {
  const { db, program } = deps;
  const tz = program.timezone;
  return inTransaction(db, () => {
    const day = localDate(now, tz);
    const today = checkinOn(db, memberId, day);
    if (today && where.messageId !== undefined && today.messageId === where.messageId && today.channel === where.channel) {
      // The same message handled again (a redelivery racing the first run on another worker): whichever run's reply is
      // committed must tell the same story, so rebuild the award from what that first run wrote.
      return rebuiltCheckin(deps, memberId, today);
    }
    if (today) return { kind: 'duplicate', day, streak: today.streak };
    const previous = latestCheckinBefore(db, memberId, day);
    const streak = streakFor(day, previous);
    insertCheckin(db, { memberId, day, streak, at: now.getTime(), channel: where.channel, chat: where.chat, messageId: where.messageId });
    const award = checkinAward(program, streak);
    const expiresAt = lotExpiresAt(program, now);
    earnPoints(db, { memberId, points: award.points, growth: award.growth, key: `checkin:${memberId}:${day}`, reason: 'checkin', ref: day, at: now, expiresAt });
    if (award.bonus > 0) {
      earnPoints(db, { memberId, points: award.bonus, key: `checkin-bonus:${memberId}:${day}`, reason: 'checkin-bonus', ref: day, at: now, expiresAt, note: `${streak}-day streak` });
    }
    // The inviter is paid once the invitee is really active: this check-in may be the one that makes them qualify.
    const referral = payReferralIfDue(deps, memberId, now, 'checkin');
    const badges = qualifyingBadges(program, { streak }).filter((b) => grantAutoBadge(db, memberId, b.id, now));
    const brokenStreak = streak === 1 && previous && previous.streak > 1 ? previous.streak : undefined;
    return { kind: 'checked-in', day, streak, brokenStreak, points: award.points, bonus: award.bonus, balance: balanceOf(db, memberId), referral, badges };
  });
}

/** After growth value was earned: review the member's tier; returns the line about any change, for the reply. */
export function afterGrowth(deps: Pick<HearthDeps, 'db' | 'program' | 'queue' | 'reach'>, memberId: number, now: Date, lang: Lang): string[] {
  const change = reviewTier(deps, memberId, now);
  return change ? [tierChangeText(change, { lang, program: deps.program })] : [];
}

function rebuiltCheckin(deps: Pick<HearthDeps, 'db' | 'program'>, memberId: number, row: CheckinRow): CheckinResult {
  const { db, program } = deps;
  const base = entryByKey(db, `checkin:${memberId}:${row.day}`);
  const bonus = entryByKey(db, `checkin-bonus:${memberId}:${row.day}`);
  const referralEntry = entryByKey(db, `referral:${memberId}`);
  const previous = latestCheckinBefore(db, memberId, row.day);
  return {
    kind: 'checked-in',
    day: row.day,
    streak: row.streak,
    brokenStreak: row.streak === 1 && previous && previous.streak > 1 ? previous.streak : undefined,
    points: base?.points ?? 0,
    bonus: bonus?.points ?? 0,
    balance: balanceOf(db, memberId),
    referral: referralEntry && referralEntry.at === row.at ? { inviterId: referralEntry.memberId, points: referralEntry.points } : undefined,
    badges: badgesOf(db, memberId)
      .filter((b) => b.grantedBy === null && b.grantedAt === row.at)
      .flatMap((b) => program.badges.filter((p) => p.id === b.badgeId)),
  };
}

/**
 * True for 签到, 打卡, /checkin, "check in" (a mention of the bot and trailing punctuation allowed), and for a check-in
 * asked in other words ("帮我打个卡", "I'd like to check in") when the message is for the bot.
 */
export function isCheckinText(ctx: SkillContext): boolean {
  if (ctx.command) return ctx.command.name === 'checkin';
  const text = ctx.msg.text
    .replace(/@\S+/g, ' ')
    .trim()
    .toLowerCase()
    .replace(/[\s!！。.~～]+$/u, '')
    .replace(/\s+/g, ' ');
  const { words } = commandSpec('checkin');
  // The whole message is the word (a mention of the bot and trailing punctuation aside); "checkin" without a slash too.
  if ([...words.zh, ...words.en, 'checkin'].includes(text)) return true;
  return ctx.addressed && text.length <= 60 && recogniseIntent(ctx.msg.text).name === 'checkin';
}

/** The lines announcing badges just earned. */
export function newBadgeLines(to: Audience, badges: Badge[]): string[] {
  return badges.map((b) => checkinCopy.say(to, 'newBadge', { emoji: b.emoji, badge: b.name[to.lang] }));
}

function checkinText(ctx: SkillContext, r: CheckinResult, inviterName?: string): string {
  const say = checkinCopy.to(ctx);
  const program = ctx.deps.program;
  const days = daysToNextBonus(program, r.streak);
  const bonusPoints = program.checkin.bonusPoints;
  const inGroup = ctx.msg.chatType === 'group';
  const name = ctx.member.name;
  if (r.kind === 'duplicate') {
    const next = bonusPoints > 0 ? say('seeYouForBonus', { days, bonus: bonusPoints }) : say('seeYou');
    return inGroup ? say('alreadyInGroup', { name, streak: r.streak, next }) : say('already', { streak: r.streak, next });
  }
  const bonus = r.bonus > 0 ? say('streakBonus', { streak: r.streak, bonus: r.bonus }) : '';
  const next = bonusPoints > 0 ? say(r.bonus > 0 ? 'toNextBonus' : 'toBonus', { days, bonus: bonusPoints }) : '';
  const lines = [
    inGroup ? say('doneInGroup', { name, points: r.points, bonus, streak: r.streak, next }) : say('done', { points: r.points, bonus, streak: r.streak, next, balance: r.balance }),
  ];
  if (r.brokenStreak) lines.push(say('streakEnded', { streak: r.brokenStreak }));
  lines.push(...newBadgeLines(ctx, r.badges));
  if (r.referral && inviterName) lines.push(say('referralPaid', { inviter: inviterName, points: r.referral.points }));
  return lines.join('\n');
}

/** Answers 签到 / 打卡 / /checkin / "check in". */
export const checkinSkill: Skill = {
  name: 'checkin',
  middleware(ctx, next) {
    if (!isCheckinText(ctx)) return next();
    ctx.handled = true;
    if (ctx.command && ctx.command.args !== '') {
      ctx.reply(checkinCopy.say(ctx, 'noArguments'));
      return;
    }
    const result = checkIn(ctx.deps, ctx.member.id, { channel: ctx.msg.channel, chat: ctx.msg.chat, messageId: ctx.msg.id }, ctx.now);
    const inviterName = result.kind === 'checked-in' && result.referral ? getMember(ctx.deps.db, result.referral.inviterId)?.name : undefined;
    const lines = [checkinText(ctx, result, inviterName)];
    if (result.kind === 'checked-in') lines.push(...(afterGrowth(ctx.deps, ctx.member.id, ctx.now, ctx.lang)));
    ctx.reply(lines.filter((l) => l !== '').join('\n'));
    if (result.kind === 'checked-in' && result.referral) notifyReferralPaid(ctx.deps, result.referral, ctx.member.id, ctx.now);
  },
};

/** What using a make-up card (补签卡) did. */
export type MakeupResult =
  | { kind: 'no-card'; cost?: number }
  | { kind: 'not-missed' }
  | { kind: 'no-streak' }
  | { kind: 'restored'; day: string; streak: number; todayStreak?: number; bonus: number; cardsLeft: number; badges: Badge[] };

/** Whether a make-up card could fill a day now: yesterday missed right after a check-in the day before. */
export type MakeupGap = { kind: 'fits'; day: string; streak: number } | { kind: 'not-missed' } | { kind: 'no-streak' };

/** The day a make-up card would fill for the member now (the rule /makeup applies), or why there is none. */
export function makeupGap(db: HearthDeps['db'], program: HearthDeps['program'], memberId: number, now: Date): MakeupGap {
  const yesterday = addDays(localDate(now, program.timezone), -1);
  if (checkinOn(db, memberId, yesterday)) return { kind: 'not-missed' };
  const before = latestCheckinBefore(db, memberId, yesterday);
  if (!before || before.day !== addDays(yesterday, -1)) return { kind: 'no-streak' };
  return { kind: 'fits', day: yesterday, streak: before.streak + 1 };
}

/**
 * Whether selling a make-up card now gives the member one they can use: a missed day it can fill, and no unused card
 * of theirs already waiting for it. Checked before charging, so a card is never sold to be refused.
 */
export function makeupCardSellable(deps: Pick<HearthDeps, 'db' | 'program'>, memberId: number, now: Date): { ok: true } | { ok: false; why: 'not-missed' | 'no-streak' | 'has-card' } {
  const gap = makeupGap(deps.db, deps.program, memberId, now);
  if (gap.kind !== 'fits') return { ok: false, why: gap.kind };
  const held = deps.program.rewards.filter((r) => r.kind === 'makeup-card').some((r) => unusedRedemptions(deps.db, memberId, r.id).length > 0);
  return held ? { ok: false, why: 'has-card' } : { ok: true };
}

/**
 * Fill in yesterday with one of the member's unused make-up cards (a `makeup-card` reward they redeemed), so the streak
 * continues: the filled day earns no points of its own, but a streak bonus it (or today's check-in) reaches is paid.
 * Only a one-day gap right behind today can be bridged.
 */
export function useMakeupCard(deps: Pick<HearthDeps, 'db' | 'program'>, memberId: number, where: { channel: string; chat: string; messageId?: string }, now: Date): MakeupResult {
  const { db, program } = deps;
  const cardRewards = program.rewards.filter((r) => r.kind === 'makeup-card');
  return inTransaction(db, (): MakeupResult => {
    const cards = cardRewards.flatMap((r) => unusedRedemptions(db, memberId, r.id)).sort((a, b) => a.id - b.id);
    if (cards.length === 0) return { kind: 'no-card', cost: cardRewards[0]?.cost };
    const today = localDate(now, program.timezone);
    const gap = makeupGap(db, program, memberId, now);
    if (gap.kind !== 'fits') return gap;
    const { day: yesterday, streak } = gap;
    if (!insertCheckin(db, { memberId, day: yesterday, streak, at: now.getTime(), channel: where.channel, chat: where.chat, messageId: where.messageId, makeup: true })) {
      return { kind: 'not-missed' };
    }
    markRedemptionUsed(db, cards[0]!.id, now);
    const expiresAt = lotExpiresAt(program, now);
    let bonus = 0;
    const payBonus = (day: string, s: number) => {
      const b = checkinAward(program, s).bonus;
      if (b > 0 && earnPoints(db, { memberId, points: b, key: `checkin-bonus:${memberId}:${day}`, reason: 'checkin-bonus', ref: day, at: now, expiresAt, note: `${s}-day streak (make-up card)` }).created) bonus += b;
    };
    payBonus(yesterday, streak);
    const todayRow = checkinOn(db, memberId, today);
    let todayStreak: number | undefined;
    if (todayRow) {
      todayStreak = streak + 1;
      setCheckinStreak(db, memberId, today, todayStreak);
      payBonus(today, todayStreak);
    }
    const badges = qualifyingBadges(program, { streak: todayStreak ?? streak }).filter((b) => grantAutoBadge(db, memberId, b.id, now));
    return { kind: 'restored', day: yesterday, streak, todayStreak, bonus, cardsLeft: cards.length - 1, badges };
  });
}

function makeupText(ctx: SkillContext, r: MakeupResult): string {
  const say = checkinCopy.to(ctx);
  switch (r.kind) {
    case 'no-card':
      return r.cost === undefined ? say('makeupUnavailable') : say('makeupNoCard', { cost: r.cost });
    case 'not-missed':
      return say('makeupNotMissed');
    case 'no-streak':
      return say('makeupNoStreak');
    case 'restored': {
      const [, month, day] = r.day.split('-').map(Number) as [number, number, number];
      const restored = { month, day, date: r.day, streak: r.todayStreak ?? r.streak };
      const lines = [say(r.todayStreak ? 'makeupRestoredWithToday' : 'makeupRestored', restored)];
      if (r.bonus > 0) lines.push(say('makeupBonus', { bonus: r.bonus }));
      lines.push(...newBadgeLines(ctx, r.badges), say('makeupCardsLeft', { cards: r.cardsLeft }));
      return lines.join('\n');
    }
  }
}

/** 补签 / `/makeup`: use a make-up card on yesterday. */
export const makeupSkill: Skill = {
  name: 'makeup',
  middleware(ctx, next) {
    if (!isCommand(ctx, 'makeup')) return next();
    ctx.handled = true;
    ctx.reply(makeupText(ctx, useMakeupCard(ctx.deps, ctx.member.id, { channel: ctx.msg.channel, chat: ctx.msg.chat, messageId: ctx.msg.id }, ctx.now)));
  },
};

const monthNames = new Intl.DateTimeFormat('en-US', { month: 'long', timeZone: 'UTC' });

/** `/top` 排行榜: this month's community points (check-ins, posts, referrals) and live streaks, for this group. */
export const topSkill: Skill = {
  name: 'top',
  middleware(ctx, next) {
    if (!isCommand(ctx, 'top')) return next();
    ctx.handled = true;
    const { db, program } = ctx.deps;
    const tz = program.timezone;
    const month = localMonth(ctx.now, tz);
    const from = startOfLocalDay(`${month}-01`, tz);
    const to = addMonths(from, 1, tz);
    const scope = ctx.msg.chatType === 'group' ? { channel: ctx.msg.channel, chat: ctx.msg.chat } : { channel: ctx.msg.channel };
    const rows = leaderboard(db, scope, from, to, 10);
    const today = localDate(ctx.now, tz);
    const yesterday = addDays(today, -1);
    const say = checkinCopy.to(ctx);
    const monthNo = Number(month.slice(5, 7));
    if (rows.length === 0) return void ctx.reply(say('topEmpty', { month: monthNo }));
    const medals = ['🥇', '🥈', '🥉'];
    const lines = [say('topTitle', { month: monthNo, monthName: monthNames.format(new Date(Date.UTC(2000, monthNo - 1, 1))) })];
    rows.forEach((r, i) => {
      const streak = r.lastDay === today || r.lastDay === yesterday ? r.lastStreak : 0;
      const row = { place: medals[i] ?? `${i + 1}.`, name: r.name, points: r.points };
      lines.push(streak > 0 ? say('topRowStreak', { ...row, streak }) : say('topRow', row));
    });
    if (!rows.some((r) => r.memberId === ctx.member.id)) {
      const mine = leaderboardRank(db, scope, from, to, ctx.member.id);
      lines.push(mine ? say('topYourRank', { rank: mine.rank, points: mine.points }) : say('topNotOnBoard'));
    }
    ctx.reply(lines.join('\n'));
  },
};

/** Today's check-in state: whether the member checked in today, and the streak that stands (or goes on today). */
function checkinState(ctx: SkillContext): { today: boolean; streak: number } {
  const today = localDate(ctx.now, ctx.deps.program.timezone);
  const row = checkinOn(ctx.deps.db, ctx.member.id, today);
  if (row) return { today: true, streak: row.streak };
  const last = latestCheckinBefore(ctx.deps.db, ctx.member.id, today);
  // A streak ending yesterday still stands until today is over; an older one is already broken.
  return { today: false, streak: last && last.day === addDays(today, -1) ? last.streak : 0 };
}

/** The line on today's state, for both check-in questions. */
function stateLine(ctx: SkillContext): string {
  const say = checkinCopy.to(ctx);
  const { today, streak } = checkinState(ctx);
  if (today) return say('statusDone', { streak });
  return streak > 0 ? say('statusNotYet', { streak }) : say('statusNotYetNoStreak');
}

/** "签到有什么用": what checking in gives (points, the streak bonus, growth), and today's state; it checks nobody in. */
export function checkinInfoText(ctx: SkillContext): string {
  const say = checkinCopy.to(ctx);
  const { checkin, growth } = ctx.deps.program;
  const lines = [say('infoPoints', { points: checkin.points })];
  if (checkin.bonusPoints > 0) lines.push(say('infoBonus', { every: checkin.bonusEvery, bonus: checkin.bonusPoints }));
  if (growth.perCheckin > 0) lines.push(say('infoGrowth', { growth: growth.perCheckin }));
  lines.push(stateLine(ctx));
  return lines.join('\n');
}

/** "我今天签到了吗": whether the member checked in today and the streak; it checks nobody in. */
export function checkinStatusText(ctx: SkillContext): string {
  const say = checkinCopy.to(ctx);
  const { checkin } = ctx.deps.program;
  const { streak } = checkinState(ctx);
  const lines = [stateLine(ctx)];
  // Days to the next streak bonus, today's check-in among them when it is still to come.
  if (checkin.bonusPoints > 0) lines.push(say('statusToBonus', { days: daysToNextBonus(ctx.deps.program, streak), bonus: checkin.bonusPoints }));
  return lines.join('\n');
}

/** The check-in module: check-in, make-up cards and the leaderboard. */
export const checkinModule = { skills: [checkinSkill, makeupSkill, topSkill] };
