// Rewarded member posts: #分享 / #share / `/share <text>` makes a pending submission; managers `/approve`, `/reject <reason>`
// (as a reply to the post or with its id) and `/review` what waits. Approval pays points and growth within the daily cap,
// once per text, and is told where the post was made; a rejection and its reason go to the author privately. What the
// moderator is told (the list, problems, confirmations) goes to them privately too.
import type { Skill, SkillContext } from '../bot/core/skill';
import type { Lang } from '../bot/core/types';
import type { Audience } from '../bot/core/copy';
import { localDate } from '../community/calendar';
import { lotExpiresAt } from '../community/earning';
import { contentLength, normalizeText, qualifyingBadges } from '../community/community-life';
import type { Badge } from '../community/program';
import { inTransaction } from '../store/db';
import { audit } from '../store/audit';
import { balanceOf, earnPoints } from '../store/ledger';
import { grantAutoBadge } from '../store/badges';
import { getMember, identitiesOf } from '../store/members';
import {
  approvedCount,
  createSubmission,
  ownDuplicate,
  pendingCount,
  pendingSubmissions,
  reviewSubmission,
  rewardedOnDay,
  setRewardOutcome,
  submissionById,
  submissionByMessage,
  textRewarded,
  type SubmissionRow,
} from '../store/ugc';
import { commandArgs, isCommand } from './commands';
import { moderationAuthority, type Authority } from './authority';
import { afterGrowth, newBadgeLines } from './checkin';
import { replyToManager } from './private';
import { ugcCopy } from './ugc.copy';

/** Longest post accepted, in characters. */
export const MAX_POST_LENGTH = 2000;
/** Longest reason for a rejection, in characters. */
const MAX_REASON_LENGTH = 500;
const tag = /^\s*[#＃](分享|share)(?=$|[\s:：,，])[\s:：,，]*/iu;

/** The text of a post if the message is one (#分享 / #share / `/share …`), else undefined. */
export function postText(ctx: SkillContext): string | undefined {
  if (ctx.command) return ctx.command.name === 'share' ? ctx.command.args : undefined;
  const m = tag.exec(ctx.msg.text);
  return m ? ctx.msg.text.slice(m[0].length).trim() : undefined;
}

function submit(ctx: SkillContext, text: string): void {
  const say = ugcCopy.to(ctx);
  const { db, program } = ctx.deps;
  const min = program.ugc.minLength;
  if (text === '') {
    ctx.reply(say('howToShare', { min }));
    return;
  }
  if ([...text].length > MAX_POST_LENGTH) {
    ctx.reply(say('tooLong', { max: MAX_POST_LENGTH }));
    return;
  }
  const length = contentLength(text);
  if (length < min) {
    ctx.reply(say('tooShort', { min, length }));
    return;
  }
  const normalized = normalizeText(text);
  const outcome = inTransaction(db, () => {
    const dup = ownDuplicate(db, ctx.member.id, normalized);
    if (dup) return { dup };
    const day = localDate(ctx.now, program.timezone);
    return { created: createSubmission(db, { memberId: ctx.member.id, channel: ctx.msg.channel, chat: ctx.msg.chat, messageId: ctx.msg.id, text, normalized, day, at: ctx.now }) };
  });
  if (outcome.dup) {
    ctx.reply(say('alreadyShared', { id: outcome.dup.id }));
    return;
  }
  ctx.reply(say('received', { id: outcome.created!.id, points: program.ugc.points }));
}

/** #分享 / #share / `/share <text>`: a new submission. */
export const shareSkill: Skill = {
  name: 'ugc-share',
  middleware(ctx, next) {
    const text = postText(ctx);
    if (text === undefined) return next();
    ctx.handled = true;
    submit(ctx, text);
  },
};

/** The submission a review command is about: `#12` / `12` as the first word, or the post replied to. */
function reviewTarget(ctx: SkillContext, args: string): { sub?: SubmissionRow; rest: string; asked?: string } {
  const m = /^#?(\d{1,9})(?:\s+|$)([\s\S]*)$/.exec(args);
  if (m) return { sub: submissionById(ctx.deps.db, Number(m[1])), rest: m[2]!.trim(), asked: m[1] };
  if (ctx.msg.replyTo) return { sub: submissionByMessage(ctx.deps.db, ctx.msg.channel, ctx.msg.replyTo), rest: args, asked: '' };
  return { rest: args };
}

type Review = { kind: 'approved'; points: number; unrewarded?: 'daily-cap' | 'duplicate'; badges: Badge[] } | { kind: 'rejected'; reason?: string };

function outcomeText(to: Audience, sub: SubmissionRow, r: Review, ctx: SkillContext, name: string | undefined): string {
  const say = ugcCopy.to(to);
  const about = { who: name ? say('whoNamed', { name }) : say('whoYou'), id: sub.id };
  if (r.kind === 'rejected') return r.reason ? say('rejectedBecause', { ...about, reason: r.reason }) : say('rejected', about);
  let line: string;
  if (r.unrewarded === 'daily-cap') line = say('approvedOverCap', { ...about, cap: ctx.deps.program.ugc.maxRewardedPerDay });
  else if (r.unrewarded === 'duplicate') line = say('approvedDuplicate', about);
  // Told in the group where it was posted: what the approval earned, never the balance.
  else if (name) line = say('approvedInGroup', { ...about, points: r.points });
  else line = say('approved', { ...about, points: r.points, balance: balanceOf(ctx.deps.db, sub.memberId) });
  return [line, ...newBadgeLines(to, r.badges)].join('\n');
}

/** Approve a pending submission in one transaction: reward unless the text was rewarded before or the day's cap is reached. */
function approve(ctx: SkillContext, sub: SubmissionRow): Review | undefined {
  const { db, program } = ctx.deps;
  return inTransaction(db, () => {
    if (!reviewSubmission(db, sub.id, 'approved', ctx.member.id, ctx.now)) return undefined;
    let unrewarded: 'daily-cap' | 'duplicate' | undefined;
    if (textRewarded(db, sub.normalized)) unrewarded = 'duplicate';
    else if (rewardedOnDay(db, sub.memberId, sub.day) >= program.ugc.maxRewardedPerDay) unrewarded = 'daily-cap';
    let points = 0;
    if (unrewarded) {
      setRewardOutcome(db, sub.id, { why: unrewarded });
    } else {
      setRewardOutcome(db, sub.id, { rewardedText: sub.normalized });
      points = program.ugc.points;
      earnPoints(db, {
        memberId: sub.memberId,
        points,
        growth: program.growth.perApprovedPost,
        key: `ugc:${sub.id}`,
        reason: 'ugc',
        ref: `ugc:${sub.id}`,
        at: ctx.now,
        expiresAt: lotExpiresAt(program, ctx.now),
        actorMemberId: ctx.member.id,
      });
    }
    const badges = qualifyingBadges(program, { approvedPosts: approvedCount(db, sub.memberId) }).filter((b) => grantAutoBadge(db, sub.memberId, b.id, ctx.now));
    audit(db, { at: ctx.now, actorMemberId: ctx.member.id, action: 'ugc.approve', targetMemberId: sub.memberId, details: { submission: sub.id, points, unrewarded } });
    return { kind: 'approved', points, unrewarded, badges };
  });
}

function review(ctx: SkillContext, action: 'approve' | 'reject', authority: Authority): void {
  const say = ugcCopy.to(ctx);
  // What the moderator is told (problems, confirmations) is for them alone, never the members' group.
  const tell = (text: string) => void replyToManager(ctx, text);
  const { db } = ctx.deps;
  const target = reviewTarget(ctx, commandArgs(ctx, action));
  const sub = target.sub;
  if (!sub) {
    if (target.asked) return tell(say('noSuchPost', { id: target.asked }));
    if (target.asked === '') return tell(say('notAPost'));
    return tell(say(action === 'approve' ? 'whichPostToApprove' : 'whichPostToReject'));
  }
  if (sub.memberId === ctx.member.id) return tell(say('notYourOwn'));
  if (authority === 'moderator' && (sub.channel !== ctx.msg.channel || sub.chat !== ctx.msg.chat)) return tell(say('otherGroup', { id: sub.id }));
  if (sub.status !== 'pending') return tell(say(sub.status === 'approved' ? 'alreadyApproved' : 'alreadyRejected', { id: sub.id }));
  if (action === 'reject' && [...target.rest].length > MAX_REASON_LENGTH) return tell(say('reasonTooLong', { max: MAX_REASON_LENGTH }));
  let result: Review | undefined;
  if (action === 'approve') {
    result = approve(ctx, sub);
  } else {
    const reason = target.rest || undefined;
    result = inTransaction(db, () => {
      if (!reviewSubmission(db, sub.id, 'rejected', ctx.member.id, ctx.now, reason)) return undefined;
      audit(db, { at: ctx.now, actorMemberId: ctx.member.id, action: 'ugc.reject', targetMemberId: sub.memberId, details: { submission: sub.id, reason } });
      return { kind: 'rejected', reason } as const;
    });
  }
  if (!result) return tell(say('justReviewed', { id: sub.id }));
  const author = getMember(db, sub.memberId);
  // The author hears the outcome in their own language.
  const lang: Lang = author?.lang ?? ctx.lang;
  const to = { lang, program: ctx.deps.program };
  const inGroup = postedInGroup(ctx, sub);
  if (result.kind === 'rejected') {
    tellRejected(ctx, sub, result, to, inGroup ? (author?.name ?? '') : undefined);
  } else {
    // An approval is good news the group may share: told where it was posted, never with the balance.
    const lines = [outcomeText(to, sub, result, ctx, inGroup ? author?.name : undefined)];
    if (result.points > 0) lines.push(...afterGrowth(ctx.deps, sub.memberId, ctx.now, lang));
    ctx.send({ channel: sub.channel, chat: sub.chat, text: lines.join('\n'), replyTo: sub.messageId, kind: 'reply' });
  }
  // Where the moderator did not see the author told (another chat, or a rejection told privately), they hear it was done.
  if (result.kind === 'rejected' || sub.channel !== ctx.msg.channel || sub.chat !== ctx.msg.chat) {
    tell(say(action === 'approve' ? 'approvedAuthorTold' : 'rejectedAuthorTold', { id: sub.id, author: author?.name ?? '' }));
  }
}

/**
 * A rejection and its reason are the author's own business: told in their private chat when the bot may write there
 * (or where they posted, when that is their private chat). A group post's author the bot cannot reach privately hears
 * in the group only that it was not approved (and that a manager can say why) — never the reason. `groupName` is the
 * author's name for a post made in a group, undefined for one made in their private chat.
 */
function tellRejected(ctx: SkillContext, sub: SubmissionRow, r: Extract<Review, { kind: 'rejected' }>, to: Audience, groupName: string | undefined): void {
  if (groupName === undefined) {
    ctx.send({ channel: sub.channel, chat: sub.chat, text: outcomeText(to, sub, r, ctx, undefined), replyTo: sub.messageId, kind: 'reply', secret: true });
    return;
  }
  const target = ctx.deps.reach(sub.memberId, 'secret', { channel: sub.channel });
  if (target && target.mention === undefined) {
    ctx.send({ channel: target.channel, chat: target.chat, text: outcomeText(to, sub, r, ctx, undefined), kind: 'reply', secret: true });
    return;
  }
  const say = ugcCopy.to(to);
  const text = r.reason ? say('rejectedAskPrivately', { name: groupName, id: sub.id }) : say('rejected', { who: say('whoNamed', { name: groupName }), id: sub.id });
  ctx.send({ channel: sub.channel, chat: sub.chat, text, replyTo: sub.messageId, kind: 'reply' });
}

/** True when the post was made in a group (a private chat's id is the member's own platform id). */
function postedInGroup(ctx: SkillContext, sub: SubmissionRow): boolean {
  return !identitiesOf(ctx.deps.db, sub.memberId).some((i) => i.channel === sub.channel && i.platformId === sub.chat);
}

/** `/approve`, `/reject <reason>`, `/review` (managers); the Chinese aliases only count from managers, who are the only ones using them. */
export const reviewSkill: Skill = {
  name: 'ugc-review',
  async middleware(ctx, next) {
    const which = (['approve', 'reject', 'review'] as const).find((name) => isCommand(ctx, name));
    if (!which) return next();
    const alias = !ctx.command;
    const authority = await moderationAuthority(ctx);
    if (authority === 'none') {
      // 通过 and 驳回 are everyday words: in group chatter they pass by; said to the bot they get a polite no.
      if (alias && !ctx.addressed) return next();
      ctx.handled = true;
      ctx.reply(ugcCopy.say(ctx, 'managersOnly'));
      return;
    }
    ctx.handled = true;
    if (which === 'review') return listPending(ctx, authority);
    review(ctx, which, authority);
  },
};

/** `/review`: what waits — everywhere for a named manager, in this group only for the group's admin. */
function listPending(ctx: SkillContext, authority: Authority): void {
  const say = ugcCopy.to(ctx);
  const scope = authority === 'moderator' ? { channel: ctx.msg.channel, chat: ctx.msg.chat } : undefined;
  const rows = pendingSubmissions(ctx.deps.db, 10, scope);
  if (rows.length === 0) {
    replyToManager(ctx, say('nothingWaiting'));
    return;
  }
  const total = pendingCount(ctx.deps.db, scope);
  const clip = (t: string) => ([...t].length > 30 ? `${[...t].slice(0, 30).join('')}…` : t).replace(/\s+/g, ' ');
  const lines = [say('waiting', { total }), ...rows.map((r) => `#${r.id} ${r.memberName}: ${clip(r.text)}`)];
  if (total > rows.length) lines.push(say('waitingMore', { count: total - rows.length }));
  lines.push(say('howToReview'));
  // Members' names and their posts: for the moderator, never the group.
  replyToManager(ctx, lines.join('\n'));
}

/** The UGC module: submissions and their review. */
export const ugcModule = { skills: [shareSkill, reviewSkill] };
