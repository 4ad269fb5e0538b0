// The one channel contract every platform implements (learned from Vercel's Chat SDK adapters and grammY): what the
// channel can do, its sending limits, `start` to receive, and `deliver` with a typed result. The runtime owns the
// outbox, pacing, retries and rerouting; a channel only turns neutral messages into platform calls and back.
import type { Button, InboundMessage, JoinEvent, OutboundKind } from './types';

/** What a channel can do; skills and the runtime adapt to it. */
export interface ChannelCapabilities {
  /** Buttons under a message (`inline`), on a card (`card`), or none: the message's button text is appended. */
  buttons: 'inline' | 'card' | 'none';
  /** The longest text one message may carry; the channel splits longer ones into pieces. */
  maxTextLength: number;
  /** A mention that notifies the member by id (`entity`), "@name" in the text (`text`), or none. */
  mentions: 'entity' | 'text' | 'none';
  /** Who the bot may write to privately: `anyone`, or only people who `opened` a private chat with it. */
  privateMessages: 'anyone' | 'opened';
  /** What "@x" typed in a message names: a `username` (unique on the platform) or a `display-name`. */
  handles: 'username' | 'display-name';
  /** Sent messages can be edited. */
  edits: boolean;
  /** A reply can be streamed while it is written. */
  streaming: boolean;
}

/** Sending limits the runtime keeps for a channel (with a margin), per chat, per group and overall. */
export interface RateLimits {
  /** Minimum time between two messages to one chat. */
  perChatGapMs: number;
  /** At most `groupMax` messages to one group in any `groupWindowMs`. */
  groupMax: number;
  groupWindowMs: number;
  /** At most `globalMax` messages in any `globalWindowMs`, all chats together. */
  globalMax: number;
  globalWindowMs: number;
  /** Kept on each limit, so network jitter does not tip a send over. */
  marginMs: number;
  /**
   * A random extra wait of 0..jitterMs on top of the per-chat gap and between two sends overall, drawn afresh for each,
   * so sends do not come at machine-regular intervals (a personal WeChat account is banned for sending like a machine).
   * None when unset.
   */
  jitterMs?: number;
  /**
   * Messages the bot starts on its own (notices, nudges) in any 24 hours, all chats together; none when unset. Answers
   * in a conversation never count against it.
   */
  proactivePerDay?: number;
  /**
   * Every message (answers included) in any 24 hours, all chats together; none when unset. At the cap everything waits
   * for room, answers too: an account blocked for 12 hours answers nobody. Nudges get what conversations leave, with a
   * reserve for the answers still to come as large as the answers of the last 24 hours: a notice or nudge goes only if,
   * after it, the day's total plus that reserve is within dailyMax. So a busy day crowds nudges out, never answers.
   */
  dailyMax?: number;
}

/** No limits: channels that do not leave the process (the console, replay). */
export const UNLIMITED: RateLimits = { perChatGapMs: 0, groupMax: Infinity, groupWindowMs: 0, globalMax: Infinity, globalWindowMs: 0, marginMs: 0 };

/** One outbox row as a channel delivers it. */
export interface Delivery {
  /** The outbox row: the same id is delivered again only after a retry or a crash. */
  id: number;
  chat: string;
  /** The chat is a group (else a private chat). */
  group: boolean;
  text: string;
  kind: OutboundKind;
  /** The neutral id of the message this answers, if any. */
  replyTo?: string;
  /** What the channel gave on the way in to answer that message (e.g. WeCom's frame), if anything. */
  replyHandle?: string;
  thread?: string;
  buttons?: Button[];
  /** Said instead of the buttons where the channel has none ("reply 1–5"). */
  buttonsText?: string;
  /** Members to mention, with the names to show: the channel renders them (never pasted into `text`). */
  mentions?: { platformId: string; name: string }[];
  /** A code or a balance: never to a group. */
  secret: boolean;
}

/**
 * How a delivery went. `unreachable`: this chat cannot be written to now; the runtime may reroute the message. `retry`
 * with `scope: 'account'`: the platform says the whole account sends too often (not just to this chat), so every send
 * of the channel waits, longer on each repeat, and managers are told; without a scope only this chat waits.
 */
export type DeliveryResult =
  | { status: 'sent' }
  | { status: 'retry'; afterMs: number; reason: string; scope?: 'chat' | 'account' }
  | { status: 'failed'; reason: string }
  | { status: 'unreachable'; reason: string };

/** What a delivery may ask of the runtime: wait for the next send slot of the same chat (a second piece of a long text). */
export interface DeliveryPacer {
  next(): Promise<void>;
}

/** What a channel hands events to: resolves once an event is recorded (then acknowledge it to the platform). */
export interface InboundSink {
  receive(event: { kind: 'message'; msg: InboundMessage } | { kind: 'join'; join: JoinEvent }): Promise<{ status: 'recorded' | 'duplicate' | 'ignored' }>;
}

/** A command as a platform's menu shows it. */
export interface MenuCommand {
  command: string;
  description: { zh: string; en: string };
  /** Who sees it: members (private chats and groups), group admins (moderation) and the staff room. */
  menus: ('private' | 'group' | 'admins' | 'staff')[];
}

/** A platform, as Hearth runs on it. */
export interface Channel {
  /** The channel's name in ids, config and replay: telegram, wechat, wecom, console. */
  readonly name: string;
  readonly capabilities: ChannelCapabilities;
  readonly limits: RateLimits;
  /** Learn who the bot is on the platform (before `start`). */
  connect(): Promise<{ botId: string; botUsername?: string }>;
  /** Start receiving; every event goes to `sink`, and is acknowledged to the platform only once recorded. */
  start(sink: InboundSink): Promise<void>;
  /** Deliver one message; `pacer.next()` waits for the chat's next send slot before a further piece. */
  deliver(message: Delivery, pacer: DeliveryPacer): Promise<DeliveryResult>;
  stop(): Promise<void>;
  /** Whether a platform id is an admin of a group (cached by the channel). */
  isGroupAdmin?(chat: string, platformId: string): Promise<boolean>;
  /** Show the commands in the platform's menu. */
  publishCommands?(commands: readonly MenuCommand[], staffChat?: string): Promise<void>;
  /** A link that opens a private chat with the bot, carrying `payload`. */
  privateLink?(payload?: string): string | undefined;
  /** Show that the bot is writing in a chat (while a model works); best effort, never fails the caller. */
  showTyping?(chat: string): Promise<void>;
}
