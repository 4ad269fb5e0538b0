// Members asking about their points in their own words ("how far to Gold?", 积分什么时候过期): recognised by
// community/intents.ts and answered from their own ledger, short, in their language. Groups: only when addressed.
import type { Skill, SkillContext, SkillModule } from '../bot/core/skill';
import type { Lang } from '../bot/core/types';
import type { Program, Tier } from '../community/program';
import { recogniseIntent, type Intent, type IntentName } from '../community/intents';
import { redeemGap } from '../community/rewards';
import { graceLastDay, tierIndex, tierById } from '../community/tiers';
import { memberStanding, type Standing } from '../store/standing';
import { formatDate } from '../community/nudges';
import { pointsText, tierLabel } from './points';
import { helpText } from './help';
import { replyPrivately } from './private';

const fmt = (n: number) => n.toLocaleString('en-US');
/** Longer messages are not quick questions (a story that mentions points is not a request for the balance). */
export const MAX_QUESTION_LENGTH = 200;

type Answer = (ctx: SkillContext, s: Standing, intent: Intent) => string;

function multiplierText(m: number): string {
  return `×${String(m)}`;
}

/** A tier's points multiplier, always with one decimal (×1.0, ×1.2, ×2.0) so tiers compare at a glance. */
function tierMultiplier(m: number): string {
  return `×${m.toFixed(Number.isInteger(m * 10) ? 1 : 2)}`;
}

function graceLine(program: Program, s: Standing, lang: Lang): string | undefined {
  if (!s.graceUntil) return undefined;
  const keep = Math.max(0, s.tier.threshold - s.growth);
  const day = formatDate(graceLastDay(program, s.graceUntil), lang);
  return lang === 'zh'
    ? `保级期中：${day} 前再获得 ${fmt(keep)} 成长值即可保留${tierLabel(s.tier, lang)}。`
    : `You're in a grace period: earn ${fmt(keep)} more growth points by ${day} to keep ${s.tier.name.en}.`;
}

/** How far the member is from `target` (a tier above theirs), in growth value. */
function gapLine(program: Program, s: Standing, target: Tier, lang: Lang): string {
  const gap = Math.max(0, target.threshold - s.growth);
  const name = tierLabel(target, lang);
  if (gap === 0) return lang === 'zh' ? `你的成长值已达到${name}门槛，升级马上到账！` : `You've reached ${name}'s threshold: the upgrade is on its way!`;
  return lang === 'zh'
    ? `再获得 ${fmt(gap)} 成长值即可升级${name}（门槛 ${fmt(target.threshold)}，你近 ${program.growth.windowMonths} 个月有 ${fmt(s.growth)}）。`
    : `${fmt(gap)} more growth points to ${name} (you have ${fmt(s.growth)} of ${fmt(target.threshold)} over the last ${program.growth.windowMonths} months).`;
}

function growthHint(program: Program, lang: Lang): string {
  const g = program.growth;
  const parts =
    lang === 'zh'
      ? [g.perCny > 0 && `每消费 ¥1 +${g.perCny}`, g.perCheckin > 0 && `签到 +${g.perCheckin}`, g.perApprovedPost > 0 && `分享通过 +${g.perApprovedPost}`]
      : [g.perCny > 0 && `every ¥1 spent +${g.perCny}`, g.perCheckin > 0 && `check-ins +${g.perCheckin}`, g.perApprovedPost > 0 && `approved posts +${g.perApprovedPost}`];
  const list = parts.filter((p): p is string => typeof p === 'string');
  if (list.length === 0) return '';
  return lang === 'zh' ? `成长值来源：${list.join('，')}。` : `Growth comes from ${list.join(', ')}.`;
}

function expiringLine(s: Standing, lang: Lang): string | undefined {
  if (!s.expiring) return undefined;
  const date = formatDate(s.expiring.date, lang);
  return lang === 'zh' ? `⏳ 其中 ${fmt(s.expiring.points)} 积分将于 ${date} 过期。` : `⏳ ${fmt(s.expiring.points)} of them expire on ${date}.`;
}

const balance: Answer = (ctx, s) => [pointsText(s, ctx.lang), expiringLine(s, ctx.lang)].filter((l) => l !== undefined).join('\n');

const tier: Answer = (ctx, s, intent) => {
  const { program } = ctx.deps;
  const zh = ctx.lang === 'zh';
  const name = tierLabel(s.tier, ctx.lang);
  const mult = tierMultiplier(s.tier.multiplier);
  const lines: string[] = [];
  const asked = intent.tier ? tierById(program, intent.tier) : undefined;
  if (asked && asked.id === s.tier.id) lines.push(zh ? `是的，你是${name}，消费积分倍率 ${mult}。` : `Yes, you're ${s.tier.name.en}: your purchases earn points at ${mult}.`);
  else if (asked && tierIndex(program, asked.id) < tierIndex(program, s.tier.id))
    lines.push(zh ? `你已经是${name}啦（高于${tierLabel(asked, ctx.lang)}），消费积分倍率 ${mult}。` : `You're already ${s.tier.name.en}, above ${asked.name.en}: your purchases earn points at ${mult}.`);
  else if (asked) lines.push(zh ? `还不是哦，你现在是${name}，消费积分倍率 ${mult}。` : `Not yet: you're ${s.tier.name.en}, and your purchases earn points at ${mult}.`);
  else lines.push(zh ? `你是${name}，消费积分倍率 ${mult}。` : `You're ${s.tier.name.en}: your purchases earn points at ${mult}.`);
  const target = asked && tierIndex(program, asked.id) > tierIndex(program, s.tier.id) ? asked : s.nextTier;
  if (target) lines.push(gapLine(program, s, target, ctx.lang));
  else lines.push(zh ? '这已是最高等级，感谢你的支持！' : "That's our top tier. Thank you!");
  const grace = graceLine(program, s, ctx.lang);
  if (grace) lines.push(grace);
  return lines.join('\n');
};

const nextTier: Answer = (ctx, s, intent) => {
  const { program } = ctx.deps;
  const zh = ctx.lang === 'zh';
  const name = tierLabel(s.tier, ctx.lang);
  const asked = intent.tier ? tierById(program, intent.tier) : undefined;
  if (asked && tierIndex(program, asked.id) <= tierIndex(program, s.tier.id)) {
    const already = asked.id === s.tier.id ? (zh ? `你已经是${name}啦！` : `You're already ${s.tier.name.en}!`) : zh ? `你已经是${name}，高于${tierLabel(asked, ctx.lang)}啦！` : `You're already ${s.tier.name.en}, above ${asked.name.en}!`;
    const next = s.nextTier ? gapLine(program, s, s.nextTier, ctx.lang) : '';
    return [already, next].filter((l) => l !== '').join('\n');
  }
  const target = asked ?? s.nextTier;
  if (!target) return zh ? `你已经是最高等级${name}，感谢你的支持！` : `You're ${s.tier.name.en}, our top tier already. Thank you!`;
  return [zh ? `你现在是${name}。` : `You're ${s.tier.name.en} now.`, gapLine(program, s, target, ctx.lang), growthHint(program, ctx.lang)]
    .filter((l) => l !== '')
    .join('\n');
};

const expiry: Answer = (ctx, s) => {
  const { program } = ctx.deps;
  const zh = ctx.lang === 'zh';
  const rule = zh ? `积分在获得 ${program.points.expiryMonths} 个月后过期，先到期的先使用。` : `Points expire ${program.points.expiryMonths} months after you earn them, and the oldest are used first.`;
  const days = program.points.expiryReminderDays;
  if (s.expiring) {
    const date = formatDate(s.expiring.date, ctx.lang);
    const when = zh ? `⏳ 你有 ${fmt(s.expiring.points)} 积分将于 ${date} 过期，记得发送「积分商城」看看能换什么。` : `⏳ ${fmt(s.expiring.points)} of your points expire on ${date}. Send /rewards to use them.`;
    return [when, rule].join('\n');
  }
  const none = zh ? `未来 ${days} 天内没有积分过期。` : `None of your points expire in the next ${days} days.`;
  return [none, rule].join('\n');
};

const earn: Answer = (ctx, s) => {
  const p = ctx.deps.program;
  const zh = ctx.lang === 'zh';
  const mult = s.tier.multiplier;
  const lines: (string | false)[] = zh
    ? [
        '赚积分的方式：',
        `🛍 购物：每消费 ¥1 得 ${p.points.perCny} 积分${mult !== 1 ? `，${tierLabel(s.tier, 'zh')}再 ${multiplierText(mult)}` : ''}`,
        p.checkin.points > 0 && `📅 每日签到 +${p.checkin.points}${p.checkin.bonusPoints > 0 ? `，连续签到每满 ${p.checkin.bonusEvery} 天再 +${p.checkin.bonusPoints}` : ''}`,
        p.ugc.points > 0 && `✍️ 发送「#分享 心得」，审核通过 +${p.ugc.points}（每天最多 ${p.ugc.maxRewardedPerDay} 篇）`,
        p.referral.points > 0 && `👋 邀请好友，对方首次签到后 +${p.referral.points}`,
        p.points.birthdayMultiplier !== 1 && `🎂 生日当天消费 ${multiplierText(p.points.birthdayMultiplier)}`,
        ...p.campaigns.map((c) => `🎉 ${c.name.zh}${c.everyYear ? `（${c.everyYear.replace('-', '月')}日）` : ''}消费 ${multiplierText(c.multiplier)}`),
      ]
    : [
        'Ways to earn points:',
        `🛍 Shopping: ${p.points.perCny} ${p.points.perCny === 1 ? 'point' : 'points'} per ¥1${mult !== 1 ? `, ${multiplierText(mult)} as ${s.tier.name.en}` : ''}`,
        p.checkin.points > 0 && `📅 Daily check-in: +${p.checkin.points}${p.checkin.bonusPoints > 0 ? `, plus ${p.checkin.bonusPoints} for every ${p.checkin.bonusEvery} days in a row` : ''}`,
        p.ugc.points > 0 && `✍️ Share a post (#share): +${p.ugc.points} once approved (up to ${p.ugc.maxRewardedPerDay} a day)`,
        p.referral.points > 0 && `👋 Invite a friend: +${p.referral.points} after their first check-in`,
        p.points.birthdayMultiplier !== 1 && `🎂 On your birthday: purchases earn ${multiplierText(p.points.birthdayMultiplier)}`,
        ...p.campaigns.map((c) => `🎉 ${c.name.en}${c.everyYear ? ` (${c.everyYear})` : ''}: purchases earn ${multiplierText(c.multiplier)}`),
      ];
  return lines.filter((l): l is string => typeof l === 'string').join('\n');
};

const redeem: Answer = (ctx, s) => {
  const { program } = ctx.deps;
  const zh = ctx.lang === 'zh';
  const lang = ctx.lang;
  if (program.rewards.length === 0) return zh ? '积分商城暂时没有可兑换的奖励。' : 'There are no rewards to redeem right now.';
  const gaps = program.rewards.map((r) => ({ r, gap: redeemGap(program, r, s.tier.id, s.spendable) }));
  const now = gaps.filter((g) => !g.gap).map((g) => g.r);
  const locked = gaps.filter((g) => g.gap?.tierNeeded).map((g) => ({ r: g.r, tier: g.gap!.tierNeeded! }));
  const short = gaps.filter((g) => g.gap && !g.gap.tierNeeded).sort((a, b) => a.r.cost - b.r.cost);
  const lines: string[] = [];
  if (now.length > 0) {
    lines.push(zh ? `你有 ${fmt(s.spendable)} 积分可用，现在可以兑换：` : `You have ${fmt(s.spendable)} points to use. You can redeem now:`);
    for (const r of now) lines.push(zh ? `✅ ${r.name.zh} — ${fmt(r.cost)} 积分` : `✅ ${r.name.en} — ${fmt(r.cost)} points`);
    lines.push(zh ? `发送「兑换 ${now[0]!.name.zh}」即可兑换。` : `Send /redeem ${now[0]!.id} to get one.`);
  } else {
    const closest = short[0];
    lines.push(
      closest
        ? zh
          ? `你有 ${fmt(s.spendable)} 积分可用，暂时还不够兑换。最近的是${closest.r.name.zh}（${fmt(closest.r.cost)} 积分），还差 ${fmt(closest.gap!.pointsShort!)}。`
          : `You have ${fmt(s.spendable)} points to use, not quite enough yet. The closest is ${closest.r.name.en} (${fmt(closest.r.cost)} points): ${fmt(closest.gap!.pointsShort!)} to go.`
        : zh
          ? `你有 ${fmt(s.spendable)} 积分可用。`
          : `You have ${fmt(s.spendable)} points to use.`,
    );
  }
  if (locked.length > 0) {
    const list = locked.map((l) => (zh ? `${l.r.name.zh}（${tierLabel(l.tier, lang)}及以上）` : `${l.r.name.en} (${l.tier.name.en}+)`));
    lines.push(zh ? `🔒 升级后解锁：${list.join('、')}` : `🔒 Unlocks at a higher tier: ${list.join(', ')}`);
  }
  return lines.join('\n');
};

const help: Answer = (ctx) => helpText(ctx.lang, ctx.role);

/** The questions this skill answers; check-in and human requests are left to their own skills (or the fallback). */
const answers: Partial<Record<IntentName, Answer>> = { balance, tier, 'next-tier': nextTier, expiry, earn, redeem, help };
/** Answers that show what the member has (balance, growth, what they can afford): private chats only. */
const personal: ReadonlySet<IntentName> = new Set<IntentName>(['balance', 'tier', 'next-tier', 'expiry', 'redeem']);

/** Answers free-form questions about the member's own points; anything else goes on to the next skill. */
export const askSkill: Skill = {
  name: 'ask',
  middleware(ctx, next) {
    // In a group only messages for the bot (a mention, a reply to it) count; chatter never gets an answer.
    if (ctx.handled || !ctx.addressed || ctx.command || ctx.msg.action !== undefined) return next();
    if (ctx.msg.text.length > MAX_QUESTION_LENGTH) return next();
    const intent = recogniseIntent(ctx.msg.text, ctx.deps.program.tiers);
    const answer = answers[intent.name];
    if (!answer) return next();
    const s = memberStanding(ctx.deps.db, ctx.deps.program, ctx.member.id, ctx.now);
    if (personal.has(intent.name)) replyPrivately(ctx, answer(ctx, s, intent));
    else ctx.reply(answer(ctx, s, intent));
    ctx.handled = true;
  },
};

/** The ask skill as a module: after the command skills and escalation, before the fallback. */
export const askModule: SkillModule = { skills: [askSkill] };
