// `/grant @member <points> <reason>` (调整积分): a manager adds points (a new lot) or deducts them (negative; the balance
// may go below zero), audited with who, whom, how much and why. Members are refused politely.
import type { Skill, SkillContext } from '../bot/engine';
import type { SkillModule } from '../bot/hearth';
import type { Lang } from '../bot/types';
import { lotExpiresAt } from '../community/earning';
import { inTransaction } from '../store/db';
import { debitPoints, earnPoints } from '../store/ledger';
import { audit } from '../store/audit';
import { commandArgs, isCommand, isManager } from './commands';
import { resolveTarget, type Target } from './badges';

const ALIASES = ['调整积分', '发积分'];
/** The largest single adjustment: a bigger number is far more likely a slip of the finger than a decision. */
export const MAX_GRANT = 100_000;
const fmt = (n: number) => n.toLocaleString('en-US');

function usage(lang: Lang): string {
  return lang === 'zh'
    ? '用法：/grant @成员 积分 原因（扣分用负数），例如：/grant @小明 100 活动奖励。也可以回复对方的消息发送 /grant 100 原因。'
    : 'Usage: /grant @member <points> <reason> (negative to deduct), e.g. /grant @alice 100 event prize. Or reply to their message with /grant 100 <reason>.';
}

function problemText(problem: NonNullable<Target['problem']>, lang: Lang): string {
  const zh = lang === 'zh';
  if (problem === 'unknown-reply') return zh ? '我认不出那条消息是谁发的，请直接 @ 对方。' : "I can't tell who wrote that message. Please mention them instead.";
  if (problem === 'ambiguous-name') return zh ? '群里有不止一位同名成员，请回复对方的消息来调整。' : 'More than one member here has that name. Reply to one of their messages instead.';
  return zh ? '我找不到这位成员，请用 @ 选中对方或回复对方的消息。' : "I can't find that member. Mention them or reply to one of their messages.";
}

/** Handles /grant for managers; anyone else gets a polite no and nothing changes. */
export const grantSkill: Skill = {
  name: 'grant',
  async middleware(ctx: SkillContext, next) {
    if (!isCommand(ctx, ['grant'], ALIASES)) return next();
    ctx.handled = true;
    const zh = ctx.lang === 'zh';
    if (!(await isManager(ctx))) {
      ctx.reply(zh ? '抱歉，只有社群管理员可以调整积分。' : 'Sorry, only community managers can adjust points.');
      return;
    }
    const target = resolveTarget(ctx, commandArgs(ctx, ALIASES));
    if (target.problem) return void ctx.reply(problemText(target.problem, ctx.lang));
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
    ctx.reply(
      points > 0
        ? zh
          ? `已为 ${name} 增加 ${fmt(points)} 积分（${reason}），当前余额 ${fmt(balance)}。`
          : `Added ${fmt(points)} points for ${name} (${reason}). Their balance is now ${fmt(balance)}.`
        : zh
          ? `已扣除 ${name} ${fmt(-points)} 积分（${reason}），当前余额 ${fmt(balance)}。`
          : `Deducted ${fmt(-points)} points from ${name} (${reason}). Their balance is now ${fmt(balance)}.`,
    );
  },
};

/** The /grant skill as a module. */
export const grantModule: SkillModule = { skills: [grantSkill] };
