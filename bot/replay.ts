// `hearth replay`: runs a replay file through the real engine, skills, store and scheduler on a virtual clock.
import { issueBindCode, SHOP_CHANNEL } from '../store/binding';
import { bindMember } from '../skills/bind';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { openDatabase } from '../store/db';
import { inviteSecret } from '../store/invites';
import { ensureMember, memberIdByPlatformId, setRole, updateProfile } from '../store/members';
import { nextDueTime } from '../store/outbox';
import type { Program } from '../community/program';
import { VirtualClock } from './core/clock';
import { createHearth, type Hearth } from './hearth';
import type { ModelSetup } from './core/assistant';
import { createReplayChannel } from './channels/replay';
import type { ReplayLine } from './replay-format';
import { LOCAL_BOT_ID, localDeployment } from './deployment';

/** The bot's own id in replay files: mention it as "hearth". */
export const REPLAY_BOT_ID = LOCAL_BOT_ID;
const START = new Date('2026-01-01T00:00:00Z');

/** Run parsed replay events; every message the bot sends is passed to `write` as one JSON line, in send order. */
export async function runReplay(
  lines: ReplayLine[],
  options: { program: Program; dbPath?: string; log: Logger; write: (line: string) => void; llm?: ModelSetup },
): Promise<void> {
  const tempDir = options.dbPath ? undefined : mkdtempSync(join(tmpdir(), 'hearth-replay-'));
  const db = openDatabase(options.dbPath ?? join(tempDir!, 'replay.db'));
  // A throwaway database gets a fixed invite secret, so a script can use the codes a run hands out; a real one keeps its own.
  if (tempDir) inviteSecret(db, 'replay');
  // A replay is a simulation that is run again rather than recovered, so its database (throwaway, or kept with --db to
  // look at) need not survive a power cut: skipping fsync makes long replays several times faster.
  db.$client.pragma('synchronous = OFF');
  try {
    const firstAt = lines.find((l) => l.event.at !== undefined)?.event.at;
    const clock = new VirtualClock(firstAt ? new Date(firstAt) : START);
    const channels = new Set(['console', ...lines.flatMap((l) => ('channel' in l.event ? [l.event.channel] : []))]);
    // Scripts have no setup step: every group is the community's, and each channel they name writes JSON lines.
    const deployment = localDeployment([...channels]);
    const replayChannels = [...channels].map((name) => createReplayChannel({ name, clock, timezone: options.program.timezone, write: options.write }));
    const hearth = createHearth({ db, program: options.program, clock, log: options.log, deployment, channels: replayChannels, llm: options.llm });
    const flush = async () => {
      await hearth.engine.idle();
      await hearth.dispatcher.flush(clock.now());
    };
    for (const { event } of lines) {
      if (event.at !== undefined) await advance(hearth, clock, new Date(event.at), flush);
      await applyEvent(hearth, event, clock.now());
      await flush();
      // What an event set due at once (a model's group read, a card's summary) runs before the next, as live within seconds.
      if ((await hearth.scheduler.fireTimers(clock.now())) > 0) await flush();
    }
  } finally {
    db.$client.close();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
}

async function advance(hearth: Hearth, clock: VirtualClock, to: Date, flush: () => Promise<void>): Promise<void> {
  await hearth.scheduler.advanceTo(clock.now(), to, {
    setClock: (t) => clock.set(t),
    afterStep: flush,
    // Only rows that come due later: a row due now with no sender for its channel must not wake the clock forever.
    nextWake: () => nextDueTime(hearth.deps.db, clock.now().getTime()),
  });
}

/** Who an order names: a member on a channel, or a shop customer (whose points wait in the shop's namespace). */
function buyerOf(event: { channel: string; member?: string; customer?: string }): { channel: string; member: string } {
  return event.customer !== undefined ? { channel: SHOP_CHANNEL, member: event.customer } : { channel: event.channel, member: event.member! };
}

/** The member behind an id on a channel, created on first sight (a role or a profile may come before their first message). */
function memberFor(hearth: Hearth, channel: string, platformId: string, at: Date): number {
  // Setting a role or a profile is not the member being active: only a new member is created here.
  return memberIdByPlatformId(hearth.deps.db, platformId, channel) ?? ensureMember(hearth.deps.db, { channel, platformId, at }).id;
}

async function applyEvent(hearth: Hearth, event: ReplayLine['event'], now: Date): Promise<void> {
  switch (event.type) {
    case 'message':
      await hearth.handleMessage({
        id: event.id,
        channel: event.channel,
        chat: event.chat,
        chatType: event.chatType,
        from: { id: event.from, name: event.name, lang: event.lang },
        text: event.text,
        replyTo: event.replyTo,
        mentions: event.mentions,
        action: event.action,
        at: now,
      });
      return;
    case 'purchase':
      await hearth.handleOrder({ kind: 'purchase', ...buyerOf(event), orderId: event.orderId, amount: event.amount, at: now });
      return;
    case 'refund':
      await hearth.handleOrder({ kind: 'refund', ...buyerOf(event), orderId: event.orderId, amount: event.amount, at: now, ...(event.refundId ? { refundId: event.refundId } : {}) });
      return;
    case 'join':
      await hearth.handleJoin({ channel: event.channel, chat: event.chat, from: { id: event.from, name: event.name }, at: now, inviteCode: event.invite });
      return;
    case 'role':
      setRole(hearth.deps.db, memberFor(hearth, event.channel, event.member, now), event.role);
      return;
    case 'profile':
      updateProfile(hearth.deps.db, memberFor(hearth, event.channel, event.member, now), { birthday: event.birthday, lang: event.lang, name: event.name });
      return;
    case 'tick':
      return;
    case 'bind': {
      const memberId = memberFor(hearth, event.channel, event.member, now);
      const { code } = issueBindCode(hearth.deps.db, event.customer, now, 1);
      const outcome = bindMember(hearth.deps, memberId, code, now);
      if (outcome.status !== 'bound' && outcome.status !== 'already') hearth.deps.log.warn({ outcome, member: event.member }, 'replay bind refused');
      return;
    }
  }
}
