// Purchases and refunds as the shop sends them (handleOrderEvent, the module behind hearth.handleOrder): what is
// recorded, ignored as a duplicate or rejected with a reason, and what the member sees afterwards.
import { describe, expect, it } from 'vitest';
import { program, tempDb } from '../harness';
import { handleOrderEvent } from '../../skills/orders';
import { balanceOf } from '../../store/ledger';
import { findMemberByAnyPlatformId, getMember } from '../../store/members';
import { orderById } from '../../store/orders';
import type { OrderEvent } from '../../bot/hearth';

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
    const deps = { db, program: p };
    expect(handleOrderEvent(deps, order('purchase', 'o1', 388, '12:00'))).toMatchObject({ status: 'recorded', points: 388, balance: 388 });
    expect(handleOrderEvent(deps, order('purchase', 'o1', 388, '12:05'))).toMatchObject({ status: 'duplicate' });
    const m = findMemberByAnyPlatformId(db, 'u1')!;
    expect(balanceOf(db, m.id)).toBe(388);
    expect(getMember(db, m.id)!.lastActiveAt).toBe(at('12:00').getTime());
  });

  it('reports an upgrade with the gift in the balance', () => {
    const { db } = tempDb();
    const res = handleOrderEvent({ db, program: p }, order('purchase', 'o1', 1000, '12:00'));
    expect(res).toMatchObject({ status: 'recorded', points: 1000, balance: 1100, tierChange: { kind: 'upgrade', to: { id: 'silver' }, gift: 100 } });
  });

  it('rejects refunds of unknown orders, of someone else\'s order, beyond what is left, and bad amounts, changing nothing', () => {
    const { db } = tempDb();
    const deps = { db, program: p };
    handleOrderEvent(deps, order('purchase', 'o1', 100, '12:00'));
    handleOrderEvent(deps, order('purchase', 'o2', 50, '12:00', { member: 'u2' }));
    expect(handleOrderEvent(deps, order('refund', 'nope', 10, '12:01'))).toMatchObject({ status: 'rejected', code: 'not_found', reason: 'no order "nope" to refund' });
    expect(handleOrderEvent(deps, order('refund', 'o2', 10, '12:01'))).toMatchObject({ status: 'rejected', reason: 'order "o2" belongs to another member' });
    expect(handleOrderEvent(deps, order('refund', 'o1', 100.01, '12:01'))).toMatchObject({
      status: 'rejected',
      reason: 'refund of ¥100.01 is more than the ¥100.00 left on order "o1"',
    });
    expect(handleOrderEvent(deps, order('refund', 'o1', 10, '12:01', { member: 'ghost' }))).toMatchObject({ status: 'rejected', code: 'not_found' });
    expect(handleOrderEvent(deps, order('purchase', 'o3', -5, '12:01'))).toMatchObject({ status: 'rejected', code: 'bad_input' });
    expect(balanceOf(db, findMemberByAnyPlatformId(db, 'u1')!.id)).toBe(100);
    expect(orderById(db, 'o1')!.refunded).toBe(0);
  });

  it('applies a refund with the shop\'s refund id once, however often it arrives', () => {
    const { db } = tempDb();
    const deps = { db, program: p };
    handleOrderEvent(deps, order('purchase', 'o1', 100, '12:00'));
    expect(handleOrderEvent(deps, order('refund', 'o1', 40, '12:01', { refundId: 'r-1' }))).toMatchObject({ status: 'recorded', points: -40, balance: 60 });
    handleOrderEvent(deps, order('refund', 'o1', 40, '12:02', { refundId: 'r-1' }));
    expect(balanceOf(db, findMemberByAnyPlatformId(db, 'u1')!.id)).toBe(60);
    expect(orderById(db, 'o1')!.refunded).toBe(40_00);
  });

  it('finds the member on the channel the shop names', () => {
    const { db } = tempDb();
    handleOrderEvent({ db, program: p }, order('purchase', 'o1', 10, '12:00', { channel: 'telegram', member: '42' }));
    expect(findMemberByAnyPlatformId(db, '42')).toBeDefined();
    const tg = db.$client.prepare("SELECT channel FROM identities WHERE platform_id = '42'").all();
    expect(tg).toEqual([{ channel: 'telegram' }]);
  });
});
