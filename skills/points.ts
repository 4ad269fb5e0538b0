// `/points` 积分 and `/tier` 等级: the member's balance, tier, gap to the next tier and points expiring soon, short and
// in their language. The words live here so the ask skill can answer free-form questions with the same sentences.
import type { Skill, SkillContext, SkillModule } from '../bot/core/skill';
import type { Lang } from '../bot/core/types';
import type { Tier } from '../community/program';
import { graceLastDay } from '../community/tiers';
import type { Program } from '../community/program';
import { memberStanding, type Standing } from '../store/standing';
import { isCommand } from './commands';
import { replyPrivately } from './private';

const fmt = (n: number) => n.toLocaleString('en-US');

/** A tier's name as members say it: 金卡会员, 普通会员 (not 普通会员会员), Gold. */
export function tierLabel(tier: Tier, lang: Lang): string {
  if (lang === 'en') return tier.name.en;
  return tier.name.zh.endsWith('会员') ? tier.name.zh : `${tier.name.zh}会员`;
}

/** The balance line(s): points, what can be spent now, what is still pending, and any debt from a refund. */
export function pointsText(s: Standing, lang: Lang): string {
  const zh = lang === 'zh';
  if (s.points < 0) {
    return zh
      ? `你的积分余额为 ${fmt(s.points)}（退款或调整扣回了已用掉的积分），之后获得的积分会先抵扣这部分。`
      : `Your balance is ${fmt(s.points)} points (a refund or adjustment took back points already used); new points will pay this off first.`;
  }
  let text = zh ? `你有 ${fmt(s.points)} 积分` : `You have ${fmt(s.points)} points`;
  if (s.pending > 0) text += zh ? `，其中 ${fmt(s.pending)} 积分尚在锁定期，现在可用 ${fmt(s.spendable)}` : `; ${fmt(s.pending)} are still pending, so ${fmt(s.spendable)} can be used now`;
  else if (s.spendable < s.points) text += zh ? `，现在可用 ${fmt(s.spendable)}` : `; ${fmt(s.spendable)} can be used now`;
  return text + (zh ? '。' : '.');
}

/** One line on the tier: which, and how far to the next (or that this is the top tier). */
export function tierLine(s: Standing, lang: Lang): string {
  const zh = lang === 'zh';
  const name = tierLabel(s.tier, lang);
  if (!s.nextTier) return zh ? `等级：${name}（最高等级）。` : `Tier: ${name} (our top tier).`;
  return zh
    ? `等级：${name}，再获得 ${fmt(s.gap ?? 0)} 成长值可升级${tierLabel(s.nextTier, lang)}。`
    : `Tier: ${name}, ${fmt(s.gap ?? 0)} growth points to ${tierLabel(s.nextTier, lang)}.`;
}

/** Points expiring soon, if any. */
export function expiringLine(s: Standing, lang: Lang): string | undefined {
  if (!s.expiring) return undefined;
  return lang === 'zh'
    ? `⏳ ${fmt(s.expiring.points)} 积分将于 ${s.expiring.date} 过期。`
    : `⏳ ${fmt(s.expiring.points)} points expire on ${s.expiring.date}.`;
}

/** The answer to /points: balance, tier and what expires soon. */
export function pointsReply(s: Standing, lang: Lang): string {
  return [pointsText(s, lang), tierLine(s, lang), expiringLine(s, lang)].filter((l) => l !== undefined).join('\n');
}

/** The answer to /tier: tier, growth value over the window, the gap to the next tier and any grace period. */
export function tierReply(s: Standing, program: Program, lang: Lang): string {
  const zh = lang === 'zh';
  const months = program.growth.windowMonths;
  const name = tierLabel(s.tier, lang);
  const lines = [
    zh
      ? `你的等级：${name}，近 ${months} 个月成长值 ${fmt(s.growth)}。`
      : `Your tier: ${name}, with ${fmt(s.growth)} growth points over the last ${months} months.`,
  ];
  if (s.nextTier) {
    lines.push(
      zh
        ? `再获得 ${fmt(s.gap ?? 0)} 成长值即可升级${tierLabel(s.nextTier, lang)}（门槛 ${fmt(s.nextTier.threshold)}）。`
        : `${fmt(s.gap ?? 0)} more to reach ${tierLabel(s.nextTier, lang)} (${fmt(s.nextTier.threshold)}).`,
    );
  } else {
    lines.push(zh ? '这已是最高等级，感谢你的支持！' : "That's our top tier. Thank you!");
  }
  if (s.graceUntil) {
    const keep = Math.max(0, s.tier.threshold - s.growth);
    const day = graceLastDay(program, s.graceUntil);
    lines.push(
      zh
        ? `保级期：${day} 前再获得 ${fmt(keep)} 成长值即可保留${name}。`
        : `Grace period: earn ${fmt(keep)} more by ${day} to keep ${name}.`,
    );
  }
  return lines.join('\n');
}

/** Answers /points 积分 and /tier 等级 from the member's own ledger (privately when asked in a group). */
export const pointsSkill: Skill = {
  name: 'points',
  middleware(ctx: SkillContext, next) {
    const points = isCommand(ctx, 'points');
    const tier = !points && isCommand(ctx, 'tier');
    if (!points && !tier) return next();
    const s = memberStanding(ctx.deps.db, ctx.deps.program, ctx.member.id, ctx.now);
    replyPrivately(ctx, points ? pointsReply(s, ctx.lang) : tierReply(s, ctx.deps.program, ctx.lang));
    ctx.handled = true;
  },
};

/** The /points and /tier skill as a module. */
export const pointsModule: SkillModule = { skills: [pointsSkill] };
