// Escalation signals (pure): when a member's message should go to a person — an explicit request, a complaint, a
// high-value purchase, a VIP asking for help, or the bot failing to understand them — with a reason and a priority.
import { parseChineseNumber } from './numbers';
import type { Program } from './program';

export type EscalationReason = 'request' | 'complaint' | 'high-value' | 'vip-help' | 'misunderstood';

/** Why a conversation should go to staff; a higher priority is served first, and VIP members always come first. */
export interface EscalationSignal {
  reason: EscalationReason;
  priority: number;
  vip: boolean;
  /** The words that triggered it (e.g. "¥8000", "60箱", "refund"), for the staff card. */
  detail?: string;
}

/** What the signals look at: the message, the member's tier and how many messages in a row the bot did not understand. */
export interface EscalationInput {
  text: string;
  tierId: string;
  /** Misunderstood messages in a row, counting this one. */
  misunderstoodInARow?: number;
}

type Settings = Pick<Program, 'escalation' | 'tiers'>;

/** Full-width to half-width, lower case, thousands separators dropped: "￥８，０００" → "¥8000". */
export function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/(\d),(?=\d{3}(?!\d))/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

// An explicit request for a person. "人工" alone is too broad (人工智能 is chatter): it needs a verb or to stand alone.
const requestPatterns: RegExp[] = [
  /转人工|人工客服|人工服务|人工坐席|真人客服/,
  /(找|要|叫|接|请|转|联系|换)(个|一个|一下)?(人工|客服|真人)/,
  /客服(在吗|在不在|呢|人员|在哪)/,
  /^(人工|客服|真人)[吗呢啊呀吧!?。.~ ]*$/,
  /(和|跟|找)(真|活)?人(说话|聊|沟通|对话)/,
  /(和|跟|找|让)(个)?(客服|人工|真人|活人|工作人员)(说话|聊|沟通|对话|联系)?/,
  /工作人员联系/,
  /有(没有)?(真人|人工|客服|活人)(吗|嘛|么|在|啊|呢|$)/,
  /\b(talk|speak|chat)( directly)? (to|with) (a |an |some |your |the )?(human|person|real person|someone|somebody|agent|representative|rep|staff|staff member|manager|support|customer (service|support|care)|team)\b/,
  /\b(need|want|get) (a |an )?(human|real person|live person|agent|representative)\b/,
  /\bis (there|this) (a |an )?(human|real person|live person|agent)\b/,
  /\b(staff member|someone from (your|the) team|a person)\b.{0,20}\b(contact|call|reach|message) me\b/,
  /\b(real|live|actual) (person|human|agent|people)\b/,
  /\bhuman (agent|support|being|please)\b/,
  /\b(connect|transfer|put) me (through )?(to|with) /,
  /\bi (want|need|would like|'d like) (a |an |to talk to a |to speak to a )?(human|agent|person|representative)\b/,
  /\b(contact|reach|call|need|want|get|where is|how do i reach|how do i contact) (the |a |your )?customer (service|support|care)\b/,
  /^customer (service|support|care)( please)?[.!? ]*$/,
  /^(human|agent|representative|operator)( please)?[.!? ]*$/,
];

// Complaints and strong negative feeling. A weak word ("terrible", "垃圾") needs something it is about (order, service,
// you); strong ones stand alone. Mild chatter ("累死了", "the weather is awful") must not escalate.
const strongComplaint: RegExp[] = [
  /投诉|举报|差评|骗子|骗人|欺诈|诈骗|坑人|坑爹|气死|太气人|愤怒|忍无可忍|受够了|恶心死|12315|消协|维权/,
  /(我要|要求|必须|给我|赶紧|马上|立刻|立即|快点?|申请)(退款|退货|退钱|赔偿|赔钱)/,
  /退钱|不给退|怎么还不退|退款(还|一直)?(没|不)(到|处理|退|给)|(钱|款)[^。!?]{0,3}(还|一直|都)?没(退|到账|收到)/,
  /(显示|已经?)签收[^。!?]{0,8}(没|未)收到|根本没收到|没收到货/,
  /(物流|快递|订单)(信息|状态)?[^。!?]{0,4}(一直|都|还)?不(更新|动)|说好的[^。!?]{0,8}(没|不)(给|发|送|到)/,
  /漏液|变质|发霉|过期的?(产品|商品|货|东西)|收到[^。!?]{0,6}过期|钱(被|都)?扣了|扣了钱|扣款[^。!?]{0,6}(没|未)到|又(推迟|延期|延后)|改(成|到)了?(下周|下个月|明天|后天)|(货|快递|包裹|东西|退款|订单)(呢|去哪了|到底在哪)\s*[?？]|用了?[^。!?]{0,4}(过敏|起疹|烂脸|红肿)|找谁负责|谁来负责/,
  /\b(fell apart|falling apart|ruined|expired (product|item|stuff)|mou?ldy|(charged|charging|billed|billing) (me )?for [^.!?]{0,30}(cancel?led|cancel?ed|never (got|received|ordered))|postponed again|rescheduled again|(cancel?led|cancel?ed) (my|our) order|(my|our) order (was|got|has been) (cancel?led|cancel?ed)|took (\d+|a few|several|two|three) (days|weeks)|took (ages|forever) to (arrive|ship|come))\b/,
  /\b(still waiting (for|on) (my|the|our) (order|parcel|package|delivery|refund)|(got|received|sent me) (someone|somebody) else'?s (order|package|parcel|item)|ignor(es|ed|ing) (me|my))\b/,
  /(快递|物流|包裹|订单|货|东西)[^。!?]{0,8}(还没|一直没|迟迟没|怎么还没|到现在都没|都没)(到|收到|发货|发|更新|动)/,
  /(还没|一直没|迟迟没|怎么还没)(到货|收到货|发货)/,
  /等了[^。!?]{0,4}(天|周|星期|个月)[^。!?]{0,8}(还没|没|都没)/,
  /破损|假货|发错|少发|漏发|质量太差|有质量问题|货不对板|与描述不符|(和|跟|与)(图片|描述|宣传)[^。!?]{0,4}(不一样|不符|不一致|差太多)/,
  /扣了?两次|重复扣(款|费|钱)|多扣了?(钱|款|费)|\b(charged (me )?(twice|two times|double)|double[- ]charged)\b/,
  /\b(refund me|my money back|demand (a|my) refund|want (a|my) refund|give me (a|my) refund|still no refund|where is my refund|chargeback)\b/,
  /\b(scam|scammed|fraud|rip-?off|ripped off|furious|outraged|pissed( off)?|fed up|sick of|unacceptable|disgusted|disgraceful|frustrat(ed|ing))\b/,
  /\b(keeps? charging me|overcharged|(sent|shipped|got|received) (me )?(the )?wrong|wrong (size|colou?r)s?)\b/,
  /\b(i am|i'm|im|so|really|very) (angry|upset|mad|disappointed)\b/,
  /\b(never|still not|still hasn'?t|hasn'?t|has not|haven'?t|have not|didn'?t|did not|not yet) (arrived|come|been delivered|shown up|shipped)\b/,
  /\b(haven'?t|have not|didn'?t|did not|never|still haven'?t) (received|got|gotten) (my |the |our )?(order|package|parcel|item|delivery|refund)\b/,
  /\b(late|delayed|missing|lost) (delivery|order|package|parcel|shipment)\b/,
  /\b(delivery|order|package|parcel|shipment) (is|was) (late|delayed|missing|lost)\b/,
  /\bwhere('s| is) my (order|package|parcel|delivery)\b/,
  /\b(damaged|defective|broken|wrong) (item|product|order|package|one)\b/,
  /\b(arrived|came) (damaged|broken|leaking|smashed|cracked|open)\b/,
  /\bcomplain(t|ts|ing)?\b/,
  // A promise kept waiting: 说好/答应/说给我… and still nothing ("客服说给我补发，到现在也没消息").
  /(说好|答应|承诺|说给我|说会|说要)[^。!?]{0,12}(到现在|至今|结果|还是|也|都|又)[^。!?]{0,3}(没|没有|不)(消息|下文|动静|回音|结果|发|到|给|处理)/,
  // Not what the listing showed ("颜色跟详情页差太多了吧").
  /(跟|和|与|比)(详情页?|图片?|照片|描述|宣传|页面|介绍|样品|直播间?)[^。!?]{0,6}(差太多|差很多|差好多|不一样|不符|差别|差距|两回事)/,
  // Short of what was bought ("盒子里少了一瓶", "缺了两件").
  /(少|缺)了?[一二两三四五六七八九十几\d]+(瓶|件|个|盒|支|样|份|包|罐|袋|套)/,
  // Their mistake cost the member ("地址写错了害我白跑一趟").
  /害(我|得我)|白跑|(写|发|寄|开|填)错了?[^。!?]{0,6}(害|让我|导致)|(发票|地址|单号|快递单)[^。!?]{0,3}(开|写|填|贴)错/,
  /\b(not (a|one) single (answer|reply|response|word)|(emails?|messages?|calls?|tickets?) and (still )?(no|not a single|zero) (answer|reply|response)s?)\b/,
  // Gone bad, or never there though the tracking says so.
  /\b((smells?|smelled|tastes?|tasted) (off|bad|weird|funny|strange|rancid)|went (bad|off)|gone (bad|off)|marked (as )?delivered|says (it was |it's )?delivered|(shows|showing) (as )?delivered)\b/,
  // What arrived is not what was bought: damaged, half empty, the wrong one.
  /(裂了|裂开|碎了|压坏|压扁|瘪了|流出来|漏出来|洒了一|空的一半|只有一半|半瓶|空瓶|空盒)|\b(was|were|is|came|arrived) (cracked|crushed|dented|smashed|leaking|torn|half empty|empty|open(ed)?)\b|\bordered (the |a |an )?[\w -]{1,20}(and|but) (got|received|they sent)\b/,
  // Being passed around or kept waiting by the service itself.
  // Asking again and again, or the price dropping right after buying.
  /第[二三四五六七八九十\d]+次(联系|找|问|催|反映|打电话|发消息)|(一直|天天|反复)(催|问|找)|太坑|好坑|真坑|被坑|(刚|才)?(下单|买)[^。!?]{0,6}(就|又)?降价|价格就降|还好意思|\b(nobody|no one) (told|tells|informed|warned) (me|us)\b|\bpromised [^.!?]{0,30}(nothing|never|no one|nobody)\b|\b(break|broke) (me )?out\b|\b(rash|allergic reaction)\b/,
  /踢皮球|推来推去|互相推|推卸|敷衍|不作为|\b(waiting|waited) ([\w-]+ ){0,2}(days|weeks|hours|months) (for|on) (a |an |any )?(reply|answer|response|refund|callback)\b|\b(app|site|website|checkout|payment)s? (keeps?|kept) (crashing|failing|logging me out|freezing)\b/,
];
// Weak words also cover what goes wrong with an order ("又延迟", "没人处理", "broken and no one replies"): with an order,
// a parcel or the shop named, that is a complaint; about anything else it is chatter ("我家猫把杯子打坏了").
const weakComplaint =
  /垃圾|坏了|太差|很差|差劲|太烂|烂透|失望|不满|生气|延迟|延误|没有?人(处理|回|理|管)|不回(消息|复)|打不通|联系不上|破了|太慢|慢死|没结果|没下文|洒(出来|了)|漏(了|出来)|\b(still nothing|not cool|without (any )?(answer|answering|explanation|reply|replying|notice|warning)|does ?n[o']?t work|did ?n[o']?t work|not working|leak(ed|ing|s)?|spilled|smashed|ridiculous|annoying|no (reply|response|answer)|terrible|awful|horrible|worst|useless|pathetic|rubbish|garbage|crap|disappointing|disappointed|broken|damaged|defective|no one (replies|answers|responds|helps|gets back)|nobody (replies|answers|responds|helps|gets back))\b/;
const complaintObject = /订单|快递|物流|包裹|服务|产品|商品|东西|质量|你们|客服|态度|店|发货|售后|退款|发票|包装|赠品|批次|体验|\b(order|ordered|delivery|service|product|package|parcel|item|support|you|your|shop|store|company|shipping|quality|refund|arrived|delivered|sent|customer|experience|packaging)\b/;
const notComplaint = /(no|not|never|nothing to|don't|do not) complain|没(有)?(什么)?(可)?(投诉|不满)|不(用|想|会)投诉|不失望|没失望/;

// High-value purchase intent: business words, the most expensive plan, or an amount/quantity over the thresholds.
const bulkPatterns: RegExp[] = [
  /连锁[^。!?]{0,8}(合作|采购|订|拿货|进货)|团购|企业采购|公司采购|单位采购|批发|批量(采购|购买|订购|下单|订|买)?|大批量|集采|大客户|企业客户|企业订单|公司订单|企业定制|商务合作|采购|量大|长期(拿货|合作|供货|订)|拿货价|进货|进一批|一批货|代理价|经销价|批发价|(给|送)(员工|客户|合作伙伴)/,
  /\b(stock (your|it|them|these)|for (every|all (our|the|of our)?) ?(students?|employees?|staff|rooms?|guests?|clients?)|\d+\+ ?(units?|pieces?|pcs|boxes|bottles|sets)|(our|my) (hotel|restaurant|cafe|gym|salon|spa|clinic|school|store|shop) (wants?|would like|needs?)|bulk (orders?|purchases?|buy|buying|pricing|discounts?)|in bulk|wholesale|corporate (orders?|purchases?|gifts?|accounts?|plans?|clients?)|for (our|my|all our) (company|team|office|business|clients|customers|employees)|company orders?|business (orders?|accounts?)|enterprise (plans?|orders?|accounts?)|volume (discounts?|pricing)|large orders?|big orders?|procurement)\b/,
];
const premiumPatterns: RegExp[] = [/最贵的|顶配|旗舰版|至尊(版|套餐)|最高档/, /\b(most expensive|priciest|top[- ]of[- ]the[- ]line|top[- ]tier (plan|package))\b/];
const purchaseIntent =
  /买|购|订|下单|采购|预算|要|想|需要|报价|价格|多少钱|优惠|折扣|拿货|进货|定制|\b(buy|buying|purchases?|orders?|ordering|budget|quotes?|prices?|pricing|discounts?|need|want|looking for|interested|get|deals?|spend|offer)\b/;

const unitWord = /^(箱|件|台|套|份|盒|个|瓶|包|支|只|张|条|桶|袋|提|罐|双|打|pieces?\b|pcs\b|units?\b|boxes\b|box\b|cases?\b|cartons?\b|sets?\b|packs?\b|bottles?\b|items?\b|pairs?\b|crates?\b|bags?\b|cans?\b)/;
const moneyWord = /^(元|块|rmb\b|cny\b|yuan\b|人民币)/;
const notMoney = /^(积分|分|成长值|点|人|位|粉|步|次|天|年|个月|小时|公里|米|岁|points?\b|pts\b|steps\b|people\b|followers\b|members\b|days\b|years\b|km\b|hours\b)/;
const moneyBefore = /(预算|价位|金额|价值|budget|worth|spend|spending)\s*(大概|大约|约|是|在|of|around|about|is)?\s*$/;
// A numeral must start with a digit (so 万一 "in case" and 千万 "by all means" are not amounts).
const amountToken = /(¥|\$|rmb ?|cny ?)?(\d+(?:\.\d+)?)( ?(?:千|万|[kw](?![a-z])))?|([零一二两三四五六七八九十][零一二两三四五六七八九十百千万]{0,7})/g;

export { parseChineseNumber };

const multiplier: Record<string, number> = { 千: 1000, k: 1000, w: 10_000, 万: 10_000 };

/** Amounts of money (CNY) and quantities named in a message: "¥8000", "8千", "一万", "60箱", "100 pieces". */
export function amountsIn(text: string): { money: { value: number; words: string }[]; units: { value: number; words: string }[] } {
  const t = normalise(text);
  const money: { value: number; words: string }[] = [];
  const units: { value: number; words: string }[] = [];
  for (const m of t.matchAll(amountToken)) {
    const [whole, currency, digits, mult, chinese] = m;
    let value: number;
    let scaled: boolean;
    if (digits !== undefined) {
      value = Number(digits) * (mult ? multiplier[mult.trim()]! : 1);
      scaled = mult !== undefined;
    } else {
      value = parseChineseNumber(chinese!);
      scaled = /[千万]/.test(chinese!);
      if (value === 0) continue;
    }
    const start = m.index!;
    const after = t.slice(start + whole.length);
    const rest = after.replace(/^ /, '');
    const named = unitWord.exec(rest) ?? moneyWord.exec(rest);
    const words = `${whole}${named ? after.slice(0, after.length - rest.length) + named[0] : ''}`.trim();
    if (unitWord.test(rest)) units.push({ value, words });
    else if (notMoney.test(rest)) continue;
    else if (currency !== undefined || moneyWord.test(rest) || scaled || moneyBefore.test(t.slice(0, start))) money.push({ value, words });
  }
  return { money, units };
}

/** The words of an explicit request for a person, if the message is one. */
export function explicitRequestIn(text: string): string | undefined {
  const t = normalise(text).replace(/人工智能/g, 'ai');
  for (const p of requestPatterns) {
    const m = p.exec(t);
    if (m) return m[0].trim();
  }
  return undefined;
}

/** The words of a complaint or strong negative feeling, if the message has one. */
export function complaintIn(text: string): string | undefined {
  const t = normalise(text);
  if (notComplaint.test(t)) return undefined;
  for (const p of strongComplaint) {
    const m = p.exec(t);
    if (m) return m[0].trim();
  }
  const weak = weakComplaint.exec(t);
  if (weak && complaintObject.test(t)) return weak[0];
  return undefined;
}

/** The words showing high-value purchase intent (amount, quantity, bulk/company order, the most expensive plan). */
export function highValueIn(text: string, settings: { highValueCny: number; highValueUnits: number }): string | undefined {
  const t = normalise(text);
  for (const p of bulkPatterns) {
    const m = p.exec(t);
    if (m) return m[0].trim();
  }
  for (const p of premiumPatterns) {
    const m = p.exec(t);
    if (m) return m[0].trim();
  }
  if (!purchaseIntent.test(t)) return undefined;
  const { money, units } = amountsIn(t);
  const big = money.find((a) => a.value >= settings.highValueCny) ?? units.find((a) => a.value >= settings.highValueUnits);
  return big?.words;
}

// Help-seeking that a VIP should get a person for. Points, tier and check-in questions the bot answers itself.
const helpPatterns =
  /帮帮我|帮我(处理|解决)|求助|需要帮助|需要帮忙|遇到(了)?(个|一个|一些|点)?问题|有(个|一个|点)问题|出(了)?(点)?问题|怎么办|用不了|不能用|没法用|登录不了|报错|\b(help me|need (some |your )?help|can (you|someone|anyone) help|could (you|someone|anyone) help|i have an? (problem|issue)|having (some )?(trouble|issues?|problems?|a problem)|not working|doesn't work|does not work|something('s| is) wrong|went wrong)\b/;
const botTopics = /积分|等级|签到|打卡|勋章|排行|兑换|你能做什么|能帮我(做)?什么|怎么用|\b(points?|tier|level|check ?in|badges?|leaderboard|redeem|rewards?|what can (you|i))\b/;

/** True when the message asks for help with something the bot does not answer itself. */
export function asksForHelp(text: string): boolean {
  const t = normalise(text);
  return helpPatterns.test(t) && !botTopics.test(t);
}

/** True when a tier is the program's VIP tier or higher (an unknown tier counts as the entry tier). */
export function isVip(settings: Settings, tierId: string): boolean {
  const index = (id: string) => Math.max(0, settings.tiers.findIndex((t) => t.id === id));
  return index(tierId) >= index(settings.escalation.vipTier);
}

/** Priority of a signal: complaints and high-value intent before the rest, and any VIP member before everyone else. */
export function priorityOf(reason: EscalationReason, vip: boolean): number {
  const base = reason === 'complaint' || reason === 'high-value' ? 1 : 0;
  return base + (vip ? 2 : 0);
}

/** The strongest escalation signal in a member's message, or undefined when the bot should handle it itself. */
export function escalationSignal(settings: Settings, input: EscalationInput): EscalationSignal | undefined {
  const vip = isVip(settings, input.tierId);
  const found = (reason: EscalationReason, detail?: string): EscalationSignal => ({
    reason,
    priority: priorityOf(reason, vip),
    vip,
    ...(detail !== undefined ? { detail } : {}),
  });
  const complaint = complaintIn(input.text);
  if (complaint) return found('complaint', complaint);
  const value = highValueIn(input.text, settings.escalation);
  if (value) return found('high-value', value);
  const request = explicitRequestIn(input.text);
  if (request) return found('request', request);
  if (vip && asksForHelp(input.text)) return found('vip-help');
  if ((input.misunderstoodInARow ?? 0) >= settings.escalation.misunderstoodInARow) return found('misunderstood');
  return undefined;
}

/** The middle value (the mean of the two middle ones for an even count); undefined for none. */
export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** One ticket's times (epoch ms) and rating, for handoff figures. */
export interface TicketTimes {
  openedAt: number;
  takenAt: number | null;
  closedAt: number | null;
  rating: number | null;
}

/** Handoff figures over tickets opened in a period: count, median minutes to take and to close, average rating. */
export function handoffFigures(tickets: TicketTimes[]): {
  opened: number;
  medianTakeMinutes?: number;
  medianCloseMinutes?: number;
  averageRating?: number;
  ratings: number;
} {
  const minutes = (ms: number) => ms / 60_000;
  const take = median(tickets.filter((t) => t.takenAt !== null).map((t) => minutes(t.takenAt! - t.openedAt)));
  const close = median(tickets.filter((t) => t.closedAt !== null && t.takenAt !== null).map((t) => minutes(t.closedAt! - t.openedAt)));
  const rated = tickets.filter((t) => t.rating !== null).map((t) => t.rating!);
  return {
    opened: tickets.length,
    ...(take !== undefined ? { medianTakeMinutes: take } : {}),
    ...(close !== undefined ? { medianCloseMinutes: close } : {}),
    ...(rated.length > 0 ? { averageRating: rated.reduce((a, b) => a + b, 0) / rated.length } : {}),
    ratings: rated.length,
  };
}
