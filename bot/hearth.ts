// Assembles a running Hearth: the engine with its skills in order, the scheduler, the outbox dispatcher, the channels
// it delivers through, the runtime's services for skills (queue, reach, private links) and the handlers for
// non-message events (purchases, refunds, joins). Live runs, the console and replay all build this.
import { runtimeCopy } from './copy';
import { detectLanguage } from '../community/language';
import { bindModule } from '../skills/bind';
import { profileModule } from '../skills/profile';
import type { Logger } from 'pino';
import type { Db } from '../store/db';
import type { Program } from '../community/program';
import type { Clock } from './core/clock';
import type { Channel } from './core/channel';
import type { Deployment, EventHandlers, HearthDeps, ModuleHost, OrderEvent, SkillModule } from './core/skill';
import { Engine, type InboundEvent, type Receipt } from './engine';
import { Health } from './health';
import { Scheduler } from './scheduler';
import { OutboxDispatcher, queueOutbound } from './outbox';
import { reach, reroute } from './reach';
import type { LimiterClock } from './rate-limiter';
import type { InboundMessage, JoinEvent } from './core/types';
import { helpSkill } from '../skills/help';
import { groupsModule } from '../skills/groups';
import { fallbackSkill } from '../skills/fallback';
import { askModule } from '../skills/ask';
import { escalationModule, handoffModule } from '../skills/handoff';
import { nudgesModule } from '../skills/nudges';
import { checkinModule } from '../skills/checkin';
import { badgesModule } from '../skills/badges';
import { ugcModule } from '../skills/ugc';
import { welcomeModule } from '../skills/welcome';
import { pointsModule } from '../skills/points';
import { lookupModule } from '../skills/lookup';
import { redeemModule } from '../skills/redeem';
import { grantModule } from '../skills/grant';
import { orderModule } from '../skills/orders';
import { tierModule } from '../skills/tiers';
import { expiryModule } from '../skills/expiry';
import { privacyModule } from '../skills/privacy';
import { retentionModule } from '../skills/retention';
import { assistantModule } from '../skills/assistant';
import type { ModelSetup } from './core/assistant';
import { statementModule } from '../skills/statement';

/** The skills, in the order the engine runs them. Handoff's bridge and gate come first; escalation after the commands, before the ask skill; the fallback last. */
export function skillModules(): SkillModule[] {
  return [handoffModule, { skills: [helpSkill] }, bindModule, profileModule, groupsModule, privacyModule, checkinModule, badgesModule, ugcModule, welcomeModule, nudgesModule, lookupModule, pointsModule, redeemModule, grantModule, orderModule, tierModule, expiryModule, retentionModule, escalationModule, statementModule, askModule, assistantModule, { skills: [fallbackSkill] }];
}

/** A running Hearth: what modules are installed on (a ModuleHost), and what channels and live runs drive. */
export interface Hearth extends ModuleHost {
  /** What is wrong right now (read by /health). */
  health: Health;
  engine: Engine;
  scheduler: Scheduler;
  dispatcher: OutboxDispatcher;
  /** Deliver a channel's messages through it (and ask it about group admins and private links). */
  addChannel(channel: Channel, clock?: LimiterClock): void;
  /** Record an event from a channel; resolves once it is durably recorded (then acknowledge it), before it is handled. */
  receive(event: InboundEvent): Promise<Receipt>;
  /** Record and handle a message, resolving once it is handled (replay, the console, tests). */
  handleMessage(msg: InboundMessage): Promise<void>;
  /** Record and handle a member joining a group. */
  handleJoin(evt: JoinEvent): Promise<void>;
  /** Record a purchase or refund. */
  handleOrder(evt: OrderEvent): Promise<void>;
}

/** Build Hearth over an open database with a program, a clock and where things are; `channels` deliver its messages. */
export function createHearth(options: {
  db: Db;
  program: Program;
  clock: Clock;
  log: Logger;
  deployment: Deployment;
  channels?: Channel[];
  /** Overrides the channels' own answer (tests). */
  isGroupAdmin?: HearthDeps['isGroupAdmin'];
  modules?: SkillModule[];
  health?: Health;
  /** The language model for what the fast path cannot answer; none by default. */
  llm?: ModelSetup;
}): Hearth {
  const channels = new Map<string, Channel>();
  const health = options.health ?? new Health();
  const deps: HearthDeps = {
    db: options.db,
    program: options.program,
    clock: options.clock,
    log: options.log,
    deployment: options.deployment,
    health,
    isGroupAdmin:
      options.isGroupAdmin ??
      (async (channel, chat, platformId) => {
        const c = channels.get(channel);
        return c?.isGroupAdmin ? c.isGroupAdmin(chat, platformId) : false;
      }),
    queue: (key, msg, at) => queueOutbound(deps, key, msg, at),
    reach: (memberId, purpose, opts) => reach(deps, memberId, purpose, opts),
    privateLink: (channel, payload) => channels.get(channel)?.privateLink?.(payload),
    showTyping: (channel, chat) => void channels.get(channel)?.showTyping?.(chat),
    llm: options.llm,
  };
  const engine = new Engine(deps);
  const scheduler = new Scheduler({ db: deps.db, log: deps.log, timezone: deps.program.timezone });
  const dispatcher = new OutboxDispatcher({
    db: deps.db,
    log: deps.log,
    health: deps.health,
    unreachable: (row, now) => reroute(deps, row, now),
    privateChatHint: (text) => runtimeCopy.say({ lang: detectLanguage(text) ?? 'en', program: deps.program }, 'privateChatHint'),
  });
  const events: EventHandlers = { join: [], order: [] };
  engine.onJoin(async (evt) => {
    for (const h of events.join) await h(evt, deps);
  });
  const hearth: Hearth = {
    deps,
    health,
    engine,
    scheduler,
    dispatcher,
    events,
    onHandled: (listener) => engine.onHandled(listener),
    addChannel(channel, clock) {
      channels.set(channel.name, channel);
      dispatcher.register(channel, clock);
    },
    receive: (event) => engine.receive(event),
    handleMessage: (msg) => engine.handle(msg),
    handleJoin: (evt) => engine.handleJoin(evt),
    async handleOrder(evt) {
      for (const h of events.order) await h(evt, deps);
    },
  };
  for (const channel of options.channels ?? []) hearth.addChannel(channel);
  for (const mod of options.modules ?? skillModules()) {
    if (mod.skills) engine.use(...mod.skills);
    mod.install?.(hearth);
  }
  return hearth;
}
