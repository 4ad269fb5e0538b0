// `/grant @member <points> <reason>` (调整积分): a manager adds points (a new lot) or deducts them (negative; the balance
// may go below zero), audited with who, whom, how much and why. Members are refused politely.
import type { Skill, SkillContext, SkillModule } from '../bot/core/skill';
import { lotExpiresAt } from '../community/earning';
import { inTransaction } from '../store/db';
import { debitPoints, earnPoints } from '../store/ledger';
import { audit } from '../store/audit';
import { commandArgs, isCommand } from './commands';
import { isNamedManager } from './authority';
import { resolveTarget, targetProblemText } from './badges';
import { grantCopy } from './grant.copy';

/** The largest single adjustment: a bigger number is far more likely a slip of the finger than a decision. */
export const MAX_GRANT = 100_000;
/** The longest reason kept in the audit trail. */
const MAX_REASON = 200;

/** Handles /grant for managers; anyone else gets a polite no and nothing changes. */
export const grantSkill: Skill = {
  name: 'grant',
  async middleware(ctx: SkillContext, next) {
    if (!isCommand(ctx, 'grant')) return next();
    ctx.handled = true;
    const say = grantCopy.to(ctx);
    // Points are global: only a manager the program (or `hearth role`) names moves them, never a platform's group admin.
    if (!isNamedManager(ctx)) {
      ctx.reply(say('managersOnly'));
      return;
    }
    const target = resolveTarget(ctx, commandArgs(ctx, 'grant'));
    if (target.problem) return void ctx.reply(targetProblemText(ctx, target.problem));
    const m = /^([+-]?\d[\d,]*)(?:\s+([\s\S]*))?$/.exec(target.rest.trim());
    if (!target.member || !m) return void ctx.reply(say('usage'));
    const points = Number(m[1]!.replace(/,/g, ''));
    const reason = (m[2] ?? '').trim();
    if (!Number.isSafeInteger(points) || points === 0 || Math.abs(points) > MAX_GRANT) {
      ctx.reply(say('badAmount', { max: MAX_GRANT }));
      return;
    }
    if (reason === '') return void ctx.reply(say('needReason'));
    if (reason.length > MAX_REASON) return void ctx.reply(say('reasonTooLong', { max: MAX_REASON }));
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
    const done = { name: member.name, points: Math.abs(points), reason };
    // A balance is the member's own business: the group sees what was done, never what they have.
    if (ctx.msg.chatType === 'group') ctx.reply(points > 0 ? say('added', done) : say('deducted', done));
    else ctx.reply(points > 0 ? say('addedWithBalance', { ...done, balance }) : say('deductedWithBalance', { ...done, balance }));
  },
};

/** The /grant skill as a module. */
export const grantModule: SkillModule = { skills: [grantSkill] };
