// Welcome and referrals: a member joining a group is welcomed once; `/invite` 邀请 gives a personal invite code (and a
// Telegram deep link); a join, `/start CODE` or `邀请码 CODE` records who invited whom. The reward itself is paid by
// the invited member's first check-in (skills/checkin.ts).
import type { HearthDeps, Skill, SkillContext } from '../bot/engine';
import type { Hearth, SkillModule } from '../bot/hearth';
import type { JoinEvent, Lang } from '../bot/types';
import { queueOutbound } from '../bot/outbox';
import { detectLanguage } from '../community/language';
import { inviteCodeFor, looksLikeInviteCode } from '../community/community-life';
import { inTransaction, type Db } from '../store/db';
import { checkinCount } from '../store/checkins';
import { inviteCodeOf, inviterOf, recordReferral, referralOf, saveInviteCode } from '../store/invites';
import { ensureMember, getMember, noteChat, type MemberRow } from '../store/members';
import { commandArgs, isCommand } from './commands';

const inviteAliases = ['邀请码', '邀请', 'invite code', 'invite'];

/** The member's invite code, made on first ask (stable per member; steps past the rare collision). */
export function inviteCode(db: Db, memberId: number, at: Date): string {
  return inTransaction(db, () => {
    const existing = inviteCodeOf(db, memberId);
    if (existing) return existing;
    for (let attempt = 0; ; attempt++) {
      const code = inviteCodeFor(memberId, attempt);
      if (saveInviteCode(db, memberId, code, at)) return code;
    }
  });
}

/** What using an invite code did. */
export type InviteOutcome =
  | { kind: 'recorded'; inviter: MemberRow }
  | { kind: 'already'; inviter?: MemberRow }
  | { kind: 'unknown' }
  | { kind: 'self' }
  | { kind: 'existing' };

/** Record that `invitee` came through `code`: never their own code, only before their first check-in, one inviter each. */
export function useInviteCode(db: Db, invitee: MemberRow, code: string, where: { channel: string; chat: string }, at: Date): InviteOutcome {
  return inTransaction(db, () => {
    const inviterId = inviterOf(db, code);
    if (inviterId === undefined) return { kind: 'unknown' };
    if (inviterId === invitee.id) return { kind: 'self' };
    const before = referralOf(db, invitee.id);
    if (before) return { kind: 'already', inviter: getMember(db, before.inviterId) };
    if (checkinCount(db, invitee.id) > 0) return { kind: 'existing' };
    recordReferral(db, { inviteeId: invitee.id, inviterId, code: code.toUpperCase(), channel: where.channel, chat: where.chat, at });
    return { kind: 'recorded', inviter: getMember(db, inviterId)! };
  });
}

function welcomeText(lang: Lang, name: string, inviter: MemberRow | undefined, referralPoints: number, group: boolean): string {
  const zh = lang === 'zh';
  const lines = [
    zh
      ? `欢迎 ${name}${group ? ' 加入' : ''}！👋 每天发送「签到」领积分，想查积分直接问我“我有多少积分”就好。`
      : `Welcome, ${name}! 👋 Send "check in" every day to earn points, and ask me "how many points do I have?" anytime.`,
  ];
  if (inviter && referralPoints > 0) {
    lines.push(zh ? `你是 ${inviter.name} 邀请来的，首次签到后 ${inviter.name} 将获得 ${referralPoints} 积分。` : `${inviter.name} invited you: your first check-in earns them ${referralPoints} points.`);
  }
  return lines.join('\n');
}

/** Welcome a member who joined a group (once per group, by the outbox key) and record their invite code, if any. */
export function handleJoin(evt: JoinEvent, deps: HearthDeps): void {
  const { db, program } = deps;
  inTransaction(db, () => {
    const member = ensureMember(db, { channel: evt.channel, platformId: evt.from.id, name: evt.from.name, at: evt.at });
    noteChat(db, evt.channel, evt.chat, 'group', member.id, evt.at);
    let inviter: MemberRow | undefined;
    if (evt.inviteCode && looksLikeInviteCode(evt.inviteCode)) {
      const used = useInviteCode(db, member, evt.inviteCode, { channel: evt.channel, chat: evt.chat }, evt.at);
      if (used.kind === 'recorded') inviter = used.inviter;
    }
    const lang: Lang = member.lang ?? detectLanguage(member.name) ?? 'en';
    queueOutbound(
      deps,
      `welcome:${evt.channel}:${evt.chat}:${member.id}`,
      { channel: evt.channel, chat: evt.chat, text: welcomeText(lang, member.name, inviter, program.referral.points, true), kind: 'reply' },
      evt.at,
    );
  });
}

function inviteReply(ctx: SkillContext): void {
  const zh = ctx.lang === 'zh';
  const code = inviteCode(ctx.deps.db, ctx.member.id, ctx.now);
  const points = ctx.deps.program.referral.points;
  const bot = ctx.deps.deployment.botUsernames?.[ctx.msg.channel];
  const link = ctx.msg.channel === 'telegram' && bot ? `https://t.me/${bot}?start=${code}` : undefined;
  const lines = [zh ? `你的专属邀请码：${code}` : `Your invite code: ${code}`];
  if (link) lines.push(zh ? `邀请链接：${link}` : `Invite link: ${link}`);
  lines.push(
    zh
      ? `好友入群时使用邀请码${link ? '（或点开链接）' : `（发给我「邀请码 ${code}」）`}，首次签到后你可得 ${points} 积分，每位好友一次。`
      : `When a friend joins with it${link ? ' (or opens the link)' : ` (by sending me "invite ${code}")`} and checks in for the first time, you earn ${points} points — once per friend.`,
  );
  ctx.reply(lines.join('\n'));
}

function applyCode(ctx: SkillContext, code: string): void {
  const zh = ctx.lang === 'zh';
  const used = useInviteCode(ctx.deps.db, ctx.member, code, { channel: ctx.msg.channel, chat: ctx.msg.chat }, ctx.now);
  const points = ctx.deps.program.referral.points;
  switch (used.kind) {
    case 'recorded':
      ctx.reply(welcomeText(ctx.lang, ctx.member.name, used.inviter, points, ctx.msg.chatType === 'group'));
      return;
    case 'already':
      ctx.reply(zh ? `你已经通过 ${used.inviter?.name ?? '好友'} 的邀请加入啦，发送「签到」开始吧！` : `You already joined through ${used.inviter?.name ?? 'a friend'}'s invite. Send "check in" to get going!`);
      return;
    case 'unknown':
      ctx.reply(zh ? `邀请码「${code.slice(0, 16)}」无效，请和邀请你的好友核对一下。` : `The invite code "${code.slice(0, 16)}" isn't valid. Please check it with the friend who sent it.`);
      return;
    case 'self':
      ctx.reply(zh ? '这是你自己的邀请码哦，分享给好友吧！' : "That's your own invite code — share it with friends!");
      return;
    case 'existing':
      ctx.reply(zh ? '邀请码只适用于新成员，你已经是老朋友啦 😊' : "Invite codes are for new members, and you're already one of us 😊");
      return;
  }
}

/** `/invite` 邀请: your code; `邀请码 CODE` / `/invite CODE` / `/start CODE` (Telegram deep link): joining with a code. */
export const inviteSkill: Skill = {
  name: 'invite',
  middleware(ctx, next) {
    const start = ctx.command?.name === 'start' && ctx.command.args !== '';
    if (!start && !isCommand(ctx, ['invite'], inviteAliases)) return next();
    const args = start ? ctx.command!.args : commandArgs(ctx, inviteAliases);
    if (args !== '' && !looksLikeInviteCode(args)) {
      // "邀请 朋友来玩" is chatter, not a command; a bad `/invite xyz!` gets told.
      if (!ctx.command) return next();
      ctx.handled = true;
      ctx.reply(ctx.lang === 'zh' ? '邀请码由字母和数字组成，例如：邀请码 K7QX2M。发送「邀请」获取你自己的邀请码。' : 'An invite code is letters and digits, e.g. /invite K7QX2M. Send /invite alone to get your own code.');
      return;
    }
    // Typed without a slash ("invite people"), only a code that exists counts.
    if (!ctx.command && args !== '' && inviterOf(ctx.deps.db, args) === undefined) return next();
    ctx.handled = true;
    if (args === '') inviteReply(ctx);
    else applyCode(ctx, args);
  },
};

/** The welcome module: join events and invite codes. */
export const welcomeModule: SkillModule = {
  skills: [inviteSkill],
  install(hearth: Hearth) {
    hearth.events.join.push(handleJoin);
  },
};
