// Nudges: seeds the rules store on install and runs each rule on its cron (virtual clock in replay, node-cron live,
// same code); managers list, pause, resume and preview rules with /nudges; members opt out with /mute 免打扰.
import type { HearthDeps, Skill, SkillContext, SkillModule } from '../bot/core/skill';
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
import { formatNumber, nudgeWindow, renderNudge, type NudgeLang } from '../community/nudges';
import { localDate, localTime } from '../community/calendar';
import { commandArgs, isCommand } from './commands';
import { replyPrivately } from './private';

type NudgeDeps = Pick<HearthDeps, 'db' | 'program'>;

/** Run one rule at `now`: choose its audience and queue one nudge each, in one transaction. Returns how many were queued. */
export function runNudgeRule(deps: NudgeDeps & Pick<HearthDeps, 'queue'>, ruleId: string, now: Date): number {
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
        deps.queue(outboxKey, { channel: target.channel, chat: target.chat, mentions, text: renderNudge(program, rule.template, row), kind: 'nudge', secret: window.privateOnly }, now);
        sent++;
      }
    }
    return sent;
  });
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

/** A preview as text, in one language (the /nudges reply and `hearth nudges preview`). */
export function formatPreview(p: NudgePreview, lang: NudgeLang): string {
  const zh = lang === 'zh';
  const lines = [
    p.count === 0
      ? zh
        ? `预览 ${p.rule.id}：现在没有成员符合条件（未发送任何消息）。`
        : `Preview of ${p.rule.id}: nobody would get it right now. Nothing was sent.`
      : zh
        ? `预览 ${p.rule.id}：现在会发给 ${formatNumber(p.count)} 位成员（未实际发送）。`
        : `Preview of ${p.rule.id}: ${formatNumber(p.count)} ${p.count === 1 ? 'member' : 'members'} would get it now. Nothing was sent.`,
  ];
  if (p.samples.length > 0) {
    lines.push(zh ? '示例：' : 'Samples:');
    p.samples.forEach((s, i) => lines.push(`${i + 1}. ${s.name}${zh ? '：' : ': '}${s.text}`));
  }
  if (!p.rule.enabled) {
    lines.push(zh ? `此规则已暂停，发送 /nudges resume ${p.rule.id} 恢复。` : `This rule is paused; /nudges resume ${p.rule.id} turns it back on.`);
  }
  return lines.join('\n');
}

function describeRule(rule: NudgeRuleRow, program: NudgeDeps['program'], lang: NudgeLang): string {
  const days = rule.params.days ?? (rule.kind === 'expiring' ? program.points.expiryReminderDays : 30);
  const zh = lang === 'zh';
  switch (rule.kind) {
    case 'near-tier':
      return zh ? '临近升级' : 'close to the next tier';
    case 'dormant':
      return zh ? `${days}天未活跃` : `silent ${days}+ days`;
    case 'expiring':
      return zh ? `积分${days}天内到期` : `points expiring within ${days} days`;
    case 'birthday':
      return zh ? '生日祝福' : 'birthday';
    case 'streak-at-risk':
      return zh ? '连签即将中断' : 'check-in streak at risk';
  }
}

const LIST_WINDOW_DAYS = 30;

/** The managers' list: every rule with what it is, its next run (or paused) and its sends over the last 30 days. */
export function formatRuleList(deps: NudgeDeps, now: Date, lang: NudgeLang): string {
  const zh = lang === 'zh';
  const tz = deps.program.timezone;
  const rules = activeNudgeRules(deps.db);
  if (rules.length === 0) return zh ? '还没有提醒规则。可以在活动配置文件的 nudges.rules 中添加。' : 'There are no nudge rules yet. Add them under nudges.rules in the program file.';
  const counts = nudgeSendCounts(deps.db, new Date(now.getTime() - LIST_WINDOW_DAYS * 86_400_000));
  const lines = [zh ? `提醒规则（发送数为近${LIST_WINDOW_DAYS}天）：` : `Nudge rules (sends over the last ${LIST_WINDOW_DAYS} days):`];
  for (const rule of rules) {
    const next = nextCronRun(rule.schedule, tz, now);
    const when = `${localDate(next, tz)} ${localTime(next, tz)}`;
    const state = rule.enabled ? (zh ? `下次 ${when}` : `next ${when}`) : zh ? '已暂停' : 'paused';
    const n = counts.get(rule.id) ?? 0;
    lines.push(`• ${rule.id} — ${describeRule(rule, deps.program, lang)} · ${state} · ${zh ? `已发 ${formatNumber(n)} 条` : `${formatNumber(n)} sent`}`);
  }
  lines.push(zh ? '暂停、恢复或预览：/nudges pause|resume|preview <规则id>' : 'Pause, resume or preview one: /nudges pause|resume|preview <id>');
  return lines.join('\n');
}

function ruleIds(deps: NudgeDeps): string {
  return activeNudgeRules(deps.db)
    .map((r) => r.id)
    .join(', ');
}

function nudgesCommand(ctx: SkillContext): void {
  const zh = ctx.lang === 'zh';
  const deps = ctx.deps;
  if (ctx.role !== 'manager') {
    ctx.reply(
      zh
        ? '抱歉，只有社群管理员可以管理提醒规则。如果不想收到提醒，可以发送「免打扰」。'
        : 'Sorry, only community managers can manage nudges. To stop reminders for yourself, send /mute.',
    );
    return;
  }
  const [sub, id, ...extra] = commandArgs(ctx, 'nudges').split(/\s+/).filter(Boolean);
  if (sub === undefined || sub === 'list') {
    ctx.reply(formatRuleList(deps, ctx.now, ctx.lang));
    return;
  }
  const action = sub.toLowerCase();
  if (!['pause', 'resume', 'preview'].includes(action) || extra.length > 0) {
    ctx.reply(
      zh
        ? '用法：/nudges 查看规则；/nudges pause <规则id> 暂停；/nudges resume <规则id> 恢复；/nudges preview <规则id> 预览。'
        : 'Usage: /nudges lists the rules; /nudges pause <id>, /nudges resume <id>, /nudges preview <id>.',
    );
    return;
  }
  if (!id) {
    ctx.reply(
      zh
        ? `请写上规则id，例如 /nudges ${action} dormant-30。现有规则：${ruleIds(deps)}`
        : `Which rule? For example /nudges ${action} dormant-30. Rules: ${ruleIds(deps)}`,
    );
    return;
  }
  const rule = getNudgeRule(deps.db, id);
  if (!rule) {
    const shown = id.slice(0, 40);
    ctx.reply(zh ? `没有找到规则「${shown}」。现有规则：${ruleIds(deps)}` : `There is no nudge rule "${shown}". Rules: ${ruleIds(deps)}`);
    return;
  }
  if (action === 'preview') {
    // Samples show members' names and balances: a manager sees them privately, never the group.
    replyPrivately(ctx, formatPreview(previewNudge(deps, rule.id, ctx.now, ctx.lang)!, ctx.lang));
    return;
  }
  const enable = action === 'resume';
  if (!setNudgeRuleEnabled(deps.db, rule.id, enable, ctx.member.id, ctx.now)) {
    ctx.reply(
      enable
        ? zh
          ? `规则 ${rule.id} 本来就在运行。`
          : `${rule.id} is already running.`
        : zh
          ? `规则 ${rule.id} 已经是暂停状态。`
          : `${rule.id} is already paused.`,
    );
    return;
  }
  audit(deps.db, { at: ctx.now, actorMemberId: ctx.member.id, action: enable ? 'nudge.resume' : 'nudge.pause', details: { rule: rule.id } });
  if (enable) {
    const next = nextCronRun(rule.schedule, deps.program.timezone, ctx.now);
    const when = `${localDate(next, deps.program.timezone)} ${localTime(next, deps.program.timezone)}`;
    ctx.reply(zh ? `已恢复规则 ${rule.id}，下次运行：${when}。` : `Resumed ${rule.id}. Next run: ${when}.`);
  } else {
    ctx.reply(zh ? `已暂停规则 ${rule.id}，恢复前不会再发送。发送 /nudges resume ${rule.id} 可恢复。` : `Paused ${rule.id}. It sends nothing until /nudges resume ${rule.id}.`);
  }
}

/** `/nudges` for managers; `/mute` 免打扰 and `/unmute` 取消免打扰 for everyone. */
export const nudgesSkill: Skill = {
  name: 'nudges',
  middleware(ctx, next) {
    const zh = ctx.lang === 'zh';
    if (isCommand(ctx, 'mute')) {
      const changed = muteNudges(ctx.deps.db, ctx.member.id, ctx.now);
      ctx.reply(
        changed
          ? zh
            ? '好的，之后不再给你发送提醒。想恢复时发送「取消免打扰」即可。'
            : "Done — no more reminders from me. Send /unmute whenever you'd like them back."
          : zh
            ? '你已经开启了免打扰。想恢复提醒时发送「取消免打扰」。'
            : 'Reminders are already off for you. Send /unmute to turn them back on.',
      );
    } else if (isCommand(ctx, 'unmute')) {
      const changed = unmuteNudges(ctx.deps.db, ctx.member.id);
      ctx.reply(
        changed
          ? zh
            ? '已恢复提醒。随时发送「免打扰」即可暂停。'
            : 'Reminders are back on. Send /mute anytime to pause them.'
          : zh
            ? '你没有开启免打扰，会正常收到提醒。'
            : "Reminders are already on for you.",
      );
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
        run: (dueAt) => {
          const sent = runNudgeRule(hearth.deps, rule.id, dueAt);
          if (sent > 0) log.info({ rule: rule.id, sent }, 'nudges queued');
        },
      });
    }
  },
};
