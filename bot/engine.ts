// The engine: turns an InboundMessage into skill runs. Drops its own and redelivered messages, keeps one queue per
// conversation, contains each skill's errors, and commits a message's replies with its "processed" mark.
import type { Logger } from 'pino';
import type { Db } from '../store/db';
import { inTransaction } from '../store/db';
import type { Program } from '../community/program';
import type { Clock } from './clock';
import type { Button, InboundMessage, Lang, OutboundMessage, Role } from './types';
import { ensureMember, markCanMessagePrivately, noteChat, rememberLanguage, type MemberRow } from '../store/members';
import { claimMessage, markHandled } from '../store/inbox';
import { noteMessageAuthor } from '../store/message-authors';
import { conversationOf, type ConversationRow } from '../store/conversations';
import { detectLanguage, languageFromLocale } from '../community/language';
import { queueOutbound } from './outbox';

/** Where the staff room is, and the bot's own platform id per channel. */
export interface Deployment {
  staffRoom: { channel: string; chat: string };
  botIds: Record<string, string>;
  botUsernames?: Record<string, string>;
}

/** What every skill can reach: the store, the program, the clock, logs, and where things are. */
export interface HearthDeps {
  db: Db;
  program: Program;
  clock: Clock;
  log: Logger;
  deployment: Deployment;
  /** Platform group admins are managers of their group (set by channels that know them). */
  isGroupAdmin?: (channel: string, chat: string, platformId: string) => Promise<boolean>;
}

/** A parsed slash command or its Chinese alias: `/badge@hearth_bot @bob helper` → { name: 'badge', args: '@bob helper' }. */
export interface Command {
  name: string;
  args: string;
}

/** What a skill sees for one inbound message. */
export interface SkillContext {
  readonly msg: InboundMessage;
  readonly deps: HearthDeps;
  readonly member: MemberRow;
  readonly role: Role;
  readonly lang: Lang;
  readonly now: Date;
  readonly command?: Command;
  /** A private chat, a command, a mention of the bot or a reply to the bot: the message is for the bot. */
  readonly addressed: boolean;
  /** Who owns this member's conversation in this chat right now. */
  readonly conversation: ConversationRow;
  /** Answer in the same chat (threaded to the message). */
  reply(text: string, opts?: { buttons?: Button[] }): void;
  /** Send elsewhere (the staff room, a private chat); `key` makes it idempotent beyond this message. */
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

const slashCommand = /^\/([A-Za-z_]+)(?:@(\w+))?(?:\s+([\s\S]*))?$/;

/** Parse `/name@bot args`; commands addressed to another bot are not ours. */
export function parseCommand(text: string, botUsername?: string): Command | undefined {
  const m = slashCommand.exec(text.trim());
  if (!m) return undefined;
  if (m[2] && botUsername && m[2].toLowerCase() !== botUsername.toLowerCase()) return undefined;
  return { name: m[1]!.toLowerCase(), args: (m[3] ?? '').trim() };
}

/** The engine: install skills in order with `use`, then feed it messages with `handle`. */
export class Engine {
  private readonly skills: Skill[] = [];
  private readonly queues = new Map<string, Promise<void>>();

  constructor(readonly deps: HearthDeps) {}

  /** Add skills; they run in the order given, each deciding whether to pass the message on with `next()`. */
  use(...skills: Skill[]): this {
    this.skills.push(...skills);
    return this;
  }

  /** The installed skill names, in order. */
  get order(): string[] {
    return this.skills.map((s) => s.name);
  }

  /** Handle one inbound message; resolves when it and every earlier message of its conversation are done. */
  handle(msg: InboundMessage): Promise<void> {
    const key = `${msg.channel}\u0000${msg.chat}`;
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(() => this.process(msg));
    const settled = run.catch((err: unknown) => {
      this.deps.log.error({ err, channel: msg.channel, messageId: msg.id }, 'message failed');
    });
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return settled;
  }

  /** Wait until every queued message has been handled. */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
  }

  private async process(msg: InboundMessage): Promise<void> {
    const { db, log, deployment } = this.deps;
    if (msg.from.isBot || msg.from.id === deployment.botIds[msg.channel]) return;
    const ctx = this.claim(msg);
    if (!ctx) {
      log.debug({ channel: msg.channel, messageId: msg.id }, 'redelivered message dropped');
      return;
    }
    await this.runSkills(ctx);
    inTransaction(db, () => {
      for (const write of ctx.writes) {
        try {
          inTransaction(db, write); // a savepoint: a failed write is undone alone, and the replies still go
        } catch (err) {
          log.error({ err, messageId: msg.id }, 'bookkeeping write failed');
        }
      }
      markHandled(db, msg.channel, msg.id, this.deps.clock.now());
      for (const o of ctx.outgoing) queueOutbound(this.deps, o.key, o.msg, ctx.now);
    });
  }

  /**
   * Claim the message and note who wrote it where, in one transaction (committed before any skill runs, so a second
   * delivery of the message sees the claim); undefined when another delivery claimed it first.
   */
  private claim(msg: InboundMessage): ContextImpl | undefined {
    const { db, program, deployment } = this.deps;
    const detected = detectLanguage(msg.text);
    const member = inTransaction(db, () => {
      if (!claimMessage(db, msg.channel, msg.id, this.deps.clock.now())) return undefined;
      const m = ensureMember(db, { channel: msg.channel, platformId: msg.from.id, name: msg.from.name, at: msg.at });
      noteChat(db, msg.channel, msg.chat, msg.chatType, m.id, msg.at);
      // Reply-commands (`/badge helper` as a reply) need to know who wrote the message replied to.
      if (msg.chatType === 'group') noteMessageAuthor(db, { channel: msg.channel, messageId: msg.id, chat: msg.chat, memberId: m.id, at: msg.at });
      if (msg.chatType === 'private') markCanMessagePrivately(db, msg.channel, msg.from.id);
      if (detected && !m.langFixed && detected !== m.lang) rememberLanguage(db, m.id, detected);
      return m;
    });
    if (!member) return undefined;
    const lang: Lang = (member.langFixed ? member.lang : null) ?? detected ?? member.lang ?? languageFromLocale(msg.from.lang) ?? 'en';
    const botId = deployment.botIds[msg.channel];
    const botUsername = deployment.botUsernames?.[msg.channel];
    const command = parseCommand(msg.text, botUsername);
    const mentionsBot =
      (botId !== undefined && (msg.mentions ?? []).includes(botId)) ||
      (botUsername !== undefined && msg.text.toLowerCase().includes(`@${botUsername.toLowerCase()}`));
    const role: Role =
      member.role !== 'member'
        ? member.role
        : program.managers.includes(msg.from.id)
          ? 'manager'
          : program.staff.includes(msg.from.id)
            ? 'staff'
            : 'member';
    const addressed = msg.chatType === 'private' || command !== undefined || mentionsBot || msg.action !== undefined;
    return new ContextImpl(this.deps, msg, member, role, lang, command, addressed, conversationOf(db, msg.channel, msg.chat, member.id));
  }

  private async runSkills(ctx: SkillContext): Promise<void> {
    const dispatch = async (i: number): Promise<void> => {
      const skill = this.skills[i];
      if (!skill) return;
      let nextCalled = false;
      const next: Next = () => {
        if (nextCalled) return Promise.resolve();
        nextCalled = true;
        return dispatch(i + 1);
      };
      try {
        await skill.middleware(ctx, next);
      } catch (err) {
        this.deps.log.error({ err, skill: skill.name, messageId: ctx.msg.id }, 'skill failed');
        ctx.reply(
          ctx.lang === 'zh' ? '抱歉，处理时出了点问题，请稍后再试。' : 'Sorry, something went wrong on my side. Please try again in a moment.',
        );
        ctx.handled = true;
        // A failing skill must not swallow the message for the skills after it unless it already answered.
        if (!nextCalled) return;
      }
    };
    await dispatch(0);
  }
}

class ContextImpl implements SkillContext {
  readonly outgoing: { key: string; msg: OutboundMessage }[] = [];
  readonly writes: (() => void)[] = [];
  handled = false;
  readonly now: Date;

  constructor(
    readonly deps: HearthDeps,
    readonly msg: InboundMessage,
    readonly member: MemberRow,
    readonly role: Role,
    readonly lang: Lang,
    readonly command: Command | undefined,
    readonly addressed: boolean,
    readonly conversation: ConversationRow,
  ) {
    this.now = msg.at;
  }

  reply(text: string, opts: { buttons?: Button[] } = {}): void {
    this.push({
      channel: this.msg.channel,
      chat: this.msg.chat,
      text,
      replyTo: this.msg.id,
      buttons: opts.buttons,
      kind: 'reply',
      thread: this.msg.thread,
    });
  }

  send(msg: Omit<OutboundMessage, 'channel'> & { channel?: string }): void {
    this.push({ ...msg, channel: msg.channel ?? this.msg.channel });
  }

  afterHandled(write: () => void): void {
    this.writes.push(write);
  }

  private push(msg: OutboundMessage): void {
    const key = `msg:${this.msg.channel}:${this.msg.id}:${this.outgoing.length}`;
    this.outgoing.push({ key, msg });
  }
}
