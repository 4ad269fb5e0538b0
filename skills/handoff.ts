// Human handoff: the gate and bridge (first skill: while staff own or are about to own a conversation the bot stays
// quiet and passes words both ways), staff commands (/take /done /transfer /queue, /stats, /human), escalation
// detection (before the bot tries to answer), the misunderstood count for the fallback, and the SLA timers.
import type { HearthDeps, Skill, SkillContext, SkillModule } from '../bot/core/skill';
import { namedRole } from './authority';
import { privateChatButton } from './private';
import type { Button, Lang, OutboundMessage, Role } from '../bot/core/types';
import { asksForHelp, escalationSignal, handoffFigures, isVip, normalise, priorityOf, type EscalationReason, type EscalationSignal } from '../community/escalation';
import { localDate, localTime, startOfLocalDay } from '../community/calendar';
import { parseRef } from '../community/refs';
import { tierById } from '../community/tiers';
import { inTransaction } from '../store/db';
import { cancelTimersLike, setTimer } from '../store/jobs';
import { findMemberByPlatformId, getMember, identitiesOf, membersByHandle, type MemberRow } from '../store/members';
import { memberStanding } from '../store/standing';
import {
  activeTicketOf,
  appendTranscript,
  closeTicket,
  getTicket,
  markHeldNote,
  membersWithRole,
  misunderstoodRun,
  openTicket,
  openTicketOf,
  reopenTicket,
  ticketsOpenedSince,
  wasCancelledBefore,
  rateTicket,
  ratableTicket,
  recentMessagesOf,
  recordRecentMessage,
  setActiveTicket,
  takeTicket,
  ticketsHeldBy,
  ticketsOpenedBetween,
  transferTicket,
  waitingTickets,
  type TicketRow,
  type TranscriptLine,
} from '../store/tickets';
import { commandArgs, isCommand } from './commands';
import { isNamedManager } from './authority';

const REMIND = 'handoff-remind';
const MANAGERS = 'handoff-managers';
const CARD_LINES = 5;
/** A staff card never grows past this: one member's long messages must not flood the staff room. */
const CARD_MAX_CHARS = 1500;
const CARD_LINE_CHARS = 200;

/** Messages the fallback did not understand (set during the run, read by the gate when it records the message). */
const misunderstoodMessages = new WeakSet<SkillContext>();

// ——— copy ———

const reasonLabel: Record<Lang, Record<EscalationReason, (n: number) => string>> = {
  en: {
    request: () => 'asked for a person',
    complaint: () => 'complaint',
    'high-value': () => 'high-value purchase',
    'vip-help': () => 'VIP asking for help',
    misunderstood: (n) => `the bot didn't understand ${n} messages in a row`,
  },
  zh: {
    request: () => '要求人工',
    complaint: () => '投诉/不满',
    'high-value': () => '大额购买意向',
    'vip-help': () => 'VIP 求助',
    misunderstood: (n) => `机器人连续 ${n} 次没听懂`,
  },
};

const fmt = new Intl.NumberFormat('en-US');
const minutesText = (lang: Lang, minutes: number) => {
  if (minutes < 1) return lang === 'zh' ? '不到 1 分钟' : 'under a minute';
  const m = Math.round(minutes);
  if (m < 60) return lang === 'zh' ? `${m} 分钟` : `${m} min`;
  const h = Math.floor(m / 60);
  const rest = m % 60;
  if (lang === 'zh') return rest ? `${h} 小时 ${rest} 分钟` : `${h} 小时`;
  return rest ? `${h} h ${rest} min` : `${h} h`;
};

const text = {
  openBridge: (lang: Lang, staff: string, member: string) =>
    lang === 'zh'
      ? `${staff}，请点下方按钮私聊我，我才能把 ${member} 的消息转给你。`
      : `${staff}, please open a private chat with me (the button below) so I can pass ${member}'s messages to you.`,
  opened(lang: Lang, t: TicketRow, ahead: number, minutes: number): string {
    const sorry = t.reason === 'complaint';
    const lost = t.reason === 'misunderstood';
    if (lang === 'zh') {
      const lead = sorry ? '非常抱歉给你带来不好的体验。' : lost ? '抱歉我没能理解你的意思。' : '好的，';
      const queue = ahead > 0 ? `你前面还有 ${ahead} 位，` : '';
      return `${lead}已为你转接人工客服（工单 #${t.id}），${queue}通常 ${minutes} 分钟内会有同事回复你，请稍候。`;
    }
    const lead = sorry ? "I'm sorry about this. I've" : lost ? "Sorry I couldn't follow. I've" : "Sure — I've";
    const queue = ahead > 0 ? ` There ${ahead === 1 ? 'is 1 person' : `are ${ahead} people`} ahead of you.` : '';
    return `${lead} asked a colleague to help (ticket #${t.id}). Someone will be with you, usually within ${minutes} minutes.${queue}`;
  },
  alreadyOpen: (lang: Lang, t: TicketRow, here: boolean) =>
    lang === 'zh'
      ? here
        ? `你的请求（工单 #${t.id}）已在处理中，客服同事马上就来。`
        : `你已经有一个人工服务请求（工单 #${t.id}），同事会在那边回复你。`
      : here
        ? `Your request (ticket #${t.id}) is in — a colleague will be with you shortly.`
        : `You already have a request open (ticket #${t.id}); a colleague will reply to you there.`,
  heldNote: (lang: Lang) =>
    lang === 'zh'
      ? '客服同事马上就来，你补充的内容我已转告。如不再需要，发送「取消」即可。'
      : "A colleague will be with you shortly — I've passed on what you said. Send /cancel if you no longer need help.",
  remindMember: (lang: Lang) =>
    lang === 'zh'
      ? '抱歉让你久等了，目前咨询的人比较多，客服同事会尽快回复你。'
      : "Sorry for the wait — it's busy right now. A colleague will be with you as soon as possible.",
  joined: (lang: Lang, staff: string) =>
    lang === 'zh' ? `客服 ${staff} 已接入，请直接在这里说明你的问题。` : `${staff} from our team is here now — go ahead.`,
  transferred: (lang: Lang, staff: string) =>
    lang === 'zh' ? `已请客服 ${staff} 继续为你服务。` : `${staff} from our team will take it from here.`,
  handedBack: (lang: Lang, rate: boolean) =>
    lang === 'zh'
      ? `本次人工服务已结束，接下来由我继续为你服务。${rate ? '请为本次服务打分：回复 1–5（5 分最满意）。' : ''}`
      : `Your chat with our team has ended — I'm back to help.${rate ? ' How did we do? Reply 1–5 (5 is best).' : ''}`,
  thanksForRating: (lang: Lang) => (lang === 'zh' ? '谢谢你的评价！' : 'Thanks for your rating!'),
  cancelled: (lang: Lang) => (lang === 'zh' ? '好的，已取消人工服务，有需要随时找我。' : "OK, I've cancelled the request. I'm here if you need anything."),
  staffOnly: (lang: Lang) => (lang === 'zh' ? '抱歉，这个命令只有客服人员可以使用。' : 'Sorry, only our support staff can do that.'),
  managersOnly: (lang: Lang) => (lang === 'zh' ? '抱歉，这个命令只有管理员可以使用。' : 'Sorry, only community managers can do that.'),
};

function whereText(lang: Lang, t: TicketRow): string {
  if (t.chatType === 'private') return lang === 'zh' ? '私聊' : 'private chat';
  return lang === 'zh' ? `群 ${t.chatId}` : `group ${t.chatId}`;
}

function clip(words: string, max: number): string {
  return [...words].length > max ? `${[...words].slice(0, max - 1).join('')}…` : words;
}

function transcriptText(deps: HearthDeps, t: TicketRow, limit = CARD_LINES): string {
  return t.transcript
    .slice(-limit)
    .map((l) => `${localTime(new Date(l.at), deps.program.timezone)} ${l.name}: ${clip(l.text.replace(/\s+/g, ' '), CARD_LINE_CHARS)}`)
    .join('\n');
}

/** Who, tier, points, why and the last messages: the top of a staff card or a staff member's private summary. */
function ticketSummary(deps: HearthDeps, lang: Lang, t: TicketRow, name: string): string {
  const tier = tierById(deps.program, t.tierId).name[lang];
  const reason = reasonLabel[lang][t.reason](deps.program.escalation.misunderstoodInARow);
  const detail = t.detail ? (lang === 'zh' ? `（“${t.detail}”）` : ` ("${t.detail}")`) : '';
  const lines =
    lang === 'zh'
      ? [`${name} · ${tier} · ${fmt.format(t.points)} 积分 · ${whereText(lang, t)}`, `原因：${reason}${detail}`]
      : [`${name} · ${tier} · ${fmt.format(t.points)} points · ${whereText(lang, t)}`, `Reason: ${reason}${detail}`];
  const transcript = transcriptText(deps, t);
  if (transcript) lines.push(lang === 'zh' ? '最近消息：' : 'Last messages:', transcript);
  return lines.join('\n');
}

function vipMark(t: TicketRow, deps: HearthDeps): string {
  return isVip(deps.program, t.tierId) ? ' · ⭐ VIP' : '';
}

function staffCard(deps: HearthDeps, t: TicketRow, name: string): { text: string; buttons: Button[] } {
  const lang = deps.program.escalation.staffLang;
  const head = lang === 'zh' ? `🆕 工单 #${t.id}${vipMark(t, deps)}` : `🆕 Ticket #${t.id}${vipMark(t, deps)}`;
  const how = lang === 'zh' ? `发送 /take ${t.id} 或点「接手」。` : `Send /take ${t.id} or press Take.`;
  return { text: clip([head, ticketSummary(deps, lang, t, name), how].join('\n'), CARD_MAX_CHARS), buttons: [takeButton(lang, t.id)] };
}

function takeButton(lang: Lang, id: number): Button {
  return { label: lang === 'zh' ? '接手' : 'Take', data: `take:${id}` };
}

function bridgeHelp(lang: Lang, name: string): string {
  return lang === 'zh'
    ? `在这里输入的内容我会转给 ${name}。/done 结束并交还机器人，/transfer <客服> 转交同事。`
    : `Type here and I'll pass it to ${name}. /done to finish, /transfer <staff> to hand over.`;
}

// ——— helpers ———

function isStaffRoom(ctx: SkillContext): boolean {
  const room = ctx.deps.deployment.staffRoom;
  return ctx.msg.channel === room.channel && ctx.msg.chat === room.chat;
}

function isStaff(role: Role): boolean {
  return role === 'staff' || role === 'manager';
}

/** A member's role from the store or the program file's staff and manager lists (each id with its channel). */
function roleOf(deps: HearthDeps, member: MemberRow): Role {
  if (member.role !== 'member') return member.role;
  const roles = identitiesOf(deps.db, member.id).map((i) => namedRole(deps, i.channel, i.platformId, member));
  return roles.includes('manager') ? 'manager' : roles.includes('staff') ? 'staff' : 'member';
}

function memberName(deps: HearthDeps, memberId: number | null): string {
  return (memberId !== null ? getMember(deps.db, memberId)?.name : undefined) ?? '?';
}

/** The language to write to a staff member in: the one they write in, else the staff room's. */
function staffLangOf(deps: HearthDeps, memberId: number | null): Lang {
  return (memberId !== null ? getMember(deps.db, memberId)?.lang : undefined) ?? deps.program.escalation.staffLang;
}

function parseTicketId(arg: string): number | undefined {
  const m = /^#?(\d{1,9})$/.exec(arg.trim());
  return m ? Number(m[1]) : undefined;
}

/** A message to the member in the chat where they asked (mentioning them in a group). */
function toMember(t: TicketRow, textOut: string, kind: OutboundMessage['kind'] = 'reply', buttons?: Button[]): Omit<OutboundMessage, 'channel'> & { channel: string } {
  return {
    channel: t.channel,
    chat: t.chatId,
    text: textOut,
    kind,
    ...(t.chatType === 'group' ? { mentions: [t.platformId] } : {}),
    ...(buttons ? { buttons } : {}),
  };
}

/** Cancel every SLA timer of a ticket (its first pair and any a reopening set). */
function cancelSlaTimers(deps: HearthDeps, id: number, at: Date): void {
  cancelTimersLike(deps.db, [`${REMIND}:${id}`, `${MANAGERS}:${id}`], at);
}

function line(who: TranscriptLine['who'], name: string, at: Date, words: string): TranscriptLine {
  return { at: at.getTime(), who, name, text: words.trim() === '' ? '[…]' : words };
}

// ——— escalation ———

/**
 * Open a ticket for the member's conversation in this chat: tell them, post the card in the staff room. One member has
 * one open ticket (a repeat joins it); past `maxTicketsPerDay` new tickets a day, a request reopens their latest
 * ticket quietly (it is back in /queue, with no new card), so no member can flood the staff room.
 */
function escalate(ctx: SkillContext, signal: EscalationSignal, standing?: { tierId: string; points: number }): void {
  const { db, program, deployment } = ctx.deps;
  ctx.handled = true;
  const said = line('member', ctx.member.name, ctx.now, ctx.msg.text);
  const existing = openTicketOf(db, ctx.member.id);
  if (existing) {
    appendTranscript(db, existing.id, [said]);
    ctx.reply(text.alreadyOpen(ctx.lang, existing, existing.channel === ctx.msg.channel && existing.chatId === ctx.msg.chat));
    return;
  }
  const dayStart = startOfLocalDay(localDate(ctx.now, program.timezone), program.timezone);
  const today = ticketsOpenedSince(db, ctx.member.id, dayStart);
  const where = { channel: ctx.msg.channel, chatId: ctx.msg.chat, chatType: ctx.msg.chatType, platformId: ctx.msg.from.id, lang: ctx.lang };
  if (today.length >= program.escalation.maxTicketsPerDay) {
    const latest = today[today.length - 1]!;
    const reopened = inTransaction(db, () => {
      const t = reopenTicket(db, latest.id, where, [said], ctx.now);
      if (t) setSlaTimers(ctx.deps, t, ctx.now, `:${ctx.msg.id}`);
      return t;
    });
    if (reopened) {
      ctx.reply(text.opened(ctx.lang, reopened, Math.max(0, waitingTickets(db).findIndex((w) => w.id === reopened.id)), program.escalation.remindAfterMinutes));
      return;
    }
  }
  const s = standing ?? standingOf(ctx);
  const recent = recentMessagesOf(db, ctx.msg.channel, ctx.msg.chat, ctx.member.id, CARD_LINES - 1).map((m) =>
    line('member', ctx.member.name, new Date(m.at), m.text),
  );
  const reasonWhy = reasonLabel.en[signal.reason](program.escalation.misunderstoodInARow);
  const ticket = inTransaction(db, () => {
    const t = openTicket(
      db,
      {
        ...where,
        memberId: ctx.member.id,
        reason: signal.reason,
        detail: signal.detail,
        priority: signal.priority,
        tierId: s.tierId,
        points: s.points,
        transcript: [...recent, said],
        openMessageId: ctx.msg.id,
      },
      ctx.now,
      reasonWhy,
    );
    setSlaTimers(ctx.deps, t, ctx.now, '');
    return t;
  });
  const ahead = waitingTickets(db).findIndex((w) => w.id === ticket.id);
  ctx.reply(text.opened(ctx.lang, ticket, Math.max(0, ahead), program.escalation.remindAfterMinutes));
  const card = staffCard(ctx.deps, ticket, ctx.member.name);
  ctx.send({ channel: deployment.staffRoom.channel, chat: deployment.staffRoom.chat, text: card.text, buttons: card.buttons, kind: 'reply' });
}

/** The reminder and the managers' alert of a waiting ticket (a reopened ticket gets its own pair, keyed by `suffix`). */
function setSlaTimers(deps: HearthDeps, t: TicketRow, now: Date, suffix: string): void {
  const minute = 60_000;
  const { escalation } = deps.program;
  setTimer(deps.db, `${REMIND}:${t.id}${suffix}`, REMIND, new Date(now.getTime() + escalation.remindAfterMinutes * minute), { ticketId: t.id });
  setTimer(deps.db, `${MANAGERS}:${t.id}${suffix}`, MANAGERS, new Date(now.getTime() + escalation.managersAfterMinutes * minute), { ticketId: t.id });
}

function standingOf(ctx: SkillContext): { tierId: string; points: number } {
  const s = memberStanding(ctx.deps.db, ctx.deps.program, ctx.member.id, ctx.now);
  return { tierId: s.tier.id, points: s.points };
}

/**
 * Called by the fallback for a message nobody understood: counts it, and when it makes `misunderstoodInARow` in a row
 * opens a ticket instead. Returns true when it escalated (the fallback then says nothing itself).
 */
export function misunderstood(ctx: SkillContext): boolean {
  if (ctx.role !== 'member' || isStaffRoom(ctx)) {
    misunderstoodMessages.add(ctx);
    return false;
  }
  const run = misunderstoodRun(ctx.deps.db, ctx.msg.channel, ctx.msg.chat, ctx.member.id) + 1;
  const s = standingOf(ctx);
  const signal = escalationSignal(ctx.deps.program, { text: '', tierId: s.tierId, misunderstoodInARow: run });
  if (!signal) {
    misunderstoodMessages.add(ctx);
    return false;
  }
  escalate(ctx, signal, s);
  return true;
}

// ——— the gate and bridge ———

function relayStaffWords(ctx: SkillContext, t: TicketRow): void {
  const words = ctx.msg.text;
  if (words.trim() === '') return;
  appendTranscript(ctx.deps.db, t.id, [line('staff', ctx.member.name, ctx.now, words)]);
  ctx.send(toMember(t, words, 'bridge'));
}

function memberWordsWhileHandedOff(ctx: SkillContext, t: TicketRow): void {
  const { db } = ctx.deps;
  appendTranscript(db, t.id, [line('member', ctx.member.name, ctx.now, ctx.msg.text)]);
  if (t.state === 'staff' && t.staffChannel && t.staffChat) {
    const active = activeTicketOf(db, t.staffMemberId!)?.id === t.id;
    const lang = staffLangOf(ctx.deps, t.staffMemberId);
    const where = t.chatType === 'group' ? (lang === 'zh' ? `（群 ${t.chatId}）` : ` (in group ${t.chatId})`) : '';
    const hint = active ? '' : lang === 'zh' ? `（发送 /take ${t.id} 切换后回复）` : ` (send /take ${t.id} to reply)`;
    const words = ctx.msg.text.trim() === '' ? '[…]' : ctx.msg.text;
    const colon = lang === 'zh' ? '：' : ': ';
    ctx.send({ channel: t.staffChannel, chat: t.staffChat, text: `#${t.id} ${ctx.member.name}${where}${hint}${colon}${words}`, kind: 'bridge' });
    return;
  }
  // Waiting: the words join the transcript; the member hears "someone will be with you" once, and only when they
  // spoke to the bot (in a group, chatter with others gets nothing).
  if (ctx.addressed && markHeldNote(db, t.id, ctx.now)) ctx.reply(text.heldNote(ctx.lang));
}

const ratingPattern = /^([1-5])\s*(分|星|stars?|\/5)?\s*[!.。！~]*$/;

function tryRating(ctx: SkillContext): boolean {
  const { db, program } = ctx.deps;
  const action = /^rate:(\d+):([1-5])$/.exec(ctx.msg.action ?? '');
  let ticket: TicketRow | undefined;
  let rating: number;
  if (action) {
    ticket = getTicket(db, Number(action[1]));
    rating = Number(action[2]);
    if (!ticket || ticket.memberId !== ctx.member.id || ticket.state !== 'closed') return false;
  } else {
    const m = ratingPattern.exec(normalise(ctx.msg.text));
    if (!m) return false;
    const since = new Date(ctx.now.getTime() - program.escalation.ratingWindowMinutes * 60_000);
    ticket = ratableTicket(db, ctx.msg.channel, ctx.msg.chat, ctx.member.id, since);
    if (!ticket) return false;
    rating = Number(m[1]);
  }
  if (rateTicket(db, ticket.id, rating, ctx.now)) ctx.reply(text.thanksForRating(ctx.lang));
  ctx.handled = true;
  return true;
}

/** First skill: staff words → member, member words → staff, silence from the bot while staff own the conversation. */
export const handoffGate: Skill = {
  name: 'handoff-gate',
  async middleware(ctx, next) {
    const { db } = ctx.deps;
    if (isStaffRoom(ctx)) return next();
    // A staff member's private chat is the bridge to the member of their active ticket; commands still reach the bot.
    if (ctx.msg.chatType === 'private' && isStaff(ctx.role) && !ctx.command && !ctx.msg.action) {
      const active = activeTicketOf(db, ctx.member.id);
      if (active) {
        relayStaffWords(ctx, active);
        ctx.handled = true;
        return;
      }
      const held = ticketsHeldBy(db, ctx.member.id);
      if (held.length > 0) {
        const ids = held.map((t) => `#${t.id}`).join(', ');
        ctx.reply(
          ctx.lang === 'zh'
            ? `你手上有工单 ${ids}，但还没选定当前对话。发送 /take ${held[0]!.id} 继续。`
            : `You hold ${ids} but none is active. Send /take ${held[0]!.id} to continue.`,
        );
        ctx.handled = true;
        return;
      }
    }
    const conv = ctx.conversation;
    if (conv.state !== 'bot' && conv.ticketId !== null) {
      const t = getTicket(db, conv.ticketId);
      if (t && t.state !== 'closed') {
        ctx.handled = true;
        if (t.state === 'waiting' && isCommand(ctx, 'cancel')) {
          const before = wasCancelledBefore(db, t.id);
          inTransaction(db, () => {
            closeTicket(db, t.id, ctx.member.id, ctx.now, 'cancelled by the member');
            cancelSlaTimers(ctx.deps, t.id, ctx.now);
          });
          ctx.reply(text.cancelled(ctx.lang));
          if (before) return; // the staff room heard of this ticket's cancelling once already
          const lang = ctx.deps.program.escalation.staffLang;
          const room = ctx.deps.deployment.staffRoom;
          ctx.send({
            ...room,
            text: lang === 'zh' ? `#${t.id} ${ctx.member.name} 已取消请求。` : `#${t.id} ${ctx.member.name} cancelled their request.`,
            kind: 'reply',
          });
          return;
        }
        memberWordsWhileHandedOff(ctx, t);
        return;
      }
    }
    if (tryRating(ctx)) return;
    await next();
    if (ctx.msg.text.trim() !== '' && !ctx.msg.action) {
      const recent = {
        channel: ctx.msg.channel,
        chatId: ctx.msg.chat,
        memberId: ctx.member.id,
        at: ctx.now,
        text: ctx.msg.text,
        misunderstood: misunderstoodMessages.has(ctx),
      };
      ctx.afterHandled(() => recordRecentMessage(db, recent));
    }
  },
};

// ——— staff commands ———

/** Answer a staff command: in a member group the answer goes to the staff member's private chat, not to the members. */
function answer(ctx: SkillContext, out: string): void {
  if (ctx.msg.chatType === 'group' && !isStaffRoom(ctx)) ctx.send({ channel: ctx.msg.channel, chat: ctx.msg.from.id, text: out, kind: 'reply' });
  else ctx.reply(out);
}

/** The ticket a staff command names (`/take 3`), or the default one; answers and returns undefined when there is none. */
function ticketFromArg(
  ctx: SkillContext,
  arg: string,
  texts: { usage: string; fallback: () => TicketRow | undefined; none: string },
): TicketRow | undefined {
  if (arg.trim() === '') {
    const t = texts.fallback();
    if (!t) answer(ctx, texts.none);
    return t;
  }
  const id = parseTicketId(arg);
  if (id === undefined) {
    answer(ctx, texts.usage);
    return undefined;
  }
  const t = getTicket(ctx.deps.db, id);
  if (!t) answer(ctx, ctx.lang === 'zh' ? `没有工单 #${id}。` : `There is no ticket #${id}.`);
  return t;
}

function take(ctx: SkillContext, arg: string): void {
  const { db, deployment } = ctx.deps;
  ctx.handled = true;
  const lang = ctx.lang;
  if (!isStaff(ctx.role)) return ctx.reply(text.staffOnly(lang));
  const t = ticketFromArg(ctx, arg, {
    usage: lang === 'zh' ? '用法：/take 或 /take <工单号>，例如 /take 3。' : 'Usage: /take, or /take <ticket>, e.g. /take 3.',
    fallback: () => waitingTickets(db)[0],
    none: lang === 'zh' ? '现在没有人在排队。🎉' : 'No one is waiting right now. 🎉',
  });
  if (!t) return;
  const name = memberName(ctx.deps, t.memberId);
  if (t.state === 'closed') return answer(ctx, lang === 'zh' ? `工单 #${t.id} 已经结束了。` : `Ticket #${t.id} is already closed.`);
  if (t.state === 'staff') {
    if (t.staffMemberId !== ctx.member.id) {
      const owner = memberName(ctx.deps, t.staffMemberId);
      return answer(ctx, 
        lang === 'zh' ? `工单 #${t.id} 正由 ${owner} 处理，可以请 TA 用 /transfer 转给你。` : `Ticket #${t.id} is with ${owner} — ask them to /transfer it to you.`,
      );
    }
    setActiveTicket(db, ctx.member.id, t.id, ctx.now);
    return answer(ctx, 
      lang === 'zh' ? `已切换到工单 #${t.id}（${name}）。\n${bridgeHelp(lang, name)}` : `Switched to ticket #${t.id} (${name}).\n${bridgeHelp(lang, name)}`,
    );
  }
  const id = t.id;
  const taken = inTransaction(db, () => {
    const row = takeTicket(db, id, { memberId: ctx.member.id, channel: ctx.msg.channel, chat: ctx.msg.from.id }, ctx.now);
    if (row) cancelSlaTimers(ctx.deps, id, ctx.now);
    return row;
  });
  if (!taken) return answer(ctx, lang === 'zh' ? `工单 #${id} 刚被别人接手了。` : `Someone else just took ticket #${id}.`);
  ctx.send(toMember(taken, text.joined(taken.lang, ctx.member.name)));
  const summary = [
    lang === 'zh' ? `你已接手工单 #${id}。` : `You took ticket #${id}.`,
    ticketSummary(ctx.deps, lang, taken, name),
    bridgeHelp(lang, name),
  ].join('\n');
  const roomLang = ctx.deps.program.escalation.staffLang;
  const roomNote = roomLang === 'zh' ? `✅ 工单 #${id}（${name}）已由 ${ctx.member.name} 接手。` : `✅ Ticket #${id} (${name}) taken by ${ctx.member.name}.`;
  if (ctx.msg.chatType === 'private') {
    ctx.reply(summary);
    ctx.send({ ...deployment.staffRoom, text: roomNote, kind: 'reply' });
  } else {
    // The bridge is the staff member's private chat: where the bot may not write there yet, the room says how to open it.
    const bridge = ctx.deps.reach(ctx.member.id, 'bridge', { channel: ctx.msg.channel });
    const reachable = bridge?.channel === ctx.msg.channel && bridge.chat === ctx.msg.from.id;
    const note = reachable ? roomNote : `${roomNote}\n${text.openBridge(roomLang, ctx.member.name, name)}`;
    const opts = reachable ? {} : { buttons: [privateChatButton(roomLang)] };
    if (isStaffRoom(ctx)) ctx.reply(note, opts);
    else ctx.send({ ...deployment.staffRoom, text: note, kind: 'reply', ...opts });
    if (reachable) ctx.send({ channel: ctx.msg.channel, chat: ctx.msg.from.id, text: summary, kind: 'bridge' });
  }
}

function done(ctx: SkillContext, arg: string): void {
  const { db } = ctx.deps;
  ctx.handled = true;
  const lang = ctx.lang;
  if (!isStaff(ctx.role)) return ctx.reply(text.staffOnly(lang));
  const t = ticketFromArg(ctx, arg, {
    usage: lang === 'zh' ? '用法：/done 或 /done <工单号>。' : 'Usage: /done, or /done <ticket>.',
    fallback: () => activeTicketOf(db, ctx.member.id),
    none: lang === 'zh' ? '你当前没有进行中的工单。' : "You don't have an active ticket.",
  });
  if (!t) return;
  if (t.state === 'closed') return answer(ctx, lang === 'zh' ? `工单 #${t.id} 已经结束了。` : `Ticket #${t.id} is already closed.`);
  if (t.state === 'staff' && t.staffMemberId !== ctx.member.id && ctx.role !== 'manager') {
    const owner = memberName(ctx.deps, t.staffMemberId);
    return answer(ctx, lang === 'zh' ? `工单 #${t.id} 正由 ${owner} 处理。` : `Ticket #${t.id} is with ${owner}.`);
  }
  const wasTaken = t.state === 'staff';
  const id = t.id;
  const closed = inTransaction(db, () => {
    const row = closeTicket(db, id, ctx.member.id, ctx.now, wasTaken ? 'done' : 'closed without taking');
    cancelSlaTimers(ctx.deps, id, ctx.now);
    return row;
  });
  if (!closed) return answer(ctx, lang === 'zh' ? `工单 #${id} 已经结束了。` : `Ticket #${id} is already closed.`);
  const ratingButtons = wasTaken ? [1, 2, 3, 4, 5].map((n) => ({ label: String(n), data: `rate:${id}:${n}` })) : undefined;
  ctx.send(toMember(closed, text.handedBack(closed.lang, wasTaken), 'reply', ratingButtons));
  const name = memberName(ctx.deps, closed.memberId);
  const rest = ticketsHeldBy(db, ctx.member.id);
  const more =
    rest.length === 0
      ? ''
      : lang === 'zh'
        ? `\n你还有工单 ${rest.map((r) => `#${r.id}`).join(', ')}，发送 /take ${rest[0]!.id} 继续。`
        : `\nYou still hold ${rest.map((r) => `#${r.id}`).join(', ')} — send /take ${rest[0]!.id} to continue.`;
  answer(ctx, (lang === 'zh' ? `工单 #${id} 已结束，${name} 已交还机器人。` : `Closed ticket #${id}; ${name} is back with the bot.`) + more);
}

/** The staff member named in `/transfer`: a mention, their id here or with its channel (`telegram:123`), or a recent @handle. */
function findStaffTarget(ctx: SkillContext, token: string): MemberRow | undefined {
  const { db, deployment, program } = ctx.deps;
  const botId = deployment.channels[ctx.msg.channel]?.botId;
  const mentioned = (ctx.msg.mentions ?? []).find((m) => m !== botId);
  if (mentioned) return findMemberByPlatformId(db, ctx.msg.channel, mentioned);
  const bare = token.replace(/^@/, '');
  if (bare === '') return undefined;
  const ref = token.includes(':') ? parseRef(token) : undefined;
  if (ref && 'channel' in ref) return findMemberByPlatformId(db, ref.channel, ref.id);
  const here = findMemberByPlatformId(db, ctx.msg.channel, bare);
  if (here) return here;
  const ids = membersByHandle(db, ctx.msg.channel, bare, new Date(ctx.now.getTime() - program.handleRecentDays * 86_400_000));
  return ids.length === 1 ? getMember(db, ids[0]!) : undefined;
}

function transfer(ctx: SkillContext, args: string): void {
  const { db, deployment } = ctx.deps;
  ctx.handled = true;
  const lang = ctx.lang;
  if (!isStaff(ctx.role)) return ctx.reply(text.staffOnly(lang));
  const usage = lang === 'zh' ? '用法：/transfer <客服>（@提及、用户名或 ID），可加工单号。' : 'Usage: /transfer <staff> (a mention, username or id), optionally followed by a ticket number.';
  const [first = '', second = ''] = args.split(/\s+/).filter((w) => w !== '');
  if (first === '' && (ctx.msg.mentions ?? []).length === 0) return answer(ctx, usage);
  const target = findStaffTarget(ctx, first);
  if (!target) return answer(ctx, lang === 'zh' ? `找不到 ${first}，TA 需要先给我发一条消息。` : `I can't find ${first} — they need to message me once first.`);
  if (target.id === ctx.member.id) return answer(ctx, lang === 'zh' ? '不能转给你自己哦。' : "You can't pass a ticket to yourself.");
  if (!isStaff(roleOf(ctx.deps, target))) return answer(ctx, lang === 'zh' ? `${target.name} 不是客服人员。` : `${target.name} isn't on the support staff.`);
  let t: TicketRow | undefined;
  const explicit = second !== '' ? parseTicketId(second) : undefined;
  if (second !== '' && explicit === undefined) return answer(ctx, usage);
  t = explicit !== undefined ? getTicket(db, explicit) : activeTicketOf(db, ctx.member.id);
  if (!t) return answer(ctx, explicit !== undefined ? (lang === 'zh' ? `没有工单 #${explicit}。` : `There is no ticket #${explicit}.`) : lang === 'zh' ? '你当前没有进行中的工单。' : "You don't have an active ticket.");
  if (t.state !== 'staff') return answer(ctx, lang === 'zh' ? `工单 #${t.id} 不在处理中（先 /take 接手）。` : `Ticket #${t.id} isn't being handled (take it with /take first).`);
  if (t.staffMemberId !== ctx.member.id && ctx.role !== 'manager') {
    return answer(ctx, lang === 'zh' ? `工单 #${t.id} 不在你手上。` : `Ticket #${t.id} isn't yours to pass on.`);
  }
  const ids = identitiesOf(db, target.id);
  const end = ids.find((i) => i.channel === ctx.msg.channel) ?? ids.find((i) => i.channel === deployment.staffRoom.channel) ?? ids[0];
  if (!end) return answer(ctx, lang === 'zh' ? `找不到 ${target.name} 的私聊。` : `I can't reach ${target.name} privately.`);
  const makeActive = activeTicketOf(db, target.id) === undefined;
  const moved = transferTicket(db, t.id, ctx.member.id, { memberId: target.id, channel: end.channel, chat: end.platformId }, ctx.now, makeActive);
  if (!moved) return answer(ctx, lang === 'zh' ? `工单 #${t.id} 已经结束了。` : `Ticket #${t.id} is already closed.`);
  const name = memberName(ctx.deps, moved.memberId);
  const targetLang = staffLangOf(ctx.deps, target.id);
  const intro =
    targetLang === 'zh' ? `${ctx.member.name} 把工单 #${moved.id} 转给了你。` : `${ctx.member.name} passed you ticket #${moved.id}.`;
  const how = makeActive
    ? bridgeHelp(targetLang, name)
    : targetLang === 'zh'
      ? `发送 /take ${moved.id} 切换到这个工单。`
      : `Send /take ${moved.id} to switch to it.`;
  ctx.send({ channel: end.channel, chat: end.platformId, text: [intro, ticketSummary(ctx.deps, targetLang, moved, name), how].join('\n'), kind: 'reply' });
  ctx.send(toMember(moved, text.transferred(moved.lang, target.name)));
  answer(ctx, lang === 'zh' ? `已把工单 #${moved.id}（${name}）转给 ${target.name}。` : `Passed ticket #${moved.id} (${name}) to ${target.name}.`);
}

function queue(ctx: SkillContext): void {
  const { db, program } = ctx.deps;
  ctx.handled = true;
  const lang = ctx.lang;
  if (!isStaff(ctx.role)) return ctx.reply(text.staffOnly(lang));
  const waiting = waitingTickets(db);
  const lines: string[] = [];
  if (waiting.length === 0) lines.push(lang === 'zh' ? '现在没有人在排队。🎉' : 'No one is waiting right now. 🎉');
  else {
    lines.push(lang === 'zh' ? `排队中（${waiting.length}）：` : `Waiting (${waiting.length}):`);
    for (const t of waiting) {
      const vip = isVip(program, t.tierId) ? '⭐ ' : '';
      const tier = tierById(program, t.tierId).name[lang];
      const reason = reasonLabel[lang][t.reason](program.escalation.misunderstoodInARow);
      const waited = minutesText(lang, (ctx.now.getTime() - t.openedAt) / 60_000);
      lines.push(`#${t.id} ${vip}${memberName(ctx.deps, t.memberId)} · ${tier} · ${reason} · ${waited}`);
    }
    lines.push(lang === 'zh' ? '发送 /take 接手第一个。' : 'Send /take to take the first one.');
  }
  const held = ticketsHeldBy(db, ctx.member.id);
  if (held.length > 0) {
    const active = activeTicketOf(db, ctx.member.id)?.id;
    const mine = held.map((t) => `#${t.id} ${memberName(ctx.deps, t.memberId)}${t.id === active ? (lang === 'zh' ? '（当前）' : ' (active)') : ''}`).join(', ');
    lines.push(lang === 'zh' ? `你手上的：${mine}` : `Yours: ${mine}`);
  }
  answer(ctx, lines.join('\n'));
}

async function stats(ctx: SkillContext, arg: string): Promise<void> {
  ctx.handled = true;
  const lang = ctx.lang;
  if (!isNamedManager(ctx)) return ctx.reply(text.managersOnly(lang));
  const m = /^(\d{1,3})\s*(d|days?|天)?$/i.exec(arg.trim());
  const days = arg.trim() === '' ? 30 : m ? Number(m[1]) : NaN;
  if (!Number.isInteger(days) || days < 1 || days > 366) {
    return ctx.reply(lang === 'zh' ? '用法：/stats 或 /stats 7d（最近 N 天，1–366）。' : 'Usage: /stats, or /stats 7d for the last N days (1–366).');
  }
  const from = new Date(ctx.now.getTime() - days * 86_400_000);
  const f = handoffFigures(ticketsOpenedBetween(ctx.deps.db, from, new Date(ctx.now.getTime() + 1)));
  const none = '—';
  const dur = (v?: number) => (v === undefined ? none : minutesText(lang, v));
  const rating = f.averageRating === undefined ? none : `${f.averageRating.toFixed(1)}`;
  const waitingNow = waitingTickets(ctx.deps.db).length;
  ctx.reply(
    (lang === 'zh'
      ? [
          `人工服务（最近 ${days} 天）：`,
          `新建工单：${f.opened}`,
          `接手用时中位数：${dur(f.medianTakeMinutes)}`,
          `结束用时中位数：${dur(f.medianCloseMinutes)}`,
          `平均评分：${rating}${f.ratings > 0 ? `（${f.ratings} 个评分）` : ''}`,
          `当前排队：${waitingNow}`,
        ]
      : [
          `Handoff, last ${days} days:`,
          `Tickets opened: ${f.opened}`,
          `Median time to take: ${dur(f.medianTakeMinutes)}`,
          `Median time to close: ${dur(f.medianCloseMinutes)}`,
          `Average rating: ${rating}${f.ratings > 0 ? ` (${f.ratings} ${f.ratings === 1 ? 'rating' : 'ratings'})` : ''}`,
          `Waiting now: ${waitingNow}`,
        ]
    ).join('\n'),
  );
}

/** Staff commands, /stats, and a member's explicit /human 转人工. */
export const handoffCommands: Skill = {
  name: 'handoff-commands',
  async middleware(ctx, next) {
    const action = /^take:(\d+)$/.exec(ctx.msg.action ?? '');
    if (action) return take(ctx, action[1]!);
    if (isCommand(ctx, 'take')) return take(ctx, commandArgs(ctx, 'take'));
    if (isCommand(ctx, 'done')) return done(ctx, commandArgs(ctx, 'done'));
    if (isCommand(ctx, 'transfer')) return transfer(ctx, commandArgs(ctx, 'transfer'));
    if (isCommand(ctx, 'queue')) return queue(ctx);
    if (isCommand(ctx, 'stats')) return stats(ctx, commandArgs(ctx, 'stats'));
    if (!isStaffRoom(ctx) && isCommand(ctx, 'human')) {
      const s = standingOf(ctx);
      const vip = isVip(ctx.deps.program, s.tierId);
      return escalate(ctx, { reason: 'request', priority: priorityOf('request', vip), vip, detail: ctx.msg.text.trim().slice(0, 40) }, s);
    }
    return next();
  },
};

/** Spots messages for a person (complaints, high-value intent, requests, VIPs asking for help) before the bot answers. */
export const escalationSkill: Skill = {
  name: 'escalation',
  async middleware(ctx, next) {
    if (ctx.handled || !ctx.addressed || ctx.command || ctx.msg.action || ctx.role !== 'member' || isStaffRoom(ctx)) return next();
    const { program } = ctx.deps;
    // Most messages carry no signal at all: only read the member's standing when one is possible.
    if (!escalationSignal(program, { text: ctx.msg.text, tierId: program.tiers[0]!.id }) && !asksForHelp(ctx.msg.text)) return next();
    const s = standingOf(ctx);
    const signal = escalationSignal(program, { text: ctx.msg.text, tierId: s.tierId });
    if (!signal) return next();
    escalate(ctx, signal, s);
  },
};

// ——— SLA timers ———

function payloadTicket(deps: HearthDeps, payload: Record<string, unknown>): TicketRow | undefined {
  const id = typeof payload.ticketId === 'number' ? payload.ticketId : undefined;
  const t = id !== undefined ? getTicket(deps.db, id) : undefined;
  return t?.state === 'waiting' ? t : undefined;
}

function remind(deps: HearthDeps, t: TicketRow, now: Date): void {
  const lang = deps.program.escalation.staffLang;
  const name = memberName(deps, t.memberId);
  const waited = minutesText(lang, (now.getTime() - t.openedAt) / 60_000);
  const roomText =
    lang === 'zh'
      ? `⏰ 工单 #${t.id}（${name}，${reasonLabel.zh[t.reason](deps.program.escalation.misunderstoodInARow)}）已等待 ${waited}，还没有人接手。发送 /take ${t.id}。`
      : `⏰ Ticket #${t.id} (${name}, ${reasonLabel.en[t.reason](deps.program.escalation.misunderstoodInARow)}) has waited ${waited} and no one has taken it. Send /take ${t.id}.`;
  inTransaction(deps.db, () => {
    deps.queue(`${REMIND}:${t.id}:room`, { ...deps.deployment.staffRoom, text: roomText, buttons: [takeButton(lang, t.id)], kind: 'reply' }, now);
    deps.queue(`${REMIND}:${t.id}:member`, toMember(t, text.remindMember(t.lang)), now);
  });
}

/** Managers to alert: from the store (role manager) and the program file, each with their private chat if they opened one. */
function managersOf(deps: HearthDeps): { name: string; platformId: string; canMessagePrivately: boolean; lang: Lang }[] {
  const channel = deps.deployment.staffRoom.channel;
  const found = new Map<string, { name: string; platformId: string; canMessagePrivately: boolean; lang: Lang }>();
  for (const m of membersWithRole(deps.db, 'manager', channel)) {
    if (m.platformId) found.set(m.platformId, { name: m.name, platformId: m.platformId, canMessagePrivately: m.canMessagePrivately, lang: staffLangOf(deps, m.memberId) });
  }
  for (const entry of deps.program.managers) {
    const ref = parseRef(entry);
    // Alerts go out on the staff room's channel: a manager named on another channel is reached there by the room.
    if (!('channel' in ref) || ref.channel !== channel || found.has(ref.id)) continue;
    const member = findMemberByPlatformId(deps.db, channel, ref.id);
    const identity = member ? identitiesOf(deps.db, member.id).find((i) => i.channel === channel && i.platformId === ref.id) : undefined;
    found.set(ref.id, { name: member?.name ?? ref.id, platformId: ref.id, canMessagePrivately: identity?.canMessagePrivately ?? false, lang: staffLangOf(deps, member?.id ?? null) });
  }
  return [...found.values()];
}

function alertManagers(deps: HearthDeps, t: TicketRow, now: Date): void {
  const name = memberName(deps, t.memberId);
  const alert = (lang: Lang) => {
    const waited = minutesText(lang, (now.getTime() - t.openedAt) / 60_000);
    const tier = tierById(deps.program, t.tierId).name[lang];
    const reason = reasonLabel[lang][t.reason](deps.program.escalation.misunderstoodInARow);
    return lang === 'zh'
      ? `⚠️ 工单 #${t.id}（${name} · ${tier} · ${reason}）已等待 ${waited}，仍无人接手。发送 /take ${t.id}。`
      : `⚠️ Ticket #${t.id} (${name} · ${tier} · ${reason}) has waited ${waited} and still no one has taken it. Send /take ${t.id}.`;
  };
  const room = deps.deployment.staffRoom;
  const roomLang = deps.program.escalation.staffLang;
  const managers = managersOf(deps);
  const inRoom = managers.filter((m) => !m.canMessagePrivately);
  inTransaction(deps.db, () => {
    for (const m of managers.filter((x) => x.canMessagePrivately)) {
      deps.queue(`${MANAGERS}:${t.id}:${m.platformId}`, { channel: room.channel, chat: m.platformId, text: alert(m.lang), kind: 'reply' }, now);
    }
    if (inRoom.length > 0 || managers.length === 0) {
      // The managers who cannot be written to privately are mentioned in the room: the channel shows the mentions.
      const mentions = inRoom.map((m) => m.platformId);
      deps.queue(
        `${MANAGERS}:${t.id}:room`,
        { ...room, text: alert(roomLang), buttons: [takeButton(roomLang, t.id)], kind: 'reply', ...(mentions.length > 0 ? { mentions } : {}) },
        now,
      );
    }
  });
}

/** The handoff module: gate and bridge, staff commands and /human; goes first in skillModules(). */
export const handoffModule: SkillModule = {
  skills: [handoffGate, handoffCommands],
  install(hearth) {
    hearth.scheduler.onTimer(REMIND, (timer, now) => {
      const t = payloadTicket(hearth.deps, timer.payload);
      if (t) remind(hearth.deps, t, now);
    });
    hearth.scheduler.onTimer(MANAGERS, (timer, now) => {
      const t = payloadTicket(hearth.deps, timer.payload);
      if (t) alertManagers(hearth.deps, t, now);
    });
  },
};

/** Escalation detection: after the command skills, before the ask skill and the fallback. */
export const escalationModule: SkillModule = { skills: [escalationSkill] };
