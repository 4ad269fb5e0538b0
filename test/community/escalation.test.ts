// Escalation signals in Chinese and English: what must go to a person, and everyday messages that must not.
import { describe, expect, it } from 'vitest';
import { amountsIn, escalationSignal, handoffFigures, median, parseChineseNumber } from '../../community/escalation';
import { program } from '../harness';

const p = program();
const signal = (text: string, tierId = 'member', misunderstoodInARow = 0) => escalationSignal(p, { text, tierId, misunderstoodInARow });
const reasonOf = (text: string, tierId = 'member') => signal(text, tierId)?.reason;

describe('escalation signals', () => {
  it.each([
    '转人工',
    '我要人工客服',
    '找客服',
    '客服在吗？',
    '人工',
    '有没有真人啊',
    '能帮我转一下人工吗',
    'I want to talk to a human',
    'can I speak with a real person please',
    'Agent',
    'human please',
    'connect me to an agent',
    'How do I contact customer service?',
    '有客服吗',
    '我要和客服说话',
    '能让工作人员联系我吗',
    'need a human asap',
    'I want to speak to customer service',
    'is there a human I can chat with',
  ])('an explicit request: %s', (text) => {
    expect(reasonOf(text)).toBe('request');
  });

  it.each([
    '我要投诉！',
    '你们的快递一周了还没到，太过分了',
    '我要退款',
    '订单一直没发货，怎么回事',
    '收到的东西是坏了的，质量太差',
    '气死我了，客服态度太差',
    '退款怎么还不退？',
    'I want a refund now',
    'My order still hasn\'t arrived after two weeks',
    'This is a scam',
    'I am really angry about the service',
    'Your service is terrible',
    'the package arrived damaged',
    'Where is my order??',
    'I want to make a complaint',
    'I haven\'t received my order',
  ])('a complaint: %s', (text) => {
    expect(reasonOf(text)).toBe('complaint');
  });

  it.each([
    ['我想买一台¥8000的', '¥8000'],
    ['预算8千左右，有推荐吗', '8千'],
    ['想买一万块的东西', '一万块'],
    ['我们要订60箱', '60箱'],
    ['I want to order 100 pieces', '100 pieces'],
    ['公司想团购一批礼品', '团购'],
    ['请问企业采购怎么下单', '企业采购'],
    ['Do you do bulk orders?', 'bulk orders'],
    ['I want the most expensive plan', 'most expensive'],
    ['budget is about 6,000 yuan, what can I get', '6000 yuan'],
    ['需要 1.5万 的方案', '1.5万'],
  ])('high-value intent: %s', (text, detail) => {
    const s = signal(text);
    expect(s?.reason).toBe('high-value');
    expect(s?.detail).toBe(detail);
  });

  it.each([
    '我有多少积分？',
    '签到',
    '今天天气不错，大家周末去哪玩？',
    '人工智能现在好厉害',
    '我喜欢和人工智能聊天',
    '今天累坏了，哈哈',
    '哈哈笑死我了',
    '我攒了8000积分，能换什么',
    '想买个¥50的小东西',
    '我们要订5箱',
    '退款后积分会扣吗？',
    'how many points do I have',
    'the weather is awful today',
    'no complaints here, love it',
    'I walked 10k steps today',
    'I want 3 boxes please',
    'thanks, that was helpful!',
    '万一下雨怎么办',
    '千万别忘了签到',
    'is a customer service job hard?',
    '我是你们的老客户了，客服态度一直很好',
    '',
  ])('no escalation: %s', (text) => {
    expect(signal(text)).toBeUndefined();
  });

  it('a Gold member asking for help escalates, a Member asking the same does not', () => {
    expect(reasonOf('帮帮我，遇到问题了', 'gold')).toBe('vip-help');
    expect(reasonOf('I need help with my account', 'diamond')).toBe('vip-help');
    expect(reasonOf('帮帮我，遇到问题了', 'silver')).toBeUndefined();
    expect(reasonOf('I need help with my account', 'member')).toBeUndefined();
  });

  it('a Gold member asking about points is answered by the bot, not escalated', () => {
    expect(reasonOf('can you help me check my points?', 'gold')).toBeUndefined();
    expect(reasonOf('帮我查一下积分', 'platinum')).toBeUndefined();
    expect(reasonOf('hey what can you help me with', 'gold')).toBeUndefined();
  });

  it('two misunderstood messages in a row escalate; one does not', () => {
    expect(signal('asdf qwer', 'member', 1)).toBeUndefined();
    expect(signal('asdf qwer', 'member', 2)?.reason).toBe('misunderstood');
  });

  it('puts VIP members first, then complaints and high value, then the rest', () => {
    const vipRequest = signal('转人工', 'gold')!;
    const complaint = signal('我要投诉')!;
    const request = signal('转人工')!;
    expect(vipRequest.vip).toBe(true);
    expect(request.vip).toBe(false);
    expect(vipRequest.priority).toBeGreaterThan(complaint.priority);
    expect(complaint.priority).toBeGreaterThan(request.priority);
    expect(signal('我要投诉', 'diamond')!.priority).toBeGreaterThan(vipRequest.priority);
  });

  it('uses the thresholds from the program', () => {
    const strict = program((q) => {
      q.escalation.highValueCny = 20_000;
      q.escalation.highValueUnits = 200;
    });
    expect(escalationSignal(strict, { text: '我想买一台¥8000的', tierId: 'member' })).toBeUndefined();
    expect(escalationSignal(strict, { text: '我们要订60箱', tierId: 'member' })).toBeUndefined();
    expect(escalationSignal(strict, { text: '预算两万', tierId: 'member' })?.reason).toBe('high-value');
  });
});

describe('amounts', () => {
  it('reads Chinese numerals', () => {
    expect(parseChineseNumber('八千')).toBe(8000);
    expect(parseChineseNumber('一万')).toBe(10_000);
    expect(parseChineseNumber('一万五')).toBe(15_000);
    expect(parseChineseNumber('三十')).toBe(30);
    expect(parseChineseNumber('一百零五')).toBe(105);
    expect(parseChineseNumber('两百五')).toBe(250);
    expect(parseChineseNumber('十万')).toBe(100_000);
  });

  it('tells money from quantities and points', () => {
    expect(amountsIn('￥８，０００')).toEqual({ money: [{ value: 8000, words: '¥8000' }], units: [] });
    expect(amountsIn('60箱').units[0]?.value).toBe(60);
    expect(amountsIn('8000积分')).toEqual({ money: [], units: [] });
    expect(amountsIn('2w').money[0]?.value).toBe(20_000);
  });
});

describe('handoff figures', () => {
  it('medians and average rating over tickets', () => {
    const min = 60_000;
    expect(median([])).toBeUndefined();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const f = handoffFigures([
      { openedAt: 0, takenAt: 2 * min, closedAt: 10 * min, rating: 5 },
      { openedAt: 0, takenAt: 4 * min, closedAt: 20 * min, rating: 4 },
      { openedAt: 0, takenAt: 9 * min, closedAt: null, rating: null },
      { openedAt: 0, takenAt: null, closedAt: 1 * min, rating: null },
    ]);
    expect(f).toEqual({ opened: 4, medianTakeMinutes: 4, medianCloseMinutes: 15, averageRating: 4.5, ratings: 2 });
  });
});
