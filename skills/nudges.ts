// Nudges: seeds the rules store on install and runs each rule on its cron (virtual clock in replay, node-cron live,
// same code); managers list, pause, resume and preview rules with /nudges; members opt out with /mute 免打扰.
import type { HearthDeps, Skill, SkillContext, SkillModule } from '../bot/core/skill';
import type { CopyOverrides } from '../bot/core/copy';
import { nextCronRun } from '../community/cron';
import { inTransaction } from '../store/db';
import { audit } from '../store/audit';
import {
  activeNudgeRules,
  getNudgeRule,
  muteNudges,
  nudgeAudiencePages,
  nudgeAudiencePreview,
  nudgeSendCounts,
  recordNudgeSend,
  seedNudgeRules,
  setNudgeRuleEnabled,
  unmuteNudges,
  type NudgeRuleRow,
} from '../store/nudges';
import { nudgeWindow, renderNudge, type NudgeLang } from '../community/nudges';
import { localDate, localTime } from '../community/calendar';
import { commandArgs, isCommand } from './commands';
import { replyToManager } from './private';
import { nudgesCopy } from './nudges.copy';
import { personalLines } from './nudge-lines';
import { firstName } from './assistant/access';

type NudgeDeps = Pick<HearthDeps, 'db' | 'program'>;

/**
 * Run one rule at `now`: choose its audience and queue one nudge each, in one transaction, with a member's personal
 * line after it where `lines` has one. Returns how many were queued.
 */
export function runNudgeRule(deps: NudgeDeps & Pick<HearthDeps, 'queue'>, ruleId: string, now: Date, lines: ReadonlyMap<number, string> = new Map()): number {
  const { db, program } = deps;
  return inTransaction(db, () => {
    const rule = getNudgeRule(db, ruleId);
    if (!rule || !rule.enabled) return 0;
    const window = nudgeWindow(program, rule, now);
    let sent = 0;
    // A page at a time: sends are recorded between pages, and memory holds one page however large the audience.
    for (const page of nudgeAudiencePages(db, window)) {
      for (const row of page) {
        const { target } = row;
        const outboxKey = `nudge:${rule.id}:${row.memberId}:${row.occasion}`;
        const recorded = recordNudgeSend(db, {
          ruleId: rule.id,
          memberId: row.memberId,
          occasion: row.occasion,
          at: now,
          deliverAt: new Date(window.deliverAt),
          channel: target.channel,
          chat: target.chat,
          outboxKey,
        });
        if (!recorded) continue;
        const mentions = target.mention ? [target.mention] : undefined;
        const line = lines.get(row.memberId);
        const text = renderNudge(program, rule.template, row) + (line === undefined ? '' : `\n${line}`);
        deps.queue(outboxKey, { channel: target.channel, chat: target.chat, mentions, text, kind: 'nudge', secret: window.privateOnly }, now);
        sent++;
      }
    }
    return sent;
  });
}

/**
 * The model's personal lines for a run about to go (none unless HEARTH_LLM_NUDGE_LINES asks): asked before the run's
 * transaction, for the first members the run will reach, so no transaction waits on a model.
 */
export async function nudgeLinesFor(deps: NudgeDeps & Pick<HearthDeps, 'llm' | 'log'>, ruleId: string, now: Date): Promise<Map<number, string>> {
  const rule = getNudgeRule(deps.db, ruleId);
  const wanted = deps.llm?.nudgeLines ?? 0;
  if (!rule || !rule.enabled || wanted === 0) return new Map();
  const { rows } = nudgeAudiencePreview(deps.db, nudgeWindow(deps.program, rule, now), wanted);
  const requests = rows.map((row) => {
    const lang = row.lang ?? 'en';
    const to = { lang, program: deps.program };
    return { row, lang, text: renderNudge(deps.program, rule.template, { ...row, name: firstName(row.name) }, lang), about: describeRule(rule, to) };
  });
  return personalLines(deps, requests, now);
}

/** What a rule would do now, sending nothing: how many members it would reach and up to three sample messages. */
export interface NudgePreview {
  rule: NudgeRuleRow;
  count: number;
  samples: { memberId: number; name: string; text: string }[];
}

/** Preview a rule at `now` (the same audience query and guards as a real run); samples in `lang`, else each member's. */
export function previewNudge(deps: NudgeDeps, ruleId: string, now: Date, lang?: NudgeLang): NudgePreview | undefined {
  const rule = getNudgeRule(deps.db, ruleId);
  if (!rule) return undefined;
  const window = nudgeWindow(deps.program, rule, now);
  const { count, rows } = nudgeAudiencePreview(deps.db, window, 3);
  return {
    rule,
    count,
    samples: rows.map((r) => ({ memberId: r.memberId, name: r.name, text: renderNudge(deps.program, rule.template, r, lang) })),
  };
}

/**
 * A preview as text, in one language (the /nudges reply and `hearth nudges preview`), with the program's copy
 * overrides when it is given.
 */
export function formatPreview(p: NudgePreview, lang: NudgeLang, program: { readonly copy?: CopyOverrides }): string {
  const say = nudgesCopy.to({ lang, program });
  const rule = p.rule.id;
  const lines = [p.count === 0 ? say('previewNobody', { rule }) : say('previewCount', { rule, count: p.count })];
  if (p.samples.length > 0) {
    lines.push(say('previewSamples'));
    p.samples.forEach((s, i) => lines.push(say('previewSample', { n: i + 1, name: s.name, text: s.text })));
  }
  if (!p.rule.enabled) lines.push(say('previewPaused', { rule }));
  return lines.join('\n');
}

function describeRule(rule: NudgeRuleRow, to: { lang: NudgeLang; program: NudgeDeps['program'] }): string {
  const days = rule.params.days ?? (rule.kind === 'expiring' ? to.program.points.expiryReminderDays : 30);
  const say = nudgesCopy.to(to);
  switch (rule.kind) {
    case 'near-tier':
      return say('kindNearTier');
    case 'dormant':
      return say('kindDormant', { days });
    case 'expiring':
      return say('kindExpiring', { days });
    case 'birthday':
      return say('kindBirthday');
    case 'streak-at-risk':
      return say('kindStreakAtRisk');
  }
}

const LIST_WINDOW_DAYS = 30;

/** The managers' list: every rule with what it is, its next run (or paused) and its sends over the last 30 days. */
export function formatRuleList(deps: NudgeDeps, now: Date, lang: NudgeLang): string {
  const to = { lang, program: deps.program };
  const say = nudgesCopy.to(to);
  const tz = deps.program.timezone;
  const rules = activeNudgeRules(deps.db);
  if (rules.length === 0) return say('noRules');
  const counts = nudgeSendCounts(deps.db, new Date(now.getTime() - LIST_WINDOW_DAYS * 86_400_000));
  const lines = [say('rulesTitle', { days: LIST_WINDOW_DAYS })];
  for (const rule of rules) {
    const next = nextCronRun(rule.schedule, tz, now);
    const state = rule.enabled ? say('ruleNext', { when: `${localDate(next, tz)} ${localTime(next, tz)}` }) : say('rulePaused');
    const sent = say('ruleSent', { sent: counts.get(rule.id) ?? 0 });
    lines.push(`• ${rule.id} — ${describeRule(rule, to)} · ${state} · ${sent}`);
  }
  lines.push(say('rulesFooter'));
  return lines.join('\n');
}

function ruleIds(deps: NudgeDeps): string {
  return activeNudgeRules(deps.db)
    .map((r) => r.id)
    .join(', ');
}

function nudgesCommand(ctx: SkillContext): void {
  const say = nudgesCopy.to(ctx);
  const deps = ctx.deps;
  if (ctx.role !== 'manager') {
    ctx.reply(say('managersOnly'));
    return;
  }
  // Rules, counts and samples (members' names) are for the manager: privately, never in a members' group.
  const tell = (text: string) => void replyToManager(ctx, text);
  const [sub, id, ...extra] = commandArgs(ctx, 'nudges').split(/\s+/).filter(Boolean);
  if (sub === undefined || sub === 'list') {
    tell(formatRuleList(deps, ctx.now, ctx.lang));
    return;
  }
  const action = sub.toLowerCase();
  if (!['pause', 'resume', 'preview'].includes(action) || extra.length > 0) {
    tell(say('usage'));
    return;
  }
  if (!id) {
    tell(say('whichRule', { action, rules: ruleIds(deps) }));
    return;
  }
  const rule = getNudgeRule(deps.db, id);
  if (!rule) {
    tell(say('noSuchRule', { rule: id.slice(0, 40), rules: ruleIds(deps) }));
    return;
  }
  if (action === 'preview') {
    // Samples show members' names and balances: a manager sees them privately, never the group.
    tell(formatPreview(previewNudge(deps, rule.id, ctx.now, ctx.lang)!, ctx.lang, deps.program));
    return;
  }
  const enable = action === 'resume';
  if (!setNudgeRuleEnabled(deps.db, rule.id, enable, ctx.member.id, ctx.now)) {
    tell(say(enable ? 'alreadyRunning' : 'alreadyPaused', { rule: rule.id }));
    return;
  }
  audit(deps.db, { at: ctx.now, actorMemberId: ctx.member.id, action: enable ? 'nudge.resume' : 'nudge.pause', details: { rule: rule.id } });
  if (enable) {
    const next = nextCronRun(rule.schedule, deps.program.timezone, ctx.now);
    const when = `${localDate(next, deps.program.timezone)} ${localTime(next, deps.program.timezone)}`;
    tell(say('resumed', { rule: rule.id, when }));
  } else {
    tell(say('paused', { rule: rule.id }));
  }
}

// Asking to stop everything ("也不要积分通知", "stop all messages") still leaves notices about the member's own
// points: they are the account's record (points in, a tier change, a code issued), not marketing.
const ALL_MESSAGES = /所有|全部|任何|一切|积分通知|通知也|也不要|都不要|\b(all|any|every|everything|notices|notifications too|at all)\b/i;

/** Stop the member's reminders (/mute, 免打扰, "别再给我发消息了"), and say what still comes and how to undo it. */
export function optOut(ctx: SkillContext): void {
  const say = nudgesCopy.to(ctx);
  const added = muteNudges(ctx.deps.db, ctx.member.id, ctx.now);
  const lines = [say(added ? 'muted' : 'alreadyMuted')];
  if (ALL_MESSAGES.test(ctx.msg.text)) lines.push(say('noticesStay'));
  ctx.reply(lines.join('\n'));
}

/** Turn the member's reminders back on (/unmute, 取消免打扰, 订阅). */
export function optIn(ctx: SkillContext): void {
  ctx.reply(nudgesCopy.say(ctx, unmuteNudges(ctx.deps.db, ctx.member.id) ? 'unmuted' : 'notMuted'));
}

/** `/nudges` for managers; `/mute` 免打扰 and `/unmute` 取消免打扰 for everyone. */
export const nudgesSkill: Skill = {
  name: 'nudges',
  middleware(ctx, next) {
    if (isCommand(ctx, 'mute')) {
      optOut(ctx);
    } else if (isCommand(ctx, 'unmute')) {
      optIn(ctx);
    } else if (isCommand(ctx, 'nudges')) {
      nudgesCommand(ctx);
    } else {
      return next();
    }
    ctx.handled = true;
  },
};

/** The nudges module: its commands, the rules seeded from the program file, and one scheduled job per rule. */
export const nudgesModule: SkillModule = {
  skills: [nudgesSkill],
  install(hearth) {
    const { db, program, clock, log } = hearth.deps;
    const report = seedNudgeRules(db, program.nudges.rules, clock.now());
    if (report.added.length + report.updated.length + report.retired.length + report.keptEdits.length > 0) log.info({ report }, 'nudge rules seeded');
    for (const rule of activeNudgeRules(db)) {
      hearth.scheduler.addJob({
        name: `nudge:${rule.id}`,
        cron: rule.schedule,
        run: async (dueAt) => {
          const lines = await nudgeLinesFor(hearth.deps, rule.id, dueAt);
          const sent = runNudgeRule(hearth.deps, rule.id, dueAt, lines);
          if (sent > 0) log.info({ rule: rule.id, sent }, 'nudges queued');
        },
      });
    }
  },
};
