// Rewarded member posts: #分享 / #share / `/share <text>` makes a pending submission; managers `/approve`, `/reject <reason>`
// (as a reply to the post or with its id) and `/review` what waits. Approval pays points and growth within the daily cap,
// once per text; the member hears the outcome in the chat where they posted.
import type { Skill, SkillContext } from '../bot/core/skill';
import type { Lang } from '../bot/core/types';
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
import { afterGrowth } from './checkin';

/** Longest post accepted, in characters. */
export const MAX_POST_LENGTH = 2000;
const tag = /^\s*[#＃](分享|share)(?=$|[\s:：,，])[\s:：,，]*/iu;

/** The text of a post if the message is one (#分享 / #share / `/share …`), else undefined. */
export function postText(ctx: SkillContext): string | undefined {
  if (ctx.command) return ctx.command.name === 'share' ? ctx.command.args : undefined;
  const m = tag.exec(ctx.msg.text);
  return m ? ctx.msg.text.slice(m[0].length).trim() : undefined;
}

function submit(ctx: SkillContext, text: string): void {
  const zh = ctx.lang === 'zh';
  const { db, program } = ctx.deps;
  const min = program.ugc.minLength;
  if (text === '') {
    ctx.reply(zh ? `分享格式：#分享 你的心得（至少 ${min} 个字）。` : `To share, send: #share followed by your post (at least ${min} characters).`);
    return;
  }
  if ([...text].length > MAX_POST_LENGTH) {
    ctx.reply(zh ? `内容太长啦，分享最多 ${MAX_POST_LENGTH} 个字，请精简后再发。` : `That's too long: posts can be up to ${MAX_POST_LENGTH} characters. Please trim it and share again.`);
    return;
  }
  const length = contentLength(text);
  if (length < min) {
    ctx.reply(
      zh
        ? `分享至少需要 ${min} 个字（不含标点和表情），你的只有 ${length} 个字。多写一点使用感受吧！`
        : `Posts need at least ${min} characters (not counting spaces, punctuation or emoji); yours has ${length}. Tell us a bit more!`,
    );
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
    ctx.reply(zh ? `这篇你已经分享过了（#${outcome.dup.id}），同样的内容只算一次哦。` : `You've already shared this (post #${outcome.dup.id}); the same post counts once.`);
    return;
  }
  const id = outcome.created!.id;
  ctx.reply(
    zh
      ? `📝 收到你的分享（#${id}），等管理员审核通过后可得 ${program.ugc.points} 积分。`
      : `📝 Thanks for sharing! Post #${id} is waiting for review; approved posts earn ${program.ugc.points} points.`,
  );
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

function outcomeText(lang: Lang, sub: SubmissionRow, r: Review, ctx: SkillContext, name: string | undefined): string {
  const zh = lang === 'zh';
  const who = name ? (zh ? `${name}，你的` : `${name}, your`) : zh ? '你的' : 'Your';
  const cap = ctx.deps.program.ugc.maxRewardedPerDay;
  if (r.kind === 'rejected') {
    return r.reason
      ? zh
        ? `${who}分享 #${sub.id} 未通过审核。原因：${r.reason}`
        : `${who} post #${sub.id} wasn't approved. Reason: ${r.reason}`
      : zh
        ? `${who}分享 #${sub.id} 这次未通过审核。`
        : `${who} post #${sub.id} wasn't approved this time.`;
  }
  const lines: string[] = [];
  if (r.unrewarded === 'daily-cap') {
    lines.push(
      zh
        ? `✅ ${who}分享 #${sub.id} 已通过审核。每天最多 ${cap} 篇分享可得积分，这篇就不加分啦，明天继续！`
        : `✅ ${who} post #${sub.id} was approved. Only ${cap} posts a day earn points, so this one doesn't — share again tomorrow!`,
    );
  } else if (r.unrewarded === 'duplicate') {
    lines.push(
      zh
        ? `✅ ${who}分享 #${sub.id} 已通过审核。相同内容只奖励一次，这篇不再加积分。`
        : `✅ ${who} post #${sub.id} was approved. The same text earns points only once, so no points this time.`,
    );
  } else if (name) {
    // Told in the group where it was posted: what the approval earned, never the balance.
    lines.push(zh ? `🎉 ${who}分享 #${sub.id} 已通过审核，+${r.points} 积分！` : `🎉 ${who} post #${sub.id} was approved: +${r.points} points!`);
  } else {
    const balance = balanceOf(ctx.deps.db, sub.memberId);
    lines.push(zh ? `🎉 ${who}分享 #${sub.id} 已通过审核，+${r.points} 积分！当前积分 ${balance}。` : `🎉 ${who} post #${sub.id} was approved: +${r.points} points! Balance: ${balance}.`);
  }
  lines.push(...r.badges.map((b) => (zh ? `${b.emoji} 获得新勋章「${b.name.zh}」！` : `${b.emoji} New badge: ${b.name.en}!`)));
  return lines.join('\n');
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
  const zh = ctx.lang === 'zh';
  const { db } = ctx.deps;
  const target = reviewTarget(ctx, commandArgs(ctx, action));
  const sub = target.sub;
  if (!sub) {
    ctx.reply(
      target.asked
        ? zh
          ? `没有编号为 #${target.asked} 的分享。发送 /review 查看待审核列表。`
          : `There is no post #${target.asked}. Send /review to see what is waiting.`
        : target.asked === ''
          ? zh
            ? '你回复的不是一篇分享。请回复成员的 #分享 消息，或使用 /approve <编号>。'
            : "The message you replied to isn't a shared post. Reply to the member's #share message, or use /approve <id>."
          : zh
            ? `请回复要审核的分享，或带上编号，例如 /${action} 12${action === 'reject' ? ' 原因' : ''}。发送 /review 查看待审核列表。`
            : `Reply to the post, or give its id, e.g. /${action} 12${action === 'reject' ? ' reason' : ''}. Send /review to see what is waiting.`,
    );
    return;
  }
  if (sub.memberId === ctx.member.id) {
    ctx.reply(zh ? '不能审核自己的分享哦，请其他管理员来审核。' : "You can't review your own post; another manager will.");
    return;
  }
  if (authority === 'moderator' && (sub.channel !== ctx.msg.channel || sub.chat !== ctx.msg.chat)) {
    ctx.reply(zh ? `分享 #${sub.id} 发在别的群里，只能由那个群的管理员或社群管理员审核。` : `Post #${sub.id} was shared in another group; only that group's admins or a community manager can review it.`);
    return;
  }
  if (sub.status !== 'pending') {
    const was = sub.status === 'approved' ? (zh ? '已通过' : 'approved') : zh ? '已驳回' : 'rejected';
    ctx.reply(zh ? `分享 #${sub.id} 之前就${was}了。` : `Post #${sub.id} was already ${was}.`);
    return;
  }
  if (action === 'reject' && [...target.rest].length > 500) {
    ctx.reply(zh ? '驳回原因太长了，请控制在 500 字以内。' : 'Please keep the reason under 500 characters.');
    return;
  }
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
  if (!result) {
    ctx.reply(zh ? `分享 #${sub.id} 刚刚已被审核。` : `Post #${sub.id} was just reviewed by someone else.`);
    return;
  }
  const author = getMember(db, sub.memberId);
  const lang: Lang = author?.lang ?? ctx.lang;
  const lines = [outcomeText(lang, sub, result, ctx, postedInGroup(ctx, sub) ? author?.name : undefined)];
  if (result.kind === 'approved' && result.points > 0) lines.push(...(afterGrowth(ctx.deps, sub.memberId, ctx.now, lang)));
  ctx.send({ channel: sub.channel, chat: sub.chat, text: lines.join('\n'), replyTo: sub.messageId, kind: 'reply' });
  if (sub.channel !== ctx.msg.channel || sub.chat !== ctx.msg.chat) {
    const done = action === 'approve' ? (zh ? '已通过' : 'Approved') : zh ? '已驳回' : 'Rejected';
    ctx.reply(zh ? `${done}分享 #${sub.id}（${author?.name ?? ''}），已通知作者。` : `${done} post #${sub.id} (${author?.name ?? ''}); the author has been told.`);
  }
}

/** True when the post was made in a group (a private chat's id is the member's own platform id). */
function postedInGroup(ctx: SkillContext, sub: SubmissionRow): boolean {
  return !identitiesOf(ctx.deps.db, sub.memberId).some((i) => i.channel === sub.channel && i.platformId === sub.chat);
}

function managerOnly(ctx: SkillContext, zh: boolean): void {
  ctx.reply(zh ? '只有社群管理员可以审核分享哦。' : 'Only community managers can review shared posts.');
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
      managerOnly(ctx, ctx.lang === 'zh');
      return;
    }
    ctx.handled = true;
    if (which === 'review') return listPending(ctx, authority);
    review(ctx, which, authority);
  },
};

/** `/review`: what waits — everywhere for a named manager, in this group only for the group's admin. */
function listPending(ctx: SkillContext, authority: Authority): void {
  const zh = ctx.lang === 'zh';
  const scope = authority === 'moderator' ? { channel: ctx.msg.channel, chat: ctx.msg.chat } : undefined;
  const rows = pendingSubmissions(ctx.deps.db, 10, scope);
  if (rows.length === 0) {
    ctx.reply(zh ? '目前没有待审核的分享 🎉' : 'Nothing is waiting for review 🎉');
    return;
  }
  const total = pendingCount(ctx.deps.db, scope);
  const clip = (t: string) => ([...t].length > 30 ? `${[...t].slice(0, 30).join('')}…` : t).replace(/\s+/g, ' ');
  const lines = [zh ? `待审核的分享（${total}）：` : `Waiting for review (${total}):`, ...rows.map((r) => `#${r.id} ${r.memberName}: ${clip(r.text)}`)];
  if (total > rows.length) lines.push(zh ? `……还有 ${total - rows.length} 篇` : `…and ${total - rows.length} more`);
  lines.push(zh ? '回复分享发送 /approve 或 /reject <原因>，也可以用 /approve <编号>。' : 'Reply to a post with /approve or /reject <reason>, or use /approve <id>.');
  ctx.reply(lines.join('\n'));
}

/** The UGC module: submissions and their review. */
export const ugcModule = { skills: [shareSkill, reviewSkill] };
