// Members' own data: `/mydata` 我的数据 summarises what Hearth keeps about them; `/deleteme` 删除我的数据 erases it after a
// confirmation within 10 minutes. Private chats only: a group hears where to ask, and nothing about anyone.
import type { HearthDeps, Skill, SkillContext, ModuleHost, SkillModule } from '../bot/core/skill';
import { HearthError } from '../bot/core/errors';
import { clearErasePending, eraseMember, erasePendingSince, forgetRecentMessagesOf, heldTicketIds, memberDataSummary, setErasePending, type MemberSummary } from '../store/member-data';
import { isCommand } from './commands';
import { privateChatButton } from './private';
import { privacyCopy } from './privacy.copy';

/** The channels' names, by id. */
const channelLines = { telegram: 'channelTelegram', wechat: 'channelWechat', wecom: 'channelWecom', console: 'channelConsole' } as const;
const languageLines = { zh: 'languageZh', en: 'languageEn', none: 'languageNotSet' } as const;

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

function summaryText(ctx: SkillContext, s: MemberSummary, retention: Retention): string {
  const say = privacyCopy.to(ctx);
  const accounts = s.identities
    .map((i) => {
      const line = Object.hasOwn(channelLines, i.channel) ? channelLines[i.channel as keyof typeof channelLines] : undefined;
      const channel = line ? say(line) : i.channel;
      return i.username ? say('accountWithUsername', { channel, username: i.username }) : channel;
    })
    .join(say('listSeparator'));
  const lines = [
    say('summaryHead'),
    say('name', { name: s.name || say('noName') }),
    say('accounts', { accounts }),
    say('language', { language: say(languageLines[s.lang ?? 'none']) }),
    ...(s.birthday ? [say('birthday', { birthday: s.birthday })] : []),
    say('points', { balance: s.balance, entries: s.ledgerEntries }),
    say('counts', { checkins: s.checkins, badges: s.badges, posts: s.posts, tickets: s.tickets, codes: s.codes }),
    '',
    say('kept', retention),
    say('fullCopy'),
  ];
  return lines.join('\n');
}

function heldTicketsText(ctx: SkillContext): string | undefined {
  const held = heldTicketIds(ctx.deps.db, ctx.member.id);
  if (held.length === 0) return undefined;
  return privacyCopy.say(ctx, 'holdsTickets', { tickets: held.map((id) => `#${id}`).join(privacyCopy.say(ctx, 'listSeparator')) });
}

function askToConfirm(ctx: SkillContext): void {
  const say = privacyCopy.to(ctx);
  const held = heldTicketsText(ctx);
  if (held) return ctx.reply(held);
  const s = memberDataSummary(ctx.deps.db, ctx.member.id);
  setErasePending(ctx.deps.db, ctx.member.id, ctx.now);
  const lines: string[] = [say('confirm', { points: s.balance, codes: s.codes, minutes: CONFIRM_MINUTES })];
  if (ctx.role !== 'member') {
    lines.push(say(ctx.role === 'manager' ? 'managerWarning' : 'staffWarning'));
    // The store role goes with the erase; a role the program file names comes back with the person.
    if (ctx.member.role === 'member') lines.push(say('namedInProgram'));
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
    ctx.reply(privacyCopy.say(ctx, 'expired', { minutes: CONFIRM_MINUTES }));
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
  ctx.reply(privacyCopy.say(ctx, 'done'));
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
      ctx.reply(privacyCopy.say(ctx, 'privateOnly'), { buttons: [privateChatButton(ctx)] });
      return;
    }
    if (mydata) ctx.reply(summaryText(ctx, memberDataSummary(ctx.deps.db, ctx.member.id), ctx.deps.program.retention), { secret: true });
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
