// /points 积分 and /tier 等级 through the real engine: the member's own numbers, in their language, with pending and
// expiring points when there are any.
import { describe, expect, it } from 'vitest';
import { msg, program, replay } from '../harness';
import { at, purchase } from './ledger-helpers';

describe('/points and /tier', () => {
  it('answer in English for /points and in Chinese for 积分, from the member\'s own ledger; asked in a group, privately', async () => {
    const out = await replay([
      purchase('o1', at(1, '12:00'), 'u1', 1234.5),
      purchase('o2', at(1, '12:00'), 'u2', 50),
      msg('m1', at(1, '12:01'), 'u1', '/points'),
      msg('m2', at(1, '12:02'), 'u1', '积分'),
      msg('m3', at(1, '12:03'), 'u2', '积分', { chat: 'g1' }),
    ]);
    const replies = out.filter((o) => o.replyTo);
    // ¥1,234.50 → 1,234 points; growth 1,234 → Silver with a 100-point gift.
    expect(replies[0]).toMatchObject({ replyTo: 'm1', text: 'You have 1,334 points.\nTier: Silver, 3,766 growth points to Gold.' });
    expect(replies[1]).toMatchObject({ replyTo: 'm2', text: '你有 1,334 积分。\n等级：银卡会员，再获得 3,766 成长值可升级金卡会员。' });
    // A balance never goes to a group: the group hears that it went privately.
    expect(replies[2]).toMatchObject({ chat: 'g1', replyTo: 'm3', text: '📩 已私信发给你。' });
    expect(out.find((o) => o.chat === 'u2')).toMatchObject({ text: '你有 50 积分。\n等级：普通会员，再获得 950 成长值可升级银卡会员。' });
    expect(out.filter((o) => o.chat === 'g1').map((o) => o.text).join('\n')).not.toMatch(/50 积分/);
  });

  it('show points still in the pending window and what can be used now', async () => {
    const out = await replay(
      [purchase('o1', at(1, '12:00'), 'u1', 300), msg('m1', at(1, '12:01'), 'u1', '/points'), msg('m2', at(8, '12:01'), 'u1', '/points')],
      { program: program((p) => (p.points.pendingDays = 7)) },
    );
    expect(out.find((o) => o.replyTo === 'm1')!.text).toContain('You have 300 points; 300 are still pending, so 0 can be used now.');
    expect(out.find((o) => o.replyTo === 'm2')!.text).toMatch(/^You have 300 points\.\n/);
  });

  it('warn about points expiring within the reminder window, with the date', async () => {
    const out = await replay(
      [purchase('o1', at(1, '12:00'), 'u1', 300), msg('m2', at(25, '12:01', 3), 'u1', '/points'), msg('m1', at(1, '12:01', 4), 'u1', '/points')],
      { program: program((p) => (p.points.expiryMonths = 1)) },
    );
    // Earned 03-01, expires at the start of 04-01: within 30 days of 03-25 but already gone by the 04-01 question.
    expect(out.find((o) => o.replyTo === 'm2')!.text).toContain('⏳ 300 points expire on 2026-04-01.');
    expect(out.find((o) => o.replyTo === 'm1')!.text).not.toContain('⏳');
  });

  it('shows the top tier without a next one', async () => {
    const out = await replay([
      purchase('o1', at(1, '12:00'), 'u1', 50_000),
      msg('m1', at(1, '12:01'), 'u1', '/tier'),
      msg('m2', at(1, '12:02'), 'u1', '等级'),
    ]);
    expect(out.find((o) => o.replyTo === 'm1')!.text).toBe("Your tier: Diamond, with 50,000 growth points over the last 12 months.\nThat's our top tier. Thank you!");
    expect(out.find((o) => o.replyTo === 'm2')!.text).toBe('你的等级：钻石会员，近 12 个月成长值 50,000。\n这已是最高等级，感谢你的支持！');
  });

  it('leave 积分商城 to the catalog and stay out of ordinary group chatter', async () => {
    const out = await replay([
      msg('m1', at(1, '12:00'), 'u1', '积分商城'),
      msg('m2', at(1, '12:01'), 'u1', '大家的积分都是怎么攒的呀', { chat: 'g1' }),
    ]);
    expect(out.find((o) => o.replyTo === 'm1')!.text).toContain('积分商城（');
    expect(out.find((o) => o.replyTo === 'm2')).toBeUndefined();
  });
});
