// Daily check-in (签到 打卡 /checkin "check in"): once per member per local day, points and growth, the streak and its
// bonus, the referral reward on an invited member's first check-in, automatic streak badges; and `/top` 排行榜.
import { recogniseIntent } from '../community/intents';
import type { HearthDeps, Skill, SkillContext } from '../bot/core/skill';
import type { Lang } from '../bot/core/types';
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
  return change ? [tierChangeText(change, lang)] : [];
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

function badgeLine(lang: Lang, badges: Badge[]): string[] {
  return badges.map((b) => (lang === 'zh' ? `${b.emoji} 获得新勋章「${b.name.zh}」！` : `${b.emoji} New badge: ${b.name.en}!`));
}

function checkinText(ctx: SkillContext, r: CheckinResult, inviterName?: string): string {
  const { lang } = ctx;
  const program = ctx.deps.program;
  const toBonus = daysToNextBonus(program, r.streak);
  const bonusPoints = program.checkin.bonusPoints;
  const name = ctx.msg.chatType === 'group' ? ctx.member.name : '';
  if (r.kind === 'duplicate') {
    const next =
      bonusPoints > 0
        ? lang === 'zh'
          ? `再签 ${toBonus} 天可得 ${bonusPoints} 积分奖励，明天见～`
          : `${toBonus} more ${toBonus === 1 ? 'day' : 'days'} to the ${bonusPoints}-point bonus — see you tomorrow!`
        : lang === 'zh'
          ? '明天见～'
          : 'See you tomorrow!';
    return lang === 'zh'
      ? `${name ? `${name}，` : ''}你今天已经签到过啦 😊 已连续签到 ${r.streak} 天。${next}`
      : `${name ? `${name}, you've` : "You've"} already checked in today 😊 ${r.streak}-day streak. ${next}`;
  }
  const lines: string[] = [];
  if (lang === 'zh') {
    const bonus = r.bonus > 0 ? `，连签 ${r.streak} 天奖励 +${r.bonus} 🎉` : '';
    const next = bonusPoints > 0 ? ` · 再签 ${toBonus} 天${r.bonus > 0 ? '可再得' : '可得'} ${bonusPoints} 积分奖励` : '';
    // A group sees what the check-in did, never the balance.
    const balance = name ? '' : `当前积分 ${r.balance}。`;
    lines.push(`✅ ${name ? `${name} ` : ''}签到成功！+${r.points} 积分${bonus} · 已连续签到 ${r.streak} 天${next}。${balance}`);
    if (r.brokenStreak) lines.push(`上次连签 ${r.brokenStreak} 天已中断，今天重新开始，加油！`);
  } else {
    const bonus = r.bonus > 0 ? `, plus a ${r.bonus}-point bonus for your ${r.streak}-day streak 🎉` : '';
    const next = bonusPoints > 0 ? ` · ${toBonus} more ${toBonus === 1 ? 'day' : 'days'} to the ${r.bonus > 0 ? 'next' : `${bonusPoints}-point`} bonus` : '';
    const balance = name ? '' : ` Balance: ${r.balance}.`;
    lines.push(`✅ ${name ? `${name} checked in` : 'Checked in'}! +${r.points} points${bonus} · ${r.streak}-day streak${next}.${balance}`);
    if (r.brokenStreak) lines.push(`Your ${r.brokenStreak}-day streak ended, so this is day 1 of a new one. You've got this!`);
  }
  lines.push(...badgeLine(lang, r.badges));
  if (r.referral && inviterName) {
    lines.push(
      lang === 'zh'
        ? `🎁 邀请你的 ${inviterName} 获得 ${r.referral.points} 积分邀请奖励，谢谢你们！`
        : `🎁 ${inviterName}, who invited you, earns ${r.referral.points} referral points. Thank you both!`,
    );
  }
  return lines.join('\n');
}

/** Answers 签到 / 打卡 / /checkin / "check in". */
export const checkinSkill: Skill = {
  name: 'checkin',
  middleware(ctx, next) {
    if (!isCheckinText(ctx)) return next();
    ctx.handled = true;
    if (ctx.command && ctx.command.args !== '') {
      ctx.reply(ctx.lang === 'zh' ? '签到不需要参数，直接发送「签到」就好。' : 'Check-in takes no arguments: just send /checkin.');
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
    const yesterday = addDays(today, -1);
    if (checkinOn(db, memberId, yesterday)) return { kind: 'not-missed' };
    const before = latestCheckinBefore(db, memberId, yesterday);
    if (!before || before.day !== addDays(yesterday, -1)) return { kind: 'no-streak' };
    const streak = before.streak + 1;
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
  const zh = ctx.lang === 'zh';
  switch (r.kind) {
    case 'no-card':
      return r.cost === undefined
        ? zh
          ? '目前还没有开放补签卡。'
          : "Make-up cards aren't available in this program."
        : zh
          ? `你还没有补签卡。补签卡可用 ${r.cost} 积分兑换：发送「兑换 补签卡」。`
          : `You don't have a make-up card yet. They cost ${r.cost} points: send /redeem makeup-card.`;
    case 'not-missed':
      return zh ? '你昨天签到过了，连签没有中断，不需要补签～' : "You checked in yesterday, so your streak is intact — no make-up needed.";
    case 'no-streak':
      return zh ? '补签卡只能补上昨天这一天，用来接上中断的连签；你前天也没有签到，补签接不上哦。' : "A make-up card fills in yesterday to bridge a one-day gap; you didn't check in the day before either, so there's no streak to save.";
    case 'restored': {
      const [, m, d] = r.day.split('-').map(Number);
      const lines = [
        zh
          ? `✅ 已用补签卡补上昨天（${m}月${d}日）的签到，连签恢复为 ${r.todayStreak ?? r.streak} 天！${r.todayStreak ? '' : '记得今天也来签到哦。'}`
          : `✅ Make-up card used: yesterday (${r.day}) is filled in and your streak is back to ${r.todayStreak ?? r.streak} days!${r.todayStreak ? '' : ' Remember to check in today too.'}`,
      ];
      if (r.bonus > 0) lines.push(zh ? `🎉 连签奖励 +${r.bonus} 积分！` : `🎉 Streak bonus: +${r.bonus} points!`);
      lines.push(...badgeLine(ctx.lang, r.badges));
      lines.push(zh ? `剩余补签卡 ${r.cardsLeft} 张。` : `Make-up cards left: ${r.cardsLeft}.`);
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
    const zh = ctx.lang === 'zh';
    const monthNo = Number(month.slice(5, 7));
    if (rows.length === 0) {
      ctx.reply(zh ? `${monthNo}月还没有人上榜，发送「签到」来做第一名吧！` : 'Nobody has earned points this month yet. Send "check in" to be the first!');
      return;
    }
    const medals = ['🥇', '🥈', '🥉'];
    const lines = [zh ? `🏆 ${monthNo}月排行榜` : `🏆 ${monthNames.format(new Date(Date.UTC(2000, monthNo - 1, 1)))} leaderboard`];
    rows.forEach((r, i) => {
      const streak = r.lastDay === today || r.lastDay === yesterday ? r.lastStreak : 0;
      const place = medals[i] ?? `${i + 1}.`;
      const streakText = streak > 0 ? (zh ? ` · 连签 ${streak} 天` : ` · ${streak}-day streak`) : '';
      lines.push(zh ? `${place} ${r.name} · ${r.points} 积分${streakText}` : `${place} ${r.name} · ${r.points} pts${streakText}`);
    });
    if (!rows.some((r) => r.memberId === ctx.member.id)) {
      const mine = leaderboardRank(db, scope, from, to, ctx.member.id);
      lines.push(
        mine
          ? zh
            ? `你排第 ${mine.rank} 名，本月 ${mine.points} 积分。`
            : `You're #${mine.rank} with ${mine.points} points this month.`
          : zh
            ? '你本月还没上榜，发送「签到」开始吧！'
            : 'You are not on the board yet this month. Send "check in" to start!',
      );
    }
    ctx.reply(lines.join('\n'));
  },
};

/** The check-in module: check-in, make-up cards and the leaderboard. */
export const checkinModule = { skills: [checkinSkill, makeupSkill, topSkill] };
