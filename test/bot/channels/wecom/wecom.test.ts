// Hearth on the WeCom intelligent robot, end to end: the official SDK on a real WebSocket to a local fake speaking the
// robot's frames, the real engine, skills and a real database — and `hearth start` itself in a child process.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createWecomChannel, MAX_TEXT, THINKING_LATE_TEXT, THINKING_TEXT, type WecomChannel } from '../../../../bot/channels/wecom';
import type { Delivery, InboundSink } from '../../../../bot/core/channel';
import type { InboundMessage } from '../../../../bot/core/types';
import { HearthError } from '../../../../bot/core/errors';
import { loadConfig } from '../../../../bot/config';
import { silentLogger } from '../../../../bot/log';
import type { Hearth } from '../../../../bot/hearth';
import { hearthOn, program, tempDb, tempDir } from '../../../harness';
import { VirtualClock, type Clock } from '../../../../bot/core/clock';
import { readDb, writeProgram } from '../../live-support';
import { shown, startFakeWecom, type FakeWecom, type Taken } from './fake-wecom';

const BOT_ID = 'aibLocalTestBot01';
const SECRET = 'wecom-test-secret-0123456789abcdef';
const GROUP = 'wrTeaLoversGroup01';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function fake(setup: Parameters<typeof startFakeWecom>[0] = {}): Promise<FakeWecom> {
  const f = await startFakeWecom({ botId: BOT_ID, secret: SECRET, ...setup });
  cleanups.push(() => f.close());
  return f;
}

function channelTo(f: FakeWecom, extra: Partial<Parameters<typeof createWecomChannel>[1]> = {}): WecomChannel {
  const c = createWecomChannel({ WECOM_BOT_ID: BOT_ID, WECOM_BOT_SECRET: SECRET, WECOM_WS_URL: f.url }, { log: silentLogger(), startTimeoutMs: 5000, ...extra });
  cleanups.push(() => c.stop());
  return c;
}

/** Hearth on the WeCom channel, the fake's group listed, on a fresh database. */
async function hearthOnWecom(f: FakeWecom, extra: Partial<Parameters<typeof createWecomChannel>[1]> = {}, clock?: Clock) {
  const { db } = tempDb();
  const channel = channelTo(f, { limits: { perChatGapMs: 0 }, ...extra });
  const hearth = await hearthOn([channel], { db, clock, program: program((p) => void (p.groups = [`wecom:${GROUP}`])) });
  return { db, channel, hearth };
}

const ledgerRows = (hearth: Hearth) =>
  hearth.deps.db.$client.prepare(`SELECT l.points, l.reason FROM ledger_entries l JOIN identities i ON i.member_id = l.member_id WHERE i.channel = 'wecom' AND i.platform_id = ?`);

describe('WeCom intelligent robot channel (long connection to a local fake)', () => {
  it('connects and subscribes with the bot id and secret', async () => {
    const f = await fake();
    const c = channelTo(f);
    expect(await c.connect()).toEqual({ botId: BOT_ID });
    await c.start({ receive: async () => ({ status: 'recorded' }) });
    expect(f.subscribes).toEqual([{ bot_id: BOT_ID, secret: SECRET }]);
  });

  it('a refused secret stops the start with a clear error that does not show the secret', async () => {
    const f = await fake({ secret: 'another-secret' });
    const c = channelTo(f);
    const err = await c.start({ receive: async () => ({ status: 'recorded' }) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HearthError);
    expect((err as HearthError).code).toBe('bad_config');
    expect((err as Error).message).toMatch(/WECOM_BOT_ID \/ WECOM_BOT_SECRET.*invalid credential/);
    expect((err as Error).message).not.toContain(SECRET);
  });

  it('the configuration takes both WECOM_BOT_ID and WECOM_BOT_SECRET or neither, and a ws(s) URL', () => {
    expect(() => loadConfig({ WECOM_BOT_ID: BOT_ID })).toThrow(/WECOM_BOT_SECRET: WECOM_BOT_ID and WECOM_BOT_SECRET go together/);
    expect(() => loadConfig({ WECOM_BOT_SECRET: SECRET })).toThrow(/WECOM_BOT_ID: WECOM_BOT_ID and WECOM_BOT_SECRET go together/);
    expect(() => loadConfig({ WECOM_BOT_ID: BOT_ID, WECOM_BOT_SECRET: SECRET, WECOM_WS_URL: 'http://x' })).toThrow(/WECOM_WS_URL: must be a ws/);
    expect(loadConfig({ WECOM_BOT_ID: BOT_ID, WECOM_BOT_SECRET: SECRET, HEARTH_STAFF_ROOM: 'wecom:wrStaff' })).toMatchObject({ WECOM_BOT_ID: BOT_ID, HEARTH_STAFF_ROOM: 'wecom:wrStaff' });
    expect(loadConfig({}).WECOM_BOT_ID).toBeUndefined();
  });

  it('refuses to be built with only one of the bot id and the secret', () => {
    expect(() => createWecomChannel({ WECOM_BOT_ID: BOT_ID }, { log: silentLogger() })).toThrow(/WECOM_BOT_ID and WECOM_BOT_SECRET/);
  });

  it('a group "@robot 签到" is checked in (a ledger row) and answered as the reply to that frame', async () => {
    const f = await fake();
    const { hearth, channel } = await hearthOnWecom(f);
    await channel.start(hearth);
    const { reqId } = f.pushText('zhangsan', '@围炉 签到', { group: GROUP });
    await f.until(() => f.accepted().length > 0, 'the check-in answer');
    const answer = f.accepted()[0]!;
    expect(answer).toMatchObject({ cmd: 'aibot_respond_msg', reqId, chat: GROUP });
    expect((answer.body as { msgtype: string; stream: { finish: boolean } }).msgtype).toBe('stream');
    expect((answer.body as { stream: { finish: boolean } }).stream.finish).toBe(true);
    expect(shown(answer).text).toMatch(/签到成功|\+5/);
    expect(ledgerRows(hearth).all('zhangsan')).toEqual([{ points: 5, reason: 'checkin' }]);
    await hearth.engine.idle();
    expect(f.accepted()).toHaveLength(1);
  });

  it('a single-chat "我有多少积分" is answered with the balance in that chat', async () => {
    const f = await fake();
    const { hearth, channel } = await hearthOnWecom(f);
    await channel.start(hearth);
    f.pushText('lisi', '@围炉 签到', { group: GROUP });
    await f.until(() => f.accepted().length === 1, 'the check-in answer');
    const { reqId } = f.pushText('lisi', '我有多少积分');
    await f.until(() => f.accepted().length === 2, 'the balance');
    const answer = f.accepted()[1]!;
    expect(answer).toMatchObject({ cmd: 'aibot_respond_msg', reqId, chat: 'lisi' });
    expect(shown(answer).text).toMatch(/5/);
    expect(shown(answer).text).toMatch(/积分/);
    expect(f.taken.filter((t) => t.chat === GROUP)).toHaveLength(1); // the balance never went to the group
  });

  it('records a message before it is answered, and tells the sender when it could not be recorded', async () => {
    const f = await fake();
    const { hearth, channel } = await hearthOnWecom(f);
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const order: string[] = [];
    const sink: InboundSink = {
      async receive(event) {
        if (event.kind === 'message' && event.msg.text === 'fail') throw new HearthError('storage_failed', 'disk full');
        await held; // recording takes a while
        const r = await hearth.receive(event);
        order.push(`recorded ${event.kind === 'message' ? event.msg.id : ''}`);
        return r;
      },
    };
    await channel.start(sink);
    const { msgid } = f.pushText('wangwu', '/help');
    await new Promise((r) => setTimeout(r, 300));
    expect(f.taken).toEqual([]); // nothing is answered while it is not recorded
    const inbox = () => hearth.deps.db.$client.prepare(`SELECT count(*) FROM inbox WHERE channel = 'wecom' AND message_id = ?`).pluck().get(msgid) as number;
    expect(inbox()).toBe(0);
    release();
    await f.until(() => f.accepted().length === 1, 'the answer');
    expect(order).toEqual([`recorded ${msgid}`]);
    expect(inbox()).toBe(1);

    const failed = f.pushText('wangwu', 'fail');
    await f.until(() => f.accepted().length === 2, 'the apology');
    expect(f.accepted()[1]).toMatchObject({ reqId: failed.reqId, chat: 'wangwu' });
    expect(shown(f.accepted()[1]!).text).toMatch(/出了点问题/);
  });

  it('keeps the connection alive with heartbeats, and subscribes again after the connection drops', async () => {
    const f = await fake();
    const c = channelTo(f, { heartbeatMs: 100, reconnectMs: 50 });
    await c.start({ receive: async () => ({ status: 'recorded' }) });
    await f.until(() => f.pings() >= 3, 'three heartbeats acked', 5000);
    f.dropConnection();
    await f.until(() => f.subscribes.length === 2, 'a second subscription', 5000);
    expect(f.subscribes[1]).toEqual({ bot_id: BOT_ID, secret: SECRET });
  });

  it('a message with no frame to answer (a notice) is pushed to the chat as markdown', async () => {
    const f = await fake();
    // Outside quiet hours (a notice queued at night waits for the morning), whenever this test runs.
    const afternoon = new Date('2026-03-02T15:00:00+08:00');
    const { hearth, channel } = await hearthOnWecom(f, {}, new VirtualClock(afternoon));
    await channel.start(hearth);
    hearth.deps.queue('notice-1', { channel: 'wecom', chat: GROUP, text: '今晚 8 点茶会 🍵', kind: 'notice' }, afternoon);
    await hearth.dispatcher.flush(afternoon);
    expect(f.accepted()).toMatchObject([{ cmd: 'aibot_send_msg', chat: GROUP, body: { chatid: GROUP, msgtype: 'markdown', markdown: { content: '今晚 8 点茶会 🍵' } } }]);
  });

  it('enter_chat opens the private chat: the greeting goes as the welcome reply to that event', async () => {
    const f = await fake();
    const { hearth, channel } = await hearthOnWecom(f);
    await channel.start(hearth);
    const { reqId } = f.pushEvent('zhaoliu', { eventtype: 'enter_chat' });
    await f.until(() => f.accepted().length === 1, 'the welcome');
    expect(f.accepted()[0]).toMatchObject({ cmd: 'aibot_respond_welcome_msg', reqId, chat: 'zhaoliu', body: { msgtype: 'text' } });
  });
});

/** The stream a taken answer carries, if any. */
const streamOf = (t: Taken) => (t.body as { stream?: { id: string; finish: boolean } }).stream;
const pacer = { next: async () => undefined };

/** The channel started on a sink that only collects what arrives, on a fake. */
async function collecting(f: FakeWecom, extra: Partial<Parameters<typeof createWecomChannel>[1]> = {}) {
  const received: InboundMessage[] = [];
  const c = channelTo(f, extra);
  await c.start({
    receive: async (event) => {
      if (event.kind === 'message') received.push(event.msg);
      return { status: 'recorded' };
    },
  });
  /** Push a single-chat text and wait until the channel has handed it on; returns it as the sink saw it. */
  const ask = async (from: string, text: string) => {
    const { msgid } = f.pushText(from, text);
    await f.until(() => received.some((m) => m.id === msgid), `the message ${msgid}`);
    return received.find((m) => m.id === msgid)!;
  };
  const answerTo = (m: InboundMessage, id: number, fields: Partial<Delivery> = {}): Delivery => ({
    id,
    chat: m.chat,
    group: false,
    text: '答案',
    kind: 'reply',
    replyTo: m.id,
    ...(m.replyHandle ? { replyHandle: m.replyHandle } : {}),
    secret: false,
    ...fields,
  });
  return { c, ask, answerTo };
}

describe('WeCom "thinking" placeholder (showTyping)', () => {
  it('opens the frame\'s stream with the placeholder, then the answer replaces it on the same stream', async () => {
    const f = await fake();
    const { c, ask, answerTo } = await collecting(f);
    const m = await ask('qianba', '帮我推荐一款适合晚上喝的茶');
    await c.showTyping!('qianba');
    expect(f.accepted()).toHaveLength(1);
    const placeholder = f.accepted()[0]!;
    expect(placeholder).toMatchObject({ cmd: 'aibot_respond_msg', reqId: m.replyHandle, chat: 'qianba' });
    expect(shown(placeholder).text).toBe(THINKING_TEXT);
    expect(streamOf(placeholder)?.finish).toBe(false);

    expect(await c.deliver(answerTo(m, 1, { text: '晚上可以试试熟普洱，不太刺激。' }), pacer)).toEqual({ status: 'sent' });
    expect(f.accepted()).toHaveLength(2);
    const answer = f.accepted()[1]!;
    expect(answer).toMatchObject({ cmd: 'aibot_respond_msg', reqId: m.replyHandle, chat: 'qianba' });
    expect(streamOf(answer)).toMatchObject({ id: streamOf(placeholder)!.id, finish: true });
    expect(shown(answer).text).toBe('晚上可以试试熟普洱，不太刺激。');
    expect(c.stats).toMatchObject({ replies: 1, pushes: 0 });
  });

  it('a long answer puts its first piece on the placeholder\'s stream and pushes the rest; buttons ride on that stream', async () => {
    const f = await fake();
    const { c, ask, answerTo } = await collecting(f);
    const long = await ask('zhoujiu', '讲讲乌龙茶');
    await c.showTyping!('zhoujiu');
    const text = `${'乌'.repeat(MAX_TEXT)}\n\n${'龙'.repeat(100)}`;
    expect(await c.deliver(answerTo(long, 1, { text }), pacer)).toEqual({ status: 'sent' });
    const [placeholder, first, rest] = f.accepted();
    expect(f.accepted()).toHaveLength(3);
    expect(streamOf(first!)).toEqual({ id: streamOf(placeholder!)!.id, finish: true, content: expect.stringMatching(/^乌+$/) });
    expect(rest).toMatchObject({ cmd: 'aibot_send_msg', chat: 'zhoujiu', body: { msgtype: 'markdown', markdown: { content: '龙'.repeat(100) } } });

    const withButtons = await ask('zhoujiu', '给我看看活动');
    await c.showTyping!('zhoujiu');
    const buttons = [{ label: '报名', data: 'join:tea' }];
    expect(await c.deliver(answerTo(withButtons, 2, { text: '周六茶会，点按钮报名。', buttons }), pacer)).toEqual({ status: 'sent' });
    const [cardPlaceholder, card] = f.accepted().slice(3);
    expect(f.accepted()).toHaveLength(5);
    expect(shown(cardPlaceholder!).text).toBe(THINKING_TEXT);
    expect(card).toMatchObject({ cmd: 'aibot_respond_msg', reqId: withButtons.replyHandle, body: { msgtype: 'stream_with_template_card' } });
    expect(streamOf(card!)).toMatchObject({ id: streamOf(cardPlaceholder!)!.id, finish: true, content: '周六茶会，点按钮报名。' });
    expect(shown(card!).card?.buttons).toEqual(['报名']);
  });

  it('sends nothing when no frame of the chat is still unanswered', async () => {
    const f = await fake();
    const { c, ask, answerTo } = await collecting(f);
    await c.showTyping!('wushi'); // never wrote
    expect(f.taken).toEqual([]);
    const m = await ask('wushi', '你好');
    await c.deliver(answerTo(m, 1), pacer);
    expect(f.taken).toHaveLength(1);
    await c.showTyping!('wushi'); // its one frame is answered already
    expect(f.taken).toHaveLength(1);
    expect(streamOf(f.taken[0]!)?.finish).toBe(true);
  });

  it('a placeholder nobody answers in time is finished, and the late answer is pushed as a message of its own', async () => {
    const f = await fake();
    const { c, ask, answerTo } = await collecting(f, { thinkingMs: 50 });
    const m = await ask('zhengshiyi', '这周有什么新茶');
    await c.showTyping!('zhengshiyi');
    await f.until(() => f.accepted().length === 2, 'the placeholder to be finished');
    const [placeholder, finished] = f.accepted();
    expect(streamOf(placeholder!)).toMatchObject({ finish: false, content: THINKING_TEXT });
    expect(finished).toMatchObject({ cmd: 'aibot_respond_msg', reqId: m.replyHandle });
    expect(streamOf(finished!)).toEqual({ id: streamOf(placeholder!)!.id, finish: true, content: THINKING_LATE_TEXT });

    expect(await c.deliver(answerTo(m, 1, { text: '新到了明前龙井。' }), pacer)).toEqual({ status: 'sent' });
    expect(f.accepted()[2]).toMatchObject({ cmd: 'aibot_send_msg', chat: 'zhengshiyi', body: { msgtype: 'markdown', markdown: { content: '新到了明前龙井。' } } });
    expect(f.accepted()).toHaveLength(3);
  });
});

describe('hearth start on WeCom (the CLI, in a child process)', () => {
  it('starts with WECOM_BOT_ID, WECOM_BOT_SECRET and WECOM_WS_URL, and answers a group "@robot 签到" and a single-chat "我有多少积分"', async () => {
    const f = await fake();
    const dir = tempDir();
    const db = join(dir, 'hearth.db');
    const programPath = writeProgram(dir, (p) => void (p.groups = [`wecom:${GROUP}`]));
    const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', '..', '..', 'bin', 'hearth.js'), 'start'], {
      env: {
        ...process.env,
        HEARTH_DB: db,
        HEARTH_PROGRAM: programPath,
        HEARTH_LOG_LEVEL: 'error',
        TELEGRAM_BOT_TOKEN: '',
        HEARTH_ORDERS_SECRET: '',
        WECOM_BOT_ID: BOT_ID,
        WECOM_BOT_SECRET: SECRET,
        WECOM_WS_URL: f.url,
        HEARTH_STAFF_ROOM: 'wecom:wrStaffRoom01',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    });
    await f.until(() => /on WeCom as robot/.test(stderr), `hearth to start:\n${stderr}`, 30_000);
    expect(f.subscribes).toEqual([{ bot_id: BOT_ID, secret: SECRET }]);
    expect(stderr).not.toContain(SECRET);

    const checkin = f.pushText('sunqi', '@围炉 签到', { group: GROUP });
    await f.until(() => f.accepted().length === 1, 'the check-in answer');
    expect(f.accepted()[0]).toMatchObject({ cmd: 'aibot_respond_msg', reqId: checkin.reqId, chat: GROUP });
    expect(shown(f.accepted()[0]!).text).toMatch(/签到成功|\+5/);

    const ask = f.pushText('sunqi', '我有多少积分');
    await f.until(() => f.accepted().length === 2, 'the balance');
    expect(f.accepted()[1]).toMatchObject({ cmd: 'aibot_respond_msg', reqId: ask.reqId, chat: 'sunqi' });
    expect(shown(f.accepted()[1]!).text).toMatch(/5/);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const rows = readDb(db, (d) => d.prepare(`SELECT l.points, l.reason FROM ledger_entries l JOIN identities i ON i.member_id = l.member_id WHERE i.channel = 'wecom' AND i.platform_id = 'sunqi'`).all());
    expect(rows).toEqual([{ points: 5, reason: 'checkin' }]);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
