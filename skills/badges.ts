// Badges: managers grant (`/badge @member <badge>` or as a reply, 颁发勋章) and revoke (`/unbadge`, 收回勋章) from the
// program's catalog, the group sees the celebration (everything else goes to the manager privately), and members list
// theirs with `/badges` 我的勋章.
import type { Skill, SkillContext, ModuleHost, SkillModule } from '../bot/core/skill';
import type { Audience } from '../bot/core/copy';
import type { Badge } from '../community/program';
import { addDays, localDate, startOfLocalDay } from '../community/calendar';
import { findBadge } from '../community/community-life';
import { inTransaction } from '../store/db';
import { audit } from '../store/audit';
import { badgesOf, grantBadge, revokeBadge } from '../store/badges';
import { authorOf, membersNamedInChat, pruneMessageAuthors } from '../store/message-authors';
import { ensureMember, findMemberByPlatformId, getMember, lastGroupOf, membersByHandle, seenInChat, type MemberRow } from '../store/members';
import { commandArgs, isCommand } from './commands';
import { moderationAuthority } from './authority';
import { replyToManager } from './private';
import { badgesCopy } from './badges.copy';


/** How a badge reads inside a sentence: emoji and name. */
export function badgeName(to: Audience, b: Badge): string {
  return badgesCopy.say(to, 'badgeName', { emoji: b.emoji, name: b.name[to.lang] });
}

/** The program's badges as one line, for "which badges are there". */
export function badgeCatalogLine(ctx: SkillContext): string {
  const say = badgesCopy.to(ctx);
  return ctx.deps.program.badges.map((b) => say('catalogEntry', { emoji: b.emoji, id: b.id, name: b.name[ctx.lang] })).join(say('catalogSeparator'));
}

/** Who a manager command is about: a platform mention, an "@handle" typed as text, or the author of the message replied to. */
export interface Target {
  member?: MemberRow;
  /** The words left once mentions are taken out (the badge name). */
  rest: string;
  /** Why no member was found, when one was pointed at. */
  problem?: 'unknown-reply' | 'unknown-name' | 'ambiguous-name';
}

/**
 * Find the member a manager command points at; `args` are the command's words. What carries an id comes first (a
 * mention the platform resolved, a reply to the member's message). A bare `@handle` is accepted only when exactly one
 * member was seen using it within the program's `handleRecentDays` (a handle that changed hands is ambiguous until the
 * old use is stale); where `@` names display names (the console, WeChat) the same holds for names seen in this chat.
 */
export function resolveTarget(ctx: SkillContext, args: string): Target {
  const { db, deployment, program } = ctx.deps;
  const { channel } = ctx.msg;
  const botId = deployment.channels[channel]?.botId;
  const botUsername = deployment.channels[channel]?.botUsername?.toLowerCase();
  const tokens = args.split(/\s+/).filter((t) => t !== '');
  const atTokens = tokens.filter((t) => t.startsWith('@') && t.length > 1 && t.slice(1).toLowerCase() !== botUsername);
  const rest = tokens.filter((t) => !t.startsWith('@')).join(' ');
  const mentioned = (ctx.msg.mentions ?? []).filter((id) => id !== botId);
  if (mentioned.length > 0) {
    const id = mentioned[0]!;
    const member = findMemberByPlatformId(db, channel, id) ?? ensureMember(db, { channel, platformId: id, name: atTokens[0]?.slice(1), at: ctx.now });
    return { member, rest };
  }
  if (atTokens.length > 0) {
    const handle = atTokens[0]!.slice(1);
    const since = new Date(ctx.now.getTime() - program.handleRecentDays * 86_400_000);
    let ids: number[];
    if (deployment.channels[channel]?.capabilities.handles === 'username') {
      ids = membersByHandle(db, channel, handle, since);
    } else {
      // Display names are not unique: a platform id (stable) first, then a name only one member here used recently.
      const byId = findMemberByPlatformId(db, channel, handle);
      ids = byId ? [byId.id] : ctx.msg.chatType === 'group' ? membersNamedInChat(db, channel, ctx.msg.chat, handle, since) : [];
    }
    if (ids.length === 1) return { member: getMember(db, ids[0]!), rest };
    return { rest, problem: ids.length > 1 ? 'ambiguous-name' : 'unknown-name' };
  }
  if (ctx.msg.replyTo || ctx.msg.replyToAuthor) {
    // The platform's own word on the author (a WeChat quote names them) holds even for a message Hearth never saw.
    const named = ctx.msg.replyToAuthor;
    if (named !== undefined) return { member: findMemberByPlatformId(db, channel, named) ?? ensureMember(db, { channel, platformId: named, at: ctx.now }), rest };
    const authorId = authorOf(db, channel, ctx.msg.replyTo!);
    if (authorId === undefined) return { rest, problem: 'unknown-reply' };
    return { member: getMember(db, authorId), rest };
  }
  return { rest };
}

const problemLines = { 'unknown-reply': 'unknownReply', 'unknown-name': 'unknownName', 'ambiguous-name': 'ambiguousName' } as const;

/** The words for a target that could not be found. */
export function targetProblemText(to: Audience, problem: NonNullable<Target['problem']>): string {
  return badgesCopy.say(to, problemLines[problem]);
}

type Action = 'grant' | 'revoke';

async function manageBadge(ctx: SkillContext, action: Action): Promise<void> {
  const say = badgesCopy.to(ctx);
  const authority = await moderationAuthority(ctx);
  if (authority === 'none') {
    ctx.reply(say(action === 'grant' ? 'grantManagersOnly' : 'revokeManagersOnly'));
    return;
  }
  // Usage lines, problems and a withdrawal are for the moderator alone; only a badge earned is the group's news.
  const tell = (text: string) => void replyToManager(ctx, text);
  const target = resolveTarget(ctx, commandArgs(ctx, action === 'grant' ? 'badge' : 'unbadge'));
  const usage = say(action === 'grant' ? 'grantUsage' : 'revokeUsage');
  if (target.rest === '') return tell(say('usageWithCatalog', { usage, badges: badgeCatalogLine(ctx) }));
  const badge = findBadge(ctx.deps.program, target.rest);
  if (!badge) return tell(say('noSuchBadge', { asked: target.rest.slice(0, 40), badges: badgeCatalogLine(ctx) }));
  if (target.problem) return tell(targetProblemText(ctx, target.problem));
  if (!target.member) return tell(usage);
  const member = target.member;
  const { db } = ctx.deps;
  // A group's admin moderates that group: its own members, never themselves.
  if (authority === 'moderator' && (member.id === ctx.member.id || !seenInChat(db, ctx.msg.channel, ctx.msg.chat, member.id))) {
    return tell(member.id === ctx.member.id ? say('notYourOwn') : say('notInThisGroup', { name: member.name }));
  }
  const outcome = inTransaction(db, () => {
    const result = action === 'grant' ? grantBadge(db, member.id, badge.id, ctx.member.id, ctx.now) : revokeBadge(db, member.id, badge.id, ctx.member.id, ctx.now);
    if (result === 'granted' || result === 'revoked') {
      audit(db, { at: ctx.now, actorMemberId: ctx.member.id, action: `badge.${action}`, targetMemberId: member.id, details: { badge: badge.id, chat: ctx.msg.chat } });
    }
    return result;
  });
  const about = { name: member.name, badge: badgeName(ctx, badge) };
  if (outcome === 'already') return tell(say('alreadyHeld', about));
  if (outcome === 'not-held') return tell(say('notHeld', about));
  if (outcome === 'revoked') return tell(say('revoked', about));
  const text = say('granted', { ...about, description: badge.description[ctx.lang] });
  ctx.reply(text);
  // Granted from a private chat: the member's group still hears about it.
  if (ctx.msg.chatType === 'private') {
    const group = lastGroupOf(db, ctx.msg.channel, member.id);
    if (group) ctx.send({ chat: group, text, kind: 'notice' });
  }
}

/** `/badge` 颁发勋章 (managers). */
export const grantBadgeSkill: Skill = {
  name: 'badge-grant',
  async middleware(ctx, next) {
    if (!isCommand(ctx, 'badge')) return next();
    ctx.handled = true;
    await manageBadge(ctx, 'grant');
  },
};

/** `/unbadge` 收回勋章 (managers). */
export const revokeBadgeSkill: Skill = {
  name: 'badge-revoke',
  async middleware(ctx, next) {
    if (!isCommand(ctx, 'unbadge')) return next();
    ctx.handled = true;
    await manageBadge(ctx, 'revoke');
  },
};

/** `/badges` 我的勋章: your badges (or, with a mention or as a reply, someone else's), and how to earn more. */
export const listBadgesSkill: Skill = {
  name: 'badges',
  middleware(ctx, next) {
    if (!isCommand(ctx, 'badges')) return next();
    ctx.handled = true;
    const say = badgesCopy.to(ctx);
    const { lang } = ctx;
    const target = resolveTarget(ctx, commandArgs(ctx, 'badges'));
    const member = target.member ?? ctx.member;
    const self = member.id === ctx.member.id;
    const program = ctx.deps.program;
    const held = badgesOf(ctx.deps.db, member.id)
      .map((row) => program.badges.find((b) => b.id === row.badgeId))
      .filter((b): b is Badge => b !== undefined);
    const about = (b: Badge) => ({ emoji: b.emoji, name: b.name[lang], description: b.description[lang] });
    if (held.length === 0) {
      const how = program.badges.map((b) => say('howToEarn', about(b)));
      ctx.reply((self ? [say('noneYet'), ...how] : [say('noneYetOther', { name: member.name })]).join('\n'));
      return;
    }
    const title = self ? say('yours', { count: held.length }) : say('theirs', { name: member.name, count: held.length });
    ctx.reply([title, ...held.map((b) => say('held', about(b)))].join('\n'));
  },
};

/** Reply-commands look back at most this long; older authors are forgotten nightly. */
const AUTHOR_MEMORY_DAYS = 90;

/** The badges module: grant, revoke, list; and the nightly trim of remembered message authors. */
export const badgesModule: SkillModule = {
  skills: [grantBadgeSkill, revokeBadgeSkill, listBadgesSkill],
  install(hearth: ModuleHost) {
    const tz = hearth.deps.program.timezone;
    hearth.scheduler.addJob({
      name: 'prune-message-authors',
      cron: '40 4 * * *',
      run(dueAt) {
        pruneMessageAuthors(hearth.deps.db, startOfLocalDay(addDays(localDate(dueAt, tz), -AUTHOR_MEMORY_DAYS), tz));
      },
    });
  },
};
