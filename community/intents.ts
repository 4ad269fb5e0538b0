// What a member is asking, in Chinese or English, without an LLM: normalise the text, spot concepts, decide by rules.
//
// Why rules over concepts and not a trained classifier: the questions are few and their vocabulary is small, and a
// wrong answer in a group is worse than none. Concept rules stay predictable on what they have never seen ("the gold
// one looks better" names a tier but asks nothing), are easy to read in review and easy to extend per program.
// The pipeline:
//   1. normalise — NFKC (full-width → half-width), lower case, traditional → simplified characters, common Chinese
//      typos (积份 → 积分), @mentions and emoji dropped; English contractions and slang expanded (pts, lvl, u, whats),
//      and English typos corrected against a small vocabulary by edit distance (ponits, expirng, platnum).
//   2. concepts — per language keyword patterns: POINTS, QUANTITY, TIER, tier names (from the program plus common
//      aliases: plat, 白金, 冲钻), GAP ("how far", 还差), EXPIRY, EARN, REDEEM, CHECKIN, HELP, HUMAN, plus the shape of the
//      message (a question? about me? short?).
//   3. decide — ordered rules combine concepts: a concept alone rarely makes an intent (a tier name needs a gap or "am I";
//      "points" needs a question, "my" or a short message), which keeps chatter at `none`.
//      Beside the points: reminders off/on, a birthday with a date, questions about checking in (what it gives, whether
//      one did: never a check-in), the invite code and a tier's perks come early; small talk (greeting, thanks) last, and
//      only when the whole message is small talk ("hello everyone" is for the group, not the bot).
// Evaluated on test/community/intents/: a dev set it was tuned on and a held-out set written separately.
import type { Tier } from './program';

/** The questions and requests the bot recognises without an LLM. */
export type IntentName =
  | 'balance'
  | 'tier'
  | 'next-tier'
  | 'expiry'
  | 'earn'
  | 'redeem'
  | 'checkin'
  | 'help'
  | 'human'
  // Questions and requests beside the points themselves: small talk, check-in questions, reminders, referral, perks.
  | 'greeting'
  | 'thanks'
  | 'checkin-info'
  | 'checkin-status'
  | 'opt-out'
  | 'opt-in'
  | 'invite'
  | 'benefits'
  | 'birthday'
  | 'none';

/** A recognised intent; `tier` is the id of a tier the message names (e.g. the target in "how far to Gold"). */
export interface Intent {
  name: IntentName;
  tier?: string;
}

/** The part of a program tier the intent layer needs: its id and names, listed from the entry tier up. */
export type TierNames = Pick<Tier, 'id' | 'name'>;

// ---------------------------------------------------------------------------------------------------------------
// 1. Normalisation

// Traditional → simplified for the characters the patterns use (and their usual neighbours).
const TRAD = '積级級還過麼幾換兌賺獲會員鑽銀鉑簽們幫問題餘額帳戶號讓嗎點這個經專禮說請務轉聯繫係時間該樣別變現當達錢買單費貨離將為來與對覺獎優擊機辦處標數據層階權顯頁碼總計幣張晉陞遠裡裏從領攢掙線識話談隊邊給廢紅網歡樂後聽見愛動態貴價帶車電視頻讚壞萬兩塊週歲氣應條規則進詢煩謝親選導覽開關麵飯發貼曬購訂評邀雙節級鉆啟處冊營資訊獲滿額劃減齊區歸實結業預約東兒門們後當團體閱擾續錄記設誕鐘啟權覆';
const SIMP = '积级级还过么几换兑赚获会员钻银铂签们帮问题余额账户号让吗点这个经专礼说请务转联系系时间该样别变现当达钱买单费货离将为来与对觉奖优击机办处标数据层阶权显页码总计币张晋升远里里从领攒挣线识话谈队边给废红网欢乐后听见爱动态贵价带车电视频赞坏万两块周岁气应条规则进询烦谢亲选导览开关面饭发贴晒购订评邀双节级钻启处册营资讯获满额划减齐区归实结业预约东儿门们后当团体阅扰续录记设诞钟启权复';
const tradMap = new Map<string, string>();
for (let i = 0; i < TRAD.length; i++) tradMap.set(TRAD[i]!, SIMP[i]!);

// Chinese typos and pinyin-input slips seen in member chats, and phrase-level traditional forms.
const ZH_FIXES: [RegExp, string][] = [
  [/甚么|什麽/g, '什么'],
  [/(积|機|机|基|鸡|急|级)份/g, '积分'],
  [/(机|基|鸡|急|几)分(?=(余额|多少|查|清零|过期|到期|商城|兑换|怎么|能|可以|有|是|呢|吗|啊|呀))/g, '积分'],
  [/积粉/g, '积分'],
  [/等(极|机|吉)/g, '等级'],
  [/升(极|及|机)/g, '升级'],
  [/过(其|气|器)/g, '过期'],
  [/到其/g, '到期'],
  [/有效其/g, '有效期'],
  [/(对|兑)(奂|还|唤)/g, '兑换'],
  [/对换/g, '兑换'],
  [/商成/g, '商城'],
  [/签(道|倒|导)/g, '签到'],
  [/打咔/g, '打卡'],
  [/白今/g, '白金'],
  [/鉑/g, '铂'],
];

// English slang and contractions, one word to words.
const EN_WORDS: Record<string, string> = {
  pts: 'points', pt: 'points', pnts: 'points', pnt: 'points', ptz: 'points', pointz: 'points', pointss: 'points', poitns: 'points',
  jf: '积分', jifen: '积分', dengji: '等级', qiandao: '签到',
  lvl: 'level', lvls: 'levels', lv: 'level', teir: 'tier', tiers: 'tiers', tierr: 'tier',
  plat: 'platinum', plats: 'platinum', golld: 'gold', goold: 'gold', glod: 'gold',
  bal: 'balance', acct: 'account', acc: 'account',
  u: 'you', ya: 'you', ur: 'your', yr: 'your', r: 'are', im: 'i am', ive: 'i have', id: 'i would', ill: 'i will',
  whats: 'what is', wats: 'what is', wat: 'what', wut: 'what', wht: 'what', whta: 'what', hw: 'how', howmany: 'how many',
  howmuch: 'how much', hows: 'how is', wheres: 'where is', whens: 'when is', thats: 'that is', theres: 'there is',
  dont: 'do not', doesnt: 'does not', didnt: 'did not', cant: 'can not', wont: 'will not', isnt: 'is not', arent: 'are not',
  wanna: 'want to', gonna: 'going to', gotta: 'got to', gimme: 'give me', lemme: 'let me', kinda: 'kind of',
  pls: 'please', plz: 'please', plox: 'please', pleasee: 'please', pleaseee: 'please', thx: 'thanks', ty: 'thanks',
  rn: 'right now', atm: 'right now', til: 'until', till: 'until', untill: 'until', tho: 'though', abt: 'about',
  chk: 'check', chekin: 'checkin', chkin: 'checkin', signin: 'sign in', expd: 'expired', exp: 'expiry',
  earnn: 'earn', ern: 'earn', earm: 'earn', reedem: 'redeem', redem: 'redeem', rdeem: 'redeem',
  upgarde: 'upgrade', upgade: 'upgrade', lvlup: 'level up', levelup: 'level up',
};

// Vocabulary for typo correction. Five letters and more: one edit (two from eight letters); four-letter words only
// by a swap of neighbours or a doubled letter, because one substitution turns "gold" into "good" and "tier" into "tie".
const VOCAB = [
  'points', 'point', 'balance', 'tier', 'level', 'levels', 'status', 'membership', 'multiplier', 'rank',
  'expire', 'expires', 'expired', 'expiring', 'expiry', 'expiration', 'valid', 'redeem', 'redeemable', 'redemption',
  'reward', 'rewards', 'exchange', 'voucher', 'vouchers', 'coupon', 'catalog', 'catalogue', 'earn', 'earning', 'collect',
  'accumulate', 'upgrade', 'platinum', 'diamond', 'silver', 'gold', 'checkin', 'human', 'agent', 'representative',
  'customer', 'service', 'commands', 'menu', 'help', 'available', 'spend', 'remaining', 'current', 'account', 'next',
  'how', 'many', 'much', 'what', 'when', 'which', 'have', 'until', 'need', 'more', 'left', 'soon',
];
const vocabSet = new Set(VOCAB);
// Real words one edit away from a vocabulary word; never "corrected".
const PROTECTED = new Set([
  'paint', 'paints', 'pints', 'print', 'prints', 'joint', 'joints', 'pointy', 'pointe', 'learn', 'learns', 'yearn',
  'tire', 'tired', 'tires', 'tiger', 'tear', 'lever', 'revel', 'bevel', 'sliver', 'statue', 'statues', 'drank',
  'crank', 'prank', 'frank', 'ranks', 'good', 'hold', 'cold', 'bold', 'told', 'fold', 'sold', 'mold', 'golf', 'gild',
  'humans', 'humane', 'agents', 'urgent', 'menus', 'whelp', 'helps', 'spent', 'spends', 'speed', 'sound', 'round',
  'found', 'pound', 'mount', 'count', 'leveled', 'novel', 'hovel', 'silvers', 'vapid', 'avid', 'mane', 'main',
  'mulch', 'lift', 'loft', 'moon', 'noon', 'spoon', 'then', 'wren', 'wheat', 'hive', 'hove', 'seed', 'feed', 'heed',
  'weed', 'reed', 'mare', 'mire', 'core', 'bore', 'gore', 'wore', 'sore', 'tore', 'lore', 'text', 'nest', 'unit',
  'units', 'witch', 'rich', 'expert', 'expect', 'export', 'bounce', 'balanced', 'agency', 'services', 'servile',
  'custom', 'customs', 'collected', 'rewire', 'spice', 'space', 'currant', 'accounts', 'diamonds', 'remain',
  'remains', 'gain', 'gains', 'gained', 'earned', 'earns', 'checking', 'checked', 'checks', 'chicken', 'checker',
  'tiered', 'ranked', 'golden', 'stands', 'statutes',
]);

function osaDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

function isSwapOrDouble(word: string, target: string): boolean {
  if (word.length === target.length) {
    const diff = [...word].flatMap((c, i) => (c === target[i] ? [] : [i]));
    return diff.length === 2 && diff[1] === diff[0]! + 1 && word[diff[0]!] === target[diff[1]!] && word[diff[1]!] === target[diff[0]!];
  }
  if (word.length === target.length + 1) {
    for (let i = 1; i < word.length; i++) if (word[i] === word[i - 1] && word.slice(0, i) + word.slice(i + 1) === target) return true;
  }
  return false;
}

/** The vocabulary word a (possibly misspelt) English word stands for, or the word itself. */
export function correctWord(word: string): string {
  if (word.length < 4 || vocabSet.has(word) || PROTECTED.has(word) || /\d/.test(word)) return word;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const target of VOCAB) {
    if (target.length <= 4) {
      if (isSwapOrDouble(word, target)) return target;
      continue;
    }
    const max = target.length >= 8 ? 2 : 1;
    const dist = osaDistance(word, target, max);
    if (dist <= max && dist < bestDistance) {
      best = target;
      bestDistance = dist;
    }
  }
  return best ?? word;
}

function expandEnglish(word: string): string {
  let w = word.replace(/’/g, "'");
  w = w
    .replace(/^(what|that|who|where|how|there|it|when|he|she)'s$/, '$1 is')
    .replace(/^let's$/, 'let us')
    .replace(/^(can)'t$/, 'can not')
    .replace(/^won't$/, 'will not')
    .replace(/n't$/, ' not')
    .replace(/'re$/, ' are')
    .replace(/'ll$/, ' will')
    .replace(/'d$/, ' would')
    .replace(/'m$/, ' am')
    .replace(/'ve$/, ' have')
    .replace(/'s$/, '')
    .replace(/'/g, '');
  return w
    .split(' ')
    .map((part) => EN_WORDS[part] ?? correctWord(part))
    .join(' ');
}

/** A message reduced to comparable text: half-width, lower case, simplified Chinese, slang and typos fixed, no emoji. */
export function normaliseText(text: string): string {
  let t = text.normalize('NFKC').toLowerCase();
  t = t.replace(/@\S+/g, ' ').replace(/^\s*\/(\w+)(@\w+)?/, '$1');
  t = [...t].map((c) => tradMap.get(c) ?? c).join('');
  for (const [re, to] of ZH_FIXES) t = t.replace(re, to);
  // Keep words, digits, CJK, currency and question marks; everything else (emoji, punctuation) separates words.
  t = t.replace(/[^a-z0-9'’\u3400-\u9fff¥$?]+/g, ' ');
  t = t.replace(/[a-z][a-z'’]*/g, (w) => ` ${expandEnglish(w)} `);
  t = ` ${t.replace(/\s+/g, ' ').trim()} `;
  // "loyalty points", "reward pts" are just points (and not a question about rewards).
  return t.replace(/ (reward|rewards|loyalty|bonus|member|membership) points /g, ' points ');
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Tier names

// Common ways people write the usual tier names; applied to any program tier with that English name.
const TIER_ALIASES: Record<string, { en: string[]; zh: RegExp }> = {
  silver: { en: ['silver', 'slvr'], zh: /银卡|白银|银牌|银会员|银级|(?:升|到|上|冲|成|离|是|拿)银(?![行色子饰器])/ },
  gold: { en: ['gold', 'golden', 'gld'], zh: /金卡|黄金|金牌|金会员|金级|(?:升|到|上|冲|成|离|是|拿)金(?![额色币钱子属饰链项])/ },
  platinum: { en: ['platinum', 'platnum', 'platinium'], zh: /铂金|白金|铂卡|(?:升|到|上|冲|成|离|是|拿)铂/ },
  diamond: { en: ['diamond', 'diamonds', 'diamnd'], zh: /钻石|钻卡|黑钻|(?:升|到|上|冲|成|离|是|拿)钻/ },
};

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface TierMention {
  id: string;
  rank: number;
  /** Named right after "to", 升, 离…: the tier asked about. */
  marked: boolean;
}

function tierMentions(t: string, tiers: readonly TierNames[]): TierMention[] {
  const found: TierMention[] = [];
  tiers.forEach((tier, rank) => {
    if (rank === 0) return; // the entry tier is nobody's target, and "member" is an everyday word
    const aliases = TIER_ALIASES[tier.name.en.toLowerCase()];
    const en = [normaliseText(tier.name.en).trim(), ...(aliases?.en ?? [])].filter((s) => s !== '');
    const patterns: RegExp[] = [new RegExp(`\\b(?:${en.map(escapeRe).join('|')})\\b`, 'g')];
    const zhName = normaliseText(tier.name.zh).trim();
    if (zhName !== '') patterns.push(new RegExp(escapeRe(zhName), 'g'));
    if (aliases) patterns.push(new RegExp(aliases.zh.source, 'g'));
    for (const re of patterns) for (const m of t.matchAll(re))
        found.push({ id: tier.id, rank, marked: TARGET_MARKER.test(t.slice(0, m.index)) || /^(升|到|离|冲|成|上|拿)/.test(m[0]) });
  });
  return found;
}

// A tier name right after one of these is the one asked about: "to gold", "for diamond", 升金卡, 离钻石.
const TARGET_MARKER = /(?:\b(?:to|until|for|reach|reaching|hit|become|make|get|into) (?:the )?|(?:升|到|离|距离|冲|成为|上|拿) ?)$/;

/** The tier asked about: one named right after "to"/升/离…, else the highest one named. */
function targetTier(mentions: TierMention[]): string | undefined {
  if (mentions.length === 0) return undefined;
  const marked = mentions.filter((m) => m.marked);
  const pool = marked.length > 0 ? marked : mentions;
  return pool.reduce((a, b) => (b.rank > a.rank ? b : a)).id;
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Concepts and decisions

const ZH_QUESTION = /吗|呢|么|嘛|啥|什么|怎么|怎样|如何|哪|几|多少|是否|能不能|可不可以|有没有|是不是|咋|多久|多远/;
const EN_QUESTION_START = /^ (what|how|when|where|which|who|do|does|did|can|could|will|would|is|are|am|any|anything|should|may|tell|show) /;
const EN_QUESTION_ANYWHERE = /\b(what|how|when|which)\b|\b(am|do|did|can|could|will|would|have|should|are|is) (i|you|my|there|these|those|they|we)\b/;
// Greetings and fillers a question often starts with ("yo what rank am i", "ok so how far…").
const EN_LEADING_FILLERS = /^ ((yo|hey|hi|hello|hiya|ok|okay|so|um|umm|hmm|btw|also|and|but|bot|hearth|quick q|quick question|excuse me|sorry|please|thanks|oh|well|just wondering|wondering|question) )+/;

// Words after "balance"/"total" that keep it about points; any other word makes a compound ("balance board").
const AFTER_BALANCE = '(?= (?:\\?|(?:please|check|now|right|again|is|are|on|in|for|left|update|total|of|points|looking|like|been|today|currently|looks|so far|lol|thanks|pls|and|or)\\b)| $)';

const P = {
  // --- points and the balance
  points: /\bpoints\b|\b(my|your) point\b|\bpoint (balance|total|count)s?\b|积分|\bcredits\b/,
  pointsZhWeak: /(我的|这些|那些|多少|几个?|剩的?|有|查一下|查查|查)分(?![钟享析类开别手期店数])|分数/,
  balanceWord: new RegExp(`\\b(balance|total)${AFTER_BALANCE}|余额|积分(情况|总数|数|账户|明细)`),
  quantity: new RegExp(
    `\\bhow (many|much)\\b|\\bbalance${AFTER_BALANCE}|\\btotal${AFTER_BALANCE}|\\b(do|did|have) i (have|got|get)\\b|\\bi (have|got)\\b|\\bi have got\\b|\\bcheck (on )?my\\b|\\bshow me\\b|\\btell me\\b|\\blet me know\\b|\\bleft\\b|\\bremaining\\b|\\bcurrent\\b|\\bso far\\b|\\bsitting\\b|\\bcount\\b|\\bany points\\b|\\bknow my\\b|\\benough\\b|\\bupdate\\b|多少|几个|余额|剩|还有|查|看看|看下|看一下|显示|总共|一共|攒了|情况`,
  ),
  my: /\b(my|mine|me|i)\b|我/,
  // Owning words strong enough to make "level"/"status" about the member ("my level", 我的等级; not "I'm level 40").
  mine: /\b(my|mine)\b|我/,
  // What has been earned so far is a balance question, not a how-to-earn one.
  // Past tense is about what already happened: "did I get points for my order" (balance), "which level did I reach" (tier).
  pastGet: /\b(did|have|has) (i|you|my \w+) (get|got|gotten|receive|received|reach|reached|hit|make|made|earn|earned)\b|到账|到了没|加上了吗/,
  earnedSoFar: /\b(have|has|did) (i|you) (earned|collected|gained|accumulated|racked up|got|gotten)\b|\b(earned|collected|gained|accumulated) (so far|until now|to date|in total|altogether)\b/,

  // --- tiers; a level with a number or "of" is a game's or a course's ("level 40", "level of coverage")
  tier: /身份(?!证)|\b(tier|level|rank|status|membership|vip|multiplier|grade)\b(?! (of|\d|with|the|it|off|out)\b)|\b(which|what) (card|membership)\b|\bwhat kind of member\b|\bcard level\b|\bmember (tier|level|grade)\b|等级|级别|几级|哪一?级|什么级|啥级|(什么|啥|哪个|哪种)(会员|卡|档)|我是.{0,4}(卡|会员)|我的?(会员)?(身份)|会员类型|倍率|倍数|vip|段位/,
  selfIs: /\bam i\b|\bi am\b(?=.*\?)|我是|我现在是|我还是|我算|我属于/,
  downgrade: /\b(drop|downgrade|downgraded|demoted|keep my (tier|level|status))\b|掉级|降级|保级|会掉/,
  gap: /\bhow (far|close)\b|\bhow (much|many) (more|longer|further)\b|\bmore to go\b|\bto go\b|\bremaining\b|\bleft\b|\buntil\b|\bto (reach|get to|hit|make)\b|\bget to\b|\bneed(ed|s)?\b|\bleft (until|to|for)\b|\baway\b|\bfar off\b|\bdistance\b|\bgap\b|\bprogress\b|\bclose to\b|\bwhat (would|does|will|did) it take\b|\btakes? to (get|reach|become|make|hit)\b|\bbecome\b|\breach\b|\bqualify\b|\brequire\w*|\bcriteria\b|\bthreshold\b|\bwhen (do|will|can|would|could) i (get|be|hit|reach|make|become)\b|\bhow long (until|before)\b|还差|差多少|差几|离|距离|还要多少|要多少|需要多少|还需要|才能|升到|达到|晋级|冲|多久能|要多久|什么时候能|进度|还远|多远|条件|门槛|(多少|几).{0,6}(能|才能|可以|就能|就|才)(到|升|上|成为|变成|达到)|再(攒|买|花|赚|消费)?(多少|几)/,
  // Gap words that only ask how far (not satisfied by a past "reach").
  gapStrong: /\bhow (far|close)\b|\bhow (much|many) (more|longer|further)\b|\buntil\b|\bnext (tier|level|rank)\b|还差|差多少|差几|还要多少|还需要/,
  upgrade: /\b(level|levels|leveling|levelling|rank|ranking) up\b|\bupgrade(d)?\b|\bnext (tier|level|rank)\b|升级|下一级|下个等级|下一个等级|下一等级|下个级别/,
  next: /\bnext (tier|level|rank)\b|下一级|下个等级|下一个等级|下一等级|下个级别/,
  when: /\bwhen\b|什么时候|多久/,

  // --- expiry
  expiry: /\bexpir\w*|\b(good|valid) (until|till|through)\b|\bvalid\w*|\bexpiry\b|\buse by\b|过期|到期|有效期|失效|清零|作废|期限|截止日?|保留多久|能用多久|存多久|用到什么时候|时间限制|永久|一直有效|长期有效|还有效|(明年|以后|下个月|下年|年后|过几个月|一直|永远)[^，,。?？]{0,4}(能|可以)用|\bstill (be )?(valid|good|usable|count)\b|\bcan i still use\b|\bcarry over\b|\bpermanent\w*|\blifetime\b/,
  expiryWeak: /\blose (my |any |the )?points\b|\blose points\b|\brun out\b|\bvanish\w*|\bdisappear\w*|\bdeadline\b|\btime limit\b|\bforever\b|\broll over\b|\bhow long\b.*\b(last|valid|good|stay|keep)\b|\bkeep (my )?points\b|\breset\b|会没|没了|消失|会不会没/,

  // --- how to earn
  earnEn: /\b(earn\w*|gain\w*|collect\w*|accumulat\w*|rack up|farm\w*|grind\w*)\b|\b(get|getting|make|making|score|scoring) (more |some |extra )?points\b|\bmore points\b|\bwhat (gives|earns)\b|\bgives points\b|\bpoints? for (\w+ing|each|every|a|an|one|my \w+ing)\b|\bget points for\b|\bpoints? per\b|\bper (yuan|rmb|cny|dollar|buck|order|purchase|checkin|post|share|referral|¥|\$|\d)|\b(do|does|will|would|can) (i|you|we|one) (get|receive|earn) (\w+ )?points\b|\b(give|gives|giving|award|awards|grant|grants) (me |you |us )?(any |some |extra )?points\b|\bhow (do|does) (the )?points( system)? work\b|\bhow are points\b|\bpoints? (rules|system|program|scheme)\b/,
  // "how can I boost my points": a how-question whose verb acts on points and is not about spending or looking.
  earnHowVerb: /\bhow (do|can|could|would|should) (i|you|we|one|people) (\w+ )?(\w+) (my |more |some |extra |the )?points\b/,
  notEarnVerb: /\b(use|spend|redeem|check|see|find|know|view|exchange|swap|trade|lose|keep|transfer|read|get to)\b/,
  earnAsk: /\bhow\b|\bways?\b|\btips?\b|\bbest\b|\bfastest\b|\bquickest\b|\bwhat\b|\bcan i\b|\bdo i\b|\bdoes\b|\?/,
  earnZhHow: /(怎么|咋|如何|怎样|怎么样|哪里|哪儿|在哪)(才能|能|可以|去)?(多|更多)?(赚|攒|挣|获得|获取|得到|得|拿|领|增加|涨|积累|刷|加|赚取|积)|怎么来|咋来|从哪来|从哪里来|哪来|更多积分|多点积分|多些积分|多攒|多赚|多得|多拿/,
  // A how-word with an earning verb a few characters later, when the message is about points ("怎么样才能快速涨积分").
  earnZhHowFar: /(怎么|咋|如何|怎样)[^，,。?？]{0,6}(赚|攒|挣|获得|获取|得到|拿|领|增加|涨|积累|刷)/,
  earnZhWay: /(方法|途径|方式|渠道|办法|攻略|规则)|积分.{0,3}(怎么|如何|咋)(算|计算|来|给)|(每|一)(元|块|块钱).{0,4}(积分|分)/,
  earnZhAction: /(买|消费|购物|下单|分享|签到|打卡|晒单|邀请|推荐|评价|发帖|评论).{0,6}((能|可以|会)?(有|送|给|加|得|拿|算|返)(多少|几)?(积分|分)|(能|可以|会)积分)/,

  // --- what the points buy
  redeemStrong: /\bredeem\w*|\bredemption\b|\bcash (in|out)\b|\b(exchange|swap|trade|spend|use|using|claim) (my |the |these |those |all |some )?(points|them)\b|\b(buy|get|unlock|redeem|afford) with (my |\d+ )?points\b|\bpoints (buy|get me|worth|for anything)\b|\b(my )?points (get|buy) me\b|\b(get|buy|have|receive|obtain|pay) (\w+ )?(for|with) (my |the |these |those |all |\d+ )?points\b|\bpay with points\b|\bpoints (as|for) (cash|money|discount)\b|\bpoints? (are |is )?good for\b|\bdo with (my |these |the |all )?points\b|\bcatalogu?e?\b|\b(reward|rewards|points?|gift) (shop|store|mall|list|catalog)\b|\bwhat is in the (shop|store)\b|\bwhat rewards\b|\brewards available\b|\bafford\b|\bon offer\b|兑换|兑|换(什么|啥|点|个|哪|些|东西|礼物)|能换|可以换|可换|换成|商城|抵现|抵扣|抵钱|当钱|当现金|兑现|折现|(能|可以)(当|抵|换)钱|用积分|积分(怎么|咋|如何)(用|花)|积分(能|可以)?(干嘛|干啥|做什么|用来|有什么用|有啥用|买|花|用吗)|代金券|优惠券|包邮券/,
  redeemWeak: /\b(rewards?|perks?|vouchers?|coupons?|prizes?|unlock|redeemable|exchange|claim)\b|礼品|奖品|福利|券|礼物/,
  canI: /\b(can|could|may) i\b|\bi can\b|\bavailable\b|\bfor me\b|\bto me\b|\b(show|list|see|view|browse)\b|看看|有哪些|有什么|有啥/,

  // --- requests other skills act on
  checkinEn: /\b(check|checking|checked) ?(me |us )?in\b(?! (at|to|with|on|for the|here at)\b)|\bcheckin\b|\bsign (me |us )?in\b(?! (at|to|with)\b)|\bclock (me )?in\b|\bdaily (check|sign|attendance)\b|\battendance\b|\bmark me present\b/,
  checkinZh: /签到|签个到|签一下到|打(个|一下|一个)?卡/,
  help: /^ (help|menu|commands?|start|help me|help please|please help|instructions|guide|info|features)( please)?( \?)* $|\bwhat( exactly| else| all| actually| kind of things)? (can|could|do|does) (you|this bot|the bot|this thing|hearth|it) (do|help( me)? with)\b|\bwhat (are|is) (you|this bot|the bot|hearth) (able to do|capable of|for)\b|\bwhat can i (ask|do|say|type)\b|\bhow (does|do) (this|the|you)( bot| thing| work| stuff)?\b.*\bwork\b|\bhow (do|can) i use (this|you|the bot|it)\b|\bwhat commands\b|\bcommands\b|\bmenu\b|\b(your|the bot|bot) features\b|\bhow to use (this|you|the bot)\b|帮助|菜单|指令|命令|使用说明|说明书|^ (请问)?(这个)?(怎么|如何|咋)(使用|用|玩|操作)(呀|啊|呢|吗)? $|使用方法|玩法|\btutorial\b|\bhow does (this|it) work\b|怎么用(你|这个机器人|机器人|这个bot)|(机器人|bot|小助手|助手)(要)?(怎么|如何)(用|使用|玩)|(你|机器人|小助手)[^，,。]{0,3}(能|会|可以)[^，,。]{0,3}(什么|啥|嘛|哪些)|你是干(嘛|什么|啥)的|你能干啥|你会干嘛|(你|有|都有)(哪些|什么|啥)功能|功能(有哪些|是什么|介绍)/,
  human: /\b(real|live|actual) (person|human|agent|people|chat)\b|\bhuman( being)?s?\b(?! resources)|\b(customer|client) (service|support|care)\b|\b(support|service) team\b|\bcontact support\b|\b(an |a |the )?(agent|representative|rep|operator)\b|\bsomeone (real|who works here|(from|at|in|on) (the |your )?(staff|team|support|company|store|shop))\b|\bstaff( member)?\b|\ba person\b|\b(talk|speak|chat) (to|with) (a |the |your )?manager\b|人工|客服|真人|活人|工作人员|店员|专员|找管理员|联系管理员/,
  humanAsk: /\b(talk|speak|chat|connect|transfer|get|need|want|rather|let me|is there|are there|can i|could i|can you|could you|put me|through|forward|pass me|hand me|escalate|would like|please|reach|contact|call)\b|^ (real|live) |找|转|接|要|联系|有|想|能|吗|聊/,
  humanBot: /\bare you (a )?(human|real|bot)\b|你是(真人|人|机器人)/,
};

// What is left of a check-in message once check-in words and fillers are gone: a long rest means it is about
// something else ("我们去打卡网红店吧", "gonna check in at the hotel").
const CHECKIN_FILLERS_ZH = /签到|签个到|签一下到|打卡|今天|今日|每日|每天|我|要|来|想|了|吗|呢|啦|吧|啊|呀|哦|喽|咯|一下|下|个|帮|给|请|麻烦|先|没有|没|还|一|[\s?]/g;
const CHECKIN_FILLERS_EN = new Set(
  'i would like to want please for today me my daily the a do did can could you let just now hey hi hello bot again quick going have already yet us we here present am check checking checked in checkin sign clock attendance is it time'.split(' '),
);

function residualZh(t: string): number {
  return t.replace(/[a-z0-9]/g, '').replace(CHECKIN_FILLERS_ZH, '').length;
}

function residualEn(t: string): number {
  return t.split(/[^a-z]+/).filter((w) => w !== '' && !CHECKIN_FILLERS_EN.has(w)).length;
}

// ---------------------------------------------------------------------------------------------------------------
// Small talk, check-in questions, reminders, referral, perks and birthdays.
//
// Small talk counts only when the whole message is small talk: once greeting and thanks words and fillers are gone,
// nothing may be left ("hello everyone" and "谢谢大家的推荐" are for the others in the group, "hi, how many points"
// is a balance question and is decided before these).

const GREETING_ZH = /你好|您好|哈喽|哈啰|哈罗|嗨|早上好|早安|上午好|中午好|下午好|晚上好|晚安|在吗|在不在|在么|在嘛|在没|有人吗|有人在吗|早/g;
const GREETING_EN = new Set('hi hello hey heya hiya hallo yo howdy greetings morning afternoon evening sup hai helo hellooo hello'.split(' '));
const THANKS_ZH = /谢谢|谢啦|谢了|多谢|感谢|感激|辛苦了|辛苦啦|辛苦|谢/g;
const THANKS_EN = new Set('thanks thank thanku cheers appreciated appreciate tysm thnx thanx tks'.split(' '));
// What may stand beside a greeting or thanks: politeness, the bot's name, "ok", interjections.
const SMALLTALK_FILLERS_ZH = /你们|你|您|呀|啊|哈|哦|噢|嗯|喔|呢|吧|啦|了|的|非常|十分|特别|太|真|好的|好滴|好嘞|好哒|好|嘞|收到|明白|知道|帮助|帮忙|耐心|解答|小助手|助手|机器人|亲|多|哈哈|嘿|请问|麻烦|大大|[a-z\s?]/g;
const SMALLTALK_FILLERS_EN = new Set(
  'good there you bot hearth everybody ok okay oh so very much lot a alot the great cool nice perfect awesome got it again for your help helping all just really thanks buddy friend mate man dude anyone is are am i would like to say hellooo kindly and nice day tons million god'.split(' '),
);
// Words that make a greeting or thanks for other people in the group, not the bot.
const SMALLTALK_OTHERS = /大家|各位|家人们|姐妹们|兄弟们|宝宝们|朋友们|亲们|群友|老板|\b(everyone|everybody|all|guys|folks|y'?all|team|friends|ladies|gents|people|god|kitty)\b/;

function isSmallTalk(t: string, zhWords: RegExp, enWords: ReadonlySet<string>): boolean {
  if (SMALLTALK_OTHERS.test(t)) return false;
  const zh = t.replace(/[a-z0-9\s?]/g, '');
  const zhHit = zh.match(zhWords) !== null;
  const zhRest = zh.replace(zhWords, '').replace(SMALLTALK_FILLERS_ZH, '');
  const en = t.split(/[^a-z']+/).filter((w) => w !== '');
  const enHit = en.some((w) => enWords.has(w));
  const enRest = en.filter((w) => !enWords.has(w) && !SMALLTALK_FILLERS_EN.has(w));
  return (zhHit || enHit) && zhRest === '' && enRest.length === 0 && !/\d/.test(t);
}

// The check-in itself, in words a question about it uses (连签, "streak", "checking in").
const CHECKIN_ANY_ZH = /签到|签个到|签过到|签一下到|打(个|一下|一个)?卡|连签|签了(吗|没|么)|签过(吗|没|了)/;
const CHECKIN_ANY_EN = /\b(check|checking|checked) ?in\b|\bcheckin\b|\bcheck ins?\b|\bsign(ed|ing)? in\b|\bstreak\b|\battendance\b/;
// What checking in gives and how it works: a rules question, never a check-in.
const CHECKIN_INFO_ZH = /有什么用|有啥用|有用吗|用处|用途|好处|规则|奖励|能得|得到什么|得什么|送什么|给什么|有什么|有啥|怎么算|如何算|怎么计|怎么玩|怎么回事|为什么|为啥|是什么|多少分|几分|多少积分|几个积分|积分|加多少|怎么签|说明|机制|意义/;
const CHECKIN_INFO_EN = /\brules?\b|\bbonus\w*|\brewards?\b|\bwhy\b|\bwhat (do|does|will|would|can) (i|you|one|we) get\b|\bwhat is the point\b|\bpoints?\b|\bhow (do|does|is|are) .*\b(work|works|calculated|counted)\b|\bbenefits?\b|\bperks?\b|\bworth\b|\bgives?\b|\bexplain\b/;
// Whether the member checked in and their streak: a status question, never a check-in.
const CHECKIN_STATUS_ZH = /(签|打卡|卡|到)(了|过)(吗|没|么|嘛|不)|(签|打卡)(过|了)?没(有)?|签过到|有没有(签|打卡)|是不是(签|打)|(几|多少)天|天数|记录|连签|连续(签到|打卡)|还没签吗|签上了吗/;
const CHECKIN_STATUS_EN = /\b(have|did|am|was|has) i (already |actually )?(checked|check|signed|sign|been checked)\b|\balready (checked|check|signed)\b|\bmy (check in |checkin |current )?streak\b|\bstreak (is|count|length|so far)\b|\bdays in a row\b|\bhow long is my\b|\bam i (checked|signed) in\b|\bchecked in (today|yet|already)\b/;

// Reminders off and on again (the bot's own nudges; notices about a member's own points are another matter).
const OPT_OUT_ZH =
  /退订|取消(订阅|提醒|推送|通知)|(别|不要|不用|停止|停|不想|请勿|勿|不再)再?(给我)?(推送|推|提醒|通知|打扰|骚扰)|(别|不要|不用|停止|停|请勿|勿|不再)再?给我发|(别|不要|不用|停止|不想|不再)再?(发|收到?|接收?)(任何)?(消息|提醒|推送|通知)|(关闭|关掉|关上|屏蔽)(一下)?(消息)?(提醒|推送|通知|消息)|(不要|别发|不想要|不想收)(积分|任何|所有)?的?(通知|消息)|免打扰/;
const OPT_IN_ZH =
  /^ ?(重新)?订阅 ?$|重新(订阅|接收|开启|打开)|恢复(提醒|推送|通知|消息|订阅)|(开启|打开|开通)(一下)?(消息)?(提醒|推送|通知)|取消免打扰|想(再|重新)?(收到|接收|收)(提醒|推送|通知|消息)|继续(给我)?(发|推送|提醒)/;
const REMINDER_FILLERS_ZH = /我|你|您|们|了|吧|啊|呀|啦|嘛|呢|哦|请|再|的|都|也|任何|以后|之后|今后|所有|全部|一下|给我|我的|消息|提醒|推送|通知|好吗|可以吗|能|麻烦|还是|想|要|帮我|[\s?]/g;
const OPT_OUT_EN =
  /\bunsubscribe\b|\bopt (me )?out\b|\bstop (sending|messaging|texting|pinging|spamming|bugging|bothering|contacting|notifying|reminding|nudging)( me)?\b|\bstop (the |all |your |these |those )?(messages|reminders|notifications|nudges|spam|alerts|pings)\b|\bno more (messages|reminders|notifications|nudges|alerts|spam|pings)\b|\b(do not|never) (message|text|remind|notify|contact|bother|spam|ping|nudge) me\b|\b(turn|switch|shut) off (the |all |my |your )?(reminders|notifications|nudges|messages|alerts)\b|\b(turn|switch|shut) (the |all |my |your )?(reminders|notifications|nudges|messages|alerts) off\b|\bdo not want (any |your )?(more )?(messages|reminders|notifications|nudges|alerts)\b|\bleave me alone\b|\bmute (me|reminders|notifications|nudges)\b/;
const OPT_IN_EN =
  /\b(re ?subscribe|subscribe)( me)?\b|\bopt (me )?(back )?in\b|\bunmute\b|\b(turn|switch) (the |my |your )?(reminders|notifications|nudges|messages|alerts) (back )?on\b|\b(turn|switch) (back )?on (the |my |your )?(reminders|notifications|nudges|alerts)\b|\b(resume|restart|re ?enable|enable) (the |my |your )?(reminders|notifications|nudges|messages|alerts)\b|\b(want|like|get) (the |my |your |to get |to receive )?(reminders|notifications|nudges|alerts|messages) (again|back)\b|\bstart (sending|messaging|reminding|nudging)( me)?\b|\b(reminders|notifications|nudges) back\b/;

// One's invite code and how inviting works.
const INVITE_ZH = /邀请码|邀请链接|推荐码|邀请(好友|朋友|别人|人)(怎么|如何|咋|有什么|有啥|的|奖励|规则)|推荐(好友|朋友)|(怎么|如何|咋|想|要|能)(样)?(邀请|拉|推荐)(朋友|好友|人|别人|同事|家人|闺蜜|同学)|拉(朋友|好友|人)(进|入)|怎么邀请|如何邀请/;
const INVITE_EN =
  /\b(invite|invitation|referral|refer|referrer) (code|link)s?\b|\bmy (invite|referral|invitation)\b|\b(how|can|could|want|would like|like|wanna|going) (\w+ ){0,4}(invite|refer)\b|\breferr?al (program|scheme|thing|bonus|reward|system)s?\b|\brefer (a |my )?friends?\b|\binvite (a |my )?friends?\b/;

// What a tier gives: perks words next to a tier (named, or "my level", "member").
const BENEFITS_ZH = /权益|福利|特权|好处|待遇|优待|专享|优惠|有什么用|有啥用|有什么不同|有啥不同|区别/;
const BENEFITS_TIER_ZH = /等级|级别|会员|卡|每级|各级|身份/;
const BENEFITS_EN = /\b(perks?|benefits?|privileges?|advantages?)\b|\bspecial about\b/;
const BENEFITS_TIER_EN = /\b(tiers?|levels?|membership|members?|status|vip|my|i|ranks?)\b/;
// Weaker forms ("what does Silver get me", "what do I get as Platinum") count only with a tier named or a tier word.
const BENEFITS_WEAK_EN = /\bwhat (do|does|will|would) (\w+ ){1,2}get (me|you|us)\b|\bwhat do (i|you|we) get (as|at|for being|being|in)\b|\bwhat comes with\b|\bwhat is in it for\b/;
const TIER_WORD_EN = /\b(tiers?|levels?|membership|status|vip|ranks?)\b/;

// A birthday with a date: 3月15日, 1990-03-15, "15 March", "Dec 25", "7/21" (whose: the writer's, not a friend's).
const MONTHS_EN = 'jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|september|oct|october|nov|november|dec|december';
const BIRTHDAY_WORD = /生日|出生|生辰|\b(birthday|bday|b day|born|birth date|birthdate|date of birth|dob)\b/;
const DATE_ZH = /\d{1,4} ?(年|月|号|日|-|\.)|[一二三四五六七八九十]{1,3}月/;
const DATE_EN = new RegExp(`\\b(${MONTHS_EN})\\b|\\b\\d{1,4} \\d{1,2}\\b|\\d{4} \\d{1,2} \\d{1,2}`);
const SOMEONE_ELSE = /他|她|妈|爸|闺蜜|朋友|老公|老婆|孩子|儿子|女儿|同事|哥|姐|弟|妹|爷|奶|宝宝|对象|男友|女友|\b(his|her|their|mom|mum|dad|sister|brother|son|daughter|wife|husband|friend|friends|kid|kids|baby|cousin|boss|grandma|grandpa)\b/;

// A bare acknowledgement ("ok", "好的", "收到", "嗯嗯", 👍): it asks nothing and needs no answer.
const ACK_ZH = /好的|好滴|好嘞|好哒|好吧|好|行|嗯|哦|噢|喔|收到|明白|了解|知道|了|啦|呀|啊|的/g;
const ACK_EN = new Set('ok okay okk okok k kk sure alright right got it noted cool nice great fine yes yep yeah yup lol haha hmm oh i see'.split(' '));

/** True for a message that only acknowledges (or is only emoji and punctuation): not a question, never "not understood". */
export function isAcknowledgement(text: string): boolean {
  const t = normaliseText(text);
  if (t.trim() === '' || t.trim() === '?') return !/\d/.test(text);
  const zh = t.replace(/[a-z0-9\s?']/g, '');
  const en = t.split(/[^a-z']+/).filter((w) => w !== '');
  return zh.replace(ACK_ZH, '') === '' && en.every((w) => ACK_EN.has(w)) && !/\d/.test(t);
}

/** The intent of a message, with a tier it names; `tiers` are the program's tiers from the entry tier up. */
export function recogniseIntent(text: string, tiers: readonly TierNames[] = []): Intent {
  const t = normaliseText(text);
  if (t.trim() === '') return { name: 'none' };
  const has = (re: RegExp) => re.test(t);
  const enWords = t.trim().split(' ').filter((w) => /^[a-z0-9']+$/.test(w)).length;
  const zhChars = (t.match(/[\u3400-\u9fff]/g) ?? []).length;
  const size = enWords + Math.ceil(zhChars / 2);
  const short = size <= 3;
  const question =
    t.includes('?') || EN_QUESTION_START.test(t.replace(EN_LEADING_FILLERS, ' ')) || EN_QUESTION_ANYWHERE.test(t) || ZH_QUESTION.test(t);
  const mentions = tierMentions(t, tiers);
  const named = mentions.length > 0;
  const tier = targetTier(mentions);
  const withTier = (name: IntentName): Intent => (tier ? { name, tier } : { name });

  const points = has(P.points) || has(P.pointsZhWeak);
  const quantity = has(P.quantity);
  const my = has(P.my);
  const earnZh = has(P.earnZhAction) || ((has(P.earnZhHow) || has(P.earnZhWay)) && (points || question)) || (has(P.earnZhHowFar) && points);
  const earnHow = has(P.earnHowVerb) && !has(P.notEarnVerb);
  const past = has(P.pastGet);
  const earn = !past && (earnZh || earnHow || (has(P.earnEn) && (has(P.earnAsk) || question) && !(quantity && has(P.earnedSoFar))));

  // 1. Explicit requests for a person come first: handing over must never lose to a points answer.
  if (has(P.human) && !has(P.humanBot) && (has(P.humanAsk) || short)) return { name: 'human' };

  // 1a. Reminders off or on: a short request whose words are all about the bot's messages.
  const reminder = (zh: RegExp, en: RegExp): boolean => {
    const zhMatch = zh.exec(t);
    if (zhMatch) return t.replace(zhMatch[0], '').replace(/[a-z0-9]/g, '').replace(REMINDER_FILLERS_ZH, '').length <= 1;
    return en.test(t) && size <= 10;
  };
  if (reminder(OPT_OUT_ZH, OPT_OUT_EN) && !t.includes('取消免打扰')) return { name: 'opt-out' };
  if (reminder(OPT_IN_ZH, OPT_IN_EN)) return { name: 'opt-in' };

  // 1b. The member's own birthday with a date in it (setting it; a friend's birthday is chatter).
  if (has(BIRTHDAY_WORD) && (has(DATE_ZH) || has(DATE_EN)) && !has(SOMEONE_ELSE)) return { name: 'birthday' };

  // 1c. A question about checking in (what it gives, whether one did today) is not a check-in.
  const aboutCheckin = (has(CHECKIN_ANY_ZH) || has(CHECKIN_ANY_EN)) && size <= 12 && !/网红|店|景点|地方|酒店|餐厅|咖啡|机场|\b(at|hotel|airport|flight|gym|office|snapchat|game)\b/.test(t);
  if (aboutCheckin && (has(CHECKIN_INFO_ZH) || has(CHECKIN_INFO_EN))) return { name: 'checkin-info' };
  if (aboutCheckin && (has(CHECKIN_STATUS_ZH) || has(CHECKIN_STATUS_EN))) return { name: 'checkin-status' };

  // 1d. One's invite code, and how referral works.
  // "推荐朋友送积分吗" asks what referral pays (how to earn), unless it names the code or link.
  if ((has(INVITE_ZH) || has(INVITE_EN)) && !(points && !/码|链接|\b(code|link)\b/.test(t))) return { name: 'invite' };

  // 2. Check-in, when the message is about checking in and not about what it earns.
  const checkinZh = has(P.checkinZh) && residualZh(t) <= (t.includes('签') ? 4 : 2);
  const checkinEn = has(P.checkinEn) && residualEn(t) <= 1;
  if ((checkinZh || checkinEn) && !earn && !(points && quantity)) return { name: 'checkin' };

  // 2a. What a tier gives (its perks): before the gap and the catalog, which share some of its words.
  const tierTalk = has(P.tier) || named;
  const benefitsZh = has(BENEFITS_ZH) && (named || (has(BENEFITS_TIER_ZH) && !points));
  // "perks I can unlock with my points" is the catalog, not a tier's perks.
  const benefitsEn = (has(BENEFITS_EN) && (named || has(TIER_WORD_EN) || (has(BENEFITS_TIER_EN) && !points))) || (has(BENEFITS_WEAK_EN) && (named || has(TIER_WORD_EN)));
  if (benefitsZh || benefitsEn) return withTier('benefits');

  // 3. Expiry of points (a tier's expiry is a tier question: grace period and drop).
  const pointsOrBalance = points || has(P.balanceWord);
  if ((has(P.expiry) && (pointsOrBalance || (question && size <= 6 && !tierTalk))) || (has(P.expiryWeak) && pointsOrBalance)) return { name: 'expiry' };

  // 4. The gap to the next or a named tier.
  const upgrade = has(P.upgrade);
  const gap = has(P.gap) && (!past || has(P.gapStrong));
  const markedTier = mentions.some((m) => m.marked);
  if (
    (gap && (tierTalk || upgrade)) ||
    (markedTier && (question || quantity)) ||
    (upgrade && (question || quantity || has(P.when))) ||
    (has(P.next) && (short || question)) ||
    (named && has(P.when) && question)
  )
    return withTier('next-tier');

  // 5. What the points can buy.
  if (has(P.redeemStrong) || (has(P.redeemWeak) && (points || has(P.canI) || (question && short)))) return { name: 'redeem' };

  // 6. How to earn.
  if (earn) return { name: 'earn' };

  // 7. The member's tier (and multiplier); a tier name counts only when they ask whether they are it.
  if (
    ((has(P.tier) || has(P.downgrade)) && (question || has(P.mine) || short)) ||
    (named && has(P.selfIs))
  )
    return withTier('tier');

  // 8. The balance.
  if ((points && (quantity || question || my || short)) || (has(P.balanceWord) && (my || short || question))) return { name: 'balance' };

  // 9. Small talk: the whole message a greeting or thanks (a question in it was decided above); thanks before help,
  // since "谢谢你的帮助" names help without asking for it.
  if (isSmallTalk(t, THANKS_ZH, THANKS_EN)) return { name: 'thanks' };

  // 10. Help with the bot itself.
  if (has(P.help)) return { name: 'help' };
  if (isSmallTalk(t, GREETING_ZH, GREETING_EN) || /^ (is )?(anyone|anybody|someone|somebody) (there|here|around|home)( \?)* $|^ (are )?you there( \?)* $/.test(t))
    return { name: 'greeting' };

  return { name: 'none' };
}

// ---------------------------------------------------------------------------------------------------------------
// The date in a birthday message

/** A birthday as a member wrote it; the year only when they gave one. */
export interface BirthdayDate {
  year?: number;
  month: number;
  day: number;
}

const MONTH_NUMBER: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6, june: 6, jul: 7, july: 7,
  aug: 8, august: 8, sep: 9, sept: 9, september: 9, oct: 10, october: 10, nov: 11, november: 11, dec: 12, december: 12,
};

function zhNumber(s: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  const digit = (c: string | undefined) => (c ? '零一二三四五六七八九'.indexOf(c) : 0);
  if (s === '十') return 10;
  const ten = s.indexOf('十');
  if (ten < 0) return digit(s);
  return (ten === 0 ? 1 : digit(s[0])) * 10 + (s[ten + 1] ? digit(s[ten + 1]) : 0);
}

/** A real calendar date (29 February only in a leap year, or when no year is given). */
function validDate(year: number | undefined, month: number, day: number): boolean {
  if (!Number.isInteger(month) || !Number.isInteger(day) || month < 1 || month > 12 || day < 1) return false;
  const leap = year === undefined || (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0));
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/**
 * The date in a message setting a birthday ("3月15日", "1990-03-15", "15 March", "Dec 25", "7/21"), or undefined when
 * it has none or an impossible one (31 February, month 13). `thisYear` bounds a year given (no birthdays to come).
 */
export function birthdayIn(text: string, thisYear = 9999): BirthdayDate | undefined {
  const t = text.normalize('NFKC').toLowerCase();
  const zhNum = '[0-9]{1,2}|[一二三四五六七八九十]{1,3}';
  const out = (year: number | undefined, month: number, day: number): BirthdayDate | undefined => {
    if (year !== undefined && (year < 1900 || year > thisYear)) return undefined;
    if (!validDate(year, month, day)) return undefined;
    return year === undefined ? { month, day } : { year, month, day };
  };
  let m = /(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})/.exec(t);
  if (m) return out(Number(m[1]), Number(m[2]), Number(m[3]));
  m = new RegExp(`(?:(\\d{4})\\s*年\\s*)?(${zhNum})\\s*月\\s*(${zhNum})\\s*(?:日|号|號)?`).exec(t);
  if (m) return out(m[1] ? Number(m[1]) : undefined, zhNumber(m[2]!), zhNumber(m[3]!));
  const months = Object.keys(MONTH_NUMBER).sort((a, b) => b.length - a.length).join('|');
  m = new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?(${months})\\b\\.?(?:,?\\s*(\\d{4}))?`).exec(t);
  if (m) return out(m[3] ? Number(m[3]) : undefined, MONTH_NUMBER[m[2]!]!, Number(m[1]));
  m = new RegExp(`\\b(${months})\\b\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b(?:,?\\s*(\\d{4}))?`).exec(t);
  if (m) return out(m[3] ? Number(m[3]) : undefined, MONTH_NUMBER[m[1]!]!, Number(m[2]));
  m = /\b(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}))?\b/.exec(t);
  if (m) {
    const [a, b] = [Number(m[1]), Number(m[2])];
    const year = m[3] ? Number(m[3]) : undefined;
    // Month first (3/15, as Chinese and American writers do) unless the first number cannot be a month (15/3).
    return a <= 12 ? out(year, a, b) : out(year, b, a);
  }
  return undefined;
}
