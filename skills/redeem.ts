// `/rewards` 积分商城 lists the catalog (cost, tier gate, what the member can afford); `/redeem <item>` 兑换 <item>
// spends points for a unique code, keyed by the message so a redelivery never spends twice.
import { randomInt } from 'node:crypto';
import type { Skill, SkillContext, SkillModule } from '../bot/core/skill';
import type { Lang } from '../bot/core/types';
import type { Program, Reward, Tier } from '../community/program';
import { findReward, redeemGap, type RedeemGap } from '../community/rewards';
import { tierById } from '../community/tiers';
import { HearthError } from '../bot/core/errors';
import { localDate, startOfLocalDay } from '../community/calendar';
import { memberStanding } from '../store/standing';
import { redeemReward, redemptionsOf, redemptionsSince } from '../store/redemptions';
import { commandArgs, isCommand } from './commands';
import { tierLabel } from './points';
import { canReachPrivately, privateChatButton, replyPrivately } from './private';

const fmt = (n: number) => n.toLocaleString('en-US');
// No 0/O, 1/I/L: codes are read aloud and typed at checkout.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A fresh redemption code from a cryptographic source, e.g. HX-7K2M-9QXD. */
export function newRedemptionCode(): string {
  const pick = () => Array.from({ length: 4 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
  return `HX-${pick()}-${pick()}`;
}

function rewardName(r: Reward, lang: Lang): string {
  return r.name[lang];
}

/** The catalog for one member: each reward with its cost and tier gate, marked ✅ affordable now, 🔒 tier or 💰 points. */
export function catalogText(program: Program, s: { tierId: string; spendable: number }, lang: Lang): string {
  const zh = lang === 'zh';
  if (program.rewards.length === 0) return zh ? '积分商城暂时没有可兑换的奖励。' : 'There are no rewards to redeem right now.';
  const tier = tierById(program, s.tierId);
  const head = zh
    ? `🎁 积分商城（你有 ${fmt(s.spendable)} 积分可用，${tierLabel(tier, lang)}）`
    : `🎁 Rewards (you have ${fmt(s.spendable)} points to use, ${tierLabel(tier, lang)})`;
  const lines = program.rewards.map((r) => {
    const gap = redeemGap(program, r, s.tierId, s.spendable);
    const gate = r.minTier ? tierById(program, r.minTier) : undefined;
    const gateText = gate ? (zh ? `，${tierLabel(gate, lang)}及以上` : `, ${gate.name.en}+`) : '';
    const mark = !gap ? '✅' : gap.tierNeeded ? '🔒' : '💰';
    const why = !gap ? '' : gap.tierNeeded ? '' : zh ? `，还差 ${fmt(gap.pointsShort!)}` : `, ${fmt(gap.pointsShort!)} short`;
    return zh
      ? `${mark} ${rewardName(r, lang)} — ${fmt(r.cost)} 积分${gateText}${why}`
      : `${mark} ${rewardName(r, lang)} (${r.id}) — ${fmt(r.cost)} points${gateText}${why}`;
  });
  const tail = zh ? '发送「兑换 商品名」即可兑换，例如：兑换 包邮券' : `Send /redeem <item> to redeem, e.g. /redeem ${program.rewards[0]!.id}`;
  return [head, ...lines, tail].join('\n');
}

/** Answers /rewards 积分商城. */
export const rewardsSkill: Skill = {
  name: 'rewards',
  middleware(ctx: SkillContext, next) {
    if (!isCommand(ctx, 'rewards')) return next();
    const s = memberStanding(ctx.deps.db, ctx.deps.program, ctx.member.id, ctx.now);
    // The catalog says what the member can afford: that is their balance, so it is theirs alone.
    replyPrivately(ctx, catalogText(ctx.deps.program, { tierId: s.tier.id, spendable: s.spendable }, ctx.lang));
    ctx.handled = true;
  },
};

/** Answers /redeem <item> 兑换 <item>: a clear refusal naming what is missing, or a code and the new balance. */
export const redeemSkill: Skill = {
  name: 'redeem',
  middleware(ctx: SkillContext, next) {
    if (!isCommand(ctx, 'redeem')) return next();
    ctx.handled = true;
    const { db, program } = ctx.deps;
    const zh = ctx.lang === 'zh';
    const typed = commandArgs(ctx, 'redeem').slice(0, 100);
    if (typed === '') {
      ctx.reply(zh ? '想兑换什么？发送「积分商城」看看，再发「兑换 商品名」。' : 'What would you like to redeem? Send /rewards to see the list, then /redeem <item>.');
      return;
    }
    const match = findReward(program, typed);
    if (match.kind === 'none') {
      ctx.reply(zh ? `没有找到「${typed}」。发送「积分商城」看看能兑换什么。` : `I couldn't find "${typed}". Send /rewards to see what you can redeem.`);
      return;
    }
    if (match.kind === 'many') {
      const names = match.rewards.map((r) => (zh ? r.name.zh : `${r.name.en} (${r.id})`)).join(zh ? '、' : ', ');
      ctx.reply(zh ? `你想兑换哪一个？${names}` : `Which one do you mean? ${names}`);
      return;
    }
    const reward = match.reward;
    const limit = program.redemption.maxPerDay;
    const dayStart = startOfLocalDay(localDate(ctx.now, program.timezone), program.timezone);
    if (redemptionsSince(db, ctx.member.id, dayStart) >= limit) {
      ctx.reply(zh ? `每天最多兑换 ${limit} 次，今天的次数用完啦，明天再来吧。` : `You can redeem up to ${limit} ${limit === 1 ? 'reward' : 'rewards'} a day, and today's are used up. See you tomorrow!`);
      return;
    }
    const s = memberStanding(db, program, ctx.member.id, ctx.now);
    const gap = redeemGap(program, reward, s.tier.id, s.spendable);
    if (gap) {
      refuse(ctx, reward, gap, s);
      return;
    }
    let res;
    try {
      res = redeemReward(db, { memberId: ctx.member.id, reward, key: `redeem:${ctx.msg.channel}:${ctx.msg.id}`, at: ctx.now, newCode: newRedemptionCode });
    } catch (err) {
      // The balance moved between the check and the spend (another message): refuse with the fresh numbers.
      if (err instanceof HearthError && err.code === 'insufficient_points') {
        const fresh = memberStanding(db, program, ctx.member.id, ctx.now);
        refuse(ctx, reward, { pointsShort: reward.cost - fresh.spendable }, fresh);
        return;
      }
      throw err;
    }
    const code = res.redemption.code;
    const name = rewardName(reward, ctx.lang);
    const balance = fmt(res.balance);
    const secret = zh ? `🎁 ${name} 兑换码：${code}\n剩余积分：${balance}` : `🎁 ${name} — your code: ${code}\nPoints left: ${balance}`;
    if (ctx.msg.chatType === 'private') {
      ctx.reply(zh ? `兑换成功！${secret}` : `Redeemed! ${secret}`, { secret: true });
      return;
    }
    // A code read in a group can be used by anyone: it goes privately, or waits for the member in `我的券`.
    if (canReachPrivately(ctx)) {
      ctx.send({ chat: ctx.msg.from.id, text: secret, kind: 'reply', secret: true });
      ctx.reply(zh ? `兑换成功！${name}的兑换码已私信发给你。` : `Redeemed! I've sent your ${name} code in a private message.`);
      return;
    }
    ctx.reply(
      zh
        ? `兑换成功！${name}的兑换码已为你保存好。请私聊我（点下方按钮），发送「我的券」查看。`
        : `Redeemed! Your ${name} code is saved for you: open a private chat with me (the button below) and send /mycodes to see it.`,
      { buttons: [privateChatButton(ctx.lang)] },
    );
  },
};

/** A redemption refused: the full reason privately (it names the balance); a group hears only that it could not be done. */
function refuse(ctx: SkillContext, reward: Reward, gap: RedeemGap, s: { spendable: number; tier: Tier }): void {
  const name = rewardName(reward, ctx.lang);
  const short = ctx.lang === 'zh' ? `暂时无法兑换${name}。` : `Can't redeem ${name} yet.`;
  replyPrivately(ctx, refusalText(reward, gap, s, ctx.lang), {
    note: ctx.lang === 'zh' ? `${short}原因已私信发给你。` : `${short} I've sent you the reason privately.`,
    unreachableNote:
      ctx.lang === 'zh' ? `${short}私聊我（点下方按钮）可以查看原因和你的积分。` : `${short} Open a private chat with me (the button below) to see why and what you have.`,
  });
}

/** `/mycodes` 我的券: the member's codes, newest first, and whether each was used — privately. */
export const myCodesSkill: Skill = {
  name: 'my-codes',
  middleware(ctx: SkillContext, next) {
    if (!isCommand(ctx, 'mycodes')) return next();
    ctx.handled = true;
    const zh = ctx.lang === 'zh';
    const rows = redemptionsOf(ctx.deps.db, ctx.member.id);
    if (rows.length === 0) {
      replyPrivately(ctx, zh ? '你还没有兑换过奖励。发送「积分商城」看看能换什么。' : "You haven't redeemed anything yet. Send /rewards to see what you can get.");
      return;
    }
    const tz = ctx.deps.program.timezone;
    const lines = rows.map((r) => {
      const reward = ctx.deps.program.rewards.find((x) => x.id === r.rewardId);
      const name = reward ? rewardName(reward, ctx.lang) : r.rewardId;
      const day = localDate(new Date(r.at), tz);
      const state = r.usedAt !== null ? (zh ? '已使用' : 'used') : zh ? '未使用' : 'not used yet';
      return `🎁 ${name} · ${r.code} · ${day} · ${state}`;
    });
    replyPrivately(ctx, [zh ? '你的兑换码：' : 'Your codes:', ...lines].join('\n'));
  },
};

function refusalText(reward: Reward, gap: RedeemGap, s: { spendable: number; tier: Tier }, lang: Lang): string {
  const name = rewardName(reward, lang);
  const short = gap.pointsShort ?? 0;
  if (lang === 'zh') {
    const parts: string[] = [];
    if (gap.tierNeeded) parts.push(`需要${tierLabel(gap.tierNeeded, lang)}及以上（你目前是${tierLabel(s.tier, lang)}）`);
    if (short > 0) parts.push(`还差 ${fmt(short)} 积分（需 ${fmt(reward.cost)}，你现在可用 ${fmt(s.spendable)}）`);
    return `暂时无法兑换${name}：${parts.join('，')}。`;
  }
  const parts: string[] = [];
  if (gap.tierNeeded) parts.push(`it's for ${gap.tierNeeded.name.en} members and above (you're ${tierLabel(s.tier, lang)})`);
  if (short > 0) parts.push(`you're ${fmt(short)} points short (it costs ${fmt(reward.cost)}; you have ${fmt(s.spendable)} to use)`);
  return `Can't redeem ${name} yet: ${parts.join(', and ')}.`;
}

/** The catalog and redemption skills as a module. */
export const redeemModule: SkillModule = { skills: [rewardsSkill, redeemSkill, myCodesSkill] };
