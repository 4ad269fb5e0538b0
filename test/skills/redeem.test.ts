// /rewards and /redeem through the real engine: the spend entry and redemption row with a unique code, no double
// spend on redelivery, refusals that change nothing, and codes kept out of group chats when a private chat is possible.
import { describe, expect, it } from 'vitest';
import { msg, tempDb, testHearth } from '../harness';
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
    // After Chinese, a command with no words of its own ("/redeem voucher") keeps the member's Chinese.
    expect(text('m3')).toBe('你想兑换哪一个？¥10代金券、¥50代金券');
    expect(text('m4')).toContain('想兑换什么？');
    expect(ledgerRows(db, memberId('u1')).map((r) => r.kind)).toEqual(['earn']);
    expect(db.$client.prepare('SELECT count(*) AS n FROM redemptions').get()).toEqual({ n: 0 });
    close();
  });

  it('sends the code privately when redeemed in a group; the group hears neither the code nor the balance', async () => {
    const { out, close } = await replayKept([
      msg('p1', at(1, '11:59'), 'u1', '/points'),
      purchase('o1', at(1, '12:00'), 'u1', 300),
      msg('m1', at(1, '12:01'), 'u1', '兑换 包邮券', { chat: 'g1' }),
    ]);
    const groupReply = out.find((o) => o.replyTo === 'm1')!;
    expect(groupReply.chat).toBe('g1');
    expect(groupReply.text).toBe('兑换成功！包邮券的兑换码已私信发给你。');
    expect(out.find((o) => o.chat === 'u1' && o.text.includes('兑换码：HX-'))!.text).toContain('剩余积分：100');
    close();
  });

  it('keeps the code for a member the bot cannot write to privately yet: never in the group, and waiting in 我的券', async () => {
    const { db } = tempDb();
    const t = new Date('2026-03-01T04:00:00Z');
    // As on Telegram: a member must open a private chat before the bot may write there.
    const h = testHearth(db, t, { privateChatOptIn: ['console'] });
    await h.handleOrder({ kind: 'purchase', member: 'u2', channel: 'console', orderId: 'o2', amount: 300, at: t });
    const say = (id: string, chat: string, text: string) =>
      h.handleMessage({ id, channel: 'console', chat, chatType: chat === 'u2' ? 'private' : 'group', from: { id: 'u2', name: 'Bob' }, text, at: t });
    await say('m1', 'g1', '兑换 包邮券');
    const code = (db.$client.prepare('SELECT code FROM redemptions').pluck().get() as string) ?? '';
    expect(code).toMatch(/^HX-/);
    const rows = () => db.$client.prepare('SELECT chat, text, buttons FROM outbox ORDER BY id').all() as { chat: string; text: string; buttons: string | null }[];
    expect(rows()).toHaveLength(1);
    expect(rows()[0]!.chat).toBe('g1');
    expect(rows()[0]!.text).toContain('「我的券」');
    expect(JSON.parse(rows()[0]!.buttons!)).toEqual([{ label: '私聊我', privateChat: true }]);
    expect(rows().some((r) => r.text.includes(code))).toBe(false);
    await say('m2', 'u2', '我的券');
    expect(rows().at(-1)).toMatchObject({ chat: 'u2' });
    expect(rows().at(-1)!.text).toContain(`${code}`);
    expect(rows().at(-1)!.text).toContain('未使用');
  });

  it('limits redemptions to the program\'s number a day per member', async () => {
    const { out, db, memberId, close } = await replayKept([
      purchase('o1', at(1, '12:00'), 'u1', 2000),
      msg('m1', at(1, '12:01'), 'u1', '/redeem free-shipping'),
      msg('m2', at(1, '12:02'), 'u1', '/redeem free-shipping'),
      msg('m3', at(1, '12:03'), 'u1', '/redeem free-shipping'),
      msg('m4', at(1, '12:04'), 'u1', '/redeem free-shipping'),
      msg('m5', at(2, '12:04'), 'u1', '/redeem free-shipping'),
    ]);
    expect(out.find((o) => o.replyTo === 'm4')!.text).toBe("You can redeem up to 3 rewards a day, and today's are used up. See you tomorrow!");
    expect(out.find((o) => o.replyTo === 'm5')!.text).toMatch(/^Redeemed!/);
    expect(ledgerRows(db, memberId('u1')).filter((r) => r.kind === 'spend')).toHaveLength(4);
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
        '⏸️ 补签卡 — 100 积分，漏签一天后才能用',
        '发送「兑换 商品名」即可兑换，例如：兑换 包邮券',
      ].join('\n'),
    );
    close();
  });
});

describe('make-up card (补签卡) sold only when it can be used', () => {
  it('refuses before charging when there is no missed day to fill, or a card already waits; sells it when a day can be filled', async () => {
    const { out, db, memberId, close } = await replayKept([
      purchase('o1', at(1, '08:00'), 'u1', 500),
      msg('r1', at(1, '08:30'), 'u1', '兑换 补签卡'),
      msg('c1', at(1, '09:00'), 'u1', '签到'),
      msg('c2', at(2, '09:00'), 'u1', '签到'),
      msg('r2', at(2, '09:30'), 'u1', '兑换 补签卡'),
      msg('k1', at(4, '09:00'), 'u1', '积分商城'),
      msg('r3', at(4, '09:01'), 'u1', '兑换 补签卡'),
      msg('r4', at(4, '09:02'), 'u1', '兑换 补签卡'),
      msg('m1', at(4, '09:03'), 'u1', '补签'),
    ]);
    const reply = (id: string) => out.find((o) => o.replyTo === id)!.text;
    expect(reply('r1')).toBe('现在兑换补签卡也用不上：补签卡只能补昨天这一天，而且前天要签过到才能接上连签。积分没有扣。');
    expect(reply('r2')).toBe('现在不需要补签卡：你昨天签到过了，连签没有中断，积分没有扣。');
    expect(reply('k1')).toContain('✅ 补签卡 — 100 积分');
    expect(reply('r3')).toMatch(/^兑换成功！/);
    expect(reply('r4')).toBe('你已经有一张还没用的补签卡了，发送「补签」就能用它补上昨天。积分没有扣。');
    expect(reply('m1')).toContain('已用补签卡补上昨天（3月3日）的签到');
    // One card sold, one spend: the refusals charged nothing.
    expect(ledgerRows(db, memberId('u1')).filter((r) => r.kind === 'spend').map((r) => r.points)).toEqual([-100]);
    close();
  });
});
