// Assembles a running Hearth: the engine with its skills in order, the scheduler, the outbox dispatcher and the
// handlers for non-message events (purchases, refunds, joins). Live runs, the console and replay all build this.
import type { Logger } from 'pino';
import type { Db } from '../store/db';
import type { Program } from '../community/program';
import type { Clock } from './clock';
import { Engine, type Deployment, type HearthDeps, type InboundEvent, type Receipt, type Skill } from './engine';
import { Health } from './health';
import { Scheduler } from './scheduler';
import { OutboxDispatcher } from './outbox';
import type { InboundMessage, JoinEvent } from './types';
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
import { redeemModule } from '../skills/redeem';
import { grantModule } from '../skills/grant';
import { orderModule } from '../skills/orders';
import { tierModule } from '../skills/tiers';
import { expiryModule } from '../skills/expiry';
import { privacyModule } from '../skills/privacy';
import { retentionModule } from '../skills/retention';

/** A purchase or refund from the shop (CSV import, webhook, replay). Amount in CNY. */
export interface OrderEvent {
  kind: 'purchase' | 'refund';
  member: string;
  channel?: string;
  orderId: string;
  amount: number;
  at: Date;
  /** A refund's own id (from the shop, or derived from order, amount and time), so a redelivered refund changes nothing. */
  refundId?: string;
}

/** What an order handler may say about an event (the CSV import and the webhook report it); nothing means recorded. */
export interface OrderReport {
  /** `parked`: a refund kept until its purchase arrives (durably recorded, applied with the purchase). */
  status: 'recorded' | 'duplicate' | 'rejected' | 'parked';
  reason?: string;
  code?: string;
}

/** Non-message events and the handlers a skill module registers for them. */
export interface EventHandlers {
  join: ((evt: JoinEvent, deps: HearthDeps) => Promise<void> | void)[];
  order: ((evt: OrderEvent, deps: HearthDeps) => Promise<OrderReport | void> | OrderReport | void)[];
}

/** A skill module: its middleware, plus any jobs, timers and event handlers it needs. */
export interface SkillModule {
  skills?: Skill[];
  install?(hearth: Hearth): void;
}

/** The skills, in the order the engine runs them. Handoff's bridge and gate come first; escalation after the commands, before the ask skill; the fallback last. */
export function skillModules(): SkillModule[] {
  return [handoffModule, { skills: [helpSkill] }, groupsModule, privacyModule, checkinModule, badgesModule, ugcModule, welcomeModule, nudgesModule, pointsModule, redeemModule, grantModule, orderModule, tierModule, expiryModule, retentionModule, escalationModule, askModule, { skills: [fallbackSkill] }];
}

export interface Hearth {
  deps: HearthDeps;
  engine: Engine;
  scheduler: Scheduler;
  dispatcher: OutboxDispatcher;
  events: EventHandlers;
  /** Record an event from a channel; resolves once it is durably recorded (then acknowledge it), before it is handled. */
  receive(event: InboundEvent): Promise<Receipt>;
  /** Record and handle a message, resolving once it is handled (replay, the console, tests). */
  handleMessage(msg: InboundMessage): Promise<void>;
  /** Record and handle a member joining a group. */
  handleJoin(evt: JoinEvent): Promise<void>;
  /** Record a purchase or refund. */
  handleOrder(evt: OrderEvent): Promise<void>;
}

/** Build Hearth over an open database with a program, a clock and where things are. */
export function createHearth(options: {
  db: Db;
  program: Program;
  clock: Clock;
  log: Logger;
  deployment: Deployment;
  isGroupAdmin?: HearthDeps['isGroupAdmin'];
  modules?: SkillModule[];
  health?: Health;
}): Hearth {
  const deps: HearthDeps = {
    db: options.db,
    program: options.program,
    clock: options.clock,
    log: options.log,
    deployment: options.deployment,
    health: options.health ?? new Health(),
    isGroupAdmin: options.isGroupAdmin,
  };
  const engine = new Engine(deps);
  const scheduler = new Scheduler({ db: deps.db, log: deps.log, timezone: deps.program.timezone });
  const dispatcher = new OutboxDispatcher({ db: deps.db, log: deps.log, health: deps.health });
  const events: EventHandlers = { join: [], order: [] };
  engine.onJoin(async (evt) => {
    for (const h of events.join) await h(evt, deps);
  });
  const hearth: Hearth = {
    deps,
    engine,
    scheduler,
    dispatcher,
    events,
    receive: (event) => engine.receive(event),
    handleMessage: (msg) => engine.handle(msg),
    handleJoin: (evt) => engine.handleJoin(evt),
    async handleOrder(evt) {
      for (const h of events.order) await h(evt, deps);
    },
  };
  for (const mod of options.modules ?? skillModules()) {
    if (mod.skills) engine.use(...mod.skills);
    mod.install?.(hearth);
  }
  return hearth;
}
