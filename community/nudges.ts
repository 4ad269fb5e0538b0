// Nudge rules as pure functions: the time window each kind looks at, the occasion a nudge is about (a rule goes to a
// member once per occasion), the caps' calendar day and month, and the message template with its placeholders.
import type { NudgeRule, Program } from './program';
import { addDays, addMonths, localDate, startOfLocalDay } from './calendar';
import { quietHoursEnd } from './quiet-hours';

export type NudgeKind = NudgeRule['kind'];
export type NudgeLang = 'zh' | 'en';

/** Every placeholder a template may use. */
export const PLACEHOLDERS = ['name', 'points', 'tier', 'nextTier', 'gap', 'expiring', 'expiryDate', 'streak'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** The placeholders each kind of rule can fill (the member's name, balance and tier always; the rest where they mean something). */
export const PLACEHOLDERS_BY_KIND: Record<NudgeKind, readonly Placeholder[]> = {
  'near-tier': ['name', 'points', 'tier', 'nextTier', 'gap'],
  dormant: ['name', 'points', 'tier'],
  expiring: ['name', 'points', 'tier', 'expiring', 'expiryDate'],
  birthday: ['name', 'points', 'tier'],
  'streak-at-risk': ['name', 'points', 'tier', 'streak'],
};

/**
 * The numbers each kind reads from `params`, with their defaults. near-tier looks at members who earned growth in the
 * last `lookbackDays` (a member gets near by earning; the lookback retries those the caps held back). dormant reaches
 * members silent `days` to `maxDays` days (default: days + 29, a month to get past the caps; nobody silent for a year
 * is recalled every day). expiring's `days` defaults to points.expiryReminderDays.
 */
export const PARAMS_BY_KIND: Record<NudgeKind, Record<string, number | undefined>> = {
  'near-tier': { ratio: 0.15, lookbackDays: 7 },
  dormant: { days: 30, maxDays: undefined, minPoints: 0 },
  expiring: { days: undefined },
  birthday: {},
  'streak-at-risk': { minStreak: 3 },
};

const placeholderToken = /\{([A-Za-z]+)\}/g;

/** Placeholders that show what a member has (a balance, growth to the next tier): such a nudge never goes to a group. */
export const PRIVATE_PLACEHOLDERS: readonly Placeholder[] = ['points', 'gap', 'expiring'];

/** True when a template (in either language) shows what a member has: it may only go to their private chat. */
export function isPrivateTemplate(template: { zh: string; en: string }): boolean {
  return [template.zh, template.en].some((t) => placeholdersIn(t).some((p) => (PRIVATE_PLACEHOLDERS as readonly string[]).includes(p)));
}

/** The placeholder names a template uses, in order of appearance. */
export function placeholdersIn(template: string): string[] {
  return [...template.matchAll(placeholderToken)].map((m) => m[1]!);
}

/** What is wrong with a rule, for the program file's error list: unknown or out-of-range params, placeholders the kind cannot fill. */
export function nudgeRuleProblems(rule: Pick<NudgeRule, 'kind' | 'params' | 'template' | 'channel'>): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  if (rule.channel === 'group' && isPrivateTemplate(rule.template)) {
    problems.push({
      path: ['channel'],
      message: `a group nudge cannot show ${PRIVATE_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}: what a member has never goes to a group (use channel: private)`,
    });
  }
  const allowed = PLACEHOLDERS_BY_KIND[rule.kind];
  for (const lang of ['zh', 'en'] as const) {
    for (const name of placeholdersIn(rule.template[lang])) {
      if (!allowed.includes(name as Placeholder)) {
        problems.push({
          path: ['template', lang],
          message: `{${name}} is not available in a ${rule.kind} nudge (use ${allowed.map((p) => `{${p}}`).join(' ')})`,
        });
      }
    }
  }
  const known = PARAMS_BY_KIND[rule.kind];
  for (const key of Object.keys(rule.params)) {
    if (!(key in known)) {
      const names = Object.keys(known);
      problems.push({ path: ['params', key], message: `a ${rule.kind} nudge has no "${key}" setting${names.length ? ` (it has: ${names.join(', ')})` : ''}` });
    }
  }
  if (rule.kind === 'near-tier' && rule.params.ratio !== undefined && !(rule.params.ratio > 0 && rule.params.ratio < 1))
    problems.push({ path: ['params', 'ratio'], message: 'ratio must be between 0 and 1' });
  for (const [key, [min, max]] of Object.entries(paramBounds(rule.kind))) {
    const v = rule.params[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= min && v <= max))
      problems.push({ path: ['params', key], message: `${key} must be a whole number from ${min} to ${max.toLocaleString('en')}` });
  }
  if (rule.params.maxDays !== undefined && rule.params.maxDays < (rule.params.days ?? 30))
    problems.push({ path: ['params', 'maxDays'], message: 'maxDays must not be less than days' });
  return problems;
}

// The whole-number params' ranges. An expiring reminder looks no further ahead than points.expiryReminderDays may; a
// dormant spell or a streak is at most ten years, a near-tier lookback at most the year a tier is counted over.
function paramBounds(kind: NudgeKind): Record<string, [number, number]> {
  return {
    days: [1, kind === 'expiring' ? 365 : 3650],
    maxDays: [1, 3650],
    minStreak: [1, 3650],
    lookbackDays: [1, 365],
    minPoints: [0, 1_000_000_000],
  };
}

/** Fill `{placeholder}`s from `values`; a placeholder without a value is left as written. */
export function renderTemplate(template: string, values: Partial<Record<Placeholder, string | number>>): string {
  return template.replace(placeholderToken, (whole, name: string) => {
    const v = values[name as Placeholder];
    return v === undefined ? whole : String(v);
  });
}

/** A local date (YYYY-MM-DD) as members read it: 2028年1月15日, or 15 Jan 2028. */
export function formatDate(date: string, lang: NudgeLang): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  if (lang === 'zh') return `${y}年${m}月${d}日`;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${d} ${months[m - 1]} ${y}`;
}

/** A whole number with thousands separators (1,300), as the rest of Hearth writes points. */
export function formatNumber(n: number): string {
  // By hand: toLocaleString costs more than the rest of rendering a nudge together.
  const whole = String(Math.round(Math.abs(n)));
  return `${n < 0 ? '-' : ''}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
}

const DAY_MS = 86_400_000;

/**
 * What one run of a rule at `now` looks at. The store turns it into one set-based query; every field is plain data.
 * `occasionPrefix` + the row's own part (tier id, silent-since time, lot expiry time, nothing) is the occasion key.
 */
export interface NudgeWindow {
  ruleId: string;
  kind: NudgeKind;
  /** The rule's preferred way to reach members. */
  channel: 'private' | 'group';
  /** The message shows what the member has: a private chat or nobody, never their group. */
  privateOnly: boolean;
  now: number;
  /** When the nudge reaches the member: `now`, or the end of quiet hours. The caps count this day and month. */
  deliverAt: number;
  dayStart: number;
  dayEnd: number;
  monthStart: number;
  monthEnd: number;
  monthlyCap: number;
  dailyCap: number;
  occasionPrefix: string;
  /** near-tier: members with growth earned in (recentSince, now]; growth counts in (growthSince, now]; the tiers in
   * program order; how close counts as near. */
  recentSince: number;
  growthSince: number;
  tiers: { id: string; threshold: number }[];
  ratio: number;
  /** dormant: last active at or before `silentBefore` and after `silentAfter`, with at least `minPoints`. */
  silentBefore: number;
  silentAfter: number;
  minPoints: number;
  /** expiring: lots expiring in (now, expiringUntil]; the local months those expiries fall in, as [start, 'YYYY-MM']. */
  expiringUntil: number;
  expiryMonths: [number, string][];
  /** birthday: birthdays (MM-DD) celebrated today; 29 Feb is kept on 28 Feb in other years. */
  monthDays: string[];
  /** streak-at-risk: a streak of at least `minStreak` that ended yesterday, and no check-in today. */
  today: string;
  yesterday: string;
  minStreak: number;
}

/** The window of a rule run at `now`, in the program's timezone. */
export function nudgeWindow(program: Program, rule: Pick<NudgeRule, 'id' | 'kind' | 'params' | 'channel' | 'template'>, now: Date): NudgeWindow {
  const tz = program.timezone;
  const kind = rule.kind;
  const param = (key: string, fallback: number) => rule.params[key] ?? PARAMS_BY_KIND[kind][key] ?? fallback;
  const t = now.getTime();
  // Calendar lookups are the costly part of a run that finds nobody: only those the kind needs are made.
  const today = localDate(now, tz);
  const year = Number(today.slice(0, 4));
  const deliver = quietHoursEnd(now, tz, program.nudges.quietHours);
  const deliverDay = deliver.getTime() === t ? today : localDate(deliver, tz);
  const bounds = dayBounds(deliverDay, tz);
  const days = param('days', kind === 'expiring' ? program.points.expiryReminderDays : 30);
  const maxDays = rule.params.maxDays;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const monthDay = today.slice(5);
  const occasionPrefix: Record<NudgeKind, string> = {
    // Once per next tier per year: the gap to Gold is one occasion however it moves that year.
    'near-tier': `${year}:`,
    // Once per silent spell: the spell is named by the last activity it started from.
    dormant: 'since:',
    // Once per month of expiry: the row's part is the local month (YYYY-MM) the soonest lot expires in. Per lot
    // would remind a daily checker-in every day about five points; per month it is one summary a month at most.
    expiring: 'expires:',
    birthday: `${year}`,
    'streak-at-risk': today,
  };
  return {
    ruleId: rule.id,
    kind,
    channel: rule.channel,
    privateOnly: isPrivateTemplate(rule.template),
    now: t,
    deliverAt: deliver.getTime(),
    ...bounds,
    monthlyCap: program.nudges.monthlyCap,
    dailyCap: program.nudges.dailyCap,
    occasionPrefix: occasionPrefix[kind],
    recentSince: t - param('lookbackDays', 7) * DAY_MS,
    growthSince: kind === 'near-tier' ? addMonths(now, -program.growth.windowMonths, tz).getTime() : 0,
    tiers: program.tiers.map((tier) => ({ id: tier.id, threshold: tier.threshold })),
    ratio: param('ratio', 0.15),
    silentBefore: t - days * DAY_MS,
    silentAfter: t - ((maxDays ?? days + 29) + 1) * DAY_MS,
    minPoints: param('minPoints', 0),
    // Lots expire at local midnight; "within N days" means an expiry date no later than N days from today.
    expiringUntil: kind === 'expiring' ? startOfLocalDay(addDays(today, days), tz).getTime() : 0,
    expiryMonths: kind === 'expiring' ? monthsBetween(today, addDays(today, days), tz) : [],
    monthDays: !leap && monthDay === '02-28' ? ['02-28', '02-29'] : [monthDay],
    today,
    yesterday: addDays(today, -1),
    minStreak: param('minStreak', 3),
  };
}

// Where a local day and its month start and end. Every rule run of a day asks the same: remembered (a pure function of
// its arguments), since each answer costs several timezone lookups.
const boundsCache = new Map<string, { dayStart: number; dayEnd: number; monthStart: number; monthEnd: number }>();
function dayBounds(day: string, tz: string): { dayStart: number; dayEnd: number; monthStart: number; monthEnd: number } {
  const key = `${tz} ${day}`;
  let found = boundsCache.get(key);
  if (!found) {
    const monthStart = startOfLocalDay(`${day.slice(0, 7)}-01`, tz);
    found = {
      dayStart: startOfLocalDay(day, tz).getTime(),
      dayEnd: startOfLocalDay(addDays(day, 1), tz).getTime(),
      monthStart: monthStart.getTime(),
      monthEnd: addMonths(monthStart, 1, tz).getTime(),
    };
    if (boundsCache.size >= 64) boundsCache.delete(boundsCache.keys().next().value!);
    boundsCache.set(key, found);
  }
  return found;
}

// The local months from the one holding `from` to the one holding `to` (dates), each with the instant it starts.
function monthsBetween(from: string, to: string, tz: string): [number, string][] {
  const out: [number, string][] = [];
  let first = startOfLocalDay(`${from.slice(0, 7)}-01`, tz);
  while (localDate(first, tz).slice(0, 7) <= to.slice(0, 7)) {
    out.push([first.getTime(), localDate(first, tz).slice(0, 7)]);
    first = addMonths(first, 1, tz);
  }
  return out;
}

/** The occasion key of a nudge: the window's prefix and the row's own part (see NudgeWindow). */
export function occasionKey(window: Pick<NudgeWindow, 'occasionPrefix'>, part: string): string {
  return `${window.occasionPrefix}${part}`;
}

/** A member picked by a rule's audience query, with what its template needs. */
export interface NudgeCandidate {
  memberId: number;
  name: string;
  lang: NudgeLang | null;
  balance: number;
  tierId: string;
  occasion: string;
  nextTierId: string | null;
  gap: number | null;
  expiring: number | null;
  expiresAt: number | null;
  streak: number | null;
}

/** The placeholder values of a candidate, in a language. */
export function placeholderValues(program: Program, c: NudgeCandidate, lang: NudgeLang): Partial<Record<Placeholder, string | number>> {
  const tierName = (id: string | null) => (program.tiers.find((t) => t.id === id) ?? program.tiers[0]!).name[lang];
  const values: Partial<Record<Placeholder, string | number>> = { name: c.name, points: formatNumber(c.balance), tier: tierName(c.tierId) };
  if (c.nextTierId !== null) values.nextTier = tierName(c.nextTierId);
  if (c.gap !== null) values.gap = formatNumber(c.gap);
  if (c.expiring !== null) values.expiring = formatNumber(c.expiring);
  if (c.expiresAt !== null) values.expiryDate = formatDate(localDate(new Date(c.expiresAt), program.timezone), lang);
  if (c.streak !== null) values.streak = c.streak;
  return values;
}

/** The message a candidate gets from a rule, in their language (or the one given). */
export function renderNudge(program: Program, template: { zh: string; en: string }, c: NudgeCandidate, lang: NudgeLang = c.lang ?? 'en'): string {
  return renderTemplate(template[lang], placeholderValues(program, c, lang));
}
