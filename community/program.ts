// The loyalty program's settings as a zod schema: every number in DESIGN.md's default program is one of these.
// Pure: parsing text to a file is the loader's job (bot/program-file.ts).
import { z } from 'zod';
import { nudgeRuleProblems } from './nudges';
import { parseRef } from './refs';
import { parseSpans, WEEKDAYS } from './support-hours';

// Every number has an upper bound: generous for any real program, tight enough that a slip of the keyboard (an extra
// zero, days written as minutes) fails at start instead of paying out or scheduling nonsense for months.
const MAX_POINTS = 1_000_000; // one reward of any kind (gift, check-in, post, referral)
const MAX_THRESHOLD = 1_000_000_000; // growth value or a reward's cost: far above any member's lifetime
const MAX_MULTIPLIER = 100;
const WEEK_MINUTES = 7 * 24 * 60;

/** A whole number in [min, max], with one message for every way to get it wrong. */
function whole(min: number, max: number, unit: string) {
  const error = `must be a whole number of ${unit} from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** A number above 0 (or from 0) up to max; fractions allowed. */
function amount(max: number, what: string, allowZero = false) {
  const error = `must be ${what} ${allowZero ? 'from 0 to' : 'above 0 and at most'} ${max.toLocaleString('en')}`;
  const n = z.number({ error }).max(max, { error });
  return allowZero ? n.min(0, { error }) : n.positive({ error });
}

/** Text that is not blank and not longer than max. */
function text(max: number) {
  return z
    .string()
    .refine((v) => v.trim() !== '', { error: 'must not be empty' })
    .refine((v) => v.length <= max, { error: `must be at most ${max} characters` });
}

function list<T extends z.ZodType>(item: T, max: number, what: string) {
  return z.array(item).max(max, { error: `at most ${max} ${what}` });
}

const bilingual = (max: number) => z.object({ zh: text(max), en: text(max) }).strict();
const name = bilingual(100);
const slug = z
  .string()
  .max(64, { error: 'an id is at most 64 characters' })
  .regex(/^[a-z][a-z0-9-]*$/, { error: 'an id is lowercase letters, digits and dashes, starting with a letter' });
// 2024 is a leap year: 02-29 is a day of the year (a campaign then runs only in leap years), 02-30 is not.
const monthDay = z.string().refine((v) => /^\d{2}-\d{2}$/.test(v) && isRealDate(`2024-${v}`), { error: 'expected a day of the year as MM-DD, e.g. "11-11"' });
const isoDate = z
  .string()
  .refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && isRealDate(v) && v >= '2000-01-01' && v <= '2100-12-31', {
    error: 'expected a calendar date from 2000 to 2100 as YYYY-MM-DD, e.g. "2026-11-11"',
  });
/** Support hours of a day: "09:00-21:00", several spans "09:00-12:00,13:00-18:00", or "closed". */
const supportSpans = z.string().superRefine((v, ctx) => {
  const spans = parseSpans(v);
  if ('problem' in spans) ctx.addIssue({ code: 'custom', message: spans.problem });
});
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');
/** A person or group with its channel (`telegram:123`, `wecom:zhangsan`; a bare id is a console id). */
const ref = z.string().superRefine((v, ctx) => {
  const parsed = parseRef(v);
  if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
  // Console ids are never all digits in practice; Telegram's are, and groups' start with -100.
  else if (parsed.channel === 'console' && /^(-?\d+|-100.*)$/.test(v))
    ctx.addIssue({ code: 'custom', message: `"${v}" looks like a Telegram id: write telegram:${v} (a bare id means the console)` });
});

export const tierSchema = z
  .object({
    id: slug,
    name,
    threshold: whole(0, MAX_THRESHOLD, 'growth points'),
    multiplier: amount(MAX_MULTIPLIER, 'a multiplier'),
    upgradeGift: whole(0, MAX_POINTS, 'points').default(0),
    /** What the tier gives, in the program's words; without it the bot says it from the rules (multiplier, gift, rewards). */
    benefits: bilingual(1000).optional(),
  })
  .strict();

export const campaignSchema = z
  .object({
    id: text(64),
    name,
    multiplier: amount(MAX_MULTIPLIER, 'a multiplier'),
    /** Every year on this day (MM-DD) … */
    everyYear: monthDay.optional(),
    /** … or between these dates, inclusive (YYYY-MM-DD). */
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.everyYear === undefined && (c.from === undefined || c.to === undefined))
      ctx.addIssue({ code: 'custom', message: 'a campaign needs everyYear, or from and to' });
    // The bot reads everyYear first and would ignore the dates without a word.
    if (c.everyYear !== undefined && (c.from !== undefined || c.to !== undefined))
      ctx.addIssue({ code: 'custom', path: ['everyYear'], message: 'a campaign has everyYear or from and to, not both' });
    if (c.from !== undefined && c.to !== undefined && c.from > c.to)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `the campaign ends (to: ${c.to}) before it starts (from: ${c.from})` });
  });

export const rewardSchema = z
  .object({
    id: slug,
    name,
    cost: whole(1, MAX_THRESHOLD, 'points'),
    minTier: z.string().optional(),
    /** A make-up card (补签卡) restores a missed check-in day instead of issuing a voucher. */
    kind: z.enum(['voucher', 'makeup-card']).default('voucher'),
  })
  .strict();

export const badgeSchema = z
  .object({
    id: slug,
    name,
    emoji: text(16),
    description: bilingual(300),
    auto: z
      .discriminatedUnion('rule', [
        z.object({ rule: z.literal('streak'), days: whole(1, 3650, 'days') }).strict(),
        z.object({ rule: z.literal('approved-posts'), count: whole(1, 100_000, 'posts') }).strict(),
      ])
      .optional(),
  })
  .strict();

export const nudgeRuleSchema = z
  .object({
    id: slug,
    kind: z.enum(['near-tier', 'dormant', 'expiring', 'birthday', 'streak-at-risk']),
    /** Cron expression in the program's timezone. */
    schedule: z.string().min(9).max(100),
    /** Kind-specific numbers: days for dormant/expiring, ratio for near-tier, minStreak for streak-at-risk (bounds: nudgeRuleProblems). */
    params: z.record(z.string(), z.number({ error: 'must be a number' })).default({}),
    template: bilingual(1000),
    channel: z.enum(['private', 'group']).default('private'),
    enabled: z.boolean().default(true),
  })
  .strict();

export const programSchema = z
  .object({
    name,
    timezone: z.string().max(64).refine(isValidTimezone, { message: 'unknown IANA timezone' }),
    /** Community managers (they alone move points), each with its channel: `telegram:123456`. */
    managers: list(ref, 1000, 'managers').default([]),
    /** Support staff, each with its channel. */
    staff: list(ref, 1000, 'staff').default([]),
    /** The community groups Hearth serves, each with its channel: `telegram:-1001234567890` (also HEARTH_GROUPS and `/group on`). */
    groups: list(ref, 1000, 'groups').default([]),
    /** Serve groups that are not listed (on live platforms; the console and replay serve every group). */
    serveUnlistedGroups: z.boolean().default(false),
    /** A platform's group admins moderate their own listed group: badges and post review, never points. */
    groupAdminsModerate: z.boolean().default(true),
    /** A bare `@handle` names a member only when exactly one member used it within this many days. */
    handleRecentDays: whole(1, 365, 'days').default(30),
    /**
     * A message that reaches Hearth this long after it was sent (the bot was offline, the platform caught up) is
     * recorded and left alone: a stale 签到 is not a check-in for a day gone by, and an old question needs no answer.
     */
    lateMessageMinutes: whole(1, 1440, 'minutes').default(10),
    points: z
      .object({
        perCny: amount(1000, 'a number of points per CNY'),
        expiryMonths: whole(1, 120, 'months'),
        expiryReminderDays: whole(0, 365, 'days'),
        pendingDays: whole(0, 365, 'days'),
        birthdayMultiplier: amount(MAX_MULTIPLIER, 'a multiplier'),
      })
      .strict(),
    growth: z
      .object({
        perCny: amount(1000, 'a number of growth points per CNY', true),
        perCheckin: whole(0, MAX_POINTS, 'growth points'),
        perApprovedPost: whole(0, MAX_POINTS, 'growth points'),
        windowMonths: whole(1, 120, 'months'),
      })
      .strict(),
    tiers: list(tierSchema, 20, 'tiers').min(1, { error: 'at least one tier' }),
    tierGraceDays: whole(0, 365, 'days'),
    campaigns: list(campaignSchema, 100, 'campaigns').default([]),
    checkin: z
      .object({
        points: whole(0, MAX_POINTS, 'points'),
        bonusEvery: whole(1, 365, 'days'),
        bonusPoints: whole(0, MAX_POINTS, 'points'),
      })
      .strict(),
    ugc: z
      .object({
        points: whole(0, MAX_POINTS, 'points'),
        maxRewardedPerDay: whole(0, 100, 'posts'),
        minLength: whole(1, 2000, 'characters'),
      })
      .strict(),
    referral: z
      .object({
        points: whole(0, MAX_POINTS, 'points'),
        /** The inviter is paid at the invitee's first purchase (when true) or their Nth check-in, whichever comes first. */
        qualifyingPurchase: z.boolean().default(true),
        qualifyingCheckins: whole(1, 365, 'check-ins').default(3),
      })
      .strict(),
    grants: z
      .object({
        /** A manager's deduction that would take a balance below zero: refused (saying the most that can go), or done once they confirm. */
        belowZero: z.enum(['refuse', 'confirm']).default('confirm'),
      })
      .strict()
      .default({ belowZero: 'confirm' }),
    redemption: z
      .object({
        /** Rewards one member may redeem in a local day. */
        maxPerDay: whole(1, 1000, 'rewards').default(3),
      })
      .strict()
      .default({ maxPerDay: 3 }),
    orders: z
      .object({
        /** No order dated before this day is accepted (the program's start); without it, no older than maxAgeDays. */
        earliest: isoDate.optional(),
        maxAgeDays: whole(1, 3650, 'days').default(730),
        /** How far in the future an order's time may be (shop clocks and time zones), in hours. */
        maxAheadHours: whole(0, 72, 'hours').default(24),
        /** A refund that arrives before its purchase waits this many days for it, then is dropped and reported. */
        parkRefundsDays: whole(1, 90, 'days').default(7),
      })
      .strict()
      .default({ maxAgeDays: 730, maxAheadHours: 24, parkRefundsDays: 7 }),
    retention: z
      .object({
        /** Received messages' text is kept this long after they were handled (their ids longer, for redelivery checks). */
        inboxDays: whole(1, 3650, 'days').default(30),
        /** Messages the bot sent (including codes) are kept this long after delivery. */
        sentMessagesDays: whole(1, 3650, 'days').default(30),
        /** Closed tickets' transcripts are kept this long. */
        transcriptsDays: whole(1, 3650, 'days').default(180),
        /** Members' recent messages (a ticket's opening context) are kept this long. */
        recentMessagesDays: whole(1, 3650, 'days').default(30),
      })
      .strict()
      .default({ inboxDays: 30, sentMessagesDays: 30, transcriptsDays: 180, recentMessagesDays: 30 }),
    rewards: list(rewardSchema, 200, 'rewards').default([]),
    badges: list(badgeSchema, 200, 'badges').default([]),
    nudges: z
      .object({
        monthlyCap: whole(0, 100, 'nudges a month'),
        dailyCap: whole(0, 24, 'nudges a day'),
        quietHours: z
          .object({ from: hhmm, to: hhmm })
          .strict()
          .refine((q) => q.from !== q.to, { error: 'quiet hours need different from and to times (from equal to to is not a range)', path: ['to'] }),
        rules: list(nudgeRuleSchema, 50, 'nudge rules').default([]),
      })
      .strict(),
    escalation: z
      .object({
        highValueCny: amount(100_000_000, 'an amount in CNY'),
        highValueUnits: whole(1, 1_000_000, 'units'),
        vipTier: z.string(),
        misunderstoodInARow: whole(1, 20, 'messages'),
        remindAfterMinutes: whole(1, WEEK_MINUTES, 'minutes'),
        managersAfterMinutes: whole(1, WEEK_MINUTES, 'minutes'),
        /** Language of the staff room (cards, reminders). */
        staffLang: z.enum(['zh', 'en']).default('en'),
        /** A bare 1–5 from the member this long after a handoff ends is their rating of it. */
        ratingWindowMinutes: whole(1, WEEK_MINUTES, 'minutes').default(60),
        /** New tickets one member may open in a local day; more requests join their latest ticket. */
        maxTicketsPerDay: whole(1, 100, 'tickets').default(3),
      })
      .strict(),
    /**
     * When staff answer: `hours: "09:00-21:00"` every day, or per weekday (`mon: "09:00-18:00"`, a missing day is
     * closed), and `holidays` (dates). Out of hours the member is told when someone will answer, and the SLA clocks
     * count support time only. Without this block support is always open.
     */
    support: z
      .object({
        hours: z.union([supportSpans, z.object(Object.fromEntries(WEEKDAYS.map((d) => [d, supportSpans.optional()]))).strict()]),
        holidays: list(isoDate, 1000, 'holidays').default([]),
      })
      .strict()
      .optional(),
    /**
     * The brand's own words for any line Hearth says, by the line's key: `checkin.done: { zh: 亲～签到成功…, en: … }`
     * (either language or both). Keys and placeholders are checked against the catalogs when the program is loaded.
     */
    copy: z
      .record(
        z.string().regex(/^[a-z][a-zA-Z]*\.[a-z][a-zA-Z0-9]*$/, { error: 'a copy key is a skill and a line, e.g. checkin.done' }),
        z.object({ zh: text(4000).optional(), en: text(4000).optional() }).strict(),
      )
      .default({}),
  })
  .strict()
  .superRefine((p, ctx) => {
    p.tiers.forEach((t, i) => {
      if (i === 0 && t.threshold !== 0) ctx.addIssue({ code: 'custom', path: ['tiers', 0, 'threshold'], message: 'the first tier must start at 0' });
      if (i > 0 && t.threshold <= p.tiers[i - 1]!.threshold)
        ctx.addIssue({ code: 'custom', path: ['tiers', i, 'threshold'], message: 'tier thresholds must rise' });
    });
    const tierIds = new Set(p.tiers.map((t) => t.id));
    p.rewards.forEach((r, i) => {
      if (r.minTier && !tierIds.has(r.minTier))
        ctx.addIssue({ code: 'custom', path: ['rewards', i, 'minTier'], message: `no tier "${r.minTier}"` });
    });
    if (!tierIds.has(p.escalation.vipTier))
      ctx.addIssue({ code: 'custom', path: ['escalation', 'vipTier'], message: `no tier "${p.escalation.vipTier}"` });
    if (p.escalation.managersAfterMinutes <= p.escalation.remindAfterMinutes)
      ctx.addIssue({
        code: 'custom',
        path: ['escalation', 'managersAfterMinutes'],
        message: `managers are told after staff are reminded: managersAfterMinutes (${p.escalation.managersAfterMinutes}) must be more than remindAfterMinutes (${p.escalation.remindAfterMinutes})`,
      });
    for (const [key, list] of [['rewards', p.rewards], ['badges', p.badges], ['tiers', p.tiers]] as const) {
      const seen = new Set<string>();
      list.forEach((item, i) => {
        if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: [key, i, 'id'], message: `duplicate id "${item.id}"` });
        seen.add(item.id);
      });
    }
    const ruleIds = new Set<string>();
    p.nudges.rules.forEach((rule, i) => {
      if (ruleIds.has(rule.id)) ctx.addIssue({ code: 'custom', path: ['nudges', 'rules', i, 'id'], message: `duplicate id "${rule.id}"` });
      ruleIds.add(rule.id);
      for (const problem of nudgeRuleProblems(rule)) ctx.addIssue({ code: 'custom', path: ['nudges', 'rules', i, ...problem.path], message: problem.message });
    });
  });

export type Program = z.infer<typeof programSchema>;
export type Tier = z.infer<typeof tierSchema>;
export type Reward = z.infer<typeof rewardSchema>;
export type Badge = z.infer<typeof badgeSchema>;
export type NudgeRule = z.infer<typeof nudgeRuleSchema>;
export type Campaign = z.infer<typeof campaignSchema>;

// A date that exists: 2024-02-29 does, 2025-02-29 and 2025-04-31 do not.
function isRealDate(date: string): boolean {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
