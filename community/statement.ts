// A member's points statement as pure rules: which ledger entries and tier changes make its lines (newest first), what
// each line was for, the rule and event behind it (for /why), and recognising members asking for any of this in words.
import type { Program, Tier } from './program';
import { addDays, localDate } from './calendar';
import { tierById } from './tiers';

/** One ledger entry with the facts the store found about the event behind it. */
export interface StatementEntry {
  id: number;
  at: Date;
  kind: 'earn' | 'spend' | 'expire' | 'reverse' | 'adjust';
  points: number;
  growth: number;
  reason: string;
  ref: string | null;
  note: string | null;
  /** The order of a purchase or refund, when it is known. */
  order?: { orderId: string; amountFen: number; refundedFen: number };
  /** The check-in day of a check-in or its bonus, with the streak it made. */
  checkin?: { day: string; streak: number; makeup: boolean };
  /** Who made a manual adjustment (their display name). */
  actorName?: string;
  /** The lot an expiry emptied: when it was earned and for what. */
  expiredLot?: { earnedAt: Date; reason: string; ref: string | null; points: number };
}

/** A tier change as the tier review recorded it. */
export interface TierChangeRecord {
  at: Date;
  kind: 'upgrade' | 'grace' | 'downgrade';
  from: string;
  to: string;
  /** Growth value over the window when it was decided. */
  growth: number;
  /** The end of the grace period that began (grace, or a downgrade into a new grace period). */
  until?: Date;
}

/** What a statement line is about, in words the skill's copy renders. */
export type LineWhat =
  | { kind: 'purchase'; orderId: string }
  | { kind: 'refund'; orderId: string }
  | { kind: 'checkin'; day: string; streak?: number; makeup: boolean }
  | { kind: 'checkin-bonus'; streak?: number }
  | { kind: 'ugc' }
  | { kind: 'referral' }
  | { kind: 'tier-gift'; tier: Tier }
  | { kind: 'grant'; by?: string; why?: string }
  | { kind: 'redeem'; rewardId: string }
  | { kind: 'expiry'; earnedOn?: string }
  | { kind: 'tier-change'; change: TierChangeRecord['kind']; from: Tier; to: Tier }
  | { kind: 'other'; reason: string };

/** One numbered line of the statement (1 is the newest). */
export interface StatementLine {
  n: number;
  day: string;
  /** Points the line moved; undefined for a tier change, which moves none. */
  points?: number;
  what: LineWhat;
  source: { entry: StatementEntry } | { tier: TierChangeRecord };
}

/** How many lines a statement shows. */
export const STATEMENT_LINES = 10;

function whatOf(program: Program, e: StatementEntry): LineWhat {
  const tz = program.timezone;
  switch (e.reason) {
    case 'purchase':
      return { kind: 'purchase', orderId: e.ref ?? '' };
    case 'refund':
      return { kind: 'refund', orderId: e.ref ?? '' };
    case 'checkin':
      return { kind: 'checkin', day: e.checkin?.day ?? e.ref ?? localDate(e.at, tz), streak: e.checkin?.streak, makeup: e.checkin?.makeup ?? false };
    case 'checkin-bonus':
      return { kind: 'checkin-bonus', streak: e.checkin?.streak ?? streakFromNote(e.note) };
    case 'ugc':
      return { kind: 'ugc' };
    case 'referral':
      return { kind: 'referral' };
    case 'tier-gift':
      return { kind: 'tier-gift', tier: tierById(program, e.ref ?? '') };
    case 'grant':
      return { kind: 'grant', by: e.actorName, why: e.note ?? undefined };
    case 'redeem':
      return { kind: 'redeem', rewardId: e.ref ?? '' };
    case 'expiry':
      return { kind: 'expiry', earnedOn: e.expiredLot ? localDate(e.expiredLot.earnedAt, tz) : undefined };
    default:
      return { kind: 'other', reason: e.reason };
  }
}

// The bonus entry's note reads "7-day streak" (or "7-day streak (make-up card)").
function streakFromNote(note: string | null): number | undefined {
  const m = /^(\d+)-day streak/.exec(note ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * The statement's lines, newest first and numbered from 1: ledger entries and tier changes merged by time (at most
 * `limit`). Entries come in any order; the newest of equal times is the one written last.
 */
export function statementLines(program: Program, entries: readonly StatementEntry[], tierChanges: readonly TierChangeRecord[], limit = STATEMENT_LINES): StatementLine[] {
  const tz = program.timezone;
  type Item = { at: number; order: number; line: Omit<StatementLine, 'n'> };
  const items: Item[] = [
    ...entries.map((e): Item => ({ at: e.at.getTime(), order: e.id * 2, line: { day: localDate(e.at, tz), points: e.points, what: whatOf(program, e), source: { entry: e } } })),
    ...tierChanges.map((t, i): Item => ({
      at: t.at.getTime(),
      // A tier change follows the entry that caused it at the same instant (the purchase before the upgrade).
      order: Number.MAX_SAFE_INTEGER - tierChanges.length + i,
      line: { day: localDate(t.at, tz), what: { kind: 'tier-change', change: t.kind, from: tierById(program, t.from), to: tierById(program, t.to) }, source: { tier: t } },
    })),
  ];
  items.sort((a, b) => b.at - a.at || b.order - a.order);
  return items.slice(0, limit).map((item, i) => ({ n: i + 1, ...item.line }));
}

/** The rule and the event behind a line, as facts the skill's copy puts in words. */
export type Why =
  | { kind: 'purchase'; orderId: string; amountCny?: string; perCny: number; multiplier: number; points: number; growth: number }
  | { kind: 'refund'; orderId: string; refundCny?: string; points: number; growth: number }
  | { kind: 'checkin'; day: string; streak?: number; makeup: boolean; points: number; bonusEvery: number; bonus: number }
  | { kind: 'checkin-bonus'; streak?: number; every: number; points: number }
  | { kind: 'ugc'; points: number; growth: number }
  | { kind: 'referral'; points: number }
  | { kind: 'tier-gift'; tier: Tier; points: number }
  | { kind: 'grant'; by?: string; why?: string; points: number }
  | { kind: 'redeem'; rewardId: string; points: number }
  | { kind: 'expiry'; earnedOn?: string; earnedFor?: string; points: number; months: number }
  | { kind: 'upgrade'; from: Tier; to: Tier; growth: number; months: number }
  | { kind: 'grace'; tier: Tier; growth: number; months: number; lastDay?: string; keep: number }
  | { kind: 'downgrade'; from: Tier; to: Tier; growth: number; months: number; graceDays: number }
  | { kind: 'other'; reason: string; points: number };

/** Why a statement line happened: the rule of the program and the event that applied it. */
export function explainLine(program: Program, line: StatementLine): Why {
  const tz = program.timezone;
  if ('tier' in line.source) {
    const t = line.source.tier;
    const months = program.growth.windowMonths;
    const from = tierById(program, t.from);
    const to = tierById(program, t.to);
    if (t.kind === 'upgrade') return { kind: 'upgrade', from, to, growth: t.growth, months };
    if (t.kind === 'grace') {
      // The grace period ends at local midnight: its last day is the day before.
      const lastDay = t.until ? addDays(localDate(t.until, tz), -1) : undefined;
      return { kind: 'grace', tier: to, growth: t.growth, months, lastDay, keep: Math.max(0, to.threshold - t.growth) };
    }
    return { kind: 'downgrade', from, to, growth: t.growth, months, graceDays: program.tierGraceDays };
  }
  const e = line.source.entry;
  const points = e.points;
  switch (e.reason) {
    case 'purchase': {
      const multiplier = e.note && /^×[\d.]+$/.test(e.note) ? Number(e.note.slice(1)) : 1;
      return {
        kind: 'purchase',
        orderId: e.ref ?? '',
        amountCny: e.order ? cny(e.order.amountFen) : undefined,
        perCny: program.points.perCny,
        multiplier,
        points,
        growth: e.growth,
      };
    }
    case 'refund':
      // The refund entry's note is its amount as the ledger writes it (¥12.50).
      return { kind: 'refund', orderId: e.ref ?? '', refundCny: refundCnyOf(e.note), points: Math.abs(points), growth: Math.abs(e.growth) };
    case 'checkin': {
      const w = whatOf(program, e) as Extract<LineWhat, { kind: 'checkin' }>;
      return { kind: 'checkin', day: w.day, streak: w.streak, makeup: w.makeup, points, bonusEvery: program.checkin.bonusEvery, bonus: program.checkin.bonusPoints };
    }
    case 'checkin-bonus':
      return { kind: 'checkin-bonus', streak: e.checkin?.streak ?? streakFromNote(e.note), every: program.checkin.bonusEvery, points };
    case 'ugc':
      return { kind: 'ugc', points, growth: e.growth };
    case 'referral':
      return { kind: 'referral', points };
    case 'tier-gift':
      return { kind: 'tier-gift', tier: tierById(program, e.ref ?? ''), points };
    case 'grant':
      return { kind: 'grant', by: e.actorName, why: e.note ?? undefined, points };
    case 'redeem':
      return { kind: 'redeem', rewardId: e.ref ?? '', points };
    case 'expiry':
      return {
        kind: 'expiry',
        earnedOn: e.expiredLot ? localDate(e.expiredLot.earnedAt, tz) : undefined,
        earnedFor: e.expiredLot?.reason,
        points,
        months: program.points.expiryMonths,
      };
    default:
      return { kind: 'other', reason: e.reason, points };
  }
}

function refundCnyOf(note: string | null): string | undefined {
  const m = /^¥(\d+(?:\.\d{1,2})?)$/.exec(note ?? '');
  return m ? cny(Math.round(Number(m[1]) * 100)) : undefined;
}

function cny(fen: number): string {
  return (fen / 100).toFixed(fen % 100 === 0 ? 0 : 2);
}

/**
 * The line a "why" asks about: line `n` when given; otherwise the newest line matching the words — a drop (the newest
 * debit), a rise, a tier change, or an amount ("by 30") — else the newest line.
 */
export function pickLine(lines: readonly StatementLine[], ask: { n?: number; direction?: 'down' | 'up'; amount?: number; tier?: boolean }): StatementLine | undefined {
  if (ask.n !== undefined) return lines.find((l) => l.n === ask.n);
  // A bare why is about the latest change, a points entry or a tier change alike.
  if (ask.direction === undefined && ask.amount === undefined && !ask.tier) return lines[0];
  const fits = (l: StatementLine) => {
    if (ask.tier) return l.what.kind === 'tier-change';
    if (l.points === undefined) return false;
    if (ask.amount !== undefined && Math.abs(l.points) !== ask.amount) return false;
    if (ask.direction === 'down' && l.points >= 0) return false;
    if (ask.direction === 'up' && l.points <= 0) return false;
    return true;
  };
  const strict = lines.find(fits);
  if (strict) return strict;
  // "dropped by 30" when the drop was 25: the newest drop still answers it.
  if (ask.amount !== undefined) return pickLine(lines, { direction: ask.direction, tier: ask.tier });
  return lines[0];
}

/** What a member asked for in words, when it is clearly a statement, a why, their codes, or points missing for an order. */
export type StatementAsk =
  | { kind: 'statement' }
  | { kind: 'why'; n?: number; direction?: 'down' | 'up'; amount?: number; tier?: boolean }
  | { kind: 'vouchers' }
  | { kind: 'missing-points'; orderId?: string };

// Order numbers: after 订单/单号/order/#, or a long run of digits on its own.
const ORDER_AFTER_WORD = /(?:订单号?|单号|order(?:\s*(?:no\.?|number|id|#))?|#)\s*[:：#号是为]?\s*([A-Za-z0-9][A-Za-z0-9-]{3,39})/i;
const LONG_NUMBER = /(?<![A-Za-z0-9])(\d{5,20})(?![A-Za-z0-9])/;

/** The order number in a message, if it names one. */
export function orderIdIn(text: string): string | undefined {
  const t = text.normalize('NFKC');
  const m = ORDER_AFTER_WORD.exec(t);
  if (m && /\d/.test(m[1]!)) return m[1]!;
  return LONG_NUMBER.exec(t)?.[1];
}

const ZH_POINTS = /积分|分数|成长值/;
const EN_POINTS = /\b(points?|balance|pts)\b/;

const ZH_STATEMENT = /(积分|成长值)(明细|记录|流水|变动|变化|历史|账单|详情|清单)|(积分|成长值)(有|都有)?(哪些|什么)(变动|变化)|(查|看|查看|查询)(一下)?(我的)?(明细|积分记录|流水)|^明细$|积分(都)?(是)?(怎么|从哪)(来|得)的/;
const EN_STATEMENT =
  /\b(points?|balance|loyalty)\s+(history|statement|log|activity|breakdown|transactions?|records?|details)\b|\b(my|a|the)\s+statement\b|^\/?statement$|\bhistory of my (points|balance)\b|\bwhere (did|do) my points come from\b|\b(list|show)( me)? (all )?my (points|transactions)\b/;

const ZH_WHY = /为什么|为啥|为何|怎么回事|咋回事|(怎么|咋)(会)?(少|扣|减|没|降|变)|哪(去|里去|儿去)了|去哪(了|儿了|里了)|凭什么|被扣/;
const ZH_DOWN = /少了|变少|减少|扣了|被扣|扣掉|扣除|没了|不见了|掉了|下降|降了|清零|过期|缩水|变成/;
const ZH_UP = /多了|增加|涨了|加了/;
const ZH_TIER = /降级|升级|等级|会员级别|掉级|银卡|金卡|铂金|钻石/;
const EN_WHY = /\bwhy\b|\bhow come\b|\bwhat happened to my\b|\bwhere (did|have|has) (my|the) .{0,20}\b(points?|balance)\b.{0,10}\bgo(ne)?\b/;
const EN_DOWN = /\b(drop(ped)?|go(ne)? down|went down|decrease(d)?|fell|fall(en)?|less|lower|deduct(ed)?|taken|took|lost|missing|shr[ai]nk|reduced|expire(d)?|disappear(ed)?|vanish(ed)?|gone)\b/;
const EN_UP = /\b(go(ne)? up|went up|increase(d)?|more|rose|jump(ed)?)\b/;
const EN_TIER = /\b(tier|level|status|downgrade(d)?|demoted|upgrade(d)?|silver|gold|platinum|diamond)\b/;

const ZH_VOUCHERS = /我的(券|优惠券|代金券|兑换码|券码|卡券|包邮券)|(券|兑换码|优惠券|代金券)(在哪|呢|去哪|哪里|怎么找|找不到)|我(兑换|换)的(东西|奖励|券|码)|我有(哪些|什么|几张)(券|优惠券|代金券|兑换码)|(查|看|查看)(一下)?(我的)?(券|兑换码|优惠券)/;
const EN_VOUCHERS =
  /\bmy (vouchers?|codes?|coupons?|redemption codes?|reward codes?|redemptions?|rewards? i (redeemed|got))\b|\bwhere (are|is|did) (my|the) (vouchers?|codes?|coupons?)\b|\b(codes?|vouchers?|coupons?) i (redeemed|got|bought)\b|\b(what|which) (vouchers|codes|coupons) do i have\b/;

const ZH_MISSING = /(没|未|还没|没有)(有)?(到账|到|加|收到|显示|入账|给|发)|不到账|没见到|怎么没|积分呢|积分在哪|积分去哪|哪去了/;
const ZH_BOUGHT = /订单|单号|买了|购买|下单|买的|消费/;
const EN_MISSING =
  /\b(where (are|is) (my|the) (points|pts)|(didn'?t|did not|haven'?t|have not|never|not) (get|got|receive(d)?|see|seen|been credited|credited|arrived|show(n|ing)?|come)|missing|not (there|showing|credited|added)|no points)\b/;
const EN_BOUGHT = /\b(order|bought|purchased?|paid|ordered|buy)\b/;

function amountIn(text: string): number | undefined {
  const m = /(\d{1,7})\s*(个|点)?\s*(积分|分|points?|pts)/i.exec(text) ?? /\bby\s+(\d{1,7})\b/i.exec(text) ?? /(少|扣|减)了?\s*(\d{1,7})/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1] && /^\d+$/.test(m[1]) ? m[1] : m[2]);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * What a free-form message asks, when it is clearly one of these (zh and en, many wordings): a points statement, why a
 * balance or tier changed, the member's codes, or points missing for a purchase. Anything less clear is left alone
 * (undefined), for the ask skill or the fallback.
 */
export function recogniseStatementAsk(text: string): StatementAsk | undefined {
  const raw = text.normalize('NFKC').trim();
  if (raw === '' || raw.length > 300) return undefined;
  const t = raw.toLowerCase().replace(/[’‘]/g, "'");
  const zhPoints = ZH_POINTS.test(t);
  const enPoints = EN_POINTS.test(t);
  const orderId = orderIdIn(raw);
  const boughtZh = ZH_BOUGHT.test(t);
  const boughtEn = EN_BOUGHT.test(t);

  // Points missing for a purchase: an order named (or a purchase described) and points not there.
  if ((orderId !== undefined || boughtZh || boughtEn) && ((zhPoints && ZH_MISSING.test(t)) || (enPoints && EN_MISSING.test(t)) || (orderId !== undefined && (zhPoints || enPoints)))) {
    if (!(ZH_WHY.test(t) && ZH_DOWN.test(t) && orderId === undefined) && !(/\bwhy\b/.test(t) && EN_DOWN.test(t) && orderId === undefined && !EN_MISSING.test(t))) {
      return { kind: 'missing-points', orderId };
    }
  }

  const tierZh = ZH_TIER.test(t);
  const tierEn = EN_TIER.test(t);
  const whyZh = ZH_WHY.test(t) && (zhPoints || tierZh);
  const whyEn = EN_WHY.test(t) && (enPoints || tierEn);
  if (whyZh || whyEn) {
    const down = whyZh ? ZH_DOWN.test(t) || /哪(去|里去|儿去)了|去哪/.test(t) : EN_DOWN.test(t) || /\bwhere\b/.test(t);
    const up = whyZh ? ZH_UP.test(t) : EN_UP.test(t);
    const tier = (whyZh ? tierZh && !zhPoints : tierEn && !enPoints) || /降级|掉级|downgrade|demoted/.test(t);
    const ask: StatementAsk = { kind: 'why' };
    if (tier) ask.tier = true;
    else if (down) ask.direction = 'down';
    else if (up) ask.direction = 'up';
    const amount = amountIn(t);
    if (amount !== undefined && !tier) ask.amount = amount;
    // "why is my balance 0" / "为什么我的积分是0" asks about the balance, still explained by the latest change.
    return ask;
  }

  if (ZH_STATEMENT.test(t) || EN_STATEMENT.test(t)) return { kind: 'statement' };
  if (ZH_VOUCHERS.test(t) || EN_VOUCHERS.test(t)) return { kind: 'vouchers' };
  return undefined;
}
