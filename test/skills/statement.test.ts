// The points statement, /why and missing points through the real engine: entries with reasons and dates, balance and
// expiry only in private, the rule behind a line (grant by whom and why, a tier change), another member's order never
// described, an unknown order opening a ticket whose staff card carries the member's latest change.
import { describe, expect, it } from 'vitest';
import { msg, program } from '../harness';
import { at, purchase, replayKept } from './ledger-helpers';
import { statementLines, type StatementEntry } from '../../community/statement';

describe('/statement and /why', () => {
  it('lists recent entries privately, numbered newest first; a group hears only that it went privately', async () => {
    const { out, close } = await replayKept([
      { type: 'role', member: 'm1', role: 'manager' },
      msg('c1', at(1, '09:00'), 'u1', '签到'),
      purchase('555001', at(1, '10:00'), 'u1', 88),
      msg('g0', at(1, '10:30'), 'u1', '大家好', { chat: 'g1', name: '小王' }),
      msg('g1', at(1, '11:00'), 'm1', '/grant @小王 -20 活动重复领取', { chat: 'g1', name: '米娅', mentions: ['u1'] }),
      msg('s1', at(1, '12:00'), 'u1', '@hearth 积分明细', { chat: 'g1', name: '小王', mentions: ['hearth'] }),
      msg('w1', at(1, '12:02'), 'u1', '原因 1'),
      msg('w2', at(1, '12:03'), 'u1', '/why 9'),
    ]);
    const inGroup = out.filter((o) => o.chat === 'g1');
    expect(inGroup.find((o) => o.replyTo === 's1')!.text).toBe('📩 已私信发给你。');
    // Nothing in the group shows a balance.
    expect(inGroup.every((o) => !o.text.includes('余额'))).toBe(true);
    const statement = out.find((o) => o.chat === 'u1' && o.text.startsWith('📒'))!.text;
    expect(statement.split('\n').slice(0, 4)).toEqual([
      '📒 积分明细（最近 3 笔）：',
      '1. 2026-03-01  -20  米娅 调整：活动重复领取',
      '2. 2026-03-01  +88  购物（订单 555001）',
      '3. 2026-03-01  +5  签到（连签第 1 天）',
    ]);
    expect(statement).toContain('当前余额：73 积分。');
    expect(statement).toContain('⏳ 2028-03-01 到期 73 积分');
    expect(out.find((o) => o.replyTo === 'w1')!.text).toBe(
      '第 1 笔：2026-03-01  -20  米娅 调整：活动重复领取\n由 米娅 手动扣除了 20 积分，原因：活动重复领取。\n发送「积分明细」查看最近的全部变动。',
    );
    expect(out.find((o) => o.replyTo === 'w2')!.text).toBe('没有第 9 笔。你的积分明细目前有 3 笔，发送「积分明细」查看。');
    close();
  });

  it('explains the latest change with /why alone, a tier change included, in English', async () => {
    const { out, close } = await replayKept([
      { type: 'profile', member: 'u1', lang: 'en' },
      purchase('o-1', at(1, '10:00'), 'u1', 5200),
      msg('w1', at(1, '10:01'), 'u1', '/why'),
      msg('w2', at(1, '10:02'), 'u1', 'why did my tier change?'),
      msg('w3', at(1, '10:03'), 'u1', '/why 2'),
    ]);
    const why = (id: string) => out.find((o) => o.replyTo === id)!.text;
    expect(why('w1')).toBe(
      'Line 1: 2026-03-01  ⬆️ moved up to Gold\nTiers go by growth over the last 12 months: yours reached 5,200, at or above the 5,000 Gold needs, so you moved up at once.\nSend /statement to see all your recent changes.',
    );
    expect(why('w2')).toBe(why('w1'));
    expect(why('w3')).toContain('Line 2: 2026-03-01  +300  Gold upgrade gift');
    close();
  });

  it('orders same-moment lines as they happened: the purchase, its gift, then the upgrade', () => {
    const p = program();
    const t = new Date('2026-03-01T02:00:00Z');
    const entry = (id: number, points: number, reason: string, ref: string): StatementEntry => ({ id, at: t, kind: 'earn', points, growth: 0, reason, ref, note: null });
    const lines = statementLines(p, [entry(1, 1200, 'purchase', 'o1'), entry(2, 100, 'tier-gift', 'silver')], [{ at: t, kind: 'upgrade', from: 'member', to: 'silver', growth: 1200 }]);
    expect(lines.map((l) => [l.n, l.what.kind])).toEqual([
      [1, 'tier-change'],
      [2, 'tier-gift'],
      [3, 'purchase'],
    ]);
  });
});

describe('missing points', () => {
  it("says when an order's points came; another member's order is not described; an unknown one opens a ticket with the order and the latest change", async () => {
    const { out, db, close } = await replayKept([
      purchase('123456', at(1, '10:00'), 'u1', 298),
      purchase('778899', at(1, '11:00'), 'u2', 99),
      msg('q1', at(5, '09:00'), 'u1', 'I bought two bottles last week, order 123456, where are my points?'),
      msg('q2', at(5, '09:01'), 'u1', '订单778899的积分没到账'),
      msg('q3', at(5, '09:02'), 'u1', '订单 20260301001 积分还没到'),
    ]);
    expect(out.find((o) => o.replyTo === 'q1')!.text).toBe('Order 123456 (¥298) earned 298 points, credited on 2026-03-01. Send /statement to see it there.');
    const other = out.find((o) => o.replyTo === 'q2')!.text;
    expect(other).toBe('订单 778899 不在你的账户上。如果这是你的订单，发送「转人工」，客服会帮你核对。');
    expect(out.find((o) => o.replyTo === 'q3')!.text).toBe('我这边还没有订单 20260301001 的记录，已转给客服核对（工单 #1），他们会尽快回复你。');
    const card = out.find((o) => o.chat === 'staff')!.text;
    expect(card).toContain('points missing for order 20260301001');
    expect(card).toContain('Latest change: 2026-03-01  +298  purchase, order 123456');
    expect(db.$client.prepare('SELECT count(*) FROM tickets').pluck().get()).toBe(1);
    close();
  });

  it('a ticket opened by /human carries the explanation of the latest change on its staff card', async () => {
    const { out, close } = await replayKept([{ type: 'role', member: 'm1', role: 'manager' }, msg('g0', at(1, '10:00'), 'u1', 'hi', { chat: 'g1', name: 'Bob' }), msg('g1', at(1, '10:01'), 'm1', '/grant @Bob 15 helped a newcomer', { chat: 'g1', name: 'Mia', mentions: ['u1'] }), msg('h1', at(1, '10:05'), 'u1', '/human')]);
    const card = out.find((o) => o.chat === 'staff')!.text;
    expect(card).toContain('Latest change: 2026-03-01  +15  adjusted by Mia: helped a newcomer\nMia added 15 points. Reason given: helped a newcomer.');
    close();
  });
});
