// Hearth on WeChat through wechaty, end to end: real Wechaty objects on wechaty-puppet-mock (its Mocker plays the people
// and rooms), the real engine, skills and a real database — check-in, points, badges, UGC review and the handoff bridge.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ScanStatus } from 'wechaty-puppet/types';
import { createWechatyChannel, parseWechatyMessage, stripLeadingSelfMention } from '../../../../bot/channels/wechaty';
import { loadConfig, defaultMemberChannel } from '../../../../bot/config';
import { silentLogger } from '../../../../bot/log';
import { tempDir } from '../../../harness';
import { badgesOf, channelOn, hearthOnWechat, ledgerOf, mockWechat, until } from './support';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

describe('WeChat via wechaty (wechaty-puppet-mock)', () => {
  it('logs in and learns who the bot is; the channel says what WeChat can do', async () => {
    const w = mockWechat();
    const c = channelOn(w);
    expect(await c.connect()).toEqual({ botId: w.self.id });
    expect(c.name).toBe('wechat');
    expect(c.capabilities).toMatchObject({ buttons: 'none', mentions: 'text', privateMessages: 'opened', handles: 'display-name', edits: false, streaming: false });
    expect(c.capabilities.maxTextLength).toBeLessThanOrEqual(2000);
  });

  it('the configuration: WECHATY_PUPPET turns WeChat on, a puppet service needs its token, a token needs a puppet', () => {
    expect(loadConfig({}).WECHATY_PUPPET).toBeUndefined();
    expect(defaultMemberChannel(loadConfig({ WECHATY_PUPPET: 'wechaty-puppet-wechat4u' }))).toBe('wechat');
    expect(defaultMemberChannel(loadConfig({ WECHATY_PUPPET: 'wechaty-puppet-wechat4u', WECOM_BOT_ID: 'a', WECOM_BOT_SECRET: 'b' }))).toBe('wecom');
    expect(() => loadConfig({ WECHATY_PUPPET: 'wechaty-puppet-service' })).toThrow(/WECHATY_PUPPET_SERVICE_TOKEN/);
    expect(() => loadConfig({ WECHATY_PUPPET_SERVICE_TOKEN: 'puppet_x' })).toThrow(/WECHATY_PUPPET/);
    expect(loadConfig({ WECHATY_PUPPET: 'wechaty-puppet-service', WECHATY_PUPPET_SERVICE_TOKEN: 'puppet_x', HEARTH_STAFF_ROOM: 'wechat:123@chatroom' })).toMatchObject({ WECHATY_PUPPET: 'wechaty-puppet-service' });
    expect(() => createWechatyChannel({}, { log: silentLogger() })).toThrow(/WECHATY_PUPPET/);
  });

  it('parses: the leading @bot is taken off, other mentions become ids and people, the room alias is the name', () => {
    expect(stripLeadingSelfMention('@围炉\u2005签到', ['围炉'])).toBe('签到');
    expect(stripLeadingSelfMention('@某人 签到', ['围炉'])).toBe('@某人 签到');
    const parsed = parseWechatyMessage(
      {
        id: 'm1',
        text: '@围炉\u2005颁发勋章 @小李\u2005热心助人',
        at: new Date('2026-03-01T01:00:00Z'),
        talker: { id: 'wxid_mgr', name: 'Mia' },
        talkerRoomAlias: '店长 Mia',
        room: { id: 'r1@chatroom' },
        mentionsSelf: true,
        mentioned: [
          { id: 'wxid_bot', name: '围炉' },
          { id: 'wxid_li', name: '小李' },
        ],
        selfNames: ['围炉'],
      },
      { channel: 'wechat', botId: 'wxid_bot' },
    );
    expect(parsed).toEqual({
      kind: 'message',
      message: {
        id: 'm1',
        channel: 'wechat',
        chat: 'r1@chatroom',
        chatType: 'group',
        from: { id: 'wxid_mgr', name: '店长 Mia' },
        text: '颁发勋章 @小李\u2005热心助人',
        at: new Date('2026-03-01T01:00:00Z'),
        mentions: ['wxid_bot', 'wxid_li'],
        people: [{ id: 'wxid_li', name: '小李' }],
      },
    });
    expect(parseWechatyMessage({ id: 'm2', text: 'x', at: new Date(), talker: { id: 'wxid_bot', name: '围炉' }, mentionsSelf: false, mentioned: [], selfNames: [] }, { channel: 'wechat', botId: 'wxid_bot' }).kind).toBe('ignored');
  });

  it('a room "@围炉 签到" is a check-in (a ledger row), answered in the room', async () => {
    const w = mockWechat();
    const zhang = w.person('张三');
    const room = w.room('茶友群', [zhang]);
    const { hearth } = await hearthOnWechat(w, { groups: [room] });
    zhang.say('@围炉\u2005签到', [w.self]).to(room);
    await until(() => w.said.some((s) => s.chat === room.id), 'the check-in answer');
    expect(w.said.find((s) => s.chat === room.id)!.text).toMatch(/签到成功|\+5/);
    expect(ledgerOf(hearth, zhang.id)).toEqual([{ points: 5, reason: 'checkin' }]);
  });

  it('a private "我有多少积分" is answered privately with the balance', async () => {
    const w = mockWechat();
    const li = w.person('李四');
    const room = w.room('茶友群', [li]);
    const { hearth } = await hearthOnWechat(w, { groups: [room] });
    li.say('@围炉 签到', [w.self]).to(room);
    await until(() => w.said.length === 1, 'the check-in answer');
    li.say('我有多少积分').to(w.self);
    await until(() => w.said.length === 2, 'the balance');
    expect(w.said[1]).toMatchObject({ chat: li.id });
    expect(w.said[1]!.text).toMatch(/你有 5 积分/);
    expect(w.said.filter((s) => s.chat === room.id)).toHaveLength(1); // the balance never went to the room
    expect(ledgerOf(hearth, li.id)).toHaveLength(1);
  });

  it('a manager’s "颁发勋章 @某人 热心助人" in a listed room grants the badge to the member mentioned', async () => {
    const w = mockWechat();
    const mgr = w.person('店长');
    const li = w.person('小李');
    const room = w.room('茶友群', [mgr, li]);
    const { db, hearth } = await hearthOnWechat(w, { groups: [room], managers: [mgr] });
    li.say('@围炉 签到', [w.self]).to(room);
    await until(() => w.said.length === 1, 'the check-in');
    mgr.say('@围炉 颁发勋章 @小李 热心助人', [w.self, li]).to(room);
    await until(() => w.said.length >= 2, 'the badge answer');
    await hearth.engine.idle();
    expect(badgesOf(db, li.id)).toEqual(['helper']);
  });

  it('a "#分享" post is pending until a manager approves it with /approve <id>, then rewarded', async () => {
    const w = mockWechat();
    const mgr = w.person('店长');
    const wang = w.person('王五');
    const room = w.room('茶友群', [mgr, wang]);
    const { hearth } = await hearthOnWechat(w, { groups: [room], managers: [mgr] });
    // Typed "@围炉" without a mention list (as the web protocol gives it): still addressed to the bot.
    wang.say('@围炉 #分享 今天泡的凤凰单丛，蜜兰香很足，第三泡最好喝').to(room);
    await until(() => w.said.length === 1, 'the submission answer');
    const id = /#(\d+)/.exec(w.said[0]!.text)?.[1];
    expect(id, w.said[0]!.text).toBeDefined();
    expect(ledgerOf(hearth, wang.id)).toEqual([]);
    mgr.say(`/approve ${id}`).to(w.self);
    await until(() => ledgerOf(hearth, wang.id).length === 1, 'the reward');
    expect(ledgerOf(hearth, wang.id)).toEqual([{ points: 20, reason: 'ugc' }]);
  });

  it('"转人工" reaches the staff room; staff /take, and the bridge carries words both ways', async () => {
    const w = mockWechat();
    const sam = w.person('客服小王');
    const alice = w.person('Alice');
    const staffRoom = w.room('客服群', [sam]);
    await hearthOnWechat(w, { staffRoom, staff: [sam] });
    alice.say('转人工').to(w.self);
    await until(() => w.said.some((s) => s.chat === staffRoom.id), 'the staff room told');
    expect(w.said.some((s) => s.chat === alice.id)).toBe(true); // the member is told a person will come
    sam.say('/take').to(w.self);
    await until(() => w.said.some((s) => s.chat === sam.id), 'the take confirmed to staff');
    const before = w.said.length;
    sam.say('您好，我是客服小王，请问有什么可以帮您？').to(w.self);
    await until(() => w.said.slice(before).some((s) => s.chat === alice.id && s.text.includes('请问有什么可以帮您')), 'staff words to the member');
    const mid = w.said.length;
    alice.say('我想买 60 盒送客户').to(w.self);
    await until(() => w.said.slice(mid).some((s) => s.chat === sam.id && s.text.includes('我想买 60 盒送客户')), 'member words to staff');
  });

  it('a room join is a join event the engine hears; the bot’s own messages are never taken in', async () => {
    const w = mockWechat();
    const zhao = w.person('赵六');
    const room = w.room('茶友群', []);
    const { hearth } = await hearthOnWechat(w, { groups: [room] });
    room.add(zhao).by(w.self);
    await until(() => (hearth.deps.db.$client.prepare(`SELECT count(*) FROM identities WHERE channel = 'wechat' AND platform_id = ?`).pluck().get(zhao.id) as number) === 1, 'the joiner known');
    const inboxBefore = hearth.deps.db.$client.prepare(`SELECT count(*) FROM inbox WHERE channel = 'wechat'`).pluck().get() as number;
    w.self.say('我自己说的话').to(room);
    await new Promise((r) => setTimeout(r, 200));
    expect(hearth.deps.db.$client.prepare(`SELECT count(*) FROM inbox WHERE channel = 'wechat'`).pluck().get()).toBe(inboxBefore);
  });

  it('shows the login QR in the terminal and writes it to WECHATY_QR_FILE; a logout after the login fails health and stops', async () => {
    const w = mockWechat({ login: false });
    const dir = tempDir();
    const printed: string[] = [];
    const fails: string[] = [];
    let stopped: unknown;
    const c = channelOn(w, { writeQr: (t) => printed.push(t), health: { fail: (_p, m) => fails.push(m), ok: () => undefined }, onStopped: (e) => (stopped = e) }, dir);
    const connected = c.connect();
    await until(() => w.puppet.state.active(), 'the puppet on');
    w.mocker.scan('https://login.weixin.qq.com/l/hearth-test', ScanStatus.Waiting);
    await until(() => existsSync(join(dir, 'qr.png')), 'the QR file');
    expect(printed.join('')).toMatch(/scan this QR code/);
    expect(fails).toContain('WeChat waits for the login QR to be scanned');
    w.mocker.login(w.self);
    expect(await connected).toEqual({ botId: w.self.id });
    expect(stopped).toBeUndefined();
    await w.puppet.logout('kicked out by the test');
    await until(() => stopped !== undefined, 'onStopped');
    expect((stopped as Error).message).toMatch(/logged out/);
    expect(fails.at(-1)).toMatch(/WeChat logged out/);
  });

  it('loads the puppet named by WECHATY_PUPPET, and says so when no login comes in time', async () => {
    const dir = tempDir();
    const c = createWechatyChannel(
      { WECHATY_PUPPET: 'wechaty-puppet-mock', WECHATY_NAME: join(dir, 'hearth'), WECHATY_QR_FILE: join(dir, 'qr.png') },
      { log: silentLogger(), loginTimeoutMs: 500 },
    );
    cleanups.push(() => c.stop());
    // puppet-mock's own Mocker never logs in: the start stops with what to do.
    await expect(c.connect()).rejects.toThrow(/not logged in within 1 s: scan the QR code/);
  });

  it('the one polite line of an unlisted room goes to that room', async () => {
    const w = mockWechat();
    const zhou = w.person('周七');
    const room = w.room('别的群', [zhou]);
    await hearthOnWechat(w);
    zhou.say('@围炉 签到', [w.self]).to(room);
    await until(() => w.said.some((s) => s.chat === room.id), 'the unlisted-room line');
  });

  it('a delivery to a room or contact WeChat does not know is unreachable; a long text goes in pieces', async () => {
    const w = mockWechat();
    const c = channelOn(w);
    await c.connect();
    await c.start({ receive: async () => ({ status: 'recorded' }) });
    const pacer = { next: async () => undefined };
    expect((await c.deliver({ id: 1, chat: 'nobody', group: false, text: 'hi', kind: 'reply', secret: false }, pacer)).status).toBe('unreachable');
    expect((await c.deliver({ id: 2, chat: 'nowhere@chatroom', group: true, text: 'hi', kind: 'reply', secret: false }, pacer)).status).toBe('unreachable');
    const ann = w.person('Ann');
    const long = Array.from({ length: 400 }, (_, i) => `第${i}句。`).join('');
    expect(await c.deliver({ id: 3, chat: ann.id, group: false, text: long, kind: 'reply', secret: false }, pacer)).toEqual({ status: 'sent' });
    expect(w.said.length).toBeGreaterThan(1);
    expect(w.said.map((s) => s.text).join('')).toBe(long);
  });
});
