// The WeChat channel (a personal WeChat account driven through wechaty and a puppet), the only place wechaty is
// imported: login by QR, the session kept on a memory card, room and private text messages in, deliveries out.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import QRCode from 'qrcode';
import { WechatyBuilder, ScanStatus, types, type Contact, type Message, type Room, type Wechaty, type WechatyOptions } from 'wechaty';
import type { Channel, ChannelCapabilities, InboundSink, RateLimits } from '../../core/channel';
import type { HealthReporter } from '../../core/skill';
import type { CopyOverrides } from '../../core/copy';
import type { InboundMessage, JoinEvent } from '../../core/types';
import { HearthError } from '../../core/errors';
import { runtimeCopy } from '../../copy';
import { parseQuote, parseWechatyJoin, parseWechatyMessage, type WechatyMessageFacts, type WechatyQuote } from './parse';
import { createWechatyDelivery, MAX_TEXT, TOO_FREQUENT_RETRY_MS, type WechatyDirectory, type WechatyTarget } from './deliver';

export { parseQuote, parseWechatyMessage, parseWechatyJoin, stripLeadingSelfMention, type WechatyMessageFacts, type WechatyQuote } from './parse';
export { isTooFrequent, MAX_TEXT, TOO_FREQUENT_RETRY_MS } from './deliver';

/** The channel name in the store, in ids (`wechat:<id>`) and in outbox rows. */
export const WECHAT = 'wechat';

/** What a personal WeChat account can do through wechaty. */
export const WECHAT_CAPABILITIES: ChannelCapabilities = {
  // Personal WeChat text messages have no buttons: the runtime's buttonsText ("回复 1 …") is appended instead.
  buttons: 'none',
  maxTextLength: MAX_TEXT,
  // room.say(text, ...contacts) makes a real @ (it notifies), but it is "@Name " in the text, so: text.
  mentions: 'text',
  // An account can write to its friends only, and a stranger must add it first: only people who wrote to it.
  privateMessages: 'opened',
  // "@x" in WeChat is a display name (the room alias or the WeChat name); there are no usernames.
  handles: 'display-name',
  edits: false,
  streaming: false,
};

/**
 * WeChat bans personal accounts that send like machines (fast, regular, many rooms at once); it publishes no figures.
 * So Hearth sends like a careful person: at least 3 s between two messages to one chat, at most 10 a minute to a room,
 * at most 20 a minute altogether, with a margin, and never at a regular beat. Every figure is a setting (WECHAT_* in
 * bot/config.ts); raise them only for an account you can afford to lose.
 */
export const WECHAT_LIMITS: RateLimits = {
  perChatGapMs: 3000,
  groupMax: 10,
  groupWindowMs: 60_000,
  globalMax: 20,
  globalWindowMs: 60_000,
  marginMs: 250,
  // A person takes a few seconds to type even a short answer, never the same few: up to 2 s more on each gap makes the
  // overall beat 2.25–4.25 s (18 a minute on average, under the 20) and one chat's 3.25–5.25 s.
  jitterMs: 2000,
  // Hundreds of sends a day have led to 12-hour blocks: 300 in any 24 hours, answers included, and of them at most 100
  // that the bot starts on its own (fewer on a busy day: nudges get what answers leave).
  dailyMax: 300,
  proactivePerDay: 100,
};

/** What the channel needs from the environment (WECHATY_* variables). */
export interface WechatyConfig {
  /** The puppet's package: wechaty-puppet-wechat4u, wechaty-puppet-service, wechaty-puppet-mock, … */
  WECHATY_PUPPET?: string;
  /** The token a puppet service needs (wechaty-puppet-service). Never logged. */
  WECHATY_PUPPET_SERVICE_TOKEN?: string;
  /** The memory card the session is kept on (`NAME.memory-card.json`), so a restart does not ask for a new scan. */
  WECHATY_NAME?: string;
  /** Where the login QR is written as a PNG, besides the terminal. */
  WECHATY_QR_FILE?: string;
}

/** Defaults of the WECHATY_* variables. */
export const WECHATY_DEFAULTS = { name: 'hearth', qrFile: './data/wechat-login.png' } as const;

function scrub(token: string | undefined, text: string): string {
  return token ? text.split(token).join('[token]') : text;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Print the login QR in the terminal and write it to a PNG (a server without a terminal: open the file). */
async function showQr(log: Logger, url: string, file: string, write: (text: string) => void): Promise<void> {
  try {
    write(`hearth: scan this QR code with the WeChat account Hearth runs as (also written to ${file}):\n${await QRCode.toString(url, { type: 'terminal', small: true })}\n`);
  } catch (err) {
    log.warn({ err: messageOf(err) }, 'could not draw the WeChat QR code in the terminal');
  }
  try {
    mkdirSync(dirname(file), { recursive: true });
    await QRCode.toFile(file, url);
    log.info({ file }, 'wechat login QR written');
  } catch (err) {
    log.warn({ file, err: messageOf(err) }, 'could not write the WeChat QR code to a file');
  }
}

/** Build the WeChat channel. Refuses without a puppet (WECHATY_PUPPET, or `puppet` given by a test). */
export function createWechatyChannel(
  config: WechatyConfig,
  options: {
    log: Logger;
    /** Where the channel says it is down (logged out, the puppet failed). */
    health?: HealthReporter;
    limits?: Partial<RateLimits>;
    /** Called when the account is logged out after a login: Hearth cannot go on on WeChat until someone scans again. */
    onStopped?: (err: unknown) => void;
    /** The program's copy overrides, for the line said when a message could not be recorded. */
    copy?: CopyOverrides;
    /** A puppet instance instead of WECHATY_PUPPET (tests: wechaty-puppet-mock's PuppetMock). */
    puppet?: Extract<WechatyOptions, { puppet?: object }>['puppet'];
    /** How long `connect` waits for the login (a scan, or the session on the memory card). */
    loginTimeoutMs?: number;
    tooFrequentRetryMs?: number;
    /** Where the QR goes for a person to see (stderr by default). */
    writeQr?: (text: string) => void;
  },
): Channel {
  const { log, health } = options;
  const token = config.WECHATY_PUPPET_SERVICE_TOKEN;
  if (!options.puppet && !config.WECHATY_PUPPET) throw new HearthError('bad_config', 'WECHATY_PUPPET must be set for WeChat (e.g. wechaty-puppet-wechat4u)');
  const name = config.WECHATY_NAME ?? WECHATY_DEFAULTS.name;
  const qrFile = config.WECHATY_QR_FILE ?? WECHATY_DEFAULTS.qrFile;
  const writeQr = options.writeQr ?? ((text: string) => void process.stderr.write(text));
  let bot: Wechaty | undefined;
  let botId: string | undefined;
  let sink: InboundSink | undefined;
  let stopping = false;
  let loggedInOnce = false;
  // Events that came between the login and `start`: handed to the sink, in order, once it is there.
  const early: (() => void)[] = [];
  // Reading a message's facts takes awaits (room alias, mentions): one chain keeps the events in arrival order.
  let chain: Promise<void> = Promise.resolve();

  function build(): Wechaty {
    const opts: WechatyOptions = options.puppet
      ? { name, puppet: options.puppet }
      : {
          name,
          // Any puppet package may be named; wechaty loads it by name (puppet-config.ts lists the official ones).
          puppet: config.WECHATY_PUPPET as Extract<WechatyOptions, { puppetOptions?: object }>['puppet'],
          ...(token ? { puppetOptions: { token } } : {}),
        };
    return WechatyBuilder.build(opts);
  }

  function deliverToSink(event: { kind: 'message'; msg: InboundMessage } | { kind: 'join'; join: JoinEvent }, tellOnFailure?: () => Promise<void>): void {
    const go = () => {
      sink!.receive(event).catch((err: unknown) => {
        // WeChat will not send it again: the sender is told, so they can.
        log.error({ err: messageOf(err), chat: event.kind === 'message' ? event.msg.chat : event.join.chat }, 'could not record a WeChat event');
        void tellOnFailure?.().catch(() => undefined);
      });
    };
    if (sink) go();
    else early.push(go);
  }

  /** A contact's name in a room: their room alias where set, else their WeChat name. */
  async function shownName(room: Room | undefined, c: Contact): Promise<string> {
    if (room) {
      try {
        const alias = await room.alias(c);
        if (alias) return alias;
      } catch {
        // No alias to be had: the WeChat name stands.
      }
    }
    return c.name();
  }

  /**
   * Who may have written the message a quote quotes: the contact refermsg names by id where the puppet knows it, else
   * everyone in the room (privately: the talker or the bot) who goes by one of the quote's names — room alias, WeChat
   * name, or the account's own remark, as room.memberAll(name) matches them. parse.ts takes only a single one.
   */
  async function quoteAuthorsOf(quote: WechatyQuote, room: Room | undefined, talker: Contact): Promise<{ id: string; name: string }[]> {
    if (quote.authorId) {
      const c = await bot!.Contact.find({ id: quote.authorId });
      if (c) return [{ id: c.id, name: await shownName(room, c) }];
    }
    const found = new Map<string, { id: string; name: string }>();
    for (const name of quote.names) {
      let contacts: Contact[];
      try {
        contacts = room ? await room.memberAll(name) : [talker, bot!.currentUser].filter((c) => c.name() === name);
      } catch (err) {
        // Not knowing who is meant names nobody: the command then asks for an @.
        log.debug({ err: messageOf(err) }, 'wechat quote: could not search the room members');
        return [];
      }
      for (const c of contacts) found.set(c.id, { id: c.id, name: await shownName(room, c) });
    }
    return [...found.values()];
  }

  async function factsOf(message: Message, quote: WechatyQuote | undefined): Promise<WechatyMessageFacts> {
    const talker = message.talker();
    const room = message.room();
    const mentionsSelf = room ? await message.mentionSelf() : false;
    const list = room ? await message.mentionList() : [];
    const mentioned = await Promise.all(list.map(async (c) => ({ id: c.id, name: await shownName(room, c) })));
    const self = bot!.currentUser;
    const selfNames = [self.name(), ...(room ? [await shownName(room, self)] : [])];
    const talkerAlias = room ? await shownName(room, talker) : undefined;
    return {
      id: message.id,
      text: message.text(),
      at: message.date(),
      talker: { id: talker.id, name: talker.name() },
      ...(room ? { room: { id: room.id }, talkerRoomAlias: talkerAlias !== talker.name() ? talkerAlias : undefined } : {}),
      mentionsSelf,
      mentioned,
      selfNames,
      ...(quote ? { quoteAuthors: await quoteAuthorsOf(quote, room, talker) } : {}),
    };
  }

  async function onMessage(message: Message): Promise<void> {
    if (message.self()) return;
    const quote = parseQuote(message.text());
    // A quote some puppets pass on as WeChat's appmsg XML (type Unknown on puppet-xp) is a text message all the same.
    if (message.type() !== types.Message.Text && quote?.form !== 'xml') {
      log.debug({ type: types.Message[message.type()] }, 'wechat message ignored (not text)');
      return;
    }
    const parsed = parseWechatyMessage(await factsOf(message, quote), { channel: WECHAT, botId: botId! });
    if (parsed.kind === 'ignored') {
      log.debug({ reason: parsed.reason }, 'wechat message ignored');
      return;
    }
    const m = parsed.message;
    deliverToSink({ kind: 'message', msg: m }, async () => {
      const text = runtimeCopy.say({ lang: 'zh', program: { copy: options.copy } }, 'somethingWentWrong');
      const target = await directory.find(m.chat, m.chatType === 'group');
      await target?.say(text, []);
    });
  }

  function onJoin(room: Room, invitees: Contact[], date?: Date): void {
    const joins = parseWechatyJoin({ roomId: room.id, invitees: invitees.map((c) => ({ id: c.id, name: c.name() })), at: date ?? new Date() }, { channel: WECHAT, botId: botId! });
    for (const join of joins) deliverToSink({ kind: 'join', join });
  }

  const directory: WechatyDirectory = {
    loggedIn: () => bot?.isLoggedIn === true,
    async find(chat, group, secret = false): Promise<WechatyTarget | undefined> {
      const b = bot;
      if (!b) return undefined;
      if (group) {
        const room = await b.Room.find({ id: chat });
        if (!room) return undefined;
        return {
          async say(text, mention) {
            const found = await Promise.all(mention.map(async (m) => ({ m, contact: await b.Contact.find({ id: m.id }) })));
            const contacts = found.filter((f) => f.contact).map((f) => f.contact!);
            // A member the puppet does not know cannot be @-ed for real: their name opens the text for people to read.
            const typed = found.filter((f) => !f.contact).map((f) => `@${f.m.name} `).join('');
            if (contacts.length > 0) await room.say(`${typed}${text}`, ...contacts);
            else await room.say(`${typed}${text}`);
          },
        };
      }
      const contact = await b.Contact.find({ id: chat });
      // A room the store has not noted as a group yet (an unlisted room hears one polite line) comes as a private chat:
      // WeChat's room and contact ids never coincide, so it is said in the room, unless it is a secret.
      if (!contact) return secret ? undefined : directory.find(chat, true);
      return {
        async say(text) {
          await contact.say(text);
        },
      };
    },
  };

  const delivery = createWechatyDelivery({ log, directory, maxTextLength: MAX_TEXT, tooFrequentRetryMs: options.tooFrequentRetryMs ?? TOO_FREQUENT_RETRY_MS });

  async function connect(): Promise<{ botId: string }> {
    if (bot && botId) return { botId };
    stopping = false;
    const b = build();
    bot = b;
    let loggedIn: (id: string) => void = () => undefined;
    const first = new Promise<string>((resolve) => (loggedIn = resolve));
    b.on('scan', (qrcode, status) => {
      log.info({ status: ScanStatus[status] }, 'wechat login: scan status');
      if ((status === ScanStatus.Waiting || status === ScanStatus.Timeout) && qrcode) {
        health?.fail(WECHAT, 'WeChat waits for the login QR to be scanned');
        void showQr(log, qrcode, qrFile, writeQr);
      }
    });
    b.on('login', (user) => {
      botId = user.id;
      log.info({ id: user.id, name: user.name(), again: loggedInOnce }, loggedInOnce ? 'wechat logged in again' : 'wechat logged in');
      loggedInOnce = true;
      health?.ok(WECHAT);
      loggedIn(user.id);
    });
    b.on('logout', (user, reason) => {
      if (stopping) return;
      const why = scrub(token, reason ?? 'no reason given');
      log.error({ id: user.id, reason: why }, 'wechat logged out; a new scan is needed');
      health?.fail(WECHAT, `WeChat logged out: ${why}`);
      options.onStopped?.(new HearthError('bad_config', `WeChat logged out (${why}): start again and scan the QR code`));
    });
    b.on('error', (err) => {
      if (stopping) return;
      log.warn({ err: scrub(token, messageOf(err)) }, 'wechat error');
    });
    b.on('message', (message) => {
      chain = chain.then(() => onMessage(message)).catch((err: unknown) => log.error({ err: scrub(token, messageOf(err)) }, 'could not read a WeChat message'));
    });
    b.on('room-join', (room, invitees, _inviter, date) => {
      chain = chain.then(() => onJoin(room, invitees, date)).catch((err: unknown) => log.error({ err: messageOf(err) }, 'could not read a WeChat room join'));
    });
    try {
      await b.start();
    } catch (err) {
      bot = undefined;
      throw new HearthError('bad_config', `wechaty could not start the puppet ${config.WECHATY_PUPPET ?? '(given)'}: ${scrub(token, messageOf(err))}`);
    }
    log.info({ puppet: config.WECHATY_PUPPET ?? 'given', name }, 'wechaty started; waiting for the login');
    const waitMs = options.loginTimeoutMs ?? 10 * 60_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), waitMs)));
    const outcome = await Promise.race([first, timeout]).finally(() => clearTimeout(timer));
    if (outcome === 'timeout' && !b.isLoggedIn) {
      stopping = true;
      await b.stop().catch(() => undefined);
      bot = undefined;
      throw new HearthError('bad_config', `WeChat was not logged in within ${Math.round(waitMs / 1000)} s: scan the QR code (${qrFile})`);
    }
    return { botId: botId! };
  }

  return {
    name: WECHAT,
    capabilities: WECHAT_CAPABILITIES,
    limits: { ...WECHAT_LIMITS, ...options.limits },
    connect,
    async start(s: InboundSink) {
      if (!bot) await connect();
      sink = s;
      for (const go of early.splice(0)) go();
    },
    deliver: delivery.deliver,
    // WeChat rooms have one owner and no admins Hearth can see: the owner answers for the room.
    async isGroupAdmin(chat, platformId) {
      const room = await bot?.Room.find({ id: chat });
      return room?.owner()?.id === platformId;
    },
    async stop() {
      stopping = true;
      sink = undefined;
      const b = bot;
      bot = undefined;
      botId = undefined;
      if (b) await b.stop().catch((err: unknown) => log.debug({ err: messageOf(err) }, 'wechaty stop'));
    },
  };
}
