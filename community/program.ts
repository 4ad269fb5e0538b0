// The loyalty program's settings as a zod schema: every number in DESIGN.md's default program is one of these.
// Pure: parsing text to a file is the loader's job (bot/program-file.ts).
import { z } from 'zod';
import { nudgeRuleProblems } from './nudges';
import { parseRef } from './refs';

const bilingual = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();
const monthDay = z.string().regex(/^\d{2}-\d{2}$/, 'expected MM-DD');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');
/** A person or group with its channel (`telegram:123`, `wecom:zhangsan`; a bare id is a console id). */
const ref = z.string().superRefine((v, ctx) => {
  const parsed = parseRef(v);
  if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
});

export const tierSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    name: bilingual,
    threshold: z.number().int().min(0),
    multiplier: z.number().positive(),
    upgradeGift: z.number().int().min(0).default(0),
  })
  .strict();

export const campaignSchema = z
  .object({
    id: z.string().min(1),
    name: bilingual,
    multiplier: z.number().positive(),
    /** Every year on this day (MM-DD) … */
    everyYear: monthDay.optional(),
    /** … or between these dates, inclusive (YYYY-MM-DD). */
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .strict()
  .refine((c) => c.everyYear !== undefined || (c.from !== undefined && c.to !== undefined), {
    message: 'a campaign needs everyYear, or from and to',
  });

export const rewardSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    name: bilingual,
    cost: z.number().int().positive(),
    minTier: z.string().optional(),
    /** A make-up card (补签卡) restores a missed check-in day instead of issuing a voucher. */
    kind: z.enum(['voucher', 'makeup-card']).default('voucher'),
  })
  .strict();

export const badgeSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    name: bilingual,
    emoji: z.string().min(1),
    description: bilingual,
    auto: z
      .discriminatedUnion('rule', [
        z.object({ rule: z.literal('streak'), days: z.number().int().positive() }).strict(),
        z.object({ rule: z.literal('approved-posts'), count: z.number().int().positive() }).strict(),
      ])
      .optional(),
  })
  .strict();

export const nudgeRuleSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    kind: z.enum(['near-tier', 'dormant', 'expiring', 'birthday', 'streak-at-risk']),
    /** Cron expression in the program's timezone. */
    schedule: z.string().min(9),
    /** Kind-specific numbers: days for dormant/expiring, ratio for near-tier, minStreak for streak-at-risk. */
    params: z.record(z.string(), z.number()).default({}),
    template: bilingual,
    channel: z.enum(['private', 'group']).default('private'),
    enabled: z.boolean().default(true),
  })
  .strict();

export const programSchema = z
  .object({
    name: bilingual,
    timezone: z.string().refine(isValidTimezone, { message: 'unknown IANA timezone' }),
    /** Community managers (they alone move points), each with its channel: `telegram:123456`. */
    managers: z.array(ref).default([]),
    /** Support staff, each with its channel. */
    staff: z.array(ref).default([]),
    /** The community groups Hearth serves, each with its channel: `telegram:-1001234567890` (also HEARTH_GROUPS and `/group on`). */
    groups: z.array(ref).default([]),
    /** Serve groups that are not listed (on live platforms; the console and replay serve every group). */
    serveUnlistedGroups: z.boolean().default(false),
    /** A platform's group admins moderate their own listed group: badges and post review, never points. */
    groupAdminsModerate: z.boolean().default(true),
    /** A bare `@handle` names a member only when exactly one member used it within this many days. */
    handleRecentDays: z.number().int().min(1).max(365).default(30),
    points: z
      .object({
        perCny: z.number().positive(),
        expiryMonths: z.number().int().positive(),
        expiryReminderDays: z.number().int().min(0),
        pendingDays: z.number().int().min(0),
        birthdayMultiplier: z.number().positive(),
      })
      .strict(),
    growth: z
      .object({
        perCny: z.number().min(0),
        perCheckin: z.number().int().min(0),
        perApprovedPost: z.number().int().min(0),
        windowMonths: z.number().int().positive(),
      })
      .strict(),
    tiers: z.array(tierSchema).min(1),
    tierGraceDays: z.number().int().min(0),
    campaigns: z.array(campaignSchema).default([]),
    checkin: z
      .object({
        points: z.number().int().min(0),
        bonusEvery: z.number().int().positive(),
        bonusPoints: z.number().int().min(0),
      })
      .strict(),
    ugc: z
      .object({
        points: z.number().int().min(0),
        maxRewardedPerDay: z.number().int().min(0),
        minLength: z.number().int().min(1),
      })
      .strict(),
    referral: z
      .object({
        points: z.number().int().min(0),
        /** The inviter is paid at the invitee's first purchase (when true) or their Nth check-in, whichever comes first. */
        qualifyingPurchase: z.boolean().default(true),
        qualifyingCheckins: z.number().int().min(1).max(365).default(3),
      })
      .strict(),
    redemption: z
      .object({
        /** Rewards one member may redeem in a local day. */
        maxPerDay: z.number().int().min(1).max(1000).default(3),
      })
      .strict()
      .default({ maxPerDay: 3 }),
    orders: z
      .object({
        /** No order dated before this day is accepted (the program's start); without it, no older than maxAgeDays. */
        earliest: isoDate.optional(),
        maxAgeDays: z.number().int().min(1).max(3650).default(730),
        /** How far in the future an order's time may be (shop clocks and time zones), in hours. */
        maxAheadHours: z.number().int().min(0).max(72).default(24),
        /** A refund that arrives before its purchase waits this many days for it, then is dropped and reported. */
        parkRefundsDays: z.number().int().min(1).max(90).default(7),
      })
      .strict()
      .default({ maxAgeDays: 730, maxAheadHours: 24, parkRefundsDays: 7 }),
    retention: z
      .object({
        /** Received messages' text is kept this long after they were handled (their ids longer, for redelivery checks). */
        inboxDays: z.number().int().min(1).max(3650).default(30),
        /** Messages the bot sent (including codes) are kept this long after delivery. */
        sentMessagesDays: z.number().int().min(1).max(3650).default(30),
        /** Closed tickets' transcripts are kept this long. */
        transcriptsDays: z.number().int().min(1).max(3650).default(180),
        /** Members' recent messages (a ticket's opening context) are kept this long. */
        recentMessagesDays: z.number().int().min(1).max(3650).default(30),
      })
      .strict()
      .default({ inboxDays: 30, sentMessagesDays: 30, transcriptsDays: 180, recentMessagesDays: 30 }),
    rewards: z.array(rewardSchema).default([]),
    badges: z.array(badgeSchema).default([]),
    nudges: z
      .object({
        monthlyCap: z.number().int().min(0),
        dailyCap: z.number().int().min(0),
        quietHours: z.object({ from: hhmm, to: hhmm }).strict(),
        rules: z.array(nudgeRuleSchema).default([]),
      })
      .strict(),
    escalation: z
      .object({
        highValueCny: z.number().positive(),
        highValueUnits: z.number().int().positive(),
        vipTier: z.string(),
        misunderstoodInARow: z.number().int().positive(),
        remindAfterMinutes: z.number().int().positive(),
        managersAfterMinutes: z.number().int().positive(),
        /** Language of the staff room (cards, reminders). */
        staffLang: z.enum(['zh', 'en']).default('en'),
        /** A bare 1–5 from the member this long after a handoff ends is their rating of it. */
        ratingWindowMinutes: z.number().int().positive().default(60),
        /** New tickets one member may open in a local day; more requests join their latest ticket. */
        maxTicketsPerDay: z.number().int().min(1).max(100).default(3),
      })
      .strict(),
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

function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
