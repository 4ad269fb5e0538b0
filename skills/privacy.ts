// Members' own data: `/mydata` 我的数据 summarises what ModuleHost keeps about them; `/deleteme` 删除我的数据 erases it after a
// confirmation within 10 minutes. Private chats only: a group hears where to ask, and nothing about anyone.
import type { HearthDeps, Skill, SkillContext, ModuleHost, SkillModule } from '../bot/core/skill';
import type { Lang } from '../bot/core/types';
import { HearthError } from '../bot/core/errors';
import { clearErasePending, eraseMember, erasePendingSince, forgetRecentMessagesOf, heldTicketIds, memberDataSummary, setErasePending, type MemberSummary } from '../store/member-data';
import { isCommand } from './commands';
import { privateChatButton } from './private';

const fmt = (n: number) => n.toLocaleString('en-US');

const channelNames: Record<string, Record<Lang, string>> = {
  telegram: { zh: 'Telegram', en: 'Telegram' },
  wechat: { zh: '微信', en: 'WeChat' },
  wecom: { zh: '企业微信', en: 'WeCom' },
  console: { zh: '控制台', en: 'Console' },
};

const copy = {
  privateOnly: {
    zh: '🔒 个人数据只在私聊里处理。请私聊我，发送「我的数据」查看，或发送「删除我的数据」申请删除。',
    en: "🔒 Personal data is handled privately. Open a private chat with me and send /mydata to see it, or /deleteme to delete it.",
  },
  summaryHead: { zh: '我保存的关于你的信息：', en: "Here's what I keep about you:" },
  name: { zh: (v: string) => `• 昵称：${v}`, en: (v: string) => `• Name: ${v}` },
  noName: { zh: '（无）', en: '(none)' },
  channels: { zh: (v: string) => `• 账号：${v}`, en: (v: string) => `• Accounts: ${v}` },
  language: { zh: (v: string) => `• 语言：${v}`, en: (v: string) => `• Language: ${v}` },
  langNames: { zh: { zh: '中文', en: '英文', none: '未设置' }, en: { zh: 'Chinese', en: 'English', none: 'not set' } },
  birthday: { zh: (v: string) => `• 生日：${v}`, en: (v: string) => `• Birthday: ${v}` },
  points: {
    zh: (s: MemberSummary) => `• 积分：${fmt(s.balance)}（共 ${fmt(s.ledgerEntries)} 条积分记录）`,
    en: (s: MemberSummary) => `• Points: ${fmt(s.balance)} (${fmt(s.ledgerEntries)} ${s.ledgerEntries === 1 ? 'entry' : 'entries'} in your points history)`,
  },
  counts: {
    zh: (s: MemberSummary) => `• 签到 ${fmt(s.checkins)} 次 · 勋章 ${fmt(s.badges)} 枚 · 分享 ${fmt(s.posts)} 篇 · 客服工单 ${fmt(s.tickets)} 个 · 兑换码 ${fmt(s.codes)} 个`,
    en: (s: MemberSummary) =>
      `• Check-ins: ${fmt(s.checkins)} · Badges: ${fmt(s.badges)} · Posts: ${fmt(s.posts)} · Support tickets: ${fmt(s.tickets)} · Reward codes: ${fmt(s.codes)}`,
  },
  kept: {
    zh: (r: Retention) =>
      `保存期限：你发来的消息内容，处理后保留 ${r.inboxDays} 天；我发给你的消息（含兑换码）保留 ${r.sentMessagesDays} 天；客服对话记录在工单结束后保留 ${r.transcriptsDays} 天；你最近的几条消息保留 ${r.recentMessagesDays} 天。积分、签到和勋章记录在你是会员期间一直保留。`,
    en: (r: Retention) =>
      `How long I keep things: the text of your messages, ${r.inboxDays} days after I handle them; messages I send you (codes included), ${r.sentMessagesDays} days; support chat transcripts, ${r.transcriptsDays} days after the ticket is closed; your last few messages, ${r.recentMessagesDays} days. Your points, check-ins and badges stay for as long as you're a member.`,
  },
  fullCopy: {
    zh: '如需完整的数据副本，请联系社群工作人员。如要删除你的数据，请发送「删除我的数据」。',
    en: 'For a full copy of your data, ask the community staff. To delete your data, send /deleteme.',
  },
  confirm: {
    zh: (points: number, codes: number) =>
      `⚠️ 这会删除我保存的你的数据：昵称、账号、消息、分享内容和客服对话。你的 ${fmt(points)} 积分和 ${fmt(codes)} 个兑换码将一并作废，无法恢复。\n确定删除，请在 10 分钟内回复「确认删除」；回复其他内容即取消。`,
    en: (points: number, codes: number) =>
      `⚠️ This deletes what I keep about you: your name, accounts, messages, posts and support chats. Your ${fmt(points)} ${points === 1 ? 'point' : 'points'} and ${fmt(codes)} ${codes === 1 ? 'code' : 'codes'} will be gone and cannot be restored.\nTo go ahead, reply CONFIRM DELETE within 10 minutes. Anything else cancels.`,
  },
  roleWarning: {
    zh: { manager: '注意：你是社群管理员，删除后管理员身份也会一并移除。', staff: '注意：你是客服人员，删除后客服身份也会一并移除。' },
    en: {
      manager: "Note: you're a community manager here — deleting your data removes your manager role too.",
      staff: "Note: you're on the support staff here — deleting your data removes your staff role too.",
    },
  },
  namedInProgram: {
    zh: '你的角色也写在活动配置文件里，只删除数据的话角色还会恢复；如需彻底移除，请让负责运行 ModuleHost 的同事从配置中删除你。',
    en: 'Your role is also listed in the program file, so it comes back unless whoever runs ModuleHost removes you there.',
  },
  holdsTickets: {
    zh: (ids: string) => `你手上还有未结束的工单（${ids}）。请先用 /transfer 转交或用 /done 结束，再发送「删除我的数据」。`,
    en: (ids: string) => `You still hold open tickets (${ids}). Hand them over with /transfer or finish them with /done, then send /deleteme again.`,
  },
  done: {
    zh: '✅ 已删除，我不再保存你的个人数据。如果之后再给我发消息，你会作为新会员重新开始。祝一切顺利！',
    en: "✅ Done — I've deleted your personal data. If you write to me again, you'll start over as a new member. All the best!",
  },
  expired: {
    zh: '删除申请已超过 10 分钟，已失效，没有删除任何数据。如仍要删除，请重新发送「删除我的数据」。',
    en: 'That request expired after 10 minutes, so nothing was deleted. If you still want your data deleted, send /deleteme again.',
  },
} as const;

type Retention = HearthDeps['program']['retention'];

/** The words that confirm a /deleteme, in either language. */
const CONFIRM_WORDS = ['确认删除', 'CONFIRM DELETE'];
/** How long a /deleteme waits for its confirmation. */
export const CONFIRM_MINUTES = 10;

/** Members erased while their message was handled, per Hearth: see privacyModule. */
const justErased = new WeakMap<HearthDeps, Set<number>>();

function isConfirmation(text: string): boolean {
  const folded = text.trim().replace(/[\s\u3000]+/g, ' ').replace(/[.!。！]+$/, '').toUpperCase();
  return CONFIRM_WORDS.includes(folded);
}

function summaryText(s: MemberSummary, retention: Retention, lang: Lang): string {
  const langName = copy.langNames[lang][s.lang ?? 'none'];
  const accounts = s.identities.map((i) => `${channelNames[i.channel]?.[lang] ?? i.channel}${i.username ? ` (@${i.username})` : ''}`).join(lang === 'zh' ? '、' : ', ');
  const lines = [
    copy.summaryHead[lang],
    copy.name[lang](s.name || copy.noName[lang]),
    copy.channels[lang](accounts),
    copy.language[lang](langName),
    ...(s.birthday ? [copy.birthday[lang](s.birthday)] : []),
    copy.points[lang](s),
    copy.counts[lang](s),
    '',
    copy.kept[lang](retention),
    copy.fullCopy[lang],
  ];
  return lines.join('\n');
}

function heldTicketsText(ctx: SkillContext): string | undefined {
  const held = heldTicketIds(ctx.deps.db, ctx.member.id);
  return held.length === 0 ? undefined : copy.holdsTickets[ctx.lang](held.map((id) => `#${id}`).join(ctx.lang === 'zh' ? '、' : ', '));
}

function askToConfirm(ctx: SkillContext): void {
  const lang = ctx.lang;
  const held = heldTicketsText(ctx);
  if (held) return ctx.reply(held);
  const s = memberDataSummary(ctx.deps.db, ctx.member.id);
  setErasePending(ctx.deps.db, ctx.member.id, ctx.now);
  const lines: string[] = [copy.confirm[lang](s.balance, s.codes)];
  if (ctx.role !== 'member') {
    lines.push(copy.roleWarning[lang][ctx.role]);
    // The store role goes with the erase; a role the program file names comes back with the person.
    if (ctx.member.role === 'member') lines.push(copy.namedInProgram[lang]);
  }
  ctx.reply(lines.join('\n'), { secret: true });
}

/** The confirmation (or anything else) after a /deleteme. True when the message was answered here. */
function answerPending(ctx: SkillContext, since: Date): boolean {
  const { db } = ctx.deps;
  clearErasePending(db, ctx.member.id);
  if (!isConfirmation(ctx.msg.text)) return false; // anything else cancels, silently, and is handled as usual
  const elapsed = ctx.now.getTime() - since.getTime();
  if (elapsed < 0 || elapsed > CONFIRM_MINUTES * 60_000) {
    ctx.reply(copy.expired[ctx.lang]);
    return true;
  }
  try {
    eraseMember(db, ctx.member.id, ctx.now, { via: 'self', actorMemberId: ctx.member.id });
  } catch (err) {
    // Took a ticket between the request and the confirmation.
    if (!(err instanceof HearthError && err.code === 'forbidden')) throw err;
    ctx.reply(heldTicketsText(ctx) ?? err.message);
    return true;
  }
  let erased = justErased.get(ctx.deps);
  if (!erased) justErased.set(ctx.deps, (erased = new Set()));
  erased.add(ctx.member.id);
  ctx.reply(copy.done[ctx.lang]);
  return true;
}

/** `/mydata` 我的数据 and `/deleteme` 删除我的数据, and the confirmation that follows a /deleteme. */
export const privacySkill: Skill = {
  name: 'privacy',
  middleware(ctx, next) {
    const mydata = isCommand(ctx, 'mydata');
    const deleteme = !mydata && isCommand(ctx, 'deleteme');
    if (ctx.msg.chatType === 'private' && !ctx.msg.action) {
      const since = erasePendingSince(ctx.deps.db, ctx.member.id);
      if (since && answerPending(ctx, since)) {
        ctx.handled = true;
        return;
      }
    }
    if (!mydata && !deleteme) return next();
    ctx.handled = true;
    if (ctx.msg.chatType !== 'private') {
      ctx.reply(copy.privateOnly[ctx.lang], { buttons: [privateChatButton(ctx.lang)] });
      return;
    }
    if (mydata) ctx.reply(summaryText(memberDataSummary(ctx.deps.db, ctx.member.id), ctx.deps.program.retention, ctx.lang), { secret: true });
    else askToConfirm(ctx);
  },
};

/** The privacy skill; after each handled message it forgets the recent messages noted for a member it just erased. */
export const privacyModule: SkillModule = {
  skills: [privacySkill],
  install(hearth: ModuleHost) {
    // The handoff gate notes the confirming message in the recent-message window after the skills ran, in the same
    // commit: remove it once that commit is done, so nothing ties the anonymous member to the chat.
    hearth.onHandled(() => {
      const erased = justErased.get(hearth.deps);
      if (!erased || erased.size === 0) return;
      try {
        forgetRecentMessagesOf(hearth.deps.db, [...erased]);
        erased.clear();
      } catch (err) {
        hearth.deps.log.error({ err }, 'could not forget the recent messages of an erased member (the daily prune will)');
      }
    });
  },
};
