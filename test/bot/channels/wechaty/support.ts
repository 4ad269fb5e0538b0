// The WeChat test rig: wechaty-puppet-mock with the bot's account logged in, people and rooms made by its Mocker, what
// the bot said recorded at the puppet, and Hearth on that channel — shared by the WeChat tests and the cross-channel one.
import { afterEach } from 'vitest';
import { join } from 'node:path';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { types } from 'wechaty';
import { createWechatyChannel } from '../../../../bot/channels/wechaty';
import type { Channel } from '../../../../bot/core/channel';
import { createLogger, silentLogger } from '../../../../bot/log';
import type { Hearth } from '../../../../bot/hearth';
import type { Db } from '../../../../store/db';
import { ensureMember, setRole } from '../../../../store/members';
import { hearthOn, program, tempDb, tempDir } from '../../../harness';

export type ContactMock = ReturnType<mock.Mocker['createContact']>;
export type RoomMock = ReturnType<mock.Mocker['createRoom']>;

/** What the bot said, as the puppet was asked to send it. */
export interface Said {
  chat: string;
  text: string;
  mentions: string[];
}

/** A mock WeChat: the bot's account logged in, people and rooms, and everything the bot said. */
export function mockWechat(options: { login?: boolean } = {}) {
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const self = mocker.createContact({ name: '围炉' });
  const said: Said[] = [];
  // The mock sends by having the bot's contact say it into the room or chat; recording at the puppet shows what went out.
  const send = puppet.messageSendText.bind(puppet);
  puppet.messageSendText = async (conversationId: string, text: string, mentionIdList?: string[]) => {
    said.push({ chat: conversationId, text, mentions: mentionIdList ?? [] });
    return send(conversationId, text);
  };
  // The Mocker starts once the puppet is on (puppet-mock.js onStart): log the account in then, as a scan would.
  if (options.login !== false)
    mocker.use(() => {
      mocker.login(self);
      return () => undefined;
    });
  let n = 0;
  return {
    mocker,
    puppet,
    self,
    said,
    person: (name: string, id?: string): ContactMock => mocker.createContact({ name, ...(id ? { id } : {}) }),
    room: (topic: string, members: ContactMock[]): RoomMock => mocker.createRoom({ topic, memberIdList: [self.id, ...members.map((m) => m.id)] }),
    /**
     * `from` sends a message the puppet gives as `type` with `text` (the mock's say() only makes Text): how puppet-xp
     * passes a quote on — WeChat's appmsg XML as a message of type Unknown.
     */
    raw(from: ContactMock, to: RoomMock | ContactMock, text: string, type: types.Message = types.Message.Unknown): string {
      const id = `raw-${++n}-${Date.now()}`;
      const base = { id, talkerId: from.id, timestamp: Date.now(), type, text };
      const payload = 'topic' in to.payload ? { ...base, roomId: to.id, mentionIdList: [] } : { ...base, listenerId: to.id };
      mocker.MessageMock.create(payload);
      mocker.puppet.emit('message', { messageId: id });
      return id;
    },
  };
}

/** A mock WeChat as mockWechat makes it. */
export type MockWechat = ReturnType<typeof mockWechat>;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** Poll until `check` holds (tests run on real time: the puppet and the outbox work asynchronously). */
export async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The channel on a mock WeChat, its memory card in a temporary folder, sending limits and jitter off (tests run on real time). */
export function channelOn(w: MockWechat, extra: Partial<Parameters<typeof createWechatyChannel>[1]> = {}, dir = tempDir()): Channel {
  const c = createWechatyChannel(
    { WECHATY_NAME: join(dir, 'hearth'), WECHATY_QR_FILE: join(dir, 'qr.png') },
    { log: process.env.WECHAT_DEBUG ? createLogger('debug') : silentLogger(), puppet: w.puppet, limits: { perChatGapMs: 0, groupMax: 1000, globalMax: 1000, jitterMs: 0 }, loginTimeoutMs: 5000, ...extra },
  );
  cleanups.push(() => c.stop());
  return c;
}

/** Make these WeChat people staff in the store, as `hearth role` would. */
export function makeStaff(db: Db, staff: ContactMock[]): void {
  for (const s of staff) setRole(db, ensureMember(db, { channel: 'wechat', platformId: s.id, name: s.payload.name, at: new Date() }).id, 'staff');
}

/** Hearth on the mock WeChat (its people and rooms made first, so the program can list them), on a fresh database. */
export async function hearthOnWechat(w: MockWechat, options: { groups?: RoomMock[]; managers?: ContactMock[]; staffRoom?: RoomMock; staff?: ContactMock[] } = {}) {
  const { db } = tempDb();
  const channel = channelOn(w);
  const hearth = await hearthOn([channel], {
    db,
    program: program((p) => {
      p.groups = (options.groups ?? []).map((r) => `wechat:${r.id}`);
      p.managers = (options.managers ?? []).map((c) => `wechat:${c.id}`);
    }),
    ...(options.staffRoom ? { staffRoom: { channel: 'wechat', chat: options.staffRoom.id } } : {}),
  });
  makeStaff(db, options.staff ?? []);
  await channel.start(hearth);
  return { db, channel, hearth };
}

/** The ledger rows of a WeChat member, by their WeChat id. */
export const ledgerOf = (hearth: Hearth, id: string) =>
  hearth.deps.db.$client
    .prepare(`SELECT l.points, l.reason FROM ledger_entries l JOIN identities i ON i.member_id = l.member_id WHERE i.channel = 'wechat' AND i.platform_id = ?`)
    .all(id);

/** The badges a WeChat member holds, by their WeChat id. */
export const badgesOf = (db: Db, id: string) =>
  db.$client
    .prepare(`SELECT b.badge_id FROM member_badges b JOIN identities i ON i.member_id = b.member_id WHERE i.channel = 'wechat' AND i.platform_id = ?`)
    .pluck()
    .all(id);
