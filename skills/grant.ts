// `/grant @member <points> <reason>` (调整积分): a manager adds points (a new lot) or deducts them, audited with who,
// whom, how much and why; the result (with the balance) goes to the manager privately, never to the group. A deduction
// that would take the balance below zero is refused or waits for the manager's confirmation, per `grants.belowZero`.
import type { Skill, SkillContext, SkillModule } from '../bot/core/skill';
import { lotExpiresAt } from '../community/earning';
import { inTransaction } from '../store/db';
import { balanceOf, debitPoints, earnPoints, entryIdByKey } from '../store/ledger';
import { audit, auditEntry } from '../store/audit';
import { getMember } from '../store/members';
import { commandArgs, isCommand } from './commands';
import { isNamedManager } from './authority';
import { resolveTarget, targetProblemText } from './badges';
import { replyToManager } from './private';
import { grantCopy } from './grant.copy';

/** The largest single adjustment: a bigger number is far more likely a slip of the finger than a decision. */
export const MAX_GRANT = 100_000;
/** The longest reason kept in the audit trail. */
const MAX_REASON = 200;
/** How long a below-zero deduction waits for its confirmation: after that the manager sends /grant again. */
const CONFIRM_HOURS = 24;
/** The audit action of a deduction waiting for confirmation; its id names it in the button and `/grant confirm <id>`. */
const ASKED = 'grant.asked';

interface PendingDeduction {
  points: number;
  reason: string;
  key: string;
}

/** Handles /grant for managers; anyone else gets a polite no and nothing changes. */
export const grantSkill: Skill = {
  name: 'grant',
  async middleware(ctx: SkillContext, next) {
    const pressed = /^grant-ok:(\d{1,12})$/.exec(ctx.msg.action ?? '');
    if (!pressed && !isCommand(ctx, 'grant')) return next();
    ctx.handled = true;
    const say = grantCopy.to(ctx);
    // Points are global: only a manager the program (or `hearth role`) names moves them, never a platform's group admin.
    if (!isNamedManager(ctx)) {
      ctx.reply(say('managersOnly'));
      return;
    }
    const args = pressed ? '' : commandArgs(ctx, 'grant');
    const confirming = pressed ? pressed[1] : /^(?:confirm|确认)\s+#?(\d{1,12})$/i.exec(args.trim())?.[1];
    if (confirming !== undefined) return confirmDeduction(ctx, Number(confirming));
    grant(ctx, args);
  },
};

function grant(ctx: SkillContext, args: string): void {
  const say = grantCopy.to(ctx);
  const tell = (text: string) => void replyToManager(ctx, text);
  const target = resolveTarget(ctx, args);
  if (target.problem) return tell(targetProblemText(ctx, target.problem));
  const m = /^([+-]?\d[\d,]*)(?:\s+([\s\S]*))?$/.exec(target.rest.trim());
  if (!target.member || !m) return tell(say('usage'));
  const points = Number(m[1]!.replace(/,/g, ''));
  const reason = (m[2] ?? '').trim();
  if (!Number.isSafeInteger(points) || points === 0 || Math.abs(points) > MAX_GRANT) return tell(say('badAmount', { max: MAX_GRANT }));
  if (reason === '') return tell(say('needReason'));
  if ([...reason].length > MAX_REASON) return tell(say('reasonTooLong', { max: MAX_REASON }));
  const member = target.member;
  const key = `grant:${ctx.msg.channel}:${ctx.msg.id}`;
  const { db, program } = ctx.deps;
  const common = { memberId: member.id, key, reason: 'grant', ref: String(ctx.member.id), at: ctx.now, actorMemberId: ctx.member.id, note: reason };
  // The check and the write share one transaction: the balance the decision saw is the one the deduction meets.
  const outcome = inTransaction(db, (): { done: number } | { short: number; asked?: number } => {
    if (points < 0) {
      const before = balanceOf(db, member.id);
      if (before + points < 0) {
        if (program.grants.belowZero === 'refuse') return { short: before };
        const details: Record<string, unknown> = { points, reason, key, balance: before } satisfies PendingDeduction & { balance: number };
        return { short: before, asked: audit(db, { at: ctx.now, actorMemberId: ctx.member.id, action: ASKED, targetMemberId: member.id, details }) };
      }
    }
    const write =
      points > 0
        ? earnPoints(db, { ...common, points, kind: 'adjust', expiresAt: lotExpiresAt(program, ctx.now) })
        : debitPoints(db, { ...common, points: -points, kind: 'adjust', allowNegative: true });
    if (write.created) audit(db, { at: ctx.now, actorMemberId: ctx.member.id, action: 'grant', targetMemberId: member.id, details: { points, reason, key } });
    return { done: write.balance };
  });
  const about = { name: member.name, points: Math.abs(points), reason };
  if ('done' in outcome) {
    tell(points > 0 ? say('addedWithBalance', { ...about, balance: outcome.done }) : say('deductedWithBalance', { ...about, balance: outcome.done }));
    return;
  }
  if (outcome.asked === undefined) {
    tell(outcome.short > 0 ? say('refusedBelowZero', { ...about, balance: outcome.short }) : say('refusedNothingLeft', { ...about, balance: outcome.short }));
    return;
  }
  const id = outcome.asked;
  replyToManager(ctx, say('confirmBelowZero', { ...about, balance: outcome.short, after: outcome.short + points, id }), {
    buttons: [{ label: say('confirmButton', { points: Math.abs(points) }), data: `grant-ok:${id}` }],
  });
}

/** The manager confirms a deduction below zero: it is written once, however often they confirm. */
function confirmDeduction(ctx: SkillContext, id: number): void {
  const say = grantCopy.to(ctx);
  const { db } = ctx.deps;
  const asked = auditEntry(db, id);
  const pending = asked?.details as Partial<PendingDeduction> | null | undefined;
  if (!asked || asked.action !== ASKED || asked.targetMemberId === null || typeof pending?.key !== 'string' || typeof pending.points !== 'number') {
    return void replyToManager(ctx, say('noSuchConfirmation', { id }));
  }
  if (asked.actorMemberId !== ctx.member.id) return void replyToManager(ctx, say('notYourConfirmation', { id }));
  const memberId = asked.targetMemberId;
  const { key, points } = pending;
  const reason = typeof pending.reason === 'string' ? pending.reason : '';
  const name = getMember(db, memberId)?.name ?? '?';
  const about = { name, points: Math.abs(points), reason };
  const expired = ctx.now.getTime() - asked.at > CONFIRM_HOURS * 3_600_000;
  const outcome = inTransaction(db, () => {
    // A late confirmation writes nothing; one written before (an earlier confirmation) changes nothing and says so.
    if (expired && entryIdByKey(db, key) === undefined) return { expired: true as const };
    const write = debitPoints(db, { memberId, points: -points, kind: 'adjust', allowNegative: true, key, reason: 'grant', ref: String(ctx.member.id), at: ctx.now, actorMemberId: ctx.member.id, note: reason });
    if (write.created) audit(db, { at: ctx.now, actorMemberId: ctx.member.id, action: 'grant', targetMemberId: memberId, details: { points, reason, key, confirmed: id } });
    return { created: write.created, balance: write.balance };
  });
  if ('expired' in outcome) return void replyToManager(ctx, say('confirmationExpired', { id, hours: CONFIRM_HOURS }));
  replyToManager(ctx, outcome.created ? say('deductedWithBalance', { ...about, balance: outcome.balance }) : say('alreadyConfirmed', { ...about, balance: outcome.balance }));
}

/** The /grant skill as a module. */
export const grantModule: SkillModule = { skills: [grantSkill] };
