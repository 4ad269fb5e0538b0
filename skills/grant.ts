// `/grant @member <points> <reason>` (调整积分): a manager adds points (a new lot) or deducts them (negative; the balance
// may go below zero), audited with who, whom, how much and why. Members are refused politely.
import type { Skill, SkillContext, SkillModule } from '../bot/core/skill';
import type { Lang } from '../bot/core/types';
import { lotExpiresAt } from '../community/earning';
import { inTransaction } from '../store/db';
import { debitPoints, earnPoints } from '../store/ledger';
import { audit } from '../store/audit';
import { commandArgs, isCommand } from './commands';
import { isNamedManager } from './authority';
import { resolveTarget, targetProblemText } from './badges';

/** The largest single adjustment: a bigger number is far more likely a slip of the finger than a decision. */
export const MAX_GRANT = 100_000;
const fmt = (n: number) => n.toLocaleString('en-US');

function usage(lang: Lang): string {
  return lang === 'zh'
    ? '用法：/grant @成员 积分 原因（扣分用负数），例如：/grant @小明 100 活动奖励。也可以回复对方的消息发送 /grant 100 原因。'
    : 'Usage: /grant @member <points> <reason> (negative to deduct), e.g. /grant @alice 100 event prize. Or reply to their message with /grant 100 <reason>.';
}

/** Handles /grant for managers; anyone else gets a polite no and nothing changes. */
export const grantSkill: Skill = {
  name: 'grant',
  async middleware(ctx: SkillContext, next) {
    if (!isCommand(ctx, 'grant')) return next();
    ctx.handled = true;
    const zh = ctx.lang === 'zh';
    // Points are global: only a manager the program (or `hearth role`) names moves them, never a platform's group admin.
    if (!isNamedManager(ctx)) {
      ctx.reply(zh ? '抱歉，只有社群管理员可以调整积分。' : 'Sorry, only community managers can adjust points.');
      return;
    }
    const target = resolveTarget(ctx, commandArgs(ctx, 'grant'));
    if (target.problem) return void ctx.reply(targetProblemText(ctx.lang, target.problem));
    const m = /^([+-]?\d[\d,]*)(?:\s+([\s\S]*))?$/.exec(target.rest.trim());
    if (!target.member || !m) return void ctx.reply(usage(ctx.lang));
    const points = Number(m[1]!.replace(/,/g, ''));
    const reason = (m[2] ?? '').trim();
    if (!Number.isSafeInteger(points) || points === 0 || Math.abs(points) > MAX_GRANT) {
      ctx.reply(zh ? `积分需为非零整数，单次最多 ±${fmt(MAX_GRANT)}。` : `Points must be a whole number other than 0, at most ±${fmt(MAX_GRANT)} at a time.`);
      return;
    }
    if (reason === '') return void ctx.reply(zh ? '请写上原因，方便日后查账，例如：/grant @小明 100 活动奖励' : 'Please add a reason for the record, e.g. /grant @alice 100 event prize');
    if (reason.length > 200) return void ctx.reply(zh ? '原因请控制在 200 字以内。' : 'Please keep the reason under 200 characters.');
    const member = target.member;
    const key = `grant:${ctx.msg.channel}:${ctx.msg.id}`;
    const common = { memberId: member.id, key, reason: 'grant', ref: String(ctx.member.id), at: ctx.now, actorMemberId: ctx.member.id, note: reason };
    const { db, program } = ctx.deps;
    const balance = inTransaction(db, () => {
      const write =
        points > 0
          ? earnPoints(db, { ...common, points, kind: 'adjust', expiresAt: lotExpiresAt(program, ctx.now) })
          : debitPoints(db, { ...common, points: -points, kind: 'adjust', allowNegative: true });
      if (write.created) audit(db, { at: ctx.now, actorMemberId: ctx.member.id, action: 'grant', targetMemberId: member.id, details: { points, reason, key } });
      return write.balance;
    });
    const name = member.name;
    const done =
      points > 0
        ? zh
          ? `已为 ${name} 增加 ${fmt(points)} 积分（${reason}）`
          : `Added ${fmt(points)} points for ${name} (${reason})`
        : zh
          ? `已扣除 ${name} ${fmt(-points)} 积分（${reason}）`
          : `Deducted ${fmt(-points)} points from ${name} (${reason})`;
    // A balance is the member's own business: the group sees what was done, never what they have.
    const after = ctx.msg.chatType === 'group' ? '' : zh ? `，当前余额 ${fmt(balance)}` : `. Their balance is now ${fmt(balance)}`;
    ctx.reply(`${done}${after}${zh ? '。' : '.'}`);
  },
};

/** The /grant skill as a module. */
export const grantModule: SkillModule = { skills: [grantSkill] };
