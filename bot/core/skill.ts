// The skill and module API — what a skill sees of Hearth and what a module may register (jobs, timers, event
// handlers) — as grammY's types are for its plugins. The runtime in bot/ implements it; skills import only this,
// the store and the domain.
import type { Logger } from 'pino';
import type { Program } from '../../community/program';
import type { Clock } from './clock';
import type { ModelSetup } from './assistant';
import type { StoreHandle } from './store';
import type { ChannelCapabilities } from './channel';
import type { Button, InboundMessage, JoinEvent, Lang, OutboundMessage, Role } from './types';

/** What Hearth knows of one channel it runs on: the bot's own id there, and what the channel can do. */
export interface ChannelInfo {
  botId: string;
  botUsername?: string;
  capabilities: ChannelCapabilities;
}

/** Where things are: the channels running, the staff room, which groups are the community's. */
export interface Deployment {
  staffRoom: { channel: string; chat: string };
  channels: Record<string, ChannelInfo>;
  /** Community groups listed by the deployment (HEARTH_GROUPS), besides the program's and `/group on`. */
  groups?: string[];
  /** Every group counts as listed (the console and replay: scripts and demos have no setup step). */
  everyGroupListed?: boolean;
  /**
   * The channel of an order, role or profile that names a member by id alone (see `defaultChannelOf`). Ids on different
   * channels are different people however alike they look, so such an id is never looked up on every channel.
   */
  defaultChannel?: string;
}

/** The channel a bare member id belongs to: the deployment's default, `console` in the console, replay and tests. */
export function defaultChannelOf(deployment: Pick<Deployment, 'defaultChannel'>): string {
  return deployment.defaultChannel ?? 'console';
}

/** Why a message goes to a member, which decides where it may go (see `reach`). */
export type ReachPurpose =
  /** A code, a balance, a statement the member asked for: a private chat or nowhere. */
  | 'secret'
  /** A notice about the member's own standing that a group may see (an upgrade): their private chat, else their group. */
  | 'notice'
  /** A reminder: their private chat, else their group. */
  | 'nudge'
  /** Staff words and ticket details: a private chat, else the staff room for staff, else their group. */
  | 'bridge'
  /** A celebration meant for the member's group (a badge): their latest group. */
  | 'celebration';

/** Where a message goes: a chat on a channel, mentioning the member when it is a group. */
export interface Target {
  channel: string;
  chat: string;
  /** The member's platform id there, to mention them (a group, the staff room). */
  mention?: string;
}

/** Something that records what is wrong right now (for /health). */
export interface HealthReporter {
  fail(part: string, message: string, at?: Date): void;
  ok(part: string): void;
}

/** What every skill can reach: the store, the program, the clock, logs, where things are, and the runtime's services. */
export interface HearthDeps {
  db: StoreHandle;
  program: Program;
  clock: Clock;
  log: Logger;
  deployment: Deployment;
  health: HealthReporter;
  /** Whether a platform id is an admin of a group (on channels that know): admins moderate listed groups. */
  isGroupAdmin?: (channel: string, chat: string, platformId: string) => Promise<boolean>;
  /**
   * Queue a message under an idempotency key (a second time changes nothing); notices and nudges wait out quiet hours.
   * Returns the outbox row id when new.
   */
  queue(key: string, msg: OutboundMessage, at: Date): number | undefined;
  /** Where a member can be reached for `purpose` now (`channel` first when given); undefined when nowhere. */
  reach(memberId: number, purpose: ReachPurpose, opts?: { channel?: string }): Target | undefined;
  /** A link that opens a private chat with the bot on a channel (with a start payload), where the channel has one. */
  privateLink(channel: string, payload?: string): string | undefined;
  /** Show the bot writing in a chat while slow work (a model) runs, where the channel can; never fails. */
  showTyping(channel: string, chat: string): void;
  /** The language model, when one is configured (OPENAI_*); without it every skill works as before. */
  llm?: ModelSetup;
}

/** A parsed slash command or its Chinese alias: `/badge@hearth_bot @bob helper` → { name: 'badge', args: '@bob helper' }. */
export interface Command {
  name: string;
  args: string;
}

/** The conversation a member has in a chat, and who owns it right now. */
export interface Conversation {
  state: 'bot' | 'waiting' | 'staff';
  ticketId: number | null;
}

/** A member as skills see them (the store maps its rows to this). Times are epoch milliseconds. */
export interface Member {
  id: number;
  name: string;
  lang: Lang | null;
  /** The member chose a language: a message's language no longer changes it. */
  langFixed: boolean;
  /** The Chinese script the member writes, as last seen: 'hant' gets Traditional replies. */
  script: 'hans' | 'hant' | null;
  birthday: string | null;
  /** The role named in the store (`hearth role`); the program file may name one too (see SkillContext.role). */
  role: Role;
  createdAt: number;
  lastActiveAt: number;
  /** Set once the member's personal data was erased. */
  erasedAt: number | null;
  /** One-time rewards a returning erased person already had ("referred", "tier-gift:<tier>"). */
  alreadyPaid: string[] | null;
}

/** What a skill sees for one inbound message. */
export interface SkillContext {
  readonly msg: InboundMessage;
  readonly deps: HearthDeps;
  readonly member: Member;
  readonly role: Role;
  readonly lang: Lang;
  readonly now: Date;
  readonly command?: Command;
  /** A private chat, a command, a mention of the bot or a reply to the bot: the message is for the bot. */
  readonly addressed: boolean;
  /** The chat is a listed community group (where group admins may moderate); false in private chats. */
  readonly communityGroup: boolean;
  /** Who owns this member's conversation in this chat right now. */
  readonly conversation: Conversation;
  /** Answer in the same chat (threaded to the message); `secret` refuses to let it reach a group. */
  reply(text: string, opts?: { buttons?: Button[]; buttonsText?: string; secret?: boolean }): void;
  /** Send elsewhere (the staff room, a private chat), committed with this message's replies. */
  send(msg: Omit<OutboundMessage, 'channel'> & { channel?: string }): void;
  /**
   * A store write to make once the skills are done, in the transaction that commits the replies and marks the message
   * handled (bookkeeping such as the recent-message window: one commit per message instead of one each).
   */
  afterHandled(write: () => void): void;
  /** Set by a skill that handled the message, so later skills and the fallback know. */
  handled: boolean;
}

export type Next = () => Promise<void>;
export type Middleware = (ctx: SkillContext, next: Next) => Promise<void> | void;

/** A named skill: the engine contains its errors and logs them with its name. */
export interface Skill {
  name: string;
  middleware: Middleware;
}

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

/** A recurring job: `run` gets the occurrence's due time, which is also "now" for the work it does. */
export interface Job {
  name: string;
  /** Cron expression (5 or 6 fields) in the program's timezone. */
  cron: string;
  run(dueAt: Date): Promise<void> | void;
}

/** A one-off timer as its handler gets it. */
export interface Timer {
  key: string;
  kind: string;
  payload: Record<string, unknown>;
}

/** Handles timers of one kind. */
export type TimerHandler = (timer: Timer, now: Date) => Promise<void> | void;

/** What a module may use and register when it is installed. */
export interface ModuleHost {
  deps: HearthDeps;
  scheduler: { addJob(job: Job): void; onTimer(kind: string, handler: TimerHandler, opts?: { slow?: boolean }): void };
  events: EventHandlers;
  /** Call `listener` each time a message was handled and its replies committed. */
  onHandled(listener: () => void): void;
}

/** A skill module: its middleware, plus any jobs, timers and event handlers it needs. */
export interface SkillModule {
  skills?: Skill[];
  install?(host: ModuleHost): void;
}
