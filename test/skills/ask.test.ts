// The ask skill through the real engine: free-form questions in Chinese and English answered from the member's own
// ledger after purchases, silence for group chatter, answers in the group when the bot is mentioned.
import { describe, expect, it } from 'vitest';
import { msg, program, replay } from '../harness';

const at = (d: number, time: string) => `2026-03-${String(d).padStart(2, '0')}T${time}:00+08:00`;
const purchase = (orderId: string, when: string, member: string, amount: number) => ({ type: 'purchase', at: when, member, orderId, amount });
/** The replies to messages (scheduled notices such as upgrade messages have no replyTo). */
const answers = (out: { replyTo?: string; chat: string; text: string }[]) => out.filter((o) => o.replyTo !== undefined);
const answerTo = (out: { replyTo?: string; chat: string; text: string }[], id: string) => {
  const found = out.filter((o) => o.replyTo === id);
  expect(found, `one answer to ${id}`).toHaveLength(1);
  return found[0]!;
};

describe('ask: English questions in a private chat', () => {
  it('answers balance, tier, gap, redemption and expiry with the numbers after purchases', async () => {
    // ¥1,200 as Member → 1,200 points and Silver (+100 gift); ¥300 as Silver (×1.0) → 300. Growth 1,500.
    const out = await replay([
      purchase('o1', at(1, '10:00'), 'u1', 1200),
      purchase('o2', at(1, '10:30'), 'u1', 300),
      msg('m1', at(1, '11:00'), 'u1', 'yo how many pts do i have??'),
      msg('m2', at(1, '11:01'), 'u1', 'how far am I from gold'),
      msg('m3', at(1, '11:02'), 'u1', 'which tier am i on'),
      msg('m4', at(1, '11:03'), 'u1', 'what can I redeem with my points?'),
      msg('m5', at(1, '11:04'), 'u1', 'do my pionts expire?'),
    ]);
    expect(answerTo(out, 'm1').text).toBe('You have 1,600 points.');
    expect(answerTo(out, 'm2').text).toContain('3,500 more growth points to Gold');
    expect(answerTo(out, 'm3').text).toMatch(/^Your tier is Silver: your purchases earn points at ×1\.0\.\n3,500 more growth points to Gold/);
    const redeem = answerTo(out, 'm4').text;
    expect(redeem).toContain('You have 1,600 points to use');
    expect(redeem).toContain('Free shipping — 200 points');
    expect(redeem).toContain('¥10 voucher — 500 points');
    expect(redeem).toContain('🔒 Unlocks at a higher tier: ¥50 voucher (Gold+)');
    expect(answerTo(out, 'm5').text).toContain('None of your points expire in the next 30 days.');
    for (const a of answers(out)) expect(a.text).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('tells how to earn with the program\'s own numbers', async () => {
    const custom = program((p) => {
      p.checkin.points = 8;
      p.ugc.points = 30;
      p.referral.points = 0;
    });
    const out = await replay([msg('m1', at(1, '10:00'), 'u1', 'how can I earn more points?')], { program: custom });
    const text = answerTo(out, 'm1').text;
    expect(text).toContain('Daily check-in: +8');
    expect(text).toContain('+30 once approved');
    expect(text).not.toContain('Invite a friend');
  });

  it('says when nothing is affordable yet and what is closest (a make-up card only when a missed day needs one)', async () => {
    const out = await replay([purchase('o1', at(1, '10:00'), 'u1', 80), msg('m1', at(1, '10:05'), 'u1', 'what rewards can i get?')]);
    expect(answerTo(out, 'm1').text).toBe(
      'You have 80 points to use, not quite enough yet. The closest is Free shipping (200 points): 120 to go.\n' +
        '🔒 Unlocks at a higher tier: ¥10 voucher (Silver+), ¥50 voucher (Gold+)',
    );
  });
});

describe('ask: Chinese questions', () => {
  it('answers from the ledger after a purchase that reaches Gold', async () => {
    // ¥6,000 as Member → 6,000 points; growth 6,000 passes Silver and Gold: gifts 100 + 300.
    const out = await replay([
      purchase('o1', at(1, '10:00'), 'u2', 6000),
      msg('z1', at(1, '10:01'), 'u2', '我積分還剩多少'),
      msg('z2', at(1, '10:02'), 'u2', '离钻石还差多少'),
      msg('z3', at(1, '10:03'), 'u2', '我现在是啥等级呀'),
      msg('z4', at(1, '10:04'), 'u2', '离银卡还差多少'),
      msg('z5', at(1, '10:05'), 'u2', '我这些分能换点啥'),
    ]);
    expect(answerTo(out, 'z1').text).toBe('你有 6,400 積分。'); // asked in Traditional, answered in Traditional
    expect(answerTo(out, 'z2').text).toContain('再获得 44,000 成长值即可升级钻石会员');
    expect(answerTo(out, 'z3').text).toMatch(/^你是金卡会员，消费积分倍率 ×1\.2。\n再获得 14,000 成长值即可升级铂金会员/);
    expect(answerTo(out, 'z4').text).toContain('你已经是金卡会员，高于银卡会员啦');
    expect(answerTo(out, 'z5').text).toContain('✅ ¥50代金券 — 2,000 积分');
    for (const a of answers(out)) expect(a.text).not.toMatch(/[A-Za-z]{3,}/);
  });

  it('names the points expiring soon and their date', async () => {
    const shortLived = program((p) => {
      p.points.expiryMonths = 1;
    });
    const out = await replay(
      [purchase('o1', at(1, '10:00'), 'u2', 300), msg('z1', at(10, '10:00'), 'u2', '积分快过期了吗'), msg('z2', at(10, '10:01'), 'u2', '我的积分呢')],
      { program: shortLived },
    );
    expect(answerTo(out, 'z1').text).toMatch(/^⏳ 你有 300 积分将于 2026年4月1日 过期/);
    expect(answerTo(out, 'z1').text).toContain('积分在获得 1 个月后过期');
    expect(answerTo(out, 'z2').text).toBe('你有 300 积分。\n⏳ 其中 300 积分将于 2026年4月1日 过期。');
  });
});

describe('ask: groups', () => {
  it('stays silent for chatter; a clear question about oneself without a mention is answered privately (issue 14)', async () => {
    const out = await replay([
      purchase('o1', at(1, '10:00'), 'u1', 500),
      msg('g1', at(1, '10:01'), 'u1', '今天天气真好', { chat: 'grp' }),
      msg('g2', at(1, '10:02'), 'u2', "who's coming to the meetup?", { chat: 'grp' }),
      msg('g3', at(1, '10:03'), 'u1', '我有多少积分', { chat: 'grp' }),
      msg('g4', at(1, '10:04'), 'u2', 'how far to gold lol', { chat: 'grp' }),
      msg('g5', at(1, '10:05'), 'u1', 'the gold one is prettier @someone', { chat: 'grp', mentions: ['someone'] }),
    ]);
    expect(answers(out).map((o) => o.replyTo)).toEqual(['g3', 'g4']);
    expect(answers(out).every((o) => /私信|privately/.test(o.text))).toBe(true);
  });

  it('answers when the bot is mentioned in a group, by id or by @name: the numbers privately, a note in the group', async () => {
    const out = await replay([
      purchase('o1', at(1, '10:00'), 'u1', 500),
      msg('g1', at(1, '10:01'), 'u1', '我有多少积分', { chat: 'grp', mentions: ['hearth'] }),
      msg('g2', at(1, '10:02'), 'u1', '@hearth how many points do I have?', { chat: 'grp' }),
      msg('g3', at(1, '10:03'), 'u1', '@hearth 今天天气真好', { chat: 'grp' }),
    ]);
    expect(answerTo(out, 'g1')).toMatchObject({ chat: 'grp', text: '📩 已私信发给你。' });
    expect(answerTo(out, 'g2')).toMatchObject({ chat: 'grp', text: "📩 I've sent it to you privately." });
    expect(out.filter((o) => o.chat === 'u1').map((o) => o.text)).toEqual(['你有 500 积分。', 'You have 500 points.']);
    // Addressed but not a question it knows: the fallback's pointer, not a points answer.
    expect(answerTo(out, 'g3').text).toContain('我没太明白');
  });
});

describe('ask: leaves other messages to other skills', () => {
  it('passes unrecognised private messages to the fallback, and commands to their skills', async () => {
    const out = await replay([
      msg('m1', at(1, '10:00'), 'u1', 'the weather is lovely today'),
      msg('m2', at(1, '10:01'), 'u1', '/points'),
      msg('m3', at(1, '10:02'), 'u1', 'what can you do?'),
    ]);
    expect(answerTo(out, 'm1').text).toContain("didn't quite get that");
    expect(answerTo(out, 'm2').text).toContain('You have 0 points');
    expect(answerTo(out, 'm3').text).toContain('Here is what I can do');
  });

  it('does not answer long messages that merely mention points', async () => {
    const story = `So yesterday I went shopping and ${'it was a long day '.repeat(12)} and how many points do I have?`;
    const out = await replay([msg('m1', at(1, '10:00'), 'u1', story)]);
    expect(answerTo(out, 'm1').text).toContain("didn't quite get that");
  });
});

describe('ask: questions beside the points', () => {
  it("says a tier's perks from the program's numbers, or in the program's own words when it has them", async () => {
    const out = await replay([msg('m1', at(1, '10:00'), 'u1', '金卡有什么权益'), msg('m2', at(1, '10:01'), 'u1', 'what are the perks of Platinum?')]);
    const gold = answerTo(out, 'm1').text;
    expect(gold).toContain('金卡会员权益');
    expect(gold).toContain('消费积分 ×1.2');
    expect(gold).toContain('升级礼包 300 积分');
    expect(gold).toContain('¥50代金券');
    expect(answerTo(out, 'm2').text).toContain('Purchases earn points at ×1.5');
    const custom = program((p) => {
      p.tiers[2]!.benefits = { zh: '金卡专属客服，生日礼盒。', en: 'A personal shopper and a birthday box.' };
    });
    const own = await replay([msg('m1', at(1, '10:00'), 'u1', 'what are Gold perks')], { program: custom });
    expect(answerTo(own, 'm1').text).toBe('Gold perks:\nA personal shopper and a birthday box.');
  });

  it('never opens a ticket for thanks or greetings, however many in a row', async () => {
    const out = await replay(['谢谢', 'thanks!', '你好', 'thx', '👍', 'ok'].map((t, i) => msg(`m${i}`, at(1, `10:0${i}`), 'u1', t)));
    expect(out.filter((o) => o.chat === 'staff')).toEqual([]);
    expect(out.map((o) => o.text).join('\n')).not.toMatch(/没太明白|didn't quite get/);
  });

  it('answers a question about checking in without checking in', async () => {
    const out = await replay([msg('m1', at(1, '10:00'), 'u1', '我今天签到了吗'), msg('m2', at(1, '10:01'), 'u1', 'what do I get for checking in?')]);
    expect(answerTo(out, 'm1').text).toContain('你今天还没签到');
    expect(answerTo(out, 'm2').text).toContain("You haven't checked in today");
  });
});
