// The channel conformance suite: what a person on each platform sees when Hearth delivers through that channel, written
// once and run for every channel against its real peer. A new channel joins by adding its rig to `rigs`.
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeBotApi, type Accepted } from '../../../bench/fake-bot-api';
import { CONSOLE_GROUP, createConsoleChannel } from '../../../bot/channels/console';
import { createReplayChannel, type ReplayOutput } from '../../../bot/channels/replay';
import { createTelegramChannel } from '../../../bot/channels/telegram';
import { createWecomChannel } from '../../../bot/channels/wecom';
import { createWecomCallbackChannel, encodeCallbackHandle } from '../../../bot/channels/wecom/callback-channel';
import { shownAnswer, startFakeWecomCallback } from './wecom/fake-wecom-callback';
import { createWechatyChannel } from '../../../bot/channels/wechaty';
import { shown, startFakeWecom, type Taken } from './wecom/fake-wecom';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { tempDir } from '../../harness';
import { join } from 'node:path';
import type { Channel, DeliveryResult } from '../../../bot/core/channel';
import { VirtualClock } from '../../../bot/core/clock';
import type { OutboundMessage } from '../../../bot/core/types';
import type { LocalCapabilityOverrides } from '../../../bot/deployment';
import { silentLogger } from '../../../bot/log';
import type { Db } from '../../../store/db';
import { ensureMember, markCanMessagePrivately, noteChat } from '../../../store/members';
import { hearthOn, tempDb } from '../../harness';

const at = new Date('2026-03-02T03:00:00Z'); // 11:00 in Shanghai: no quiet hours

// ── Rigs: each channel against its peer, and what a person there sees ────────────────────────────────────────────────

/** One message as a person on the platform sees it. */
interface Seen {
  chat: string;
  text: string;
  buttons?: { label: string; url?: string }[];
  /** Mentions shown apart from the letters of the text: Telegram's entities (with the member's id), replay's names. */
  mentions?: { name: string; id?: string }[];
}

/** How a case wants the channel built. */
interface RigOptions {
  /** A limit below the channel's own, for channels whose own limit no message reaches (console, replay). */
  maxTextLength?: number;
  /** No buttons, where the channel can be built so. */
  noButtons?: boolean;
  /** Members whose private chat cannot be written to. */
  unreachable?: string[];
  /** Chats whose first delivery the platform answers "retry after 1 s". */
  retryOnce?: string[];
}

/** A channel connected to its peer. */
interface Peer {
  channel: Channel;
  /** `member` wrote to the bot privately — or, when unreachable, their private chat is closed as the platform has it. */
  privateChat(member: string): void;
  /** Every message people saw, in the order the platform took them. */
  seen(): Promise<Seen[]>;
  /** How many times the platform was asked to deliver to `chat` (taken or refused). */
  attempts(chat: string): Promise<number>;
  close(): Promise<void>;
}

interface Rig {
  name: string;
  /** A group and two members (a member's private chat is their id). */
  ids: { group: string; ann: string; bob: string };
  /** How a mention shows: a name the platform links to the member, "@Name " in the text, or names beside the text. */
  mentions: 'entity' | 'at-name' | 'names-field';
  /** Whether the channel can be built without buttons (then it shows a message's buttonsText). */
  buttonsCanBeOff: boolean;
  /** Where the buttons are: under the message (`inline`, the default), on a card under it, or `none` at all (WeChat). */
  buttons?: 'inline' | 'card' | 'none';
  /** Where the "Chat with me privately" button leads, on platforms where it is a link. */
  privateChatUrl?: string;
  /**
   * The platform takes only answers, one per message received (WeCom's URL callbacks: each message's response_url
   * takes one call). The rig answers each outbox row through a message just received in its chat; a text too long for
   * one message is cut, not split.
   */
  answersOnly?: boolean;
  build(db: Db, clock: VirtualClock, options: RigOptions): Promise<Peer>;
}

/** A local channel built to stand in for a platform: a smaller limit, no buttons, private chats only once opened. */
function localCapabilities(options: RigOptions): LocalCapabilityOverrides {
  return {
    ...(options.maxTextLength ? { maxTextLength: options.maxTextLength } : {}),
    ...(options.noButtons ? { buttons: 'none' as const } : {}),
    ...(options.unreachable?.length ? { privateMessages: 'opened' as const } : {}),
  };
}

/**
 * A local channel (it never answers "retry" or refuses a chat itself): its deliveries counted, and the first delivery to
 * a `retryOnce` chat answered "retry after 1 s" as a platform would, so the runtime's path is the same.
 */
function localPeer(channel: Channel, db: Db, options: RigOptions, seen: () => Seen[]): Peer {
  const calls = new Map<string, number>();
  const deliver = channel.deliver.bind(channel);
  return {
    channel: {
      ...channel,
      async deliver(message, pacer): Promise<DeliveryResult> {
        const n = (calls.get(message.chat) ?? 0) + 1;
        calls.set(message.chat, n);
        if (n === 1 && options.retryOnce?.includes(message.chat)) return { status: 'retry', afterMs: 1000, reason: 'the rig asks to retry after 1 s' };
        return deliver(message, pacer);
      },
    },
    privateChat: (member) => markCanMessagePrivately(db, channel.name, member, !options.unreachable?.includes(member)),
    seen: async () => seen(),
    attempts: async (chat) => calls.get(chat) ?? 0,
    close: async () => undefined,
  };
}

/** A console delivery as printed: `[group] Hearth: text`, further lines indented, buttons as `[ label ]` on the last. */
function readConsole(printed: string): Seen {
  const m = /^\[(group|staff room|to ([^\]]+))\] Hearth: ([\s\S]*)$/.exec(printed);
  if (!m) throw new Error(`not a console delivery: ${printed}`);
  const chat = m[1] === 'group' ? CONSOLE_GROUP : m[1] === 'staff room' ? 'staff' : m[2]!;
  const rows = m[3]!.split('\n   ');
  const last = rows[rows.length - 1]!;
  if (rows.length > 1 && /^(\[ [^\]]+ \] ?)+$/.test(last)) {
    rows.pop();
    return { chat, text: rows.join('\n'), buttons: [...last.matchAll(/\[ (.+?) \]/g)].map((b) => ({ label: b[1]! })) };
  }
  return { chat, text: rows.join('\n') };
}

/** A replay output line as its reader gets it. */
function readReplay(line: string): Seen {
  const out = JSON.parse(line) as ReplayOutput;
  return {
    chat: out.chat,
    text: out.text,
    ...(out.buttons ? { buttons: out.buttons.map((label) => ({ label })) } : {}),
    ...(out.mentions ? { mentions: out.mentions.map((name) => ({ name })) } : {}),
  };
}

/** A message the fake Bot API took, as Telegram shows it: the parsed text, mention entities, the inline keyboard. */
function readTelegram(a: Accepted): Seen {
  const { text, entities } = a.message;
  const keyboard = (a.payload.reply_markup as { inline_keyboard?: { text: string; url?: string }[][] } | undefined)?.inline_keyboard;
  const mentions = entities
    .filter((e) => e.type === 'text_mention' || e.type === 'mention')
    .map((e) => ({ name: text.slice(e.offset, e.offset + e.length), ...(e.user ? { id: String(e.user.id) } : {}) }));
  return {
    chat: a.chat,
    text,
    ...(keyboard ? { buttons: keyboard.flat().map((b) => ({ label: b.text, ...(b.url ? { url: b.url } : {}) })) } : {}),
    ...(mentions.length > 0 ? { mentions } : {}),
  };
}

/**
 * What people saw on WeCom: answers and pushes the fake accepted, in order. A template card pushed after a text (or
 * riding with it in one answer) shows that text's buttons, so it is read as the buttons under it.
 */
function readWecom(taken: Taken[]): Seen[] {
  const seen: Seen[] = [];
  for (const t of taken) {
    const { text, card } = shown(t);
    const buttons = card ? { buttons: card.buttons.map((label) => ({ label })) } : {};
    if (text !== undefined) seen.push({ chat: t.chat, text, ...buttons });
    else if (card) {
      const under = seen.findLast((s) => s.chat === t.chat);
      if (under) Object.assign(under, buttons);
      else seen.push({ chat: t.chat, text: card.title, ...buttons });
    }
  }
  return seen;
}

const rigs: Rig[] = [
  {
    name: 'console',
    ids: { group: CONSOLE_GROUP, ann: 'ann', bob: 'bob' },
    mentions: 'at-name',
    buttonsCanBeOff: true,
    async build(db, clock, options) {
      const printed: string[] = [];
      const channel = createConsoleChannel({
        input: new PassThrough(),
        write: (line) => printed.push(line),
        interactive: false,
        now: () => clock.now(),
        settle: async () => undefined,
        setRole: () => undefined,
        capabilities: localCapabilities(options),
      });
      return localPeer(channel, db, options, () => printed.map(readConsole));
    },
  },
  {
    name: 'replay',
    ids: { group: 'g1', ann: 'u1', bob: 'u2' },
    mentions: 'names-field',
    buttonsCanBeOff: true,
    async build(db, clock, options) {
      const lines: string[] = [];
      const channel = createReplayChannel({ name: 'replay', clock, timezone: 'Asia/Shanghai', write: (line) => lines.push(line), capabilities: localCapabilities(options) });
      return localPeer(channel, db, options, () => lines.map(readReplay));
    },
  },
  {
    name: 'telegram',
    ids: { group: '-1001', ann: '4001', bob: '4002' },
    mentions: 'entity',
    buttonsCanBeOff: false,
    privateChatUrl: 'https://t.me/hearth_test_bot?start=dm',
    // Its own limit (4096) is reachable; the fake refuses unreachable members with 403 and answers 429 once for retryOnce.
    async build(db, _clock, options) {
      const fake = await startFakeBotApi({
        failures: Object.fromEntries((options.unreachable ?? []).map((id) => [id, { code: 403, description: "Forbidden: bot can't initiate conversation with a user" }])),
        force429: Object.fromEntries((options.retryOnce ?? []).map((id) => [id, 1])),
      });
      const channel = createTelegramChannel(
        { TELEGRAM_BOT_TOKEN: '123456:FAKE-token', TELEGRAM_API_ROOT: fake.url },
        { log: silentLogger(), botInfo: { id: 6000000001, username: 'hearth_test_bot' } },
      );
      return {
        channel,
        // The store says the member opened the chat; Telegram itself refuses the unreachable ones.
        privateChat: (member) => markCanMessagePrivately(db, 'telegram', member),
        seen: async () => (await fake.snapshot()).accepted.map(readTelegram),
        async attempts(chat) {
          const snap = await fake.snapshot();
          return snap.accepted.filter((a) => a.chat === chat).length + snap.rejections.filter((r) => r.chat === chat).length;
        },
        close: () => fake.close(),
      };
    },
  },
  {
    name: 'wecom',
    ids: { group: 'wrTeaGroup01', ann: 'ann.lee', bob: 'bob.w' },
    // Frames carry no mention list and the robot's markdown has no documented mention by id: "@Name " opens the text.
    mentions: 'at-name',
    // Every WeCom message may carry a template card: there is no WeCom without buttons.
    buttonsCanBeOff: false,
    buttons: 'card',
    // Its own limit (1,365 code units) is reachable. The fake refuses pushes to unreachable members with errcode 40003
    // (invalid userid) and answers the first frame to a retryOnce chat with 45009 (over the frequency limit). WeCom sends
    // no retry-after: the channel's wait after a busy errcode is a setting, 1 s here to match the case.
    async build(db, _clock, options) {
      const fake = await startFakeWecom({
        refuse: Object.fromEntries((options.unreachable ?? []).map((id) => [id, { errcode: 40003, errmsg: 'invalid userid' }])),
        busyOnce: Object.fromEntries((options.retryOnce ?? []).map((id) => [id, 1])),
      });
      const channel = createWecomChannel({ WECOM_BOT_ID: 'aibConformance', WECOM_BOT_SECRET: 'conformance-secret', WECOM_WS_URL: fake.url }, { log: silentLogger(), busyRetryMs: 1000 });
      await channel.start({ receive: async () => ({ status: 'recorded' }) });
      return {
        channel,
        // The store says the member opened the chat; WeCom itself refuses the unreachable ones.
        privateChat: (member) => markCanMessagePrivately(db, 'wecom', member),
        seen: async () => readWecom(fake.accepted()),
        attempts: async (chat) => fake.taken.filter((t) => t.chat === chat).length,
        async close() {
          await channel.stop();
          await fake.close();
        },
      };
    },
  },
  {
    name: 'wecom (URL callbacks)',
    ids: { group: 'wrTeaGroup01', ann: 'ann.lee', bob: 'bob.w' },
    mentions: 'at-name',
    buttonsCanBeOff: false,
    buttons: 'card',
    answersOnly: true,
    // The same robot in its other API mode, against a local server playing WeCom's response_urls: an unreachable
    // member's response_urls are refused (an assumed errcode: WeCom documents none), a retryOnce chat's first answer gets
    // 45009. There is no proactive send, so every row goes out as the answer to a message just received in its chat.
    async build(db, _clock, options) {
      const keys = { token: 'conformanceToken', aesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' };
      const fake = await startFakeWecomCallback({
        ...keys,
        refuse: Object.fromEntries((options.unreachable ?? []).map((id) => [id, { errcode: 40029, errmsg: 'invalid response_code' }])),
        busyOnce: Object.fromEntries((options.retryOnce ?? []).map((id) => [id, 1])),
      });
      const channel = createWecomCallbackChannel({ WECOM_CALLBACK_TOKEN: keys.token, WECOM_CALLBACK_AES_KEY: keys.aesKey }, { log: silentLogger(), busyRetryMs: 1000 });
      await channel.start({ receive: async () => ({ status: 'recorded' }) });
      const handles = new Map<number, string>();
      const handleOf = (id: number, chat: string) => {
        if (!handles.has(id)) handles.set(id, encodeCallbackHandle({ id: `conformance-${id}`, chat, at: Date.now(), url: fake.issue(chat) }));
        return handles.get(id)!;
      };
      const deliver = channel.deliver.bind(channel);
      return {
        channel: { ...channel, deliver: (d, pacer) => deliver(d.replyHandle ? d : { ...d, replyHandle: handleOf(d.id, d.chat) }, pacer) },
        privateChat: (member) => markCanMessagePrivately(db, 'wecom', member),
        seen: async () =>
          fake.accepted().map((t) => {
            const { text, buttons } = shownAnswer(t.body);
            return { chat: t.chat, text, ...(buttons ? { buttons: buttons.map((label) => ({ label })) } : {}) };
          }),
        attempts: async (chat) => fake.taken.filter((t) => t.chat === chat).length,
        async close() {
          await channel.stop();
          await fake.close();
        },
      };
    },
  },
  {
    name: 'wechat',
    ids: { group: 'teaGroup01@chatroom', ann: 'wxid_ann', bob: 'wxid_bob' },
    // room.say(text, contact) puts "@Name " before the text and makes it a real WeChat @ (wechaty user-modules/room.js).
    mentions: 'at-name',
    // A personal WeChat account has no buttons at all: the text said instead of them is always shown.
    buttonsCanBeOff: true,
    buttons: 'none',
    // Its own limit (2,000) is reachable. wechaty-puppet-mock plays WeChat: an unreachable member is a contact the
    // puppet does not know (WeChat cannot write to a non-friend), and the first send to a retryOnce chat is refused as
    // "too frequent", which the channel answers with a retry after its setting (1 s here to match the case).
    async build(_db, _clock, options) {
      const mocker = new mock.Mocker();
      const puppet = new PuppetMock({ mocker });
      const self = mocker.createContact({ id: 'wxid_hearth', name: '围炉' });
      const people = [
        { id: 'wxid_ann', name: 'Ann Lee' },
        { id: 'wxid_bob', name: 'Bob' },
      ].filter((p) => !options.unreachable?.includes(p.id));
      const contacts = people.map((p) => mocker.createContact(p));
      mocker.createRoom({ id: 'teaGroup01@chatroom', topic: 'Tea lovers', memberIdList: [self.id, ...contacts.map((c) => c.id)] });
      mocker.use(() => {
        mocker.login(self);
        return () => undefined;
      });
      const said: Seen[] = [];
      const calls = new Map<string, number>();
      const send = puppet.messageSendText.bind(puppet);
      puppet.messageSendText = async (chat: string, text: string) => {
        const n = (calls.get(chat) ?? 0) + 1;
        calls.set(chat, n);
        if (n === 1 && options.retryOnce?.includes(chat)) throw new Error('发送消息太频繁 (too frequent)');
        said.push({ chat, text });
        return send(chat, text);
      };
      const dir = tempDir();
      const channel = createWechatyChannel({ WECHATY_NAME: join(dir, 'hearth'), WECHATY_QR_FILE: join(dir, 'qr.png') }, { log: silentLogger(), puppet, tooFrequentRetryMs: 1000, loginTimeoutMs: 5000, limits: { jitterMs: 0 } });
      return {
        channel,
        // The store says the member opened the chat; WeChat itself cannot reach the unreachable ones.
        privateChat: (member) => markCanMessagePrivately(_db, 'wechat', member),
        seen: async () => said,
        attempts: async (chat) => calls.get(chat) ?? 0,
        close: () => channel.stop(),
      };
    },
  },
];

// ── The runtime around a rig, and what the cases check ───────────────────────────────────────────────────────────────

const peers: Peer[] = [];
afterEach(async () => {
  while (peers.length > 0) await peers.pop()!.close();
});

/** A Hearth delivering through the rig's channel (no skills: the cases queue messages as skills do). */
async function open(rig: Rig, options: RigOptions = {}) {
  const { db } = tempDb();
  const clock = new VirtualClock(at);
  const peer = await rig.build(db, clock, options);
  peers.push(peer);
  const hearth = await hearthOn([peer.channel], { db, clock, modules: [] });
  const channel = peer.channel.name;
  let n = 0;
  return {
    peer,
    capabilities: peer.channel.capabilities,
    /** A member who wrote privately to the bot and was seen in the group (so the group is known as one). */
    member(id: string, name: string) {
      const m = ensureMember(db, { channel, platformId: id, name, at });
      peer.privateChat(id);
      noteChat(db, channel, rig.ids.group, 'group', m.id, at);
      return m;
    },
    queue(msg: Omit<OutboundMessage, 'channel' | 'kind'> & { kind?: OutboundMessage['kind'] }) {
      return hearth.deps.queue(`conformance-${++n}`, { channel, kind: 'reply', ...msg }, at);
    },
    /** Deliver what is due `afterMs` after the start; resolves with how many messages were sent. */
    flush: (afterMs = 0) => hearth.dispatcher.flush(new Date(at.getTime() + afterMs)),
    seen: () => peer.seen(),
  };
}

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

/** `seen` mentions `name` (whose id is `id`) the platform's way, the name shown exactly once. */
function expectMention(rig: Rig, seen: Seen, name: string, id: string): void {
  if (rig.mentions === 'entity') {
    expect(occurrences(seen.text, name)).toBe(1);
    expect(seen.mentions).toEqual([{ name, id }]);
  } else if (rig.mentions === 'at-name') {
    expect(occurrences(seen.text, `@${name} `)).toBe(1);
    expect(occurrences(seen.text, name)).toBe(1);
    expect(seen.mentions).toBeUndefined();
  } else {
    expect(seen.mentions).toEqual([{ name }]);
    expect(seen.text).not.toContain(name);
  }
}

/**
 * A text well over `limit`: English sentences, a line of Chinese with emoji (no spaces to break at), English again. The
 * Chinese is laid so that emoji sequences straddle the limit, where a cut by code units would fall inside one.
 */
function longText(limit: number): string {
  const english = (from: number, chars: number) => {
    let s = '';
    for (let i = from; s.length < chars; i++) s += `Tea note ${i}: the oolong of batch ${i} keeps its orchid scent well. `;
    return s.trimEnd();
  };
  const zh = '今天的茶会很热闹大家都来了这款乌龙回甘明显下次还想再喝谢谢主办方';
  const chinese = (units: number) => [...Array(Math.ceil(units)).keys()].map((i) => zh[i % zh.length]).join('');
  return `${english(1, limit * 0.5)}\n${chinese(limit - 3)}👨‍👩‍👧🇨🇳👍🏽❤️${chinese(limit * 0.5)}\n${english(500, limit * 0.7)}`;
}

/** `pieces` are `text` in order, each continuing where the one before ended, nothing left out, no character or word cut. */
function expectPiecesOf(text: string, pieces: string[]): void {
  const boundaries = new Set([...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)].map((s) => s.index));
  let pos = 0;
  for (const [i, piece] of pieces.entries()) {
    const start = pos;
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
    if (i > 0 && pos === start) {
      const around = `…${text.slice(pos - 6, pos)}|${text.slice(pos, pos + 6)}…`;
      expect(boundaries.has(pos), `piece ${i} begins inside a character: ${around}`).toBe(true);
      expect(/[A-Za-z0-9]/.test(text[pos - 1]!) && /[A-Za-z0-9]/.test(text[pos]!), `piece ${i} begins inside a word: ${around}`).toBe(false);
    }
    expect(text.slice(pos, pos + piece.length), `piece ${i} goes on where piece ${i - 1} ended`).toBe(piece);
    pos += piece.length;
  }
  expect(text.slice(pos).trim(), 'the end of the text is left out').toBe('');
  expect(pieces.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
}

// ── The cases, the same for every channel ────────────────────────────────────────────────────────────────────────────

describe.each(rigs)('channel conformance: $name', (rig) => {
  const { group, ann, bob } = rig.ids;

  it('delivers a text to a private chat and to a group: the right chat, the exact text', async () => {
    const t = await open(rig);
    t.member(ann, 'Ann Lee');
    const privately = 'Your check-in is in: +5 points 🎉 (3 days in a row)';
    const toGroup = '早上好 ☀️ Good morning, tea lovers & <friends>!';
    t.queue({ chat: ann, text: privately });
    t.queue({ chat: group, text: toGroup });
    expect(await t.flush()).toBe(2);
    const seen = await t.seen();
    expect(seen).toHaveLength(2);
    expect(seen).toEqual(expect.arrayContaining([{ chat: ann, text: privately }, { chat: group, text: toGroup }]));
  });

  it('splits a text longer than the limit into pieces within it, in order, each once, nothing lost, no character or word cut', async () => {
    const t = await open(rig, { maxTextLength: 300 });
    const limit = t.capabilities.maxTextLength;
    expect(limit).toBeLessThanOrEqual(4096);
    t.member(ann, 'Ann Lee');
    const text = longText(limit);
    expect(text.length).toBeGreaterThan(2 * limit);
    t.queue({ chat: ann, text, buttons: [{ label: 'Got it', data: 'ack' }] });
    expect(await t.flush()).toBe(1);
    const pieces = await t.seen();
    if (rig.answersOnly) {
      // One answer per message: the text is cut within the limit at a boundary, marked, its buttons with it.
      expect(pieces).toHaveLength(1);
      const [only] = pieces;
      expect(only!.chat).toBe(ann);
      expect(only!.text.length).toBeLessThanOrEqual(limit);
      expect(only!.text.endsWith('…')).toBe(true);
      expectPiecesOf(text.slice(0, only!.text.length - 1), [only!.text.slice(0, -1)]);
      expect(only!.buttons?.map((b) => b.label)).toEqual(['Got it']);
      return;
    }
    expect(pieces.length).toBeGreaterThanOrEqual(Math.ceil(text.length / limit));
    for (const p of pieces) {
      expect(p.chat).toBe(ann);
      expect(p.text.length).toBeLessThanOrEqual(limit);
    }
    expectPiecesOf(
      text,
      pieces.map((p) => p.text),
    );
    // The buttons hang under the last piece only (on a channel without buttons, nowhere).
    const last = rig.buttons === 'none' ? undefined : ['Got it'];
    expect(pieces.map((p) => p.buttons?.map((b) => b.label))).toEqual([...pieces.slice(1).map(() => undefined), last]);
  });

  const buttons = [
    { label: 'Yes 👍', data: 'arrived:yes' },
    { label: 'Not yet', data: 'arrived:no' },
  ];
  const buttonsText = 'Reply 1 for "Yes", 2 for "Not yet".';

  const buttonsCase =
    rig.buttons === 'none'
      ? 'has no buttons (does not apply): shows the text said instead of them, once'
      : rig.buttons === 'card'
        ? 'shows buttons on a card under the message, and not the text said instead of them'
        : 'shows buttons under the message where the channel has them, and not the text said instead of them';
  it(buttonsCase, async () => {
    const t = await open(rig);
    expect(t.capabilities.buttons).toBe(rig.buttons ?? 'inline');
    t.member(ann, 'Ann Lee');
    t.queue({ chat: ann, text: 'Did your tea arrive?', buttons, buttonsText });
    await t.flush();
    if (rig.buttons === 'none') {
      expect(await t.seen()).toEqual([{ chat: ann, text: `Did your tea arrive?\n${buttonsText}` }]);
      return;
    }
    expect((await t.seen()).map((s) => ({ chat: s.chat, text: s.text, labels: s.buttons?.map((b) => b.label) }))).toEqual([
      { chat: ann, text: 'Did your tea arrive?', labels: ['Yes 👍', 'Not yet'] },
    ]);
  });

  it(rig.buttonsCanBeOff ? 'without buttons, shows the text said instead of them' : 'cannot be built without buttons: always shows them', async () => {
    const t = await open(rig, { noButtons: true });
    t.member(ann, 'Ann Lee');
    t.queue({ chat: ann, text: 'Did your tea arrive?', buttons, buttonsText });
    await t.flush();
    const seen = await t.seen();
    expect(seen).toHaveLength(1);
    if (rig.buttonsCanBeOff) {
      expect(t.capabilities.buttons).toBe('none');
      expect(seen[0]!.buttons).toBeUndefined();
      expect(seen[0]!.text.startsWith('Did your tea arrive?')).toBe(true);
      expect(occurrences(seen[0]!.text, buttonsText)).toBe(1);
    } else {
      expect(t.capabilities.buttons).toBe(rig.buttons ?? 'inline');
      expect(seen[0]!.buttons?.map((b) => b.label)).toEqual(['Yes 👍', 'Not yet']);
      expect(seen[0]!.text).toBe('Did your tea arrive?');
    }
  });

  it('a group message mentioning a member shows their name exactly once, as a mention of them', async () => {
    const t = await open(rig);
    t.member(ann, 'Ann Lee');
    t.member(bob, 'Bob');
    const text = 'welcome to the tea club! Your first cup is on us.';
    t.queue({ chat: group, text, mentions: [ann] });
    await t.flush();
    const seen = await t.seen();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.chat).toBe(group);
    expect(seen[0]!.text.endsWith(text)).toBe(true);
    expectMention(rig, seen[0]!, 'Ann Lee', ann);
  });

  // A channel without buttons shows none, and says instead how to open a private chat.
  const privateChatHint = '(To chat privately, open my profile and send me a message.)';
  const privateChatButton = rig.buttons === 'none' ? undefined : [{ label: 'Chat with me privately', ...(rig.privateChatUrl ? { url: rig.privateChatUrl } : {}) }];

  it("an unreachable private message goes to the member's group, mentioning them, with a button to chat privately", async () => {
    const t = await open(rig, { unreachable: [ann] });
    t.member(ann, 'Ann Lee');
    const text = 'The spring tasting starts at 3 pm today, see you there!';
    t.queue({ chat: ann, text });
    expect(await t.flush()).toBe(1);
    const seen = await t.seen();
    expect(seen.filter((s) => s.chat === ann)).toEqual([]);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.chat).toBe(group);
    expect(seen[0]!.text.endsWith(rig.buttons === 'none' ? `${text}\n${privateChatHint}` : text)).toBe(true);
    expectMention(rig, seen[0]!, 'Ann Lee', ann);
    expect(seen[0]!.buttons).toEqual(privateChatButton);
  });

  it('a secret that cannot be delivered privately never shows in the group: the group hears only that it could not be', async () => {
    const t = await open(rig, { unreachable: [ann] });
    t.member(ann, 'Ann Lee');
    t.queue({ chat: ann, text: 'Your ¥10 voucher code: HX-7Q2P-93KD', secret: true });
    await t.flush();
    const seen = await t.seen();
    expect(seen.filter((s) => s.text.includes('HX-7Q2P') || s.text.includes('voucher'))).toEqual([]);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.chat).toBe(group);
    expect(seen[0]!.text).toMatch(/couldn't reach you privately/);
    expectMention(rig, seen[0]!, 'Ann Lee', ann);
    expect(seen[0]!.buttons).toEqual(privateChatButton);
  });

  it("honours a retry-after: nothing is sent again before it, then once; the chat's later messages wait behind it, in order", async () => {
    const t = await open(rig, { retryOnce: [ann] });
    t.member(ann, 'Ann Lee');
    t.queue({ chat: ann, text: 'first' });
    t.queue({ chat: ann, text: 'second' });
    t.queue({ chat: group, text: 'meanwhile, in the group' });
    expect(await t.flush()).toBe(1);
    expect((await t.seen()).map((s) => [s.chat, s.text])).toEqual([[group, 'meanwhile, in the group']]);
    expect(await t.peer.attempts(ann)).toBe(1);
    // The platform asked for 1 s: not a moment before.
    expect(await t.flush(999)).toBe(0);
    expect(await t.peer.attempts(ann)).toBe(1);
    expect(await t.flush(1000)).toBe(2);
    expect((await t.seen()).filter((s) => s.chat === ann).map((s) => s.text)).toEqual(['first', 'second']);
    expect(await t.peer.attempts(ann)).toBe(3); // the one refused, then each once
  });
});
