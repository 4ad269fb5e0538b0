// Where a member can be reached, decided in one place for every skill, the runtime's rerouting and (in SQL with the
// same rule) the nudge audience. Consent first: the bot writes privately on its own (a nudge, a notice) only to a
// member who opened a private chat with it. What the member asked for (a secret) or staff need (the bridge) may also
// go to a private chat the channel lets the bot open. Otherwise — never for a secret — the staff room for staff words,
// or the member's latest group, mentioning them.
import type { HearthDeps, ReachPurpose, Target } from './core/skill';
import type { Db } from '../store/db';
import { getMember, identitiesOf, latestGroupOf, markCanMessagePrivately, memberIdByPlatformId } from '../store/members';
import { namedRole } from '../skills/authority';
import { privateChatButton } from '../skills/private';
import type { OutboxRow } from '../store/outbox';
import { runtimeCopy } from './copy';

/** Where `memberId` can be reached for `purpose` on the channels running now (`opts.channel` first). */
export function reach(deps: Pick<HearthDeps, 'db' | 'program' | 'deployment'>, memberId: number, purpose: ReachPurpose, opts: { channel?: string } = {}): Target | undefined {
  const { db, deployment } = deps;
  const running = Object.keys(deployment.channels);
  if (purpose === 'celebration') return groupTarget(db, memberId, running);
  const ids = identitiesOf(db, memberId).filter((i) => running.includes(i.channel));
  ids.sort((a, b) => Number(b.channel === opts.channel) - Number(a.channel === opts.channel));
  // The store's flag: set when the member writes to the bot privately, cleared when a platform refuses a private message.
  const opened = ids.find((i) => i.canMessagePrivately);
  if (opened) return { channel: opened.channel, chat: opened.platformId };
  if (purpose === 'secret' || purpose === 'bridge') {
    const writable = ids.find((i) => deployment.channels[i.channel]?.capabilities.privateMessages === 'anyone');
    if (writable) return { channel: writable.channel, chat: writable.platformId };
  }
  if (purpose === 'secret') return undefined;
  if (purpose === 'bridge') {
    const member = getMember(db, memberId);
    const room = deployment.staffRoom;
    const there = ids.find((i) => i.channel === room.channel);
    const role = member && there ? namedRole(deps, there.channel, there.platformId, member) : 'member';
    // Ticket details and staff words must not land in a members' group: staff are reached in the staff room.
    if (there && (role === 'staff' || role === 'manager')) return { channel: room.channel, chat: room.chat, mention: there.platformId };
  }
  return groupTarget(db, memberId, running);
}

function groupTarget(db: Db, memberId: number, channels: string[]): Target | undefined {
  const g = latestGroupOf(db, memberId, channels);
  return g ? { channel: g.channel, chat: g.chat, mention: g.platformId } : undefined;
}

/**
 * A channel said a private chat cannot be written to: remember it, and send the message where the member can be
 * reached instead (their group, mentioning them, with a button to open the private chat; the staff room for staff).
 * A secret itself goes nowhere else: the group hears only that it could not be delivered. True when a row was queued.
 */
export function reroute(deps: Pick<HearthDeps, 'db' | 'program' | 'deployment' | 'queue' | 'log'>, row: OutboxRow, now: Date): boolean {
  const { db } = deps;
  markCanMessagePrivately(db, row.channel, row.chat, false);
  // A private chat's id is the member's platform id on that channel.
  const member = memberIdByPlatformId(db, row.chat, row.channel);
  if (member === undefined) return false;
  const target = reach(deps, member, row.kind === 'bridge' ? 'bridge' : 'nudge', { channel: row.channel });
  if (!target || (target.channel === row.channel && target.chat === row.chat)) {
    deps.log.info({ outboxId: row.id, chat: row.chat }, 'a private message could not be delivered and the member has no group to hear it');
    return false;
  }
  const lang = getMember(db, member)?.lang ?? 'en';
  const say = runtimeCopy.to({ lang, program: deps.program });
  const text = row.secret ? say('secretUndelivered') : row.text;
  const buttons = [...(row.secret ? [] : (row.buttons ?? []).filter((b) => !b.privateChat)), privateChatButton({ lang, program: deps.program })];
  const mentions = target.mention ? { mentions: [target.mention] } : {};
  deps.queue(`${row.key}:rerouted`, { channel: target.channel, chat: target.chat, text, kind: row.kind, buttons, ...mentions }, now);
  return true;
}

