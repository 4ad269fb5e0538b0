// The neutral message model: every channel converts its platform's updates to these shapes,
// and skills only ever see and produce these.

export type Lang = 'zh' | 'en';
export type ChatType = 'group' | 'private';
export type Role = 'member' | 'manager' | 'staff';

/** A message a person sent, as the engine sees it whatever platform it came from. */
export interface InboundMessage {
  /** Platform message id; with `channel` it identifies the message for redelivery checks. */
  id: string;
  channel: string;
  /** Platform chat id; for a private chat this is the member's platform id. */
  chat: string;
  chatType: ChatType;
  from: { id: string; name?: string; isBot?: boolean; lang?: string; username?: string };
  text: string;
  replyTo?: string;
  /**
   * Platform id of whoever wrote the message replied to, when the platform names them (a WeChat quote does, and its
   * message may be one Hearth never saw); reply-commands take it before the author noted under `replyTo`.
   */
  replyToAuthor?: string;
  /** Platform ids of the users mentioned in the message. */
  mentions?: string[];
  at: Date;
  /** Set when the message is a button press: the button's data. */
  action?: string;
  /** Platform extras a channel wants to keep (e.g. Telegram's forum thread id). */
  thread?: string;
  /** Opaque to everyone but the channel: what it needs to answer this message (e.g. WeCom's frame). */
  replyHandle?: string;
  /** Other people the message names by id (a text mention), to remember under their names. */
  people?: { id: string; name?: string; username?: string }[];
  /** Set by the engine when it arrived `lateMessageMinutes` or more after it was sent: recorded, never acted on. */
  late?: boolean;
}

/** A button offered under a message; `data` comes back as `InboundMessage.action` when pressed. */
export interface Button {
  label: string;
  data?: string;
  url?: string;
  /** Opens the member's private chat with the bot (on Telegram a t.me link; elsewhere the label tells them to). */
  privateChat?: boolean;
}

/** Why the bot sends a message; bulk kinds yield to replies and respect quiet hours. */
export type OutboundKind = 'reply' | 'notice' | 'nudge' | 'bridge';

/** A message the bot sends; written to the outbox first, then delivered by its channel. */
export interface OutboundMessage {
  channel: string;
  chat: string;
  text: string;
  replyTo?: string;
  /** The inbound message's reply handle, for channels that need one to answer. */
  replyHandle?: string;
  buttons?: Button[];
  /** Said instead of the buttons on a channel without any ("reply 1–5", "send /take 3"). */
  buttonsText?: string;
  kind: OutboundKind;
  thread?: string;
  /** A code or a balance: it goes to a private chat or nowhere, never to a group (no fallback to the member's group). */
  secret?: boolean;
  /** Members to mention, by platform id on this channel: the channel shows them (never "@name" pasted into the text). */
  mentions?: string[];
}

/** Other platform events that are not text messages. */
export interface JoinEvent {
  /** The platform's id for the join (a service message); derived from chat, member and time when it has none. */
  id?: string;
  channel: string;
  chat: string;
  from: { id: string; name?: string; username?: string };
  at: Date;
  /** Invite code carried by the join (deep link or invite link), if any. */
  inviteCode?: string;
}
