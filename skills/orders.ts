// Purchases and refunds from the shop (replay, CSV import, webhook) onto the ledger, then a tier review so an upgrade
// or a grace period is announced. handleOrderEvent tells its caller what happened; the module wires it to events.order.
import type { HearthDeps } from '../bot/engine';
import type { OrderEvent, SkillModule } from '../bot/hearth';
import { HearthError } from '../bot/errors';
import { toFen } from '../community/earning';
import { recordPurchase, recordRefund } from '../store/orders';
import { ensureMember, memberIdByPlatformId } from '../store/members';
import { reviewTier, type TierChange } from './tiers';
import { notifyReferralPaid, payReferralIfDue } from './welcome';

/** What became of one order event. */
export type OrderOutcome =
  | { status: 'recorded'; kind: OrderEvent['kind']; memberId: number; points: number; balance: number; tierChange?: TierChange }
  | { status: 'duplicate'; kind: 'purchase'; memberId: number }
  | { status: 'rejected'; kind: OrderEvent['kind']; reason: string; code: string };

/** The member an order belongs to: by platform id on its channel (any channel when none is given), created on first sight. */
export function memberIdForOrder(deps: Pick<HearthDeps, 'db'>, evt: OrderEvent): number {
  return memberIdByPlatformId(deps.db, evt.member, evt.channel) ?? ensureMember(deps.db, { channel: evt.channel ?? 'console', platformId: evt.member, at: evt.at }).id;
}

/**
 * Record a purchase or a refund and review the member's tier (told on upgrade or a new grace period). Never throws
 * for bad events: an unknown order, a refund beyond what was paid or a bad amount come back as `rejected` with the reason.
 */
export function handleOrderEvent(deps: Pick<HearthDeps, 'db' | 'program'> & Partial<Pick<HearthDeps, 'deployment'>>, evt: OrderEvent): OrderOutcome {
  try {
    const amountFen = toFen(evt.amount);
    if (evt.kind === 'purchase') {
      const memberId = memberIdForOrder(deps, evt);
      const res = recordPurchase(deps.db, deps.program, { memberId, orderId: evt.orderId, amountFen, at: evt.at });
      if (!res.created) return { status: 'duplicate', kind: 'purchase', memberId: res.order.memberId };
      // A first purchase may be what makes an invited member count: their inviter is paid now.
      const referral = payReferralIfDue(deps, memberId, evt.at, 'purchase');
      if (referral && deps.deployment) notifyReferralPaid({ ...deps, deployment: deps.deployment }, referral, memberId, evt.at);
      const tierChange = reviewTier(deps, memberId, evt.at, { notify: true });
      return { status: 'recorded', kind: 'purchase', memberId, points: res.order.points, balance: tierChange?.kind === 'upgrade' ? tierChange.balance : res.balance, tierChange };
    }
    const memberId = memberIdByPlatformId(deps.db, evt.member, evt.channel);
    if (memberId === undefined) return { status: 'rejected', kind: 'refund', code: 'not_found', reason: `no member "${evt.member}" and no order "${evt.orderId}" to refund` };
    const res = recordRefund(deps.db, { orderId: evt.orderId, amountFen, at: evt.at, memberId, refundId: evt.refundId });
    const tierChange = reviewTier(deps, memberId, evt.at, { notify: true });
    return { status: 'recorded', kind: 'refund', memberId, points: -res.points, balance: res.balance, tierChange };
  } catch (err) {
    if (err instanceof HearthError) return { status: 'rejected', kind: evt.kind, code: err.code, reason: err.message };
    if (err instanceof RangeError) return { status: 'rejected', kind: evt.kind, code: 'bad_input', reason: err.message };
    throw err;
  }
}

/** Wires purchases and refunds (hearth.handleOrder) to the ledger; the outcome is the handler's report, rejections are logged, not thrown. */
export const orderModule: SkillModule = {
  install(hearth) {
    hearth.events.order.push((evt, deps) => {
      const outcome = handleOrderEvent(deps, evt);
      if (outcome.status === 'rejected') deps.log.warn({ orderId: evt.orderId, kind: evt.kind, reason: outcome.reason }, 'order event rejected');
      return outcome;
    });
  },
};
