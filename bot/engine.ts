// The engine: records every inbound event in the inbox (one commit for the events of a moment) before its channel
// acknowledges it, then turns it into skill runs — one queue per conversation, each skill's errors contained, and a
// message's replies committed with its "done" mark. What a crash interrupted is finished by `resume` at the next start.
import { runtimeCopy } from './copy';
import { inTransaction } from '../store/db';
import type { Button, InboundMessage, JoinEvent, Lang, OutboundMessage, Role } from './core/types';
import type { Command, Conversation, HearthDeps, Member, Next, Skill, SkillContext } from './core/skill';
import { ensureMember, findMemberByPlatformId, markCanMessagePrivately, noteChat, noteChatType, noteHandle, rememberLanguage, rememberScript } from '../store/members';
import { isInboundPending, markInboundDone, markInboundFailed, pendingInbound, recordInbound, type InboundRecord, type InboxReceipt } from '../store/inbox';
import { noteMessageAuthor } from '../store/message-authors';
import { conversationOf } from '../store/conversations';
import { detectLanguage, detectScript, languageFromLocale, toTraditional, type Script } from '../community/language';
import { isListedGroup, namedRole } from '../skills/authority';
import { clipText } from './outbox';
import { HearthError } from './core/errors';

const slashCommand = /^\/([A-Za-z_]+)(?:@(\w+))?(?:\s+([\s\S]*))?$/;

/** Parse `/name@bot args`; commands addressed to another bot are not ours. */
export function parseCommand(text: string, botUsername?: string): Command | undefined {
  const m = slashCommand.exec(text.trim());
  if (!m) return undefined;
  if (m[2] && botUsername && m[2].toLowerCase() !== botUsername.toLowerCase()) return undefined;
  return { name: m[1]!.toLowerCase(), args: (m[3] ?? '').trim() };
}

/** An event as a channel hands it over: a message (or button press), or someone joining a group. */
export type InboundEvent = { kind: 'message'; msg: InboundMessage } | { kind: 'join'; join: JoinEvent };

/** What receiving an event did: recorded now, recorded before (a redelivery), or ignored (the bot's own words). */
export interface Receipt {
  status: 'recorded' | 'duplicate' | 'ignored';
}

/** Handling attempts before a message that keeps failing is given up (and logged): a poison message must not loop. */
export const MAX_ATTEMPTS = 5;
/** Inbound text beyond this many characters is cut (a platform may allow more than any skill reads). */
export const MAX_INBOUND_TEXT = 16_000;

/** The engine: install skills in order with `use`, then hand it events with `receive` (or `handle`, which also waits). */
export class Engine {
  private readonly skills: Skill[] = [];
  private readonly queues = new Map<string, Promise<void>>();
  /** Inbox rows queued in this process, so a resume does not queue them twice. */
  private readonly queued = new Set<number>();
  private pendingRecords: { record: InboundRecord; event: InboundEvent; resolve(r: InboxReceipt): void; reject(e: unknown): void }[] = [];
  private joinHandler: (evt: JoinEvent) => Promise<void> = async () => undefined;
  private readonly handledListeners: (() => void)[] = [];

  constructor(readonly deps: HearthDeps) {}

  /** Add skills; they run in the order given, each deciding whether to pass the message on with `next()`. */
  use(...skills: Skill[]): this {
    this.skills.push(...skills);
    return this;
  }

  /** What handles a join once it is recorded (the hearth's join handlers). */
  onJoin(handler: (evt: JoinEvent) => Promise<void>): void {
    this.joinHandler = handler;
  }

  /** Call `listener` each time an event was handled and its replies committed (a channel flushes its outbox then). */
  onHandled(listener: () => void): void {
    this.handledListeners.push(listener);
  }

  /** The installed skill names, in order. */
  get order(): string[] {
    return this.skills.map((s) => s.name);
  }

  /**
   * Record an event durably and queue it; resolves once it is committed (a channel may then acknowledge it), before it
   * is handled. Events received in the same moment share one commit. Rejects with HearthError('storage_failed') when
   * the store cannot record it: the channel must then not acknowledge (the platform will deliver it again).
   */
  receive(event: InboundEvent): Promise<Receipt> {
    return this.receiveAndHandled(event).then((r) => r.receipt);
  }

  /** Receive a message and wait until it (and every earlier message of its chat) is handled. */
  async handle(msg: InboundMessage): Promise<void> {
    await (await this.receiveAndHandled({ kind: 'message', msg })).handled;
  }

  /** Receive a join and wait until it is handled. */
  async handleJoin(join: JoinEvent): Promise<void> {
    await (await this.receiveAndHandled({ kind: 'join', join })).handled;
  }

  /** Wait until every queued event has been handled. */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
  }

  /**
   * Queue every recorded event not handled yet (after a crash, or after a failed attempt), oldest first, so each chat's
   * events run in the order they arrived. Returns how many were queued.
   */
  resume(): number {
    let queued = 0;
    for (let after = 0; ; ) {
      const rows = pendingInbound(this.deps.db, 500, after);
      if (rows.length === 0) break;
      for (const row of rows) {
        after = row.id;
        if (this.queued.has(row.id)) continue;
        let event: InboundEvent;
        try {
          event = parseEvent(row.kind, row.payload);
        } catch (err) {
          this.fail(row.id, row.attempts, err, true);
          continue;
        }
        void this.enqueue(row.id, row.attempts, event);
        queued++;
      }
    }
    if (queued > 0) this.deps.log.info({ queued }, 'finishing messages received before the restart');
    return queued;
  }

  private async receiveAndHandled(event: InboundEvent): Promise<{ receipt: Receipt; handled: Promise<void> }> {
    const { deployment } = this.deps;
    const now = this.deps.clock.now();
    if (event.kind === 'message') {
      const { msg } = event;
      if (msg.from.isBot || msg.from.id === deployment.channels[msg.channel]?.botId) return { receipt: { status: 'ignored' }, handled: Promise.resolve() };
      if (msg.text.length > MAX_INBOUND_TEXT) event = { kind: 'message', msg: { ...msg, text: clipText(msg.text, MAX_INBOUND_TEXT) } };
      // Lateness is judged on arrival and kept in the record, so a message finished after a crash keeps its verdict.
      if (now.getTime() - msg.at.getTime() >= this.deps.program.lateMessageMinutes * 60_000) event = { kind: 'message', msg: { ...event.msg, late: true } };
    }
    const record = recordOf(event, now);
    const receipt = await new Promise<InboxReceipt>((resolve, reject) => {
      this.pendingRecords.push({ record, event, resolve, reject });
      if (this.pendingRecords.length === 1) setImmediate(() => this.commitRecords());
    });
    const key = queueKey(event);
    if (receipt.duplicate) {
      this.deps.log.debug({ channel: record.channel, messageId: record.messageId }, 'redelivered event: already recorded');
      return { receipt: { status: 'duplicate' }, handled: this.queues.get(key) ?? Promise.resolve() };
    }
    return { receipt: { status: 'recorded' }, handled: this.queues.get(key) ?? Promise.resolve() };
  }

  /** Commit every event received since the last commit in one transaction, then queue them in arrival order. */
  private commitRecords(): void {
    const batch = this.pendingRecords;
    this.pendingRecords = [];
    const { db, log, health, clock } = this.deps;
    let receipts: InboxReceipt[];
    try {
      receipts = inTransaction(db, () => recordInbound(db, batch.map((b) => b.record)));
    } catch (err) {
      log.error({ err, events: batch.length }, 'could not record received events: not acknowledging them');
      health.fail('database', `cannot record received messages: ${(err as Error)?.message ?? String(err)}`, clock.now());
      const failure = new HearthError('storage_failed', 'the message could not be recorded', { cause: String((err as Error)?.message ?? err) });
      for (const b of batch) b.reject(failure);
      return;
    }
    health.ok('database');
    batch.forEach((b, i) => {
      const r = receipts[i]!;
      if (!r.duplicate) void this.enqueue(r.id, 0, b.event);
      b.resolve(r);
    });
  }

  /** Chain an inbox row behind the events of its chat already queued. */
  private enqueue(id: number, attempts: number, event: InboundEvent): Promise<void> {
    const key = queueKey(event);
    this.queued.add(id);
    const previous = this.queues.get(key) ?? Promise.resolve();
    const settled = previous
      .then(() => (event.kind === 'message' ? this.process(id, event.msg) : this.processJoin(id, event.join)))
      .then(() => {
        for (const listener of this.handledListeners) listener();
      })
      .catch((err: unknown) => this.fail(id, attempts, err, attempts + 1 >= MAX_ATTEMPTS))
      .finally(() => this.queued.delete(id));
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return settled;
  }

  /** A handling attempt failed: count it (and give up on the event after MAX_ATTEMPTS); `resume` tries it again. */
  private fail(id: number, attempts: number, err: unknown, giveUp: boolean): void {
    const { db, log, clock } = this.deps;
    log.error({ err, inboxId: id, attempt: attempts + 1, giveUp }, giveUp ? 'message failed for good: giving up on it' : 'message failed: will try again');
    try {
      markInboundFailed(db, id, String((err as Error)?.message ?? err), clock.now(), giveUp);
    } catch (markErr) {
      log.error({ err: markErr, inboxId: id }, 'could not record the failure either');
    }
  }

  private async processJoin(id: number, join: JoinEvent): Promise<void> {
    const { db, clock } = this.deps;
    if (!isInboundPending(db, id)) return;
    if (!this.serves(join.channel, join.chat)) {
      markInboundDone(db, id, clock.now());
      return;
    }
    await this.joinHandler(join);
    markInboundDone(db, id, clock.now());
  }

  private async process(id: number, msg: InboundMessage): Promise<void> {
    const { db } = this.deps;
    if (msg.late) {
      inTransaction(db, () => markInboundDone(db, id, this.deps.clock.now()));
      this.deps.log.info({ channel: msg.channel, chat: msg.chat, messageId: msg.id, sentAt: msg.at }, 'message arrived late: recorded, not acted on');
      return;
    }
    if (msg.chatType === 'group' && !this.serves(msg.channel, msg.chat) && !this.isGroupCommandFromManager(msg)) {
      this.answerUnlistedGroup(id, msg);
      return;
    }
    const ctx = this.claim(id, msg);
    if (!ctx) return;
    await this.runSkills(ctx);
    inTransaction(db, () => {
      for (const write of ctx.writes) {
        try {
          inTransaction(db, write); // a savepoint: a failed write is undone alone, and the replies still go
        } catch (err) {
          this.deps.log.error({ err, messageId: msg.id }, 'bookkeeping write failed');
        }
      }
      if (!markInboundDone(db, id, this.deps.clock.now())) return; // handled meanwhile (a second process): its replies stand
      for (const o of ctx.outgoing) {
        try {
          inTransaction(db, () => this.deps.queue(o.key, o.msg, ctx.now));
        } catch (err) {
          this.deps.log.error({ err, messageId: msg.id, chat: o.msg.chat }, 'a reply was refused');
        }
      }
    });
  }

  /** Whether Hearth serves this group: a listed community group, or any group when the program serves unlisted ones. */
  private serves(channel: string, chat: string): boolean {
    return this.deps.program.serveUnlistedGroups || isListedGroup(this.deps, channel, chat);
  }

  /** `/group on` (开通本群) from a named manager must reach its skill in a group that is not listed yet. */
  private isGroupCommandFromManager(msg: InboundMessage): boolean {
    const command = parseCommand(msg.text, this.deps.deployment.channels[msg.channel]?.botUsername);
    const asked = command?.name === 'group' || /^开通本群(\s|$)/.test(msg.text.trim());
    return asked && namedRole(this.deps, msg.channel, msg.from.id) === 'manager';
  }

  /** An unlisted group hears one polite line (the first time someone speaks to the bot there), then nothing. */
  private answerUnlistedGroup(id: number, msg: InboundMessage): void {
    const { db, deployment } = this.deps;
    const addressed =
      parseCommand(msg.text, deployment.channels[msg.channel]?.botUsername) !== undefined || (msg.mentions ?? []).includes(deployment.channels[msg.channel]?.botId ?? '') || msg.action !== undefined;
    inTransaction(db, () => {
      if (!markInboundDone(db, id, this.deps.clock.now())) return;
      // Known as a group from now on, so its one line (and anything later) is addressed as to a group.
      noteChatType(db, msg.channel, msg.chat, 'group', msg.at);
      if (!addressed) return;
      const lang: Lang = detectLanguage(msg.text) ?? languageFromLocale(msg.from.lang) ?? 'en';
      this.deps.queue(`unlisted-group:${msg.channel}:${msg.chat}`, { channel: msg.channel, chat: msg.chat, text: runtimeCopy.say({ lang, program: this.deps.program }, 'unlistedGroup'), replyTo: msg.id, kind: 'reply', thread: msg.thread }, msg.at);
    });
    this.deps.log.info({ channel: msg.channel, chat: msg.chat }, 'message in a group that is not listed: not served');
  }

  /**
   * Note who wrote the message where, in one transaction committed before any skill runs; undefined when the row was
   * handled meanwhile.
   */
  private claim(id: number, msg: InboundMessage): ContextImpl | undefined {
    const { db, deployment } = this.deps;
    const detected = detectLanguage(msg.text);
    const claimed = inTransaction(db, () => {
      if (!isInboundPending(db, id)) return undefined;
      const m = ensureMember(db, { channel: msg.channel, platformId: msg.from.id, name: msg.from.name, username: msg.from.username, at: msg.at });
      if (msg.from.username) noteHandle(db, msg.channel, msg.from.username, m.id, msg.at);
      for (const p of msg.people ?? []) {
        if (p.id !== msg.from.id && !findMemberByPlatformId(db, msg.channel, p.id)) ensureMember(db, { channel: msg.channel, platformId: p.id, name: p.name, username: p.username, at: msg.at });
      }
      noteChat(db, msg.channel, msg.chat, msg.chatType, m.id, msg.at);
      // Reply-commands (`/badge helper` as a reply) need to know who wrote the message replied to.
      if (msg.chatType === 'group') noteMessageAuthor(db, { channel: msg.channel, messageId: msg.id, chat: msg.chat, memberId: m.id, at: msg.at });
      // A member who writes privately has opened that chat: the bot may write there on its own from now on.
      if (msg.chatType === 'private') markCanMessagePrivately(db, msg.channel, msg.from.id);
      if (detected && !m.langFixed && detected !== m.lang) rememberLanguage(db, m.id, detected);
      // Traditional or Simplified: known from characters only one script has, kept when a message has none (你好).
      const seenScript = detected === 'zh' ? detectScript(msg.text) : undefined;
      if (seenScript) rememberScript(db, m.id, seenScript);
      return { m, script: seenScript ?? m.script ?? undefined };
    });
    if (!claimed) return undefined;
    const { m: member, script } = claimed;
    // A message without a clear language ("/redeem voucher-10", "ok", 👍) keeps the member's remembered one.
    const lang: Lang = (member.langFixed ? member.lang : null) ?? detected ?? member.lang ?? languageFromLocale(msg.from.lang) ?? 'en';
    const botId = deployment.channels[msg.channel]?.botId;
    const botUsername = deployment.channels[msg.channel]?.botUsername;
    const command = parseCommand(msg.text, botUsername);
    const mentionsBot =
      (botId !== undefined && (msg.mentions ?? []).includes(botId)) ||
      (botUsername !== undefined && msg.text.toLowerCase().includes(`@${botUsername.toLowerCase()}`));
    const role = namedRole(this.deps, msg.channel, msg.from.id, member);
    const addressed = msg.chatType === 'private' || command !== undefined || mentionsBot || msg.action !== undefined;
    const communityGroup = msg.chatType === 'group' && isListedGroup(this.deps, msg.channel, msg.chat);
    return new ContextImpl(this.deps, msg, member, role, lang, command, addressed, communityGroup, conversationOf(db, msg.channel, msg.chat, member.id), script);
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
        ctx.reply(runtimeCopy.say(ctx, 'somethingWentWrong'));
        ctx.handled = true;
        // A failing skill must not swallow the message for the skills after it unless it already answered.
        if (!nextCalled) return;
      }
    };
    await dispatch(0);
  }
}

/** One chat's events are handled in order; different chats do not wait for each other. */
function queueKey(event: InboundEvent): string {
  return event.kind === 'message' ? `${event.msg.channel}\u0000${event.msg.chat}` : `${event.join.channel}\u0000${event.join.chat}`;
}

function recordOf(event: InboundEvent, now: Date): InboundRecord {
  if (event.kind === 'message') {
    const { msg } = event;
    return { channel: msg.channel, messageId: msg.id, chat: msg.chat, kind: 'message', payload: JSON.stringify(msg), receivedAt: now.getTime() };
  }
  const { join } = event;
  const messageId = join.id ?? `join:${join.chat}:${join.from.id}:${join.at.getTime()}`;
  return { channel: join.channel, messageId, chat: join.chat, kind: 'join', payload: JSON.stringify(join), receivedAt: now.getTime() };
}

/** An inbox payload back as the event it was (dates revived). */
function parseEvent(kind: 'message' | 'join', payload: string): InboundEvent {
  const raw = JSON.parse(payload) as Record<string, unknown>;
  const at = new Date(String(raw.at));
  if (Number.isNaN(at.getTime())) throw new HearthError('bad_input', 'an inbox row without a time');
  return kind === 'message' ? { kind, msg: { ...(raw as unknown as InboundMessage), at } } : { kind, join: { ...(raw as unknown as JoinEvent), at } };
}

class ContextImpl implements SkillContext {
  readonly outgoing: { key: string; msg: OutboundMessage }[] = [];
  readonly writes: (() => void)[] = [];
  handled = false;
  readonly now: Date;

  constructor(
    readonly deps: HearthDeps,
    readonly msg: InboundMessage,
    readonly member: Member,
    readonly role: Role,
    readonly lang: Lang,
    readonly command: Command | undefined,
    readonly addressed: boolean,
    readonly communityGroup: boolean,
    readonly conversation: Conversation,
    /** The Chinese script the member writes: their replies in Chinese are rendered in it (see `push`). */
    private readonly script?: Script,
  ) {
    this.now = msg.at;
  }

  reply(text: string, opts: { buttons?: Button[]; secret?: boolean } = {}): void {
    this.push({
      channel: this.msg.channel,
      chat: this.msg.chat,
      text,
      replyTo: this.msg.id,
      ...(this.msg.replyHandle ? { replyHandle: this.msg.replyHandle } : {}),
      buttons: opts.buttons,
      kind: 'reply',
      thread: this.msg.thread,
      // What is said in a private chat stays there: its answer never falls back to a group (it may name a balance).
      ...(opts.secret || this.msg.chatType === 'private' ? { secret: true } : {}),
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
    this.outgoing.push({ key, msg: this.inScript(msg) });
  }

  /**
   * What is said to the member who writes Traditional (here, or privately) rendered in Traditional: the copy is
   * written once, in Simplified, and converted here on the way out. Messages to others (the staff room) stay as written.
   */
  private inScript(msg: OutboundMessage): OutboundMessage {
    if (this.script !== 'hant' || this.lang !== 'zh' || msg.channel !== this.msg.channel) return msg;
    if (msg.chat !== this.msg.chat && msg.chat !== this.msg.from.id) return msg;
    if (this.msg.chat === this.deps.deployment.staffRoom.chat && msg.chat === this.msg.chat) return msg;
    return { ...msg, text: toTraditional(msg.text), ...(msg.buttons ? { buttons: msg.buttons.map((b) => ({ ...b, label: toTraditional(b.label) })) } : {}) };
  }
}
