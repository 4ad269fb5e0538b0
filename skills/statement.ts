// `/statement` 积分明细 and `/why [N]` 原因: the member's recent points entries with reasons, balance and what expires
// when, and the rule and event behind any line — privately. Also the free-form asks that are clearly these (and "my
// vouchers", "order 123456, where are my points?"), before the ask skill; and the staff card's latest change.
import type { Skill, SkillContext, SkillModule } from '../bot/core/skill';
import type { Audience } from '../bot/core/copy';
import type { Program } from '../community/program';
import { localDate } from '../community/calendar';
import { purchaseAvailableAt } from '../community/earning';
import { isVip, priorityOf } from '../community/escalation';
import { isGroupAskAboutOneself } from './group-asks';
import { explainLine, pickLine, recogniseStatementAsk, statementLines, STATEMENT_LINES, type StatementAsk, type StatementLine } from '../community/statement';
import type { Db } from '../store/db';
import { balanceOf } from '../store/ledger';
import { orderById } from '../store/orders';
import { memberStanding } from '../store/standing';
import { recentStatementEntries, recentTierChanges, recordTierChange, upcomingExpiries } from '../store/statement';
import { commandArgs, isCommand } from './commands';
import { tierLabel } from './points';
import { replyPrivately } from './private';
import { codesText } from './redeem';
import { statementCopy } from './statement.copy';
import { staffCard } from './handoff/cards';
import { isStaffRoom } from './handoff/people';
import { openTicketFor, requestOf } from './handoff/tickets';
import type { TierChange } from './tiers';

const signed = new Intl.NumberFormat('en-US', { signDisplay: 'exceptZero' });

/** Record what a tier review changed, so /why and the statement can explain it (called in the review's transaction). */
export function recordTierChangeOf(db: Db, memberId: number, change: TierChange, at: Date): void {
  if (change.kind === 'recovered') return;
  if (change.kind === 'upgrade') return recordTierChange(db, memberId, { kind: 'upgrade', from: change.from.id, to: change.to.id, growth: change.growth }, at);
  if (change.kind === 'grace') return recordTierChange(db, memberId, { kind: 'grace', from: change.tier.id, to: change.tier.id, growth: change.growth, until: change.until }, at);
  recordTierChange(db, memberId, { kind: 'downgrade', from: change.from.id, to: change.to.id, growth: change.growth, until: change.grace?.until }, at);
}

/** The member's statement lines as of now (1 is the newest). */
export function memberStatementLines(db: Db, program: Program, memberId: number, limit = STATEMENT_LINES): StatementLine[] {
  return statementLines(program, recentStatementEntries(db, memberId, limit), recentTierChanges(db, memberId, limit), limit);
}

function rewardName(program: Program, id: string, to: Audience): string {
  return program.rewards.find((r) => r.id === id)?.name[to.lang] ?? id;
}

/** What a line was for, in words. */
export function lineWhatText(program: Program, line: StatementLine, to: Audience): string {
  const say = statementCopy.to(to);
  const w = line.what;
  switch (w.kind) {
    case 'purchase':
      return say('whatPurchase', { orderId: w.orderId });
    case 'refund':
      return say('whatRefund', { orderId: w.orderId });
    case 'checkin':
      return w.streak !== undefined ? say('whatCheckin', { streak: w.streak }) : say('whatCheckinPlain');
    case 'checkin-bonus':
      return w.streak !== undefined ? say('whatCheckinBonus', { streak: w.streak }) : say('whatCheckinBonusPlain');
    case 'ugc':
      return say('whatUgc');
    case 'referral':
      return say('whatReferral');
    case 'tier-gift':
      return say('whatTierGift', { tier: tierLabel(w.tier, to) });
    case 'grant':
      if (!w.by) return w.why ? say('whatGrantNobody', { why: w.why }) : say('whatOther', { reason: 'grant' });
      return w.why ? say('whatGrant', { by: w.by, why: w.why }) : say('whatGrantNoReason', { by: w.by });
    case 'redeem':
      return say('whatRedeem', { reward: rewardName(program, w.rewardId, to) });
    case 'expiry':
      return w.earnedOn ? say('whatExpiry', { earnedOn: w.earnedOn }) : say('whatExpiryPlain');
    case 'tier-change': {
      if (w.change === 'upgrade') return say('whatUpgrade', { tier: tierLabel(w.to, to) });
      if (w.change === 'grace') return say('whatGrace', { tier: tierLabel(w.to, to) });
      return say('whatDowngrade', { tier: tierLabel(w.to, to) });
    }
    case 'other':
      return say('whatOther', { reason: w.reason });
  }
}

/** One numbered line as the statement shows it. */
export function lineText(program: Program, line: StatementLine, to: Audience): string {
  const what = lineWhatText(program, line, to);
  if (line.points === undefined) return statementCopy.say(to, 'tierLine', { n: line.n, day: line.day, what });
  return statementCopy.say(to, 'line', { n: line.n, day: line.day, points: signed.format(line.points), what });
}

/** The rule and the event behind a line, in words. */
export function whyText(program: Program, line: StatementLine, to: Audience): string {
  const say = statementCopy.to(to);
  const w = explainLine(program, line);
  switch (w.kind) {
    case 'purchase': {
      const v = { orderId: w.orderId, amount: w.amountCny ?? '?', perCny: w.perCny, points: w.points, growth: w.growth };
      return w.multiplier !== 1 ? say('whyPurchaseMultiplied', { ...v, multiplier: `×${w.multiplier}` }) : say('whyPurchase', v);
    }
    case 'refund':
      return say('whyRefund', { orderId: w.orderId, amount: w.refundCny ? say('refundAmount', { amount: w.refundCny }) : '', points: w.points, growth: w.growth });
    case 'checkin': {
      const v = { day: w.day, points: w.points, every: w.bonusEvery, bonus: w.bonus };
      return w.streak !== undefined ? say('whyCheckin', { ...v, streak: w.streak }) : say('whyCheckinPlain', v);
    }
    case 'checkin-bonus':
      return say('whyCheckinBonus', { streak: w.streak ?? w.every, every: w.every, points: w.points });
    case 'ugc':
      return say('whyUgc', { points: w.points, growth: w.growth });
    case 'referral':
      return say('whyReferral', { points: w.points });
    case 'tier-gift':
      return say('whyTierGift', { tier: tierLabel(w.tier, to), points: w.points });
    case 'grant': {
      const change = w.points < 0 ? say('grantDeducted', { points: -w.points }) : say('grantAdded', { points: w.points });
      if (!w.by) return say('whyGrantNobody', { change, why: w.why ?? '—' });
      return w.why ? say('whyGrant', { by: w.by, change, why: w.why }) : say('whyGrantNoReason', { by: w.by, change });
    }
    case 'redeem':
      return say('whyRedeem', { reward: rewardName(program, w.rewardId, to), cost: Math.abs(w.points) });
    case 'expiry': {
      const points = Math.abs(w.points);
      if (!w.earnedOn) return say('whyExpiryPlain', { months: w.months, points });
      return say('whyExpiry', { earnedOn: w.earnedOn, earnedFor: earnedForText(to, w.earnedFor), months: w.months, points });
    }
    case 'upgrade':
      return say('whyUpgrade', { months: w.months, growth: w.growth, tier: tierLabel(w.to, to), threshold: w.to.threshold });
    case 'grace':
      return say('whyGrace', { months: w.months, growth: w.growth, tier: tierLabel(w.tier, to), threshold: w.tier.threshold, lastDay: w.lastDay ?? '?', keep: w.keep });
    case 'downgrade':
      return say('whyDowngrade', { months: w.months, graceDays: w.graceDays, growth: w.growth, from: tierLabel(w.from, to), threshold: w.from.threshold, to: tierLabel(w.to, to) });
    case 'other':
      return say('whyOther', { points: w.points, reason: w.reason });
  }
}

// What an expired lot had been earned for, in a few words.
function earnedForText(to: Audience, reason: string | undefined): string {
  const say = statementCopy.to(to);
  const keys = { purchase: 'forPurchase', checkin: 'forCheckin', 'checkin-bonus': 'forBonus', ugc: 'forUgc', referral: 'forReferral', 'tier-gift': 'forGift', grant: 'forGrant' } as const;
  const key = reason !== undefined && reason in keys ? keys[reason as keyof typeof keys] : undefined;
  return key ? say(key) : say('forOther');
}

/** The statement: numbered recent lines, the balance, and what expires when. */
export function statementText(db: Db, program: Program, memberId: number, to: Audience, now: Date): string {
  const say = statementCopy.to(to);
  const lines = memberStatementLines(db, program, memberId);
  if (lines.length === 0) return say('empty');
  const expiries = upcomingExpiries(db, memberId, now);
  const out = [say('head', { count: lines.length }), ...lines.map((l) => lineText(program, l, to)), '', say('balance', { points: balanceOf(db, memberId) })];
  if (expiries.length === 0) out.push(say('nothingExpires'));
  for (const x of expiries) out.push(say('expiresOn', { date: localDate(x.at, program.timezone), points: x.points }));
  out.push(say('footer'));
  return out.join('\n');
}

/** The answer to a why: the line it is about and the rule behind it. */
export function whyAnswer(db: Db, program: Program, memberId: number, ask: Omit<Extract<StatementAsk, { kind: 'why' }>, 'kind'>, to: Audience): string {
  const say = statementCopy.to(to);
  const lines = memberStatementLines(db, program, memberId);
  if (lines.length === 0) return say('nothingToExplain');
  const line = pickLine(lines, ask);
  if (!line) return say('noSuchLine', { n: ask.n ?? 0, count: lines.length });
  return [say('whyHead', { n: line.n, line: lineText(program, line, to).replace(/^\d+\.\s*/, '') }), whyText(program, line, to), say('whyTail')].join('\n');
}

/** For a staff card: the member's latest change and why, or undefined when nothing has changed yet. */
export function latestChangeForStaff(db: Db, program: Program, memberId: number, to: Audience): string | undefined {
  const line = memberStatementLines(db, program, memberId, 1)[0];
  if (!line) return undefined;
  return statementCopy.say(to, 'staffLatest', { line: lineText(program, line, to).replace(/^\d+\.\s*/, ''), why: whyText(program, line, to) });
}

/** What the member asked, by command or clearly in words (words only where the message is for the bot). */
function askOf(ctx: SkillContext): StatementAsk | undefined {
  if (isCommand(ctx, 'statement')) return { kind: 'statement' };
  if (isCommand(ctx, 'why')) {
    const arg = commandArgs(ctx, 'why').replace(/^#/, '');
    if (/^\d{1,3}$/.test(arg)) return { kind: 'why', n: Number(arg) };
    return { kind: 'why', ...(arg ? wordsOfWhy(arg) : {}) };
  }
  if (ctx.command || ctx.msg.action || isStaffRoom(ctx)) return undefined;
  // In a group unasked, only a clear question about the sender's own points (为什么我的积分少了), answered privately.
  if (!ctx.addressed && !isGroupAskAboutOneself(ctx)) return undefined;
  return recogniseStatementAsk(ctx.msg.text);
}

// `/why my points dropped by 30`: the words after /why, read like a free-form why.
function wordsOfWhy(words: string): Omit<Extract<StatementAsk, { kind: 'why' }>, 'kind'> {
  const ask = recogniseStatementAsk(`why ${words}`);
  if (ask?.kind !== 'why') return {};
  const { kind: _kind, ...rest } = ask;
  return rest;
}

/** Points missing for an order: credited (when and how much), someone else's (said without a word about it), or unknown (a ticket). */
function answerMissingPoints(ctx: SkillContext, orderId: string | undefined): void {
  const say = statementCopy.to(ctx);
  const { db, program, deployment } = ctx.deps;
  if (!orderId) {
    ctx.reply(say('askOrderNumber'));
    return;
  }
  const order = orderById(db, orderId);
  if (order && order.memberId === ctx.member.id) {
    const tz = program.timezone;
    const amount = (order.amount / 100).toFixed(order.amount % 100 === 0 ? 0 : 2);
    const day = localDate(new Date(order.at), tz);
    const v = { orderId, amount, points: order.points, day };
    const pendingUntil = purchaseAvailableAt(program, new Date(order.at));
    const text =
      pendingUntil > ctx.now
        ? say('orderPending', { ...v, available: localDate(pendingUntil, tz) })
        : order.refunded > 0
          ? say('orderCreditedRefunded', { ...v, refunded: (order.refunded / 100).toFixed(order.refunded % 100 === 0 ? 0 : 2) })
          : say('orderCredited', v);
    replyPrivately(ctx, text, { note: say('groupNote') });
    return;
  }
  if (order) {
    ctx.reply(say('orderNotYours', { orderId }));
    return;
  }
  const s = memberStanding(db, program, ctx.member.id, ctx.now);
  const vip = isVip(program, s.tier.id);
  const opening = openTicketFor(
    ctx.deps,
    requestOf(ctx),
    { reason: 'request', priority: priorityOf('request', vip), vip, detail: statementCopy.say({ lang: program.escalation.staffLang, program }, 'ticketDetail', { orderId }) },
    { tierId: s.tier.id, points: s.points },
  );
  if (opening.kind === 'joined') {
    ctx.reply(say('orderUnknownJoined', { orderId, id: opening.ticket.id }));
    return;
  }
  ctx.reply(say('orderUnknown', { orderId, id: opening.ticket.id }));
  if (opening.kind === 'reopened') return;
  const room = { lang: program.escalation.staffLang, program };
  const card = staffCard(program, opening.ticket, ctx.member.name, latestChangeForStaff(db, program, ctx.member.id, room));
  ctx.send({ channel: deployment.staffRoom.channel, chat: deployment.staffRoom.chat, text: card.text, buttons: card.buttons, kind: 'reply' });
}

/** Answers /statement, /why [N], and the clear free-form asks for them, one's codes, or an order's points. */
export const statementSkill: Skill = {
  name: 'statement',
  middleware(ctx, next) {
    if (ctx.handled) return next();
    const ask = askOf(ctx);
    if (!ask) return next();
    ctx.handled = true;
    const { db, program } = ctx.deps;
    switch (ask.kind) {
      case 'statement':
        replyPrivately(ctx, statementText(db, program, ctx.member.id, ctx, ctx.now));
        return;
      case 'why': {
        const { kind: _kind, ...which } = ask;
        replyPrivately(ctx, whyAnswer(db, program, ctx.member.id, which, ctx));
        return;
      }
      case 'vouchers':
        replyPrivately(ctx, codesText(ctx));
        return;
      case 'missing-points':
        answerMissingPoints(ctx, ask.orderId);
        return;
    }
  },
};

/** The statement skill as a module (installed before the ask skill). */
export const statementModule: SkillModule = { skills: [statementSkill] };
