// Purchases and refunds from the shop (replay, CSV import, webhook) onto the ledger, with a tier review; refunds that
// overtake their purchase wait parked for it, and a daily job drops and reports to the staff room those that wait too long.
import { defaultChannelOf, type HearthDeps, type OrderEvent, type OrderReport, type SkillModule } from '../bot/core/skill';
import { HearthError } from '../bot/core/errors';
import type { Audience } from '../bot/core/copy';
import { orderTimeProblem } from '../community/orders';
import { toFen } from '../community/earning';
import { inTransaction } from '../store/db';
import { fenText, orderById, recordPurchase, recordRefund, refundIdOf, refundKey, type DroppedRefund } from '../store/orders';
import { dropRefundsParkedBefore, parkRefund, type ParkedRefund } from '../store/parked-refunds';
import { ensureMember, memberIdByPlatformId } from '../store/members';
import { reviewTier, type TierChange } from './tiers';
import { notifyReferralPaid, payReferralIfDue } from './welcome';
import { ordersCopy } from './orders.copy';

/** What became of one order event; `parked` is a refund waiting for its purchase. */
export type OrderOutcome =
  | {
      status: 'recorded';
      kind: OrderEvent['kind'];
      memberId: number;
      points: number;
      balance: number;
      tierChange?: TierChange;
      /** For a purchase: parked refunds of the order applied with it, and those dropped (reported to the staff room). */
      refundsApplied?: number;
      refundsDropped?: DroppedRefund[];
    }
  | { status: 'duplicate'; kind: OrderEvent['kind']; memberId?: number }
  | { status: 'parked'; kind: 'refund'; orderId: string }
  | { status: 'rejected'; kind: OrderEvent['kind']; reason: string; code: string };

/** When the daily job drops refunds parked too long, in the program's timezone: after the points expiry at 00:05. */
export const PARKED_REFUNDS_CRON = '10 0 * * *';
/** Dropped refunds listed one by one in a staff-room report; beyond this only their count. */
const LISTED_REFUNDS = 50;
const DAY_MS = 86_400_000;

type OrderDeps = Pick<HearthDeps, 'db' | 'program' | 'deployment' | 'queue' | 'reach'> & Partial<Pick<HearthDeps, 'clock' | 'log'>>;

/**
 * Orders older than this when they arrive are history (an import of past orders, a shop's backlog): points and tiers
 * follow them, but members are not told about an upgrade, a grace period or a referral long past — a flood of stale
 * notices, an upgrade and a downgrade at once, would only confuse. Their standing shows the next time they ask.
 */
export const STALE_ORDER_NOTICE_MS = 24 * 3600_000;

function current(now: Date | undefined, evt: OrderEvent): boolean {
  return now === undefined || now.getTime() - evt.at.getTime() <= STALE_ORDER_NOTICE_MS;
}

/** The member an order belongs to: by platform id on its channel (the deployment's default when none is given), created on first sight. */
function memberIdForOrder(deps: Pick<HearthDeps, 'db' | 'deployment'>, evt: OrderEvent): number {
  const channel = evt.channel ?? defaultChannelOf(deps.deployment);
  return memberIdByPlatformId(deps.db, evt.member, channel) ?? ensureMember(deps.db, { channel, platformId: evt.member, at: evt.at }).id;
}

/**
 * Record a purchase or a refund and review the member's tier (told on upgrade or a new grace period). Never throws
 * for bad events: a time out of the program's bounds, a refund beyond what was paid or a bad amount come back as
 * `rejected` with the reason. A refund of an order not seen yet is parked (a second time: a duplicate); recording the
 * purchase applies it. Without `deps.clock` only the program's start bounds the time.
 */
export function handleOrderEvent(deps: OrderDeps, evt: OrderEvent): OrderOutcome {
  try {
    const amountFen = toFen(evt.amount);
    const now = deps.clock?.now();
    const problem = orderTimeProblem(deps.program, evt.at, now);
    if (problem) return { status: 'rejected', kind: evt.kind, code: 'bad_input', reason: `bad time "${evt.at.toISOString()}": ${problem}` };
    const fresh = current(now, evt);
    if (evt.kind === 'purchase') {
      const memberId = memberIdForOrder(deps, evt);
      const res = recordPurchase(deps.db, deps.program, { memberId, orderId: evt.orderId, amountFen, at: evt.at });
      if (!res.created) return { status: 'duplicate', kind: 'purchase', memberId: res.order.memberId };
      if (res.droppedRefunds.length > 0) reportDroppedRefunds(deps, 'mismatch', res.droppedRefunds, evt.at);
      // A first purchase may be what makes an invited member count: their inviter is paid now.
      const referral = payReferralIfDue(deps, memberId, evt.at, 'purchase');
      if (referral && fresh) notifyReferralPaid(deps, referral, memberId, evt.at);
      const tierChange = reviewTier(deps, memberId, evt.at, { notify: fresh });
      return {
        status: 'recorded',
        kind: 'purchase',
        memberId,
        points: res.order.points,
        balance: tierChange?.kind === 'upgrade' ? tierChange.balance : res.balance,
        tierChange,
        refundsApplied: res.appliedRefunds.length,
        refundsDropped: res.droppedRefunds,
      };
    }
    const refunded = inTransaction(deps.db, (): OrderOutcome | { memberId: number; points: number; balance: number } => {
      if (!orderById(deps.db, evt.orderId)) {
        // Parallel deliveries overtake each other: the purchase may be a moment behind. Keyed like the ledger entry.
        const refundId = refundIdOf({ refundId: evt.refundId, amountFen, at: evt.at });
        const parked = parkRefund(deps.db, {
          key: refundKey(evt.orderId, refundId),
          orderId: evt.orderId,
          channel: evt.channel ?? defaultChannelOf(deps.deployment),
          member: evt.member,
          amountFen,
          refundId,
          at: evt.at,
          parkedAt: now ?? evt.at,
        });
        return parked ? { status: 'parked', kind: 'refund', orderId: evt.orderId } : { status: 'duplicate', kind: 'refund' };
      }
      const memberId = memberIdByPlatformId(deps.db, evt.member, evt.channel ?? defaultChannelOf(deps.deployment));
      if (memberId === undefined) {
        return { status: 'rejected', kind: 'refund', code: 'not_found', reason: `no member "${evt.member}": order "${evt.orderId}" belongs to another member` };
      }
      const res = recordRefund(deps.db, { orderId: evt.orderId, amountFen, at: evt.at, memberId, refundId: evt.refundId });
      if (!res.created) return { status: 'duplicate', kind: 'refund', memberId };
      return { memberId, points: -res.points, balance: res.balance };
    });
    if ('status' in refunded) return refunded;
    const tierChange = reviewTier(deps, refunded.memberId, evt.at, { notify: fresh });
    return { status: 'recorded', kind: 'refund', ...refunded, tierChange };
  } catch (err) {
    if (err instanceof HearthError) return { status: 'rejected', kind: evt.kind, code: err.code, reason: err.message };
    if (err instanceof RangeError) return { status: 'rejected', kind: evt.kind, code: 'bad_input', reason: err.message };
    throw err;
  }
}

/**
 * The daily job: drop the refunds parked longer than `orders.parkRefundsDays` (their purchase never came), with a warn
 * log line and one message to the staff room listing them. Returns what it dropped.
 */
export function dropStaleParkedRefunds(deps: Pick<HearthDeps, 'db' | 'program' | 'deployment' | 'log' | 'queue'>, now: Date): ParkedRefund[] {
  const days = deps.program.orders.parkRefundsDays;
  const dropped = inTransaction(deps.db, () => {
    const gone = dropRefundsParkedBefore(deps.db, new Date(now.getTime() - days * DAY_MS));
    // The report is queued in the same transaction: refunds are never dropped without it.
    if (gone.length > 0) queueStaffReport(deps, `parked-refunds-expired:${now.toISOString()}`, expiredText({ lang: deps.program.escalation.staffLang, program: deps.program }, days, gone), now);
    return gone;
  });
  if (dropped.length > 0) {
    deps.log.warn({ days, refunds: dropped.map((r) => ({ orderId: r.orderId, amount: fenText(r.amountFen), member: r.member })) }, 'parked refunds dropped: their purchase never arrived');
  }
  return dropped;
}

function reportDroppedRefunds(deps: OrderDeps, why: 'mismatch', dropped: DroppedRefund[], at: Date): void {
  deps.log?.warn({ refunds: dropped.map((d) => ({ orderId: d.refund.orderId, amount: fenText(d.refund.amountFen), member: d.refund.member, reason: d.reason })) }, 'parked refunds dropped when their purchase arrived');
  if (!deps.deployment) return;
  queueStaffReport({ ...deps, deployment: deps.deployment }, `parked-refunds-${why}:${dropped[0]!.refund.key}`, droppedText({ lang: deps.program.escalation.staffLang, program: deps.program }, dropped), at);
}

function queueStaffReport(deps: Pick<HearthDeps, 'deployment' | 'queue'>, key: string, text: string, at: Date): void {
  const room = deps.deployment.staffRoom;
  deps.queue(key, { channel: room.channel, chat: room.chat, kind: 'notice', text }, at);
}

function listed<T>(items: T[], line: (item: T) => string, more: (n: number) => string): string {
  const lines = items.slice(0, LISTED_REFUNDS).map((i) => `• ${line(i)}`);
  if (items.length > LISTED_REFUNDS) lines.push(more(items.length - LISTED_REFUNDS));
  return lines.join('\n');
}

function expiredText(to: Audience, days: number, refunds: ParkedRefund[]): string {
  const say = ordersCopy.to(to);
  const list = listed(
    refunds,
    (r) => say('refundRow', { order: r.orderId, amount: fenText(r.amountFen), member: r.member }),
    (more) => say('andMore', { more }),
  );
  return say('expiredRefunds', { count: refunds.length, days, refunds: list });
}

function droppedText(to: Audience, dropped: DroppedRefund[]): string {
  const say = ordersCopy.to(to);
  const list = listed(
    dropped,
    (d) => say('droppedRefundRow', { order: d.refund.orderId, amount: fenText(d.refund.amountFen), member: d.refund.member, why: say(d.problem === 'other_member' ? 'otherMember' : 'refused', { reason: d.reason }) }),
    (more) => say('andMore', { more }),
  );
  return say('droppedRefunds', { count: dropped.length, refunds: list });
}

// What the order intake hears of an outcome.
function reportOf(outcome: OrderOutcome): OrderReport {
  return outcome.status === 'parked' ? { status: 'parked', reason: 'parked until its purchase arrives' } : outcome;
}

/**
 * Wires purchases and refunds (hearth.handleOrder) to the ledger, reporting each outcome (rejections are logged, not
 * thrown), and installs the daily job that drops refunds parked too long.
 */
export const orderModule: SkillModule = {
  install(hearth) {
    hearth.events.order.push((evt, deps) => {
      const outcome = handleOrderEvent(deps, evt);
      if (outcome.status === 'rejected') deps.log.warn({ orderId: evt.orderId, kind: evt.kind, reason: outcome.reason }, 'order event rejected');
      return reportOf(outcome);
    });
    hearth.scheduler.addJob({ name: 'parked-refunds-expiry', cron: PARKED_REFUNDS_CRON, run: (dueAt) => void dropStaleParkedRefunds(hearth.deps, dueAt) });
  },
};
