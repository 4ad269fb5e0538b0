// What staff read of a ticket: why it was opened, how long it has waited, the summary that heads a card or a private
// note (who, tier, points, where, the last messages), the staff-room card with its Take button, and the bridge's help.
import type { Button, Lang } from '../../bot/core/types';
import type { Program } from '../../community/program';
import { isVip, type EscalationReason } from '../../community/escalation';
import { addDays, localDate, localTime } from '../../community/calendar';
import { formatDate } from '../../community/nudges';
import { tierById } from '../../community/tiers';
import type { TicketRow } from '../../store/tickets';
import { handoffCopy } from './copy';

/** Whom staff words are for: their language, and the program (its overrides, tiers and settings). */
export type StaffAudience = { readonly lang: Lang; readonly program: Program };

/** How many of the member's last messages a card shows. */
export const CARD_LINES = 5;
/** A staff card never grows past this: one member's long messages must not flood the staff room. */
const CARD_MAX_CHARS = 1500;
const CARD_LINE_CHARS = 200;

const reasonLines = {
  request: 'reasonRequest',
  complaint: 'reasonComplaint',
  'high-value': 'reasonHighValue',
  'vip-help': 'reasonVipHelp',
} as const;

/** Why a ticket was opened, in a few words. */
export function reasonText(to: StaffAudience, reason: EscalationReason): string {
  if (reason === 'misunderstood') return handoffCopy.say(to, 'reasonMisunderstood', { count: to.program.escalation.misunderstoodInARow });
  return handoffCopy.say(to, reasonLines[reason]);
}

/** A span of minutes: "under a minute", "12 min", "1 h 5 min". */
export function durationText(to: StaffAudience, minutes: number): string {
  const say = handoffCopy.to(to);
  if (minutes < 1) return say('underAMinute');
  const m = Math.round(minutes);
  if (m < 60) return say('minutes', { minutes: m });
  const hours = Math.floor(m / 60);
  const rest = m % 60;
  return rest ? say('hoursMinutes', { hours, minutes: rest }) : say('hours', { hours });
}

/** How long a ticket has waited by `now`. */
export function waitedText(to: StaffAudience, t: TicketRow, now: Date): string {
  return durationText(to, (now.getTime() - t.openedAt) / 60_000);
}

function clip(words: string, max: number): string {
  return [...words].length > max ? `${[...words].slice(0, max - 1).join('')}…` : words;
}

function transcriptText(program: Program, t: TicketRow, limit = CARD_LINES): string {
  return t.transcript
    .slice(-limit)
    .map((l) => `${localTime(new Date(l.at), program.timezone)} ${l.name}: ${clip(l.text.replace(/\s+/g, ' '), CARD_LINE_CHARS)}`)
    .join('\n');
}

/** Who, tier, points, why and the last messages: the top of a staff card or a staff member's private summary. */
export function ticketSummary(to: StaffAudience, t: TicketRow, name: string): string {
  const say = handoffCopy.to(to);
  const where = t.chatType === 'private' ? say('wherePrivate') : say('whereGroup', { chat: t.chatId });
  const detail = t.detail ? say('summaryDetail', { words: t.detail }) : '';
  const lines = [
    say('summary', { name, tier: tierById(to.program, t.tierId).name[to.lang], points: t.points, where }),
    say('summaryReason', { reason: reasonText(to, t.reason), detail }),
  ];
  const transcript = transcriptText(to.program, t);
  if (transcript) lines.push(say('summaryLastMessages'), transcript);
  return lines.join('\n');
}

/**
 * The card a new ticket posts in the staff room, in the room's language; `latestChange` explains the member's latest
 * points or tier change. A group ticket also offers to invite the member to a private chat; a silent one (seen in a
 * group, nothing said to the member) says so; out of support hours it says when the reminders start counting.
 */
export function staffCard(
  program: Program,
  t: TicketRow,
  name: string,
  latestChange?: string,
  opts: { silent?: boolean; opensAt?: Date } = {},
): { text: string; buttons: Button[] } {
  const room = { lang: program.escalation.staffLang, program };
  const say = handoffCopy.to(room);
  const hours = opts.opensAt ? say('outOfHours', { when: whenText(room, opts.opensAt, new Date(t.openedAt)) }) : '';
  const head = say('card', { id: t.id, vip: isVip(program, t.tierId) ? say('cardVip') : '' }) + hours;
  const lines = [head, ticketSummary(room, t, name), ...(latestChange ? [latestChange] : [])];
  if (opts.silent) lines.push(say('cardSilent'));
  lines.push(say('cardHowToTake', { id: t.id }));
  if (t.chatType === 'group') lines.push(say('cardHowToInvite', { id: t.id }));
  const buttons = [takeButton(room, t.id), ...(t.chatType === 'group' ? [inviteButton(room, t.id)] : [])];
  return { text: clip(lines.join('\n'), CARD_MAX_CHARS), buttons };
}

/** The button that invites the member of group ticket `id` to a private chat. */
export function inviteButton(to: StaffAudience, id: number): Button {
  return { label: handoffCopy.say(to, 'inviteButton'), data: `invite:${id}` };
}

/** When support opens, in local time as a person says it: "明天 09:00", "09:00 tomorrow", "09:00 on 9 Mar 2026". */
export function whenText(to: StaffAudience, at: Date, now: Date): string {
  const tz = to.program.timezone;
  const time = localTime(at, tz);
  const day = localDate(at, tz);
  const today = localDate(now, tz);
  if (day === today) return handoffCopy.say(to, 'whenToday', { time });
  if (day === addDays(today, 1)) return handoffCopy.say(to, 'whenTomorrow', { time });
  return handoffCopy.say(to, 'whenDate', { time, date: formatDate(day, to.lang) });
}

/** The button that takes ticket `id`. */
export function takeButton(to: StaffAudience, id: number): Button {
  return { label: handoffCopy.say(to, 'takeButton'), data: `take:${id}` };
}

/** How the bridge works, for the staff member now talking to `name`. */
export function bridgeHelp(to: StaffAudience, name: string): string {
  return handoffCopy.say(to, 'bridgeHelp', { name });
}
