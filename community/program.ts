// The loyalty program's settings as a zod schema: every number in DESIGN.md's default program is one of these.
// Pure: parsing text to a file is the loader's job (bot/program-file.ts).
import { z } from 'zod';
import { nudgeRuleProblems } from './nudges';

const bilingual = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();
const monthDay = z.string().regex(/^\d{2}-\d{2}$/, 'expected MM-DD');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');

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
    managers: z.array(z.string()).default([]),
    staff: z.array(z.string()).default([]),
    /** Group admins (on platforms that know them, e.g. Telegram) manage their own group; false keeps managers to `managers`. */
    groupAdminsAreManagers: z.boolean().default(true),
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
    referral: z.object({ points: z.number().int().min(0) }).strict(),
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
