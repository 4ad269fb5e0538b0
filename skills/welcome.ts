// Welcome and referrals: a member joining a group is welcomed once; `/invite` 邀请 gives a personal invite code (and a
// channel's private-chat link); a join, `/start CODE` or `邀请码 CODE` records who invited whom. The reward itself is paid by
// the invited member's first check-in (skills/checkin.ts).
import type { HearthDeps, Skill, SkillContext, ModuleHost, SkillModule } from '../bot/core/skill';
import type { Audience } from '../bot/core/copy';
import type { JoinEvent, Lang } from '../bot/core/types';
import { detectLanguage } from '../community/language';
import { inviteCodeFor, looksLikeInviteCode } from '../community/community-life';
import type { Program } from '../community/program';
import { lotExpiresAt } from '../community/earning';
import { inTransaction, type Db } from '../store/db';
import { checkinCount } from '../store/checkins';
import { balanceOf, earnPoints } from '../store/ledger';
import { inviteCodeOf, inviteSecret, inviterOf, markReferralRewarded, recordReferral, referralOf, saveInviteCode } from '../store/invites';
import { ensureMember, getMember, noteChat, type MemberRow } from '../store/members';
import { commandArgs, isCommand } from './commands';
import { welcomeCopy } from './welcome.copy';
import { replyPrivately } from './private';


/** The member's invite code, made on first ask (unguessable, stable per member; steps past the rare collision). */
export function inviteCode(db: Db, memberId: number, at: Date): string {
  return inTransaction(db, () => {
    const existing = inviteCodeOf(db, memberId);
    if (existing) return existing;
    const secret = inviteSecret(db);
    for (let attempt = 0; ; attempt++) {
      const code = inviteCodeFor(secret, memberId, attempt);
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

/**
 * Record that `invitee` came through `code`: never their own code, only before their first check-in, one inviter each,
 * and never for someone who came through an invite before they had their data erased.
 */
export function useInviteCode(db: Db, invitee: MemberRow, code: string, where: { channel: string; chat: string }, at: Date): InviteOutcome {
  return inTransaction(db, () => {
    const inviterId = inviterOf(db, code);
    if (inviterId === undefined) return { kind: 'unknown' };
    if (inviterId === invitee.id) return { kind: 'self' };
    const before = referralOf(db, invitee.id);
    if (before) return { kind: 'already', inviter: getMember(db, before.inviterId) };
    if (checkinCount(db, invitee.id) > 0 || invitee.alreadyPaid?.includes('referred')) return { kind: 'existing' };
    recordReferral(db, { inviteeId: invitee.id, inviterId, code: code.toUpperCase(), channel: where.channel, chat: where.chat, at });
    return { kind: 'recorded', inviter: getMember(db, inviterId)! };
  });
}

/** When a referral pays, in words: "after your first purchase or your 3rd check-in". */
export function referralCondition(to: Audience, program: Program, who: 'you' | 'friend'): string {
  const checkins = program.referral.qualifyingCheckins;
  const purchase = program.referral.qualifyingPurchase;
  if (who === 'you') return welcomeCopy.say(to, purchase ? 'whenYouBuyOrCheckIn' : 'whenYouCheckIn', { checkins });
  return welcomeCopy.say(to, purchase ? 'whenFriendBuysOrChecksIn' : 'whenFriendChecksIn', { checkins });
}

function welcomeText(program: Program, lang: Lang, name: string, inviter: MemberRow | undefined, group: boolean): string {
  const to: Audience = { lang, program };
  const lines = [welcomeCopy.say(to, group ? 'welcomeToGroup' : 'welcome', { name })];
  if (inviter && program.referral.points > 0) {
    lines.push(welcomeCopy.say(to, 'invitedBy', { inviter: inviter.name, points: program.referral.points, when: referralCondition(to, program, 'you') }));
  }
  return lines.join('\n');
}

/** What paying a referral did: who invited, and how much they got. */
export interface ReferralPaid {
  inviterId: number;
  points: number;
}

/**
 * Pay the inviter of `inviteeId` once the invitee qualifies — their first purchase (when the program says so) or their
 * Nth check-in — so alternate accounts inviting each other earn nothing without real activity. Once per invitee.
 */
export function payReferralIfDue(deps: Pick<HearthDeps, 'db' | 'program'>, inviteeId: number, now: Date, trigger: 'checkin' | 'purchase'): ReferralPaid | undefined {
  const { db, program } = deps;
  const { points, qualifyingPurchase, qualifyingCheckins } = program.referral;
  if (points <= 0) return undefined;
  return inTransaction(db, () => {
    const ref = referralOf(db, inviteeId);
    if (!ref || ref.rewardedAt !== null || ref.inviterId === inviteeId) return undefined;
    const qualifies = (trigger === 'purchase' && qualifyingPurchase) || checkinCount(db, inviteeId) >= qualifyingCheckins;
    if (!qualifies || !markReferralRewarded(db, inviteeId, now)) return undefined;
    earnPoints(db, { memberId: ref.inviterId, points, key: `referral:${inviteeId}`, reason: 'referral', ref: String(inviteeId), at: now, expiresAt: lotExpiresAt(program, now) });
    return { inviterId: ref.inviterId, points };
  });
}

/** Tell an inviter privately that a referral paid (it names their balance: a private chat or nothing). */
export function notifyReferralPaid(deps: Pick<HearthDeps, 'db' | 'program' | 'queue' | 'reach'>, paid: ReferralPaid, inviteeId: number, now: Date): void {
  const { db } = deps;
  const inviter = getMember(db, paid.inviterId);
  const invitee = getMember(db, inviteeId);
  const target = deps.reach(paid.inviterId, 'secret');
  if (!inviter || !target) return;
  const to: Audience = { lang: inviter.lang ?? 'en', program: deps.program };
  const balance = balanceOf(db, paid.inviterId);
  const name = invitee?.name ?? welcomeCopy.say(to, 'aFriend');
  deps.queue(
    `referral-paid:${inviteeId}`,
    {
      channel: target.channel,
      chat: target.chat,
      kind: 'notice',
      secret: true,
      text: welcomeCopy.say(to, 'referralPaid', { name, points: paid.points, balance }),
    },
    now,
  );
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
    deps.queue(
      `welcome:${evt.channel}:${evt.chat}:${member.id}`,
      { channel: evt.channel, chat: evt.chat, text: welcomeText(program, lang, member.name, inviter, true), kind: 'reply' },
      evt.at,
    );
  });
}

/** The member's invite code with how referral pays, privately (`/invite`, "我的邀请码", "how do I invite a friend"). */
export function inviteReply(ctx: SkillContext): void {
  const say = welcomeCopy.to(ctx);
  const { program } = ctx.deps;
  const code = inviteCode(ctx.deps.db, ctx.member.id, ctx.now);
  const link = ctx.deps.privateLink(ctx.msg.channel, code);
  const lines = [say('yourCode', { code })];
  if (link) lines.push(say('inviteLink', { link }));
  const terms = { points: program.referral.points, when: referralCondition(ctx, program, 'friend') };
  lines.push(link ? say('inviteTermsWithLink', terms) : say('inviteTerms', { ...terms, code }));
  // A code is the member's own: asked in a group, it goes to their private chat.
  replyPrivately(ctx, lines.join('\n'));
}

function applyCode(ctx: SkillContext, code: string): void {
  const say = welcomeCopy.to(ctx);
  const used = useInviteCode(ctx.deps.db, ctx.member, code, { channel: ctx.msg.channel, chat: ctx.msg.chat }, ctx.now);
  switch (used.kind) {
    case 'recorded':
      ctx.reply(welcomeText(ctx.deps.program, ctx.lang, ctx.member.name, used.inviter, ctx.msg.chatType === 'group'));
      return;
    case 'already':
      ctx.reply(say('alreadyInvited', { inviter: used.inviter?.name ?? say('aFriend') }));
      return;
    case 'unknown':
      ctx.reply(say('unknownCode', { code: code.slice(0, 16) }));
      return;
    case 'self':
      ctx.reply(say('ownCode'));
      return;
    case 'existing':
      ctx.reply(say('notNew'));
      return;
  }
}

/** `/invite` 邀请: your code; `邀请码 CODE` / `/invite CODE` / `/start CODE` (a private-chat link): joining with a code. */
export const inviteSkill: Skill = {
  name: 'invite',
  middleware(ctx, next) {
    const start = ctx.command?.name === 'start' && ctx.command.args !== '';
    if (!start && !isCommand(ctx, 'invite')) return next();
    const args = start ? ctx.command!.args : commandArgs(ctx, 'invite');
    if (args !== '' && !looksLikeInviteCode(args)) {
      // "邀请 朋友来玩" is chatter, not a command; a bad `/invite xyz!` gets told.
      if (!ctx.command) return next();
      ctx.handled = true;
      ctx.reply(welcomeCopy.say(ctx, 'badCode'));
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
  install(hearth: ModuleHost) {
    hearth.events.join.push(handleJoin);
  },
};
