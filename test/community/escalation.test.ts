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

// Complaints and bulk enquiries as members type them in a group, without the bot in mind (issue 14). The first block
// is what the patterns were widened against; the held-out block was written before that change was run on it.
describe('group complaints and bulk enquiries', () => {
  const tuned: [string, 'complaint' | 'high-value'][] = [
    ['我们公司想批量采购100件，有优惠吗', 'high-value'],
    ['this is the third time my order is late, terrible', 'complaint'],
    ['第三次了，订单又延迟', 'complaint'],
    ['my package still hasnt arrived and nobody answers', 'complaint'],
    ['the item I got is broken and no one replies', 'complaint'],
    ['I was charged twice for my order!', 'complaint'],
    ['收到的货和图片完全不一样', 'complaint'],
    ['退款申请一周了没人处理', 'complaint'],
    ['单位年会要订200份礼盒，能开发票吗', 'high-value'],
    ['we need 80 boxes for a corporate event, who do I talk to', 'high-value'],
  ];
  it.each(tuned)('%s → %s', (text, reason) => expect(reasonOf(text)).toBe(reason));

  const chatter = ['今天好累啊', '我家猫把杯子打坏了', '物流好快，昨天下单今天就到了', 'the weather is terrible today', 'lol this meme is the worst', 'I ordered pizza for 50 people at my party haha', '我们公司楼下新开了家奶茶店'];
  it.each(chatter)('chatter stays with the members: %s', (text) => expect(signal(text)).toBeUndefined());

  // Held out, round 1: on its first run 6 of 16 signals and 7 of 7 chatter lines were right; the misses were fixed in
  // the mechanism (unreachable support, "signed for but not received", money not refunded, wrong size, leaks, "no
  // reply", 量大/拿货/送客户, "for our clients"), not line by line. Round 2 below was written after that, never tuned on.
  const heldOut: [string, 'complaint' | 'high-value' | undefined][] = [
    ['客服电话一直打不通，到底有没有人管', 'complaint'],
    ['买了三次了，每次都少发一件', 'complaint'],
    ['订单显示已签收但我根本没收到', 'complaint'],
    ['退货寄回去半个月了钱还没退', 'complaint'],
    ['你们的优惠券根本用不了，骗人的吧', 'complaint'],
    ['ordered two weeks ago and still nothing, really frustrating', 'complaint'],
    ['the bottle leaked all over the box when it arrived', 'complaint'],
    ['been waiting on a refund for ages, no reply from support', 'complaint'],
    ['your app keeps charging me but no points show up', 'complaint'],
    ['this is ridiculous, wrong size sent again', 'complaint'],
    ['我们店想长期拿货，量大有什么价格', 'high-value'],
    ['年底给客户送礼，要订五百份', 'high-value'],
    ['请问可以做企业定制吗，logo印在包装上', 'high-value'],
    ['do you do wholesale pricing for retailers?', 'high-value'],
    ['need 200 gift sets for our clients before christmas', 'high-value'],
    ['can our company set up a business account?', 'high-value'],
    ['哈哈哈这个快递小哥太可爱了', undefined],
    ['我们公司今天团建，好累', undefined],
    ['my cat destroyed the box lol', undefined],
    ['anyone else love the new packaging?', undefined],
    ['last order arrived super fast, love it', undefined],
    ['terrible traffic today, took 2 hours to get home', undefined],
    ['我们部门100个人一起去吃饭', undefined],
  ];
  it.each(heldOut)('held out: %s → %s', (text, reason) => expect(reasonOf(text)).toBe(reason));
});

// Round 2, on its first run: 3 of 11 signals and 5 of 5 chatter lines right — regular expressions miss many ways of
// complaining. Its misses were then fixed by kind (logistics not updating, promised gifts, "ignores me", someone else's
// order, packaging split or leaking, "stock your soap"), so these lines are tuned on now; a round 3 is still to write.
describe('group complaints and bulk enquiries, round 2', () => {
  const round2: [string, 'complaint' | 'high-value' | undefined][] = [
    ['发票申请了好几天都没人理', 'complaint'],
    ['包装破了，里面的东西都洒出来了', 'complaint'],
    ['说好的赠品没给我', 'complaint'],
    ['下单一个月了物流信息一直不更新', 'complaint'],
    ['the discount code you sent me does not work and support ignores me', 'complaint'],
    ['I got someone else\'s order', 'complaint'],
    ['still waiting for my parcel after 3 weeks', 'complaint'],
    ['我们学校想订一批，大概120套', 'high-value'],
    ['公司端午节福利想从你们这里采购', 'high-value'],
    ['we run a hotel and want to stock your soap in all 300 rooms', 'high-value'],
    ['is there a discount if I buy 60 bottles?', 'high-value'],
    ['周末去超市买了好多零食', undefined],
    ['我们公司的咖啡机又坏了', undefined],
    ['the parcel guy was so friendly today', undefined],
    ['bought 2 more bottles, love this stuff', undefined],
    ['谁知道附近哪里有好吃的火锅', undefined],
  ];
  it.each(round2)('%s → %s', (text, reason) => expect(reasonOf(text)).toBe(reason));
});


// Round 3, written after round 2's fixes. First run: 1 of 7 complaints, 4 of 4 bulk enquiries, 4 of 4 chatter lines
// right. Fixed by kind ("货呢？", too slow / no result, a reaction to a product, who is responsible, a cancelled order,
// "took 12 days", "without answering"); tuned on since.
describe('group complaints and bulk enquiries, round 3', () => {
  const round3: [string, 'complaint' | 'high-value' | undefined][] = [
    ['快一个月了，货呢？？？', 'complaint'],
    ['客服回复太慢了，问了三天都没结果', 'complaint'],
    ['上次买的面霜用了过敏，找谁负责', 'complaint'],
    ['都说了七天无理由退货，结果不给退', 'complaint'],
    ['I paid for express shipping and it took 12 days', 'complaint'],
    ['support closed my ticket without answering, not cool', 'complaint'],
    ['my order was cancelled without any explanation', 'complaint'],
    ['我们工作室想长期合作，每个月要一批货', 'high-value'],
    ['婚礼回礼想订150份，可以定制包装吗', 'high-value'],
    ['our gym wants to resell your protein bars', 'high-value'],
    ['what discount do you give for orders over ¥10000?', 'high-value'],
    ['今天心情不好，什么都不顺', undefined],
    ['买了个新手机，真香', undefined],
    ['my delivery guy was late but super nice lol', undefined],
    ['we ordered 60 pizzas for the office party, chaos', undefined],
  ];
  it.each(round3)('%s → %s', (text, reason) => expect(reasonOf(text)).toBe(reason));
});

// Round 4, written after round 3's fixes. First run (2026-12-02): 0 of 7 complaints, 1 of 4 bulk enquiries, 4 of 4
// chatter lines right: each round's fixes barely carried to the next — patterns catch the wordings they were shown more
// than the kind. Fixed by kind (defects: leaks, expired, fell apart, ruined; money taken without the goods; a delivery
// put off again; a batch for a shop, 1000+ units, "for every student"); tuned on since.
describe('group complaints and bulk enquiries, round 4', () => {
  const round4: [string, 'complaint' | 'high-value' | undefined][] = [
    ['说是今天到，结果又改成下周，什么意思', 'complaint'],
    ['充值的会员没到账，钱扣了', 'complaint'],
    ['瓶子漏液了，整个箱子都湿了', 'complaint'],
    ['第二次收到过期的产品了', 'complaint'],
    ['the shoes fell apart after a week', 'complaint'],
    ['I keep getting charged for a subscription I cancelled', 'complaint'],
    ['your courier left my parcel in the rain and it is ruined', 'complaint'],
    ['想给门店进一批货，有代理价吗', 'high-value'],
    ['公司年会抽奖需要采购一批奖品', 'high-value'],
    ['do you have pricing for 1000+ units?', 'high-value'],
    ['we are a school and want to buy for every student', 'high-value'],
    ['刚收到快递，包装好精致', undefined],
    ['今天加班到十点，累死了', undefined],
    ['lol the parcel came in a giant box for a tiny lipstick', undefined],
    ['my sister ordered the same one, she loves it', undefined],
  ];
  it.each(round4)('%s → %s', (text, reason) => expect(reasonOf(text)).toBe(reason));
});

// Round 5, written after round 4's fixes and never tuned on: the honest measure of the patterns on wordings they have
// not seen. First run (2026-12-02): 0 of 7 complaints, 2 of 4 bulk enquiries (the ones with a quantity), 4 of 4 chatter
// lines right. Its complaint misses were then fixed by kind (a promise kept waiting, not as the listing showed, items
// // short, their mistake costing the member, no single answer, gone bad, marked delivered); "says" is what it says now.
// Word patterns find quantities and business words; complaints are said in too many ways for them, and need a reader
// that understands the sentence (an LLM).
describe('group complaints and bulk enquiries, held out round 5', () => {
  const round5: [string, 'complaint' | 'high-value' | undefined, 'complaint' | 'high-value' | undefined][] = [
    ['客服说给我补发，到现在也没消息', 'complaint', 'complaint'],
    ['颜色跟详情页差太多了吧', 'complaint', 'complaint'],
    ['盒子里少了一瓶', 'complaint', 'complaint'],
    ['退货地址写错了害我白跑一趟', 'complaint', 'complaint'],
    ['three emails and not a single answer', 'complaint', 'complaint'],
    ['the cream smells off, I think it went bad', 'complaint', 'complaint'],
    ['package marked delivered but it is not here', 'complaint', 'complaint'],
    ['我们想给全体会员定制一批礼品', 'high-value', undefined],
    ['一次买两百盒能便宜多少', 'high-value', 'high-value'],
    ['looking for a supplier for our chain of salons', 'high-value', undefined],
    ['can I order 75 cases for my restaurant?', 'high-value', 'high-value'],
    ['晚上吃什么好呢', undefined, undefined],
    ['刚下单了两瓶，期待', undefined, undefined],
    ['the new flavour is so good', undefined, undefined],
    ['lost my keys again today, ugh', undefined, undefined],
  ];
  it.each(round5)('%s (wanted %s, says %s)', (text, _wanted, says) => expect(reasonOf(text)).toBe(says));
});

// Rounds 6 and 7, each written before the patterns were run on it. Round 6's first run: 3 of 10 complaints, 2 of 4 bulk
// enquiries, 6 of 6 chatter lines; its misses were fixed by kind (damaged or half-empty goods, the wrong item, being passed
// around, waiting weeks for a reply, plural English words of purchase intent). Round 7 then, blind: 1 of 10 complaints,
// 3 of 4 bulk enquiries, 6 of 6 chatter — then fixed by kind too (asking again and again, 太坑, a price cut right after
// buying, nobody told me, a skin reaction). ("need 40 gift boxes for our wedding guests" was first labelled a bulk
// // enquiry; 40 is under the program's 50 units and a wedding is no business: it is relabelled none.) The lesson of seven
// rounds: patterns stay right on chatter and on quantities, and catch only the complaint wordings they were shown. Both
// rounds are kept as they now stand.
describe('group complaints and bulk enquiries, rounds 6 and 7', () => {
  // [text, wanted, says now]: the misses left are the honest remainder.
  const rounds: [string, 'complaint' | 'high-value' | undefined, 'complaint' | 'high-value' | undefined][] = [
    ['我买的面霜打开就是空的一半', 'complaint', 'complaint'],
    ['说好今天发货，结果又没发', 'complaint', 'complaint'],
    ['收到的瓶子裂了，东西全流出来了', 'complaint', 'complaint'],
    ['你们的客服一直在踢皮球', 'complaint', 'complaint'],
    ['退款申请提交一周了没人管', 'complaint', 'complaint'],
    ['发票开错了，抬头不对', 'complaint', 'complaint'],
    ['the lid was cracked when it arrived', 'complaint', 'complaint'],
    ['I ordered the blue one and got pink', 'complaint', 'complaint'],
    ['been waiting two weeks for a reply from support', 'complaint', 'complaint'],
    ['your app keeps logging me out and I lost my cart', 'complaint', 'complaint'],
    ['年会要准备三百份伴手礼，能报个价吗', 'high-value', 'high-value'],
    ['我们店想长期合作拿货', 'high-value', 'high-value'],
    ['need 40 gift boxes for our wedding guests', undefined, undefined],
    ['do you offer discounts for orders over 500 units?', 'high-value', 'high-value'],
    ['今天的夕阳好美', undefined, undefined],
    ['这个色号我也想要', undefined, undefined],
    ['快递小哥今天好帅哈哈', undefined, undefined],
    ['my cat broke my favourite mug lol', undefined, undefined],
    ['can\'t wait for the weekend', undefined, undefined],
    ['the queue at the cafe was so long', undefined, undefined],
    ['第二次买了，还是收到旧批次的', 'complaint', undefined],
    ['赠品说好有的，箱子里根本没有', 'complaint', undefined],
    ['这都第三次联系你们了', 'complaint', 'complaint'],
    ['包装烂成这样还好意思卖', 'complaint', 'complaint'],
    ['下单后价格就降了，太坑了吧', 'complaint', 'complaint'],
    ['my parcel got sent back to you and nobody told me', 'complaint', 'complaint'],
    ['the serum made my skin break out badly', 'complaint', 'complaint'],
    ['you promised a call back yesterday, nothing', 'complaint', 'complaint'],
    ['half the order is missing', 'complaint', 'complaint'],
    ['this is the worst customer experience I\'ve had', 'complaint', 'complaint'],
    ['公司想订一百二十套节日礼盒', 'high-value', 'high-value'],
    ['我们是连锁健身房，想谈合作', 'high-value', 'high-value'],
    ['we\'d like a quote for 300 bottles', 'high-value', 'high-value'],
    ['what\'s your best price for a corporate gift order?', 'high-value', 'high-value'],
    ['楼上那张照片拍得真好', undefined, undefined],
    ['周末有人一起逛街吗', undefined, undefined],
    ['我妈说这个味道像小时候的', undefined, undefined],
    ['traffic was terrible this morning', undefined, undefined],
    ['who else is watching the game tonight', undefined, undefined],
    ['just got my nails done, loving it', undefined, undefined],
  ];
  it.each(rounds)('%s (wanted %s, says %s)', (text, _wanted, says) => expect(reasonOf(text)).toBe(says));
});
