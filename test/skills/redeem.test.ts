// /rewards and /redeem through the real engine: the spend entry and redemption row with a unique code, no double
// spend on redelivery, refusals that change nothing, and codes kept out of group chats when a private chat is possible.
import { describe, expect, it } from 'vitest';
import { msg } from '../harness';
import { at, ledgerRows, purchase, replayKept } from './ledger-helpers';

describe('/redeem', () => {
  it('spends once per message, records a unique code, and a redelivered message spends nothing more', async () => {
    const { out, db, memberId, close } = await replayKept([
      purchase('o1', at(1, '12:00'), 'u1', 700),
      msg('m1', at(1, '12:01'), 'u1', '/redeem free-shipping'),
      msg('m1', at(1, '12:02'), 'u1', '/redeem free-shipping'),
      msg('m2', at(1, '12:03'), 'u1', '/redeem Free Shipping'),
    ]);
    const id = memberId('u1');
    const rows = db.$client.prepare('SELECT reward_id AS rewardId, code FROM redemptions WHERE member_id = ?').all(id) as { rewardId: string; code: string }[];
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => /^HX-[A-Z2-9]{4}-[A-Z2-9]{4}$/.test(r.code))).toBe(true);
    expect(rows[0]!.code).not.toBe(rows[1]!.code);
    expect(ledgerRows(db, id).filter((r) => r.kind === 'spend').map((r) => [r.points, r.key])).toEqual([
      [-200, 'redeem:console:m1'],
      [-200, 'redeem:console:m2'],
    ]);
    expect(out.filter((o) => o.replyTo === 'm1')).toHaveLength(1);
    expect(out.find((o) => o.replyTo === 'm1')!.text).toContain(rows[0]!.code);
    expect(out.find((o) => o.replyTo === 'm2')!.text).toContain('Points left: 300');
    close();
  });

  it('refuses with what is missing and writes nothing', async () => {
    const { out, db, memberId, close } = await replayKept([
      purchase('o1', at(1, '12:00'), 'u1', 150),
      msg('m1', at(1, '12:01'), 'u1', '/redeem free-shipping'),
      msg('m2', at(1, '12:02'), 'u1', '兑换 50元代金券'),
      msg('m3', at(1, '12:03'), 'u1', '/redeem voucher'),
      msg('m4', at(1, '12:04'), 'u1', '/redeem'),
    ]);
    const text = (id: string) => out.find((o) => o.replyTo === id)!.text;
    expect(text('m1')).toBe("Can't redeem Free shipping yet: you're 50 points short (it costs 200; you have 150 to use).");
    expect(text('m2')).toBe('暂时无法兑换¥50代金券：需要金卡会员及以上（你目前是普通会员），还差 1,850 积分（需 2,000，你现在可用 150）。');
    expect(text('m3')).toBe('Which one do you mean? ¥10 voucher (voucher-10), ¥50 voucher (voucher-50)');
    expect(text('m4')).toContain('What would you like to redeem?');
    expect(ledgerRows(db, memberId('u1')).map((r) => r.kind)).toEqual(['earn']);
    expect(db.$client.prepare('SELECT count(*) AS n FROM redemptions').get()).toEqual({ n: 0 });
    close();
  });

  it('sends the code privately when redeemed in a group by someone the bot can write to', async () => {
    const { out, close } = await replayKept([
      msg('p1', at(1, '11:59'), 'u1', '/points'),
      purchase('o1', at(1, '12:00'), 'u1', 300),
      msg('m1', at(1, '12:01'), 'u1', '兑换 包邮券', { chat: 'g1' }),
      purchase('o2', at(1, '12:02'), 'u2', 300),
      msg('m2', at(1, '12:03'), 'u2', '兑换 包邮券', { chat: 'g1' }),
    ]);
    const groupReply = out.find((o) => o.replyTo === 'm1')!;
    expect(groupReply.chat).toBe('g1');
    expect(groupReply.text).toBe('兑换成功！包邮券 的兑换码已私信发给你。剩余积分：100');
    const direct = out.find((o) => o.chat === 'u1' && o.text.includes('兑换码：HX-'));
    expect(direct).toBeDefined();
    // u2 never opened a private chat: the code has to go to the group.
    expect(out.find((o) => o.replyTo === 'm2')!.text).toMatch(/兑换码：HX-/);
    close();
  });
});

describe('/rewards', () => {
  it('marks what the member can redeem now, what needs a higher tier and what needs more points', async () => {
    const { out, close } = await replayKept([purchase('o1', at(1, '12:00'), 'u1', 1000), msg('m1', at(1, '12:01'), 'u1', '积分商城')]);
    // ¥1,000 → 1,000 points and Silver with 100 more: 1,100.
    expect(out.find((o) => o.replyTo === 'm1')!.text).toBe(
      [
        '🎁 积分商城（你有 1,100 积分可用，银卡会员）',
        '✅ 包邮券 — 200 积分',
        '✅ ¥10代金券 — 500 积分，银卡会员及以上',
        '🔒 ¥50代金券 — 2,000 积分，金卡会员及以上',
        '✅ 补签卡 — 100 积分',
        '发送「兑换 商品名」即可兑换，例如：兑换 包邮券',
      ].join('\n'),
    );
    close();
  });
});
