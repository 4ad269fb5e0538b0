// Purchases and refunds as the shop sends them (handleOrderEvent, the module behind hearth.handleOrder): what is
// recorded, ignored as a duplicate, parked until its purchase, or rejected with a reason, and what the member sees.
import { describe, expect, it } from 'vitest';
import { program, tempDb, testDeps } from '../harness';
import { handleOrderEvent } from '../../skills/orders';
import { balanceOf } from '../../store/ledger';
import { ensureMember, findMemberByPlatformId, getMember, markCanMessagePrivately } from '../../store/members';
import { orderById } from '../../store/orders';
import { parkedRefundsOf } from '../../store/parked-refunds';
import { VirtualClock } from '../../bot/core/clock';
import type { OrderEvent } from '../../bot/core/skill';

const p = program();
const at = (s: string) => new Date(`2026-03-01T${s}:00+08:00`);
const order = (kind: OrderEvent['kind'], orderId: string, amount: number, when: string, extra: Partial<OrderEvent> = {}): OrderEvent => ({
  kind,
  member: 'u1',
  orderId,
  amount,
  at: at(when),
  ...extra,
});

describe('handleOrderEvent', () => {
  it('records a purchase, reports a repeated order id as a duplicate and marks the member active', () => {
    const { db } = tempDb();
    const deps = testDeps(db, p);
    expect(handleOrderEvent(deps, order('purchase', 'o1', 388, '12:00'))).toMatchObject({ status: 'recorded', points: 388, balance: 388 });
    expect(handleOrderEvent(deps, order('purchase', 'o1', 388, '12:05'))).toMatchObject({ status: 'duplicate' });
    const m = findMemberByPlatformId(db, 'console', 'u1')!;
    expect(balanceOf(db, m.id)).toBe(388);
    expect(getMember(db, m.id)!.lastActiveAt).toBe(at('12:00').getTime());
  });

  it('reports an upgrade with the gift in the balance', () => {
    const { db } = tempDb();
    const res = handleOrderEvent(testDeps(db, p), order('purchase', 'o1', 1000, '12:00'));
    expect(res).toMatchObject({ status: 'recorded', points: 1000, balance: 1100, tierChange: { kind: 'upgrade', to: { id: 'silver' }, gift: 100 } });
  });

  it('rejects refunds of unknown orders, of someone else\'s order, beyond what is left, and bad amounts, changing nothing', () => {
    const { db } = tempDb();
    const deps = testDeps(db, p);
    handleOrderEvent(deps, order('purchase', 'o1', 100, '12:00'));
    handleOrderEvent(deps, order('purchase', 'o2', 50, '12:00', { member: 'u2' }));
    expect(handleOrderEvent(deps, order('refund', 'o2', 10, '12:01'))).toMatchObject({ status: 'rejected', reason: 'order "o2" belongs to another member' });
    expect(handleOrderEvent(deps, order('refund', 'o1', 100.01, '12:01'))).toMatchObject({
      status: 'rejected',
      reason: 'refund of ¥100.01 is more than the ¥100.00 left on order "o1"',
    });
    expect(handleOrderEvent(deps, order('refund', 'o1', 10, '12:01', { member: 'ghost' }))).toMatchObject({
      status: 'rejected',
      code: 'not_found',
      reason: 'no member "ghost": order "o1" belongs to another member',
    });
    expect(handleOrderEvent(deps, order('purchase', 'o3', -5, '12:01'))).toMatchObject({ status: 'rejected', code: 'bad_input' });
    expect(balanceOf(db, findMemberByPlatformId(db, 'console', 'u1')!.id)).toBe(100);
    expect(orderById(db, 'o1')!.refunded).toBe(0);
  });

  it('applies a refund with the shop\'s refund id once, however often it arrives', () => {
    const { db } = tempDb();
    const deps = testDeps(db, p);
    handleOrderEvent(deps, order('purchase', 'o1', 100, '12:00'));
    expect(handleOrderEvent(deps, order('refund', 'o1', 40, '12:01', { refundId: 'r-1' }))).toMatchObject({ status: 'recorded', points: -40, balance: 60 });
    handleOrderEvent(deps, order('refund', 'o1', 40, '12:02', { refundId: 'r-1' }));
    expect(balanceOf(db, findMemberByPlatformId(db, 'console', 'u1')!.id)).toBe(60);
    expect(orderById(db, 'o1')!.refunded).toBe(40_00);
  });

  it('takes a refund without a refund id back once, however often the same one arrives', () => {
    const { db } = tempDb();
    const deps = testDeps(db, p);
    handleOrderEvent(deps, order('purchase', 'o1', 100, '12:00'));
    expect(handleOrderEvent(deps, order('refund', 'o1', 30, '12:01'))).toMatchObject({ status: 'recorded', points: -30, balance: 70 });
    expect(handleOrderEvent(deps, order('refund', 'o1', 30, '12:01'))).toMatchObject({ status: 'duplicate', kind: 'refund' });
    expect(handleOrderEvent(deps, order('refund', 'o1', 30, '12:01'))).toMatchObject({ status: 'duplicate' });
    expect(balanceOf(db, findMemberByPlatformId(db, 'console', 'u1')!.id)).toBe(70);
    expect(orderById(db, 'o1')!.refunded).toBe(30_00);
  });

  it('parks a refund that comes before its purchase and applies it when the purchase arrives', () => {
    const { db } = tempDb();
    const deps = testDeps(db, p);
    expect(handleOrderEvent(deps, order('refund', 'o9', 40, '12:05'))).toEqual({ status: 'parked', kind: 'refund', orderId: 'o9' });
    // The same refund again (a redelivery) is a duplicate, not a second refund.
    expect(handleOrderEvent(deps, order('refund', 'o9', 40, '12:05'))).toMatchObject({ status: 'duplicate' });
    expect(handleOrderEvent(deps, order('refund', 'o9', 10, '12:06', { member: 'u2' }))).toMatchObject({ status: 'parked' });
    expect(orderById(db, 'o9')).toBeUndefined();

    const bought = handleOrderEvent(deps, order('purchase', 'o9', 100, '12:00'));
    expect(bought).toMatchObject({ status: 'recorded', points: 100, balance: 60, refundsApplied: 1 });
    expect(bought.status === 'recorded' && bought.refundsDropped!.map((d) => [d.refund.member, d.problem])).toEqual([['u2', 'other_member']]);
    expect(balanceOf(db, findMemberByPlatformId(db, 'console', 'u1')!.id)).toBe(60);
    expect(orderById(db, 'o9')!.refunded).toBe(40_00);
    expect(parkedRefundsOf(db, 'o9')).toEqual([]);
    // Applied: delivering it once more changes nothing.
    expect(handleOrderEvent(deps, order('refund', 'o9', 40, '12:05'))).toMatchObject({ status: 'duplicate' });
    expect(balanceOf(db, findMemberByPlatformId(db, 'console', 'u1')!.id)).toBe(60);
  });

  it('refuses orders from before the program\'s start, too long ago or too far in the future, with the reason', () => {
    const { db } = tempDb();
    const clock = new VirtualClock(new Date('2026-06-01T00:00:00Z'));
    const when = (iso: string, extra: Partial<OrderEvent> = {}) => ({ ...order('purchase', `o-${iso}`, 100, '12:00'), at: new Date(iso), ...extra });
    const deps = { ...testDeps(db, p), clock };
    expect(handleOrderEvent(deps, when('1970-01-01T00:00:00Z'))).toEqual({
      status: 'rejected',
      kind: 'purchase',
      code: 'bad_input',
      reason: 'bad time "1970-01-01T00:00:00.000Z": more than 730 days ago',
    });
    expect(handleOrderEvent(deps, when('2026-06-02T00:00:01Z'))).toMatchObject({ status: 'rejected', reason: /more than 24 hours in the future$/ });
    expect(handleOrderEvent(deps, when('2026-06-01T23:59:00Z'))).toMatchObject({ status: 'recorded' });
    expect(handleOrderEvent(deps, when('2024-06-02T00:00:00Z'))).toMatchObject({ status: 'recorded' });
    // With the program's start set, nothing before its local midnight (Asia/Shanghai) counts, however recent.
    const started = program((x) => (x.orders.earliest = '2026-05-01'));
    const sdeps = { ...testDeps(db, started), clock };
    expect(handleOrderEvent(sdeps, when('2026-04-30T15:59:59Z'))).toMatchObject({
      status: 'rejected',
      reason: 'bad time "2026-04-30T15:59:59.000Z": before the program\'s start 2026-05-01',
    });
    expect(handleOrderEvent(sdeps, when('2026-04-30T16:00:00Z'))).toMatchObject({ status: 'recorded' });
    // Refunds are bounded the same way, and nothing was parked for the refused one.
    expect(handleOrderEvent(deps, when('2030-01-01T00:00:00Z', { kind: 'refund', orderId: 'later' }))).toMatchObject({ status: 'rejected', code: 'bad_input' });
    expect(parkedRefundsOf(db, 'later')).toEqual([]);
    expect(balanceOf(db, findMemberByPlatformId(db, 'console', 'u1')!.id)).toBe(300);
  });

  it('finds the member on the channel the shop names', () => {
    const { db } = tempDb();
    handleOrderEvent(testDeps(db, p), order('purchase', 'o1', 10, '12:00', { channel: 'telegram', member: '42' }));
    expect(findMemberByPlatformId(db, 'telegram', '42')).toBeDefined();
    expect(findMemberByPlatformId(db, 'console', '42')).toBeUndefined();
    const tg = db.$client.prepare("SELECT channel FROM identities WHERE platform_id = '42'").all();
    expect(tg).toEqual([{ channel: 'telegram' }]);
  });

  it('never takes an equal id on another channel for the same person: orders and refunds stay on their own channel', () => {
    const { db } = tempDb();
    const deps = testDeps(db, p);
    handleOrderEvent(deps, order('purchase', 'o1', 300, '12:00', { channel: 'wecom', member: '42' }));
    // The same digits with no channel are the deployment's default channel's (console here): somebody else.
    handleOrderEvent(deps, order('purchase', 'o2', 50, '12:01', { member: '42' }));
    expect(handleOrderEvent(deps, order('refund', 'o1', 300, '12:02', { member: '42' }))).toMatchObject({ status: 'rejected' });
    const rows = db.$client.prepare("SELECT channel, member_id AS memberId FROM identities WHERE platform_id = '42' ORDER BY channel").all() as { channel: string; memberId: number }[];
    expect(rows.map((r) => ({ channel: r.channel, points: balanceOf(db, r.memberId) }))).toEqual([
      { channel: 'console', points: 50 },
      { channel: 'wecom', points: 300 },
    ]);
  });

  it('puts a bare id on the deployment default channel when one is set', () => {
    const { db } = tempDb();
    const deps = { ...testDeps(db, p), deployment: { ...testDeps(db, p).deployment, defaultChannel: 'telegram' } };
    handleOrderEvent(deps, order('purchase', 'o1', 10, '12:00', { member: '42' }));
    expect(db.$client.prepare("SELECT channel FROM identities WHERE platform_id = '42'").all()).toEqual([{ channel: 'telegram' }]);
  });

  it('imports history silently: a back-dated upgrade and its later grace period tell the member nothing', () => {
    const { db } = tempDb();
    // Imported at 05:33 on 1 March 2027: a year-old order made the member Silver, and the growth window has passed.
    const deps = testDeps(db, p, new Date('2027-03-01T05:33:00+08:00'));
    ensureMember(db, { channel: 'console', platformId: 'u1', at: new Date('2026-01-01T09:00:00+08:00') });
    markCanMessagePrivately(db, 'console', 'u1');
    handleOrderEvent(deps, order('purchase', 'old1', 1200, '12:00', { at: new Date('2026-02-01T12:00:00+08:00') }));
    handleOrderEvent(deps, order('purchase', 'old2', 10, '12:00', { at: new Date('2027-02-27T12:00:00+08:00') }));
    expect(db.$client.prepare("SELECT count(*) FROM outbox WHERE kind = 'notice'").pluck().get()).toBe(0);
    expect(balanceOf(db, findMemberByPlatformId(db, 'console', 'u1')!.id)).toBeGreaterThanOrEqual(1210);
  });

  it('tells a member about a fresh order after quiet hours, counted from when it arrived', () => {
    const { db } = tempDb();
    // Yesterday evening's order arrives at 05:33: the upgrade notice waits for 09:00, not "18:00 was not quiet".
    const deps = testDeps(db, p, new Date('2026-03-02T05:33:00+08:00'));
    ensureMember(db, { channel: 'console', platformId: 'u1', at: at('09:00') });
    markCanMessagePrivately(db, 'console', 'u1');
    handleOrderEvent(deps, order('purchase', 'o1', 1200, '18:00'));
    const notices = db.$client.prepare("SELECT not_before AS notBefore FROM outbox WHERE kind = 'notice'").all() as { notBefore: number }[];
    expect(notices.length).toBeGreaterThan(0);
    for (const n of notices) expect(new Date(n.notBefore).toISOString()).toBe('2026-03-02T01:00:00.000Z');
  });
});
