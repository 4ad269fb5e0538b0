// Badges: managers grant (`/badge @member <badge>` or as a reply, 颁发勋章) and revoke (`/unbadge`, 收回勋章) from the
// program's catalog, the group sees a short announcement, and members list theirs with `/badges` 我的勋章.
import type { Skill, SkillContext, ModuleHost, SkillModule } from '../bot/core/skill';
import type { Lang } from '../bot/core/types';
import type { Badge, Program } from '../community/program';
import { addDays, localDate, startOfLocalDay } from '../community/calendar';
import { findBadge } from '../community/community-life';
import { inTransaction } from '../store/db';
import { audit } from '../store/audit';
import { badgesOf, grantBadge, revokeBadge } from '../store/badges';
import { authorOf, membersNamedInChat, pruneMessageAuthors } from '../store/message-authors';
import { ensureMember, findMemberByPlatformId, getMember, lastGroupOf, membersByHandle, seenInChat, type MemberRow } from '../store/members';
import { commandArgs, isCommand } from './commands';
import { moderationAuthority } from './authority';


/** How a badge reads in one language: emoji and name. */
export function badgeName(b: Badge, lang: Lang): string {
  return lang === 'zh' ? `${b.emoji}「${b.name.zh}」` : `${b.emoji} ${b.name.en}`;
}

/** The catalog as one line, for "which badges are there". */
export function badgeCatalogLine(program: Program, lang: Lang): string {
  return program.badges.map((b) => (lang === 'zh' ? `${b.emoji} ${b.id} ${b.name.zh}` : `${b.emoji} ${b.id} (${b.name.en})`)).join(lang === 'zh' ? '、' : ', ');
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
  if (ctx.msg.replyTo) {
    const authorId = authorOf(db, channel, ctx.msg.replyTo);
    if (authorId === undefined) return { rest, problem: 'unknown-reply' };
    return { member: getMember(db, authorId), rest };
  }
  return { rest };
}

/** The words for a target that could not be found, in one language. */
export function targetProblemText(lang: Lang, problem: NonNullable<Target['problem']>): string {
  const texts = {
    'unknown-reply': {
      zh: '我认不出那条消息是谁发的。请直接 @ 对方，或回复对方的其他消息。',
      en: "I can't tell who wrote that message. Mention them, or reply to another of their messages.",
    },
    'unknown-name': {
      zh: '我找不到这位成员。请回复对方的消息再发送命令，或从列表里点选 @ 对方。',
      en: "I can't find that member. Reply to one of their messages with the command, or pick them from the @ list.",
    },
    'ambiguous-name': {
      zh: '最近有不止一位成员用过这个名字，为免弄错人，请回复对方的消息再发送命令。',
      en: 'More than one member has used that name recently. To be sure it reaches the right person, reply to one of their messages with the command.',
    },
  } as const;
  return texts[problem][lang];
}

type Action = 'grant' | 'revoke';

async function manageBadge(ctx: SkillContext, action: Action): Promise<void> {
  const { lang } = ctx;
  const zh = lang === 'zh';
  const authority = await moderationAuthority(ctx);
  if (authority === 'none') {
    ctx.reply(
      action === 'grant'
        ? zh
          ? '只有社群管理员可以颁发勋章哦。想要勋章？多帮助群友、坚持签到就有机会～'
          : 'Only community managers can grant badges. Keep helping others and checking in — yours may be next!'
        : zh
          ? '只有社群管理员可以收回勋章哦。'
          : 'Only community managers can take badges back.',
    );
    return;
  }
  const target = resolveTarget(ctx, commandArgs(ctx, action === 'grant' ? 'badge' : 'unbadge'));
  const usage =
    action === 'grant'
      ? zh
        ? '用法：颁发勋章 @成员 <勋章>，或回复对方的消息发送「颁发勋章 <勋章>」。'
        : 'Usage: /badge @member <badge>, or reply to their message with /badge <badge>.'
      : zh
        ? '用法：收回勋章 @成员 <勋章>，或回复对方的消息发送「收回勋章 <勋章>」。'
        : 'Usage: /unbadge @member <badge>, or reply to their message with /unbadge <badge>.';
  if (target.rest === '') {
    ctx.reply(`${usage}\n${zh ? '勋章：' : 'Badges: '}${badgeCatalogLine(ctx.deps.program, lang)}`);
    return;
  }
  const badge = findBadge(ctx.deps.program, target.rest);
  if (!badge) {
    ctx.reply(
      zh
        ? `没有「${target.rest.slice(0, 40)}」这个勋章。可用的勋章：${badgeCatalogLine(ctx.deps.program, lang)}`
        : `There is no badge "${target.rest.slice(0, 40)}". Badges: ${badgeCatalogLine(ctx.deps.program, lang)}`,
    );
    return;
  }
  if (target.problem) {
    ctx.reply(targetProblemText(lang, target.problem));
    return;
  }
  if (!target.member) {
    ctx.reply(usage);
    return;
  }
  const member = target.member;
  const { db } = ctx.deps;
  // A group's admin moderates that group: its own members, never themselves.
  if (authority === 'moderator' && (member.id === ctx.member.id || !seenInChat(db, ctx.msg.channel, ctx.msg.chat, member.id))) {
    ctx.reply(
      member.id === ctx.member.id
        ? zh
          ? '不能给自己颁发或收回勋章哦，请社群管理员来操作。'
          : "You can't grant or take back your own badges; please ask a community manager."
        : zh
          ? `${member.name} 不是这个群的成员，无法在这里操作。`
          : `${member.name} isn't a member of this group, so that can't be done here.`,
    );
    return;
  }
  const outcome = inTransaction(db, () => {
    const result = action === 'grant' ? grantBadge(db, member.id, badge.id, ctx.member.id, ctx.now) : revokeBadge(db, member.id, badge.id, ctx.member.id, ctx.now);
    if (result === 'granted' || result === 'revoked') {
      audit(db, { at: ctx.now, actorMemberId: ctx.member.id, action: `badge.${action}`, targetMemberId: member.id, details: { badge: badge.id, chat: ctx.msg.chat } });
    }
    return result;
  });
  const name = badgeName(badge, lang);
  if (outcome === 'already') {
    ctx.reply(zh ? `${member.name} 已经拥有勋章 ${name}啦。` : `${member.name} already has the ${name} badge.`);
    return;
  }
  if (outcome === 'not-held') {
    ctx.reply(zh ? `${member.name} 没有勋章 ${name}，无需收回。` : `${member.name} doesn't have the ${name} badge.`);
    return;
  }
  const text =
    outcome === 'granted'
      ? zh
        ? `🎉 恭喜 ${member.name} 获得勋章 ${name}！${badge.description.zh}`
        : `🎉 ${member.name} earned the ${name} badge — ${badge.description.en}!`
      : zh
        ? `已收回 ${member.name} 的勋章 ${name}。`
        : `${member.name}'s ${name} badge has been withdrawn.`;
  ctx.reply(text);
  // Granted from a private chat: the member's group still hears about it.
  if (outcome === 'granted' && ctx.msg.chatType === 'private') {
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
    const zh = ctx.lang === 'zh';
    const target = resolveTarget(ctx, commandArgs(ctx, 'badges'));
    const member = target.member ?? ctx.member;
    const self = member.id === ctx.member.id;
    const program = ctx.deps.program;
    const held = badgesOf(ctx.deps.db, member.id)
      .map((row) => program.badges.find((b) => b.id === row.badgeId))
      .filter((b): b is Badge => b !== undefined);
    if (held.length === 0) {
      const how = program.badges.map((b) => (zh ? `${b.emoji} ${b.name.zh}：${b.description.zh}` : `${b.emoji} ${b.name.en}: ${b.description.en}`));
      ctx.reply(
        [self ? (zh ? '你还没有勋章，快来收集吧：' : 'No badges yet. Here is what you can collect:') : zh ? `${member.name} 还没有勋章。` : `${member.name} has no badges yet.`, ...(self ? how : [])].join('\n'),
      );
      return;
    }
    const title = self ? (zh ? `你的勋章（${held.length}）：` : `Your badges (${held.length}):`) : zh ? `${member.name} 的勋章（${held.length}）：` : `${member.name}'s badges (${held.length}):`;
    ctx.reply([title, ...held.map((b) => (zh ? `${b.emoji} ${b.name.zh} — ${b.description.zh}` : `${b.emoji} ${b.name.en} — ${b.description.en}`))].join('\n'));
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
