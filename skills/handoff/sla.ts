// The SLA timers of a waiting ticket, counted in support hours: after `remindAfterMinutes` the staff room is reminded
// and the member hears "sorry for the wait"; after `managersAfterMinutes` managers are alerted — privately where they opened a chat with
// the bot, else mentioned in the staff room. Taking, closing or cancelling the ticket cancels both.
import type { HearthDeps, ModuleHost } from '../../bot/core/skill';
import type { Lang } from '../../bot/core/types';
import { parseRef } from '../../community/refs';
import { tierById } from '../../community/tiers';
import { inTransaction } from '../../store/db';
import { cancelTimersLike, setTimer } from '../../store/jobs';
import { findMemberByPlatformId, identitiesOf } from '../../store/members';
import { conversationHeldBy, getTicket, membersWithRole, type TicketRow } from '../../store/tickets';
import { afterSupportMinutes } from '../../community/support-hours';
import { inviteButton, reasonText, takeButton, waitedText } from './cards';
import { handoffCopy } from './copy';
import { memberName, staffLangOf, toMember } from './people';

const REMIND = 'handoff-remind';
const MANAGERS = 'handoff-managers';

/**
 * The reminder and the managers' alert of a waiting ticket (a reopened ticket gets its own pair, keyed by `suffix`).
 * Both count support minutes only: a ticket opened at 03:00 with support from 09:00 is reminded at 09:10, not at 03:10
 * (and never, when support never opens again).
 */
export function setSlaTimers(deps: HearthDeps, t: TicketRow, now: Date, suffix: string): void {
  const { escalation, support, timezone } = deps.program;
  const remindAt = afterSupportMinutes(support, timezone, now, escalation.remindAfterMinutes);
  const alertAt = afterSupportMinutes(support, timezone, now, escalation.managersAfterMinutes);
  if (remindAt) setTimer(deps.db, `${REMIND}:${t.id}${suffix}`, REMIND, remindAt, { ticketId: t.id });
  if (alertAt) setTimer(deps.db, `${MANAGERS}:${t.id}${suffix}`, MANAGERS, alertAt, { ticketId: t.id });
}

/** Cancel every SLA timer of a ticket (its first pair and any a reopening set). */
export function cancelSlaTimers(deps: HearthDeps, id: number, at: Date): void {
  cancelTimersLike(deps.db, [`${REMIND}:${id}`, `${MANAGERS}:${id}`], at);
}

/** The ticket a timer is about, while it still waits for someone to take it. */
function payloadTicket(deps: HearthDeps, payload: Record<string, unknown>): TicketRow | undefined {
  const id = typeof payload.ticketId === 'number' ? payload.ticketId : undefined;
  const t = id !== undefined ? getTicket(deps.db, id) : undefined;
  return t?.state === 'waiting' ? t : undefined;
}

function remind(deps: HearthDeps, t: TicketRow, now: Date): void {
  const room = { lang: deps.program.escalation.staffLang, program: deps.program };
  const roomText = handoffCopy.say(room, 'remindStaff', { id: t.id, name: memberName(deps, t.memberId), reason: reasonText(room, t.reason), waited: waitedText(room, t, now) });
  const sorry = handoffCopy.say({ lang: t.lang, program: deps.program }, 'sorryForTheWait');
  // A silent ticket (seen in a group, the member never told) has no one waiting to apologise to.
  const told = conversationHeldBy(deps.db, t);
  const buttons = [takeButton(room, t.id), ...(t.chatType === 'group' ? [inviteButton(room, t.id)] : [])];
  inTransaction(deps.db, () => {
    deps.queue(`${REMIND}:${t.id}:room`, { ...deps.deployment.staffRoom, text: roomText, buttons, kind: 'reply' }, now);
    if (told) deps.queue(`${REMIND}:${t.id}:member`, toMember(t, sorry), now);
  });
}

interface ManagerEnd {
  name: string;
  platformId: string;
  canMessagePrivately: boolean;
  lang: Lang;
}

/** Managers to alert: from the store (role manager) and the program file, each with their private chat if they opened one. */
function managersOf(deps: HearthDeps): ManagerEnd[] {
  const channel = deps.deployment.staffRoom.channel;
  const found = new Map<string, ManagerEnd>();
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
    const to = { lang, program: deps.program };
    const tier = tierById(deps.program, t.tierId).name[lang];
    return handoffCopy.say(to, 'alertManagers', { id: t.id, name, tier, reason: reasonText(to, t.reason), waited: waitedText(to, t, now) });
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
        { ...room, text: alert(roomLang), buttons: [takeButton({ lang: roomLang, program: deps.program }, t.id)], kind: 'reply', ...(mentions.length > 0 ? { mentions } : {}) },
        now,
      );
    }
  });
}

/** Register the two timers' handlers: each acts only while its ticket still waits. */
export function installSlaTimers(host: ModuleHost): void {
  host.scheduler.onTimer(REMIND, (timer, now) => {
    const t = payloadTicket(host.deps, timer.payload);
    if (t) remind(host.deps, t, now);
  });
  host.scheduler.onTimer(MANAGERS, (timer, now) => {
    const t = payloadTicket(host.deps, timer.payload);
    if (t) alertManagers(host.deps, t, now);
  });
}
