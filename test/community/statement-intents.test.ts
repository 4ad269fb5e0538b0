// Recognising members asking for their statement, why their points or tier changed, their codes, or points missing
// for an order (recogniseStatementAsk), in zh and en — and leaving everything else (chatter, other questions) alone.
// The held-out list was written before the recogniser was first run on it. First (blind) run, 2026-12-02: 30 of 30
// right (100%: 5 statement, 9 why, 4 vouchers, 5 missing points, 7 not ours).
import { describe, expect, it } from 'vitest';
import { orderIdIn, recogniseStatementAsk, type StatementAsk } from '../../community/statement';

type Kind = StatementAsk['kind'] | 'none';

// Wordings seen while writing the recogniser.
const DEV: [string, Kind][] = [
  ['积分明细', 'statement'],
  ['我的积分记录', 'statement'],
  ['查一下积分流水', 'statement'],
  ['my points history', 'statement'],
  ['statement', 'statement'],
  ['show me my points activity', 'statement'],
  ['why did my points drop by 30', 'why'],
  ['为什么我的积分少了', 'why'],
  ['why did my points go down', 'why'],
  ['where did my 30 points go', 'why'],
  ['为啥我被降级了', 'why'],
  ['why was I downgraded to silver?', 'why'],
  ['我的券', 'vouchers'],
  ['my vouchers', 'vouchers'],
  ['my codes', 'vouchers'],
  ['我的兑换码在哪', 'vouchers'],
  ['I bought two bottles last week, order 123456, where are my points?', 'missing-points'],
  ['订单123456的积分没到账', 'missing-points'],
  ['我买了东西积分怎么没加', 'missing-points'],
  ["I ordered yesterday but didn't get any points", 'missing-points'],
  // Not ours: chatter and other questions.
  ['今天天气不错', 'none'],
  ['哈哈哈', 'none'],
  ['我有多少积分', 'none'],
  ['how many points do I have?', 'none'],
  ['签到', 'none'],
  ['why is the sky blue', 'none'],
  ['积分商城有什么', 'none'],
  ['what can I redeem', 'none'],
  ['为什么今天这么冷', 'none'],
  ['谁买了新手机', 'none'],
];

// Written before the first run (not tuned on); first run 30/30.
const HELD_OUT: [string, Kind][] = [
  ['帮我看看积分变动', 'statement'],
  ['积分账单发我一下', 'statement'],
  ['can I see my points breakdown', 'statement'],
  ['send me my loyalty statement please', 'statement'],
  ['我的积分都是怎么来的', 'statement'],
  ['积分怎么变少了？', 'why'],
  ['我的积分为什么被扣了50', 'why'],
  ['咋回事 我积分少了一百', 'why'],
  ['how come my balance is lower than yesterday', 'why'],
  ['what happened to my points?', 'why'],
  ['why did I lose 20 points', 'why'],
  ['为什么我从金卡变成银卡了', 'why'],
  ['why did my tier change', 'why'],
  ['我的积分去哪了', 'why'],
  ['我有哪些优惠券', 'vouchers'],
  ['我兑换的券呢', 'vouchers'],
  ['where are my coupons', 'vouchers'],
  ['show my redemption codes', 'vouchers'],
  ['订单号 88776655 积分还没到', 'missing-points'],
  ['上周下单了，积分一直没到账', 'missing-points'],
  ['my order #A1234 never got points', 'missing-points'],
  ['I purchased a bundle but the points are missing', 'missing-points'],
  ['积分没有到账，单号是20260301001', 'missing-points'],
  ['大家好', 'none'],
  ['这个活动什么时候结束', 'none'],
  ['积分可以换什么', 'none'],
  ['thanks!', 'none'],
  ['my cat loves this brand', 'none'],
  ['为什么快递这么慢', 'none'],
  ['how do I earn points', 'none'],
];


// A second blind batch, harder on purpose (mixed wordings, near misses), written before its first run: 27 of 30 right
// (90%; missed 最近积分有哪些变化, 我的积分咋少了这么多, which vouchers do I have? — the recogniser learnt them after).
const HELD_OUT_2: [string, Kind][] = [
  ['积分明细给我看下', 'statement'],
  ['最近积分有哪些变化', 'statement'],
  ['points log pls', 'statement'],
  ['what are my recent point transactions', 'statement'],
  ['我的积分咋少了这么多', 'why'],
  ['积分被扣了，为什么', 'why'],
  ['why have my points gone down to zero', 'why'],
  ['hey why did i lose points yesterday?', 'why'],
  ['为啥我的成长值变少了', 'why'],
  ['why am I silver now, I was gold', 'why'],
  ['my points disappeared, why?', 'why'],
  ['我的优惠券在哪里看', 'vouchers'],
  ['我之前兑换的兑换码找不到了', 'vouchers'],
  ['which vouchers do I have?', 'vouchers'],
  ['where is my voucher code', 'vouchers'],
  ['订单 556677 没有积分', 'missing-points'],
  ['我下单了，积分没到', 'missing-points'],
  ['bought stuff on the 3rd, order 991122, no points yet', 'missing-points'],
  ["i paid for order 4455667 but points haven't arrived", 'missing-points'],
  ['points for my purchase are not showing', 'missing-points'],
  ['积分是什么', 'none'],
  ['怎么赚积分', 'none'],
  ['为什么要签到', 'none'],
  ['why should I join the program', 'none'],
  ['我的快递到哪了', 'none'],
  ['我的订单什么时候发货', 'none'],
  ['when does my order ship', 'none'],
  ['兑换码怎么用', 'none'],
  ['my kids love the new flavour', 'none'],
  ['who has the best codes for the game', 'none'],
];

const kindOf = (text: string): Kind => recogniseStatementAsk(text)?.kind ?? 'none';

describe('recogniseStatementAsk', () => {
  it.each(DEV)('%s → %s', (text, kind) => {
    expect(kindOf(text)).toBe(kind);
  });

  it('held-out wordings: at least 85% right (first run recorded in the note below)', () => {
    const wrong = HELD_OUT.filter(([text, kind]) => kindOf(text) !== kind);
    const accuracy = 1 - wrong.length / HELD_OUT.length;
    expect(accuracy, `wrong: ${wrong.map(([t, k]) => `${t} (want ${k}, got ${kindOf(t)})`).join('; ')}`).toBeGreaterThanOrEqual(0.85);
  });

  it('second held-out batch: at least 85% right', () => {
    const wrong = HELD_OUT_2.filter(([text, kind]) => kindOf(text) !== kind);
    expect(1 - wrong.length / HELD_OUT_2.length, `wrong: ${wrong.map(([t, k]) => `${t} (want ${k}, got ${kindOf(t)})`).join('; ')}`).toBeGreaterThanOrEqual(0.85);
  });

  it('reads the order number, the amount and the direction', () => {
    expect(recogniseStatementAsk('I bought two bottles last week, order 123456, where are my points?')).toEqual({ kind: 'missing-points', orderId: '123456' });
    expect(recogniseStatementAsk('订单123456的积分没到账')).toEqual({ kind: 'missing-points', orderId: '123456' });
    expect(recogniseStatementAsk('why did my points drop by 30')).toEqual({ kind: 'why', direction: 'down', amount: 30 });
    expect(recogniseStatementAsk('为啥我被降级了')).toEqual({ kind: 'why', tier: true });
    expect(orderIdIn('my order #A1234 never got points')).toBe('A1234');
    expect(orderIdIn('今天天气不错')).toBeUndefined();
  });
});
