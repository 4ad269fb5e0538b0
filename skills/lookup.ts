// Managers and staff look a member up: `/member @bob` (查会员; as a reply, or with a member number or platform id)
// shows balance, tier, growth, the latest ledger entries and any open ticket; `/points @bob` and `/tier @erin` show the
// member's standing. Always privately (see replyToManager). A member asking about someone else hears they may see
// only their own; `/points` alone is the points skill's.
import type { Skill, SkillContext, SkillModule } from '../bot/core/skill';
import type { Audience } from '../bot/core/copy';
import { localDate, localTime } from '../community/calendar';
import { parseRef } from '../community/refs';
import { graceLastDay } from '../community/tiers';
import { latestEntriesOf, type LedgerEntry } from '../store/ledger';
import { findMemberByPlatformId, getMember, identitiesOf, type MemberRow } from '../store/members';
import { memberStanding, type Standing } from '../store/standing';
import { openTicketOf } from '../store/tickets';
import { commandArgs, isCommand } from './commands';
import { resolveTarget, targetProblemText } from './badges';
import { reasonText } from './handoff/cards';
import { tierLabel } from './points';
import { replyToManager } from './private';
import { lookupCopy } from './lookup.copy';

/** How many ledger entries `/member` shows, newest first. */
const RECENT_ENTRIES = 5;

/** Managers and staff look members up; a platform's group admin is a member here. */
function mayLookUp(ctx: SkillContext): boolean {
  return ctx.role === 'manager' || ctx.role === 'staff';
}

type Found = { member: MemberRow } | { problem: string } | { none: true };

/**
 * The member a lookup names: a platform mention or an @handle (the same rules as /grant and /badge), the author of the
 * message replied to (with `reply`), and with `ids` a single `#12` (a member number), `telegram:123` (an id with its
 * channel) or bare word: a platform id on this channel, else a member number, else a name as an @name would be read.
 */
function findTarget(ctx: SkillContext, args: string, opts: { reply: boolean; ids: boolean }): Found {
  const { db, deployment } = ctx.deps;
  const word = args.trim();
  const bot = deployment.channels[ctx.msg.channel];
  const mentioned = (ctx.msg.mentions ?? []).some((id) => id !== bot?.botId);
  const handle = word.split(/\s+/).some((t) => t.startsWith('@') && t.length > 1 && t.slice(1).toLowerCase() !== bot?.botUsername?.toLowerCase());
  // A reply to the bot's own message names nobody: the bot is no member.
  const replied = (ctx.msg.replyTo !== undefined || ctx.msg.replyToAuthor !== undefined) && ctx.msg.replyToAuthor !== bot?.botId;
  if (mentioned || handle || (opts.reply && replied && word === '')) {
    const target = resolveTarget(ctx, word);
    // `/points` as a reply to a message whose author is unknown (the bot's, say) is the sender's own question.
    if (target.problem === 'unknown-reply' && !mentioned && !handle && !opts.ids) return { none: true };
    if (target.problem) return { problem: targetProblemText(ctx, target.problem) };
    return target.member ? { member: target.member } : { none: true };
  }
  if (!opts.ids || !/^\S+$/.test(word)) return { none: true };
  const notFound: Found = { problem: lookupCopy.say(ctx, 'notFound', { asked: word.slice(0, 60) }) };
  const number = /^(?:#|no\.?)(\d{1,9})$/i.exec(word);
  if (number) return byNumber(ctx, number[1]!) ?? notFound;
  if (word.includes(':')) {
    const ref = parseRef(word);
    const member = 'channel' in ref ? findMemberByPlatformId(db, ref.channel, ref.id) : undefined;
    return member ? { member } : notFound;
  }
  const here = findMemberByPlatformId(db, ctx.msg.channel, word);
  if (here) return { member: here };
  const numbered = /^\d{1,9}$/.test(word) ? byNumber(ctx, word) : undefined;
  if (numbered) return numbered;
  // A name typed without the @ (WeChat, the console): the same rule as an @name, a name only one member used here lately.
  const named = resolveTarget(ctx, `@${word}`);
  return named.member ? { member: named.member } : named.problem === 'ambiguous-name' ? { problem: targetProblemText(ctx, named.problem) } : notFound;
}

function byNumber(ctx: SkillContext, digits: string): Found | undefined {
  const member = getMember(ctx.deps.db, Number(digits));
  return member ? { member } : undefined;
}

/** The standing lines about someone else (third person): points, tier and growth, any grace period, what expires soon. */
function standingLines(s: Standing, ctx: SkillContext): string[] {
  const say = lookupCopy.to(ctx);
  const { program } = ctx.deps;
  const months = program.growth.windowMonths;
  const tier = tierLabel(s.tier, ctx);
  const lines = [s.spendable !== s.points && s.points > 0 ? say('pointsSpendable', { points: s.points, spendable: s.spendable }) : say('points', { points: s.points })];
  lines.push(s.nextTier ? say('tierNext', { tier, months, growth: s.growth, gap: s.gap ?? 0, next: tierLabel(s.nextTier, ctx) }) : say('tierTop', { tier, months, growth: s.growth }));
  if (s.graceUntil) lines.push(say('grace', { date: graceLastDay(program, s.graceUntil), keep: Math.max(0, s.tier.threshold - s.growth), tier }));
  if (s.expiring) lines.push(say('expiring', { points: s.expiring.points, date: s.expiring.date }));
  return lines;
}

const reasonLines: Record<string, Parameters<typeof lookupCopy.say>[1]> = {
  purchase: 'reasonPurchase',
  refund: 'reasonRefund',
  checkin: 'reasonCheckin',
  'checkin-bonus': 'reasonCheckinBonus',
  ugc: 'reasonUgc',
  referral: 'reasonReferral',
  'tier-gift': 'reasonTierGift',
  grant: 'reasonGrant',
  redeem: 'reasonRedeem',
  expiry: 'reasonExpiry',
  expire: 'reasonExpiry',
};

function entryLine(e: LedgerEntry, to: Audience & { deps: SkillContext['deps'] }): string {
  const say = lookupCopy.to(to);
  const key = reasonLines[e.reason];
  const word = key ? lookupCopy.say(to, key as 'reasonPurchase') : e.reason;
  const what = e.note ? say('entryNote', { what: word, note: e.note.slice(0, 60) }) : word;
  const points = e.points > 0 ? `+${e.points.toLocaleString('en-US')}` : e.points.toLocaleString('en-US');
  return say('entry', { date: localDate(new Date(e.at), to.deps.program.timezone), points, what });
}

/** The /member card: who, their accounts, standing, the latest entries and any open ticket. */
function memberCard(ctx: SkillContext, member: MemberRow): string {
  const say = lookupCopy.to(ctx);
  const { db, program } = ctx.deps;
  const tz = program.timezone;
  const lines = [say('header', { name: member.name, no: member.id })];
  if (member.erasedAt !== null) lines.push(say('erased'));
  const ids = identitiesOf(db, member.id).map((i) => `${i.channel}:${i.platformId}`);
  if (ids.length > 0) lines.push(say('accounts', { ids: ids.join(', ') }));
  lines.push(...standingLines(memberStanding(db, program, member.id, ctx.now), ctx));
  const recent = latestEntriesOf(db, member.id, RECENT_ENTRIES);
  if (recent.length === 0) lines.push(say('noEntries'));
  else lines.push(say('recentTitle', { count: recent.length }), ...recent.map((e) => entryLine(e, ctx)));
  const t = openTicketOf(db, member.id);
  if (!t) lines.push(say('noTicket'));
  else {
    const opened = `${localDate(new Date(t.openedAt), tz)} ${localTime(new Date(t.openedAt), tz)}`;
    const reason = reasonText({ lang: ctx.lang, program }, t.reason);
    const staff = t.staffMemberId !== null ? getMember(db, t.staffMemberId)?.name : undefined;
    lines.push(t.state === 'staff' && staff ? say('ticketWithStaff', { id: t.id, staff, reason, opened }) : say('ticketWaiting', { id: t.id, reason, opened }));
  }
  return lines.join('\n');
}

/** `/member` 查会员: managers and staff only, answered privately. */
const memberSkill: Skill = {
  name: 'member-lookup',
  middleware(ctx, next) {
    if (!isCommand(ctx, 'member')) return next();
    ctx.handled = true;
    if (!mayLookUp(ctx)) return void ctx.reply(lookupCopy.say(ctx, 'staffOnly'));
    const found = findTarget(ctx, commandArgs(ctx, 'member'), { reply: true, ids: true });
    if ('problem' in found) return void replyToManager(ctx, found.problem);
    if ('none' in found) return void replyToManager(ctx, lookupCopy.say(ctx, 'usage'));
    replyToManager(ctx, memberCard(ctx, found.member));
  },
};

/**
 * `/points @bob`, `/tier @erin` (积分 @bob): a manager or staff member sees that member's standing, privately; a member
 * pointing at someone else is told they may see only their own. Without a target (or naming oneself) the points skill
 * answers. A reply counts as a target only for a slash command from staff: a member replying 积分 asks about themselves.
 */
const standingSkill: Skill = {
  name: 'standing-lookup',
  middleware(ctx, next) {
    const which = isCommand(ctx, 'points') ? 'points' : isCommand(ctx, 'tier') ? 'tier' : undefined;
    if (!which) return next();
    const staff = mayLookUp(ctx);
    const found = findTarget(ctx, commandArgs(ctx, which), { reply: staff && ctx.command !== undefined, ids: false });
    if ('none' in found) return next();
    if ('member' in found && found.member.id === ctx.member.id) return next();
    ctx.handled = true;
    if (!staff) return void ctx.reply(lookupCopy.say(ctx, 'ownOnly'));
    if ('problem' in found) return void replyToManager(ctx, found.problem);
    const s = memberStanding(ctx.deps.db, ctx.deps.program, found.member.id, ctx.now);
    replyToManager(ctx, [lookupCopy.say(ctx, 'header', { name: found.member.name, no: found.member.id }), ...standingLines(s, ctx)].join('\n'));
  },
};

/** The lookup module: install before the points skill, so `/points @bob` is a lookup and `/points` alone stays the member's own. */
export const lookupModule: SkillModule = { skills: [memberSkill, standingSkill] };
