// Hearth on the WeCom intelligent robot in URL-callback mode, end to end: a local server plays WeCom (signs and encrypts
// callbacks with @wecom/crypto, POSTs them to the route on Hearth's HTTP app, takes the answers at each response_url),
// through the real engine, skills and a real database — and `hearth start` itself in a child process.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createWecomCallbackChannel, encodeCallbackHandle, WECOM_CALLBACK_BOT_ID } from '../../../../bot/channels/wecom/callback-channel';
import type { Delivery, InboundSink } from '../../../../bot/core/channel';
import { HearthError } from '../../../../bot/core/errors';
import { loadConfig } from '../../../../bot/config';
import { createHttpApp, listen } from '../../../../bot/http';
import { silentLogger } from '../../../../bot/log';
import type { Hearth } from '../../../../bot/hearth';
import { hearthOn, program, tempDb, tempDir } from '../../../harness';
import { freePort, readDb, writeProgram } from '../../live-support';
import { shownAnswer, startFakeWecomCallback, type FakeWecomCallback, type Sent } from './fake-wecom-callback';

const TOKEN = 'hearthCallbackToken01';
// 43 letters and digits, as the robot's API settings show an EncodingAESKey.
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const GROUP = 'wrTeaLoversGroup01';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function fake(setup: Partial<Parameters<typeof startFakeWecomCallback>[0]> = {}): Promise<FakeWecomCallback> {
  const f = await startFakeWecomCallback({ token: TOKEN, aesKey: AES_KEY, ...setup });
  cleanups.push(() => f.close());
  return f;
}

/**
 * Hearth on the callback channel, the fake's group listed, on a fresh database, its route on the HTTP app the runtime
 * serves (as live.ts mounts a channel's webhook). No passive replies unless asked: answers go to the response_url.
 */
async function hearthOnCallbacks(extra: Partial<Parameters<typeof createWecomCallbackChannel>[1]> = {}, sink?: (hearth: Hearth) => InboundSink) {
  const { db } = tempDb();
  const channel = createWecomCallbackChannel(
    { WECOM_CALLBACK_TOKEN: TOKEN, WECOM_CALLBACK_AES_KEY: AES_KEY },
    { log: silentLogger(), limits: { perChatGapMs: 0 }, passiveReplyMs: 0, ...extra },
  );
  const hearth = await hearthOn([channel], { db, program: program((p) => void (p.groups = [`wecom:${GROUP}`])) });
  const app = createHttpApp({ hearth });
  channel.webhook.mount(app);
  const server = await listen(app, { port: 0, hostname: '127.0.0.1' });
  cleanups.push(async () => {
    await channel.stop();
    await server.close();
  });
  await channel.start(sink ? sink(hearth) : hearth);
  return { db, channel, hearth, route: `${server.url}/wecom/callback` };
}

const ledgerRows = (hearth: Hearth, userid: string) =>
  hearth.deps.db.$client
    .prepare(`SELECT l.points, l.reason FROM ledger_entries l JOIN identities i ON i.member_id = l.member_id WHERE i.channel = 'wecom' AND i.platform_id = ?`)
    .all(userid);
const inboxRows = (hearth: Hearth) => hearth.deps.db.$client.prepare(`SELECT count(*) FROM inbox WHERE channel = 'wecom'`).pluck().get() as number;

function delivery(chat: string, replyHandle: string | undefined, extra: Partial<Delivery> = {}): Delivery {
  return { id: 1, chat, group: false, text: '你好', kind: 'reply', secret: false, ...(replyHandle ? { replyHandle } : {}), ...extra };
}
const pacer = { next: async () => undefined };

describe('WeCom intelligent robot in URL-callback mode (a local server playing WeCom)', () => {
  it('answers the URL check with the decrypted echostr, as plain text', async () => {
    const f = await fake();
    const { route } = await hearthOnCallbacks();
    const checked = await f.verify(route);
    expect(checked).toMatchObject({ status: 200, text: checked.expected });
  });

  it('a group "@robot 签到" is recorded, then acknowledged empty; the check-in answer arrives at its response_url', async () => {
    const f = await fake();
    const { hearth, route, channel } = await hearthOnCallbacks();
    const sent = await f.send(route, f.text('zhangsan', '@围炉 签到', { group: GROUP }));
    expect(sent).toEqual({ status: 200, text: '' });
    expect(inboxRows(hearth)).toBe(1); // recorded before the 200
    await f.until(() => f.accepted().length === 1, 'the check-in answer');
    const answer = f.accepted()[0]!;
    expect(answer.chat).toBe(GROUP);
    expect(answer.body.msgtype).toBe('markdown');
    expect(shownAnswer(answer.body).text).toMatch(/签到成功|\+5/);
    expect(ledgerRows(hearth, 'zhangsan')).toEqual([{ points: 5, reason: 'checkin' }]);
    await hearth.engine.idle();
    expect(f.taken).toHaveLength(1);
    expect(channel.stats).toMatchObject({ responseUrl: 1, passive: 0 });
  });

  it('a single-chat "我有多少积分" is answered with the balance in that chat, never in the group', async () => {
    const f = await fake();
    const { route } = await hearthOnCallbacks();
    await f.send(route, f.text('lisi', '@围炉 签到', { group: GROUP }));
    await f.until(() => f.accepted().length === 1, 'the check-in answer');
    expect((await f.send(route, f.text('lisi', '我有多少积分'))).status).toBe(200);
    await f.until(() => f.accepted().length === 2, 'the balance');
    const answer = f.accepted()[1]!;
    expect(answer.chat).toBe('lisi');
    expect(shownAnswer(answer.body).text).toMatch(/5/);
    expect(shownAnswer(answer.body).text).toMatch(/积分/);
    expect(f.taken.filter((t) => t.chat === GROUP)).toHaveLength(1);
  });

  it('a forged signature is refused with 401: nothing recorded, no points, nothing answered', async () => {
    const f = await fake();
    const { hearth, route } = await hearthOnCallbacks();
    const sent = await f.send(route, f.text('wangwu', '@围炉 签到', { group: GROUP }), { forge: true });
    expect(sent.status).toBe(401);
    await hearth.engine.idle();
    expect(inboxRows(hearth)).toBe(0);
    expect(ledgerRows(hearth, 'wangwu')).toEqual([]);
    expect(f.taken).toEqual([]);
  });

  it('a redelivered callback (the same msgid) is recorded once and answered once', async () => {
    const f = await fake();
    const { hearth, route } = await hearthOnCallbacks();
    const msg = f.text('zhaoliu', '@围炉 签到', { group: GROUP });
    expect((await f.send(route, msg)).status).toBe(200);
    expect((await f.send(route, msg)).status).toBe(200);
    await f.until(() => f.accepted().length === 1, 'the answer');
    await hearth.engine.idle();
    await hearth.dispatcher.flush(new Date());
    expect(inboxRows(hearth)).toBe(1);
    expect(ledgerRows(hearth, 'zhaoliu')).toEqual([{ points: 5, reason: 'checkin' }]);
    expect(f.taken).toHaveLength(1);
  });

  it('a message that cannot be recorded is answered 500, so WeCom sends it again; the retry is recorded once', async () => {
    const f = await fake();
    let failing = true;
    const { hearth, route } = await hearthOnCallbacks({}, (h) => ({
      async receive(event) {
        if (failing) throw new HearthError('storage_failed', 'disk full');
        return h.receive(event);
      },
    }));
    const msg = f.text('sunqi', '@围炉 签到', { group: GROUP });
    const refused = await f.send(route, msg);
    expect(refused.status).toBe(500);
    expect(refused.text).not.toMatch(/disk full|\n\s+at /); // no detail, no stack trace to WeCom
    expect(inboxRows(hearth)).toBe(0);
    failing = false;
    expect((await f.send(route, msg)).status).toBe(200);
    await f.until(() => f.accepted().length === 1, 'the answer');
    expect(ledgerRows(hearth, 'sunqi')).toEqual([{ points: 5, reason: 'checkin' }]);
  });

  it('a dead response_url makes the answer unreachable: a private answer is rerouted to the group, which has nothing to answer', async () => {
    const f = await fake({ refuse: { zhouba: { errcode: 40029, errmsg: 'invalid response_code' } } });
    const { hearth, route, channel } = await hearthOnCallbacks();
    await f.send(route, f.text('zhouba', '@围炉 签到', { group: GROUP }));
    await f.until(() => f.accepted().length === 1, 'the check-in answer');
    await f.send(route, f.text('zhouba', '我有多少积分'));
    await f.until(() => channel.stats.unreachable >= 2, 'the refused answer and its rerouted copy');
    await hearth.engine.idle();
    const rows = hearth.deps.db.$client
      .prepare(`SELECT chat, key, last_error AS error, sent_at IS NOT NULL AS sent, failed_at IS NOT NULL AS failed FROM outbox ORDER BY id`)
      .all() as { chat: string; key: string; error: string | null; sent: number; failed: number }[];
    expect(rows.map((r) => [r.chat, r.sent, r.failed])).toEqual([
      [GROUP, 1, 0],
      ['zhouba', 0, 1],
      [GROUP, 0, 1],
    ]);
    expect(rows[1]!.error).toMatch(/40029/);
    expect(rows[2]!.key).toMatch(/:rerouted$/);
    expect(rows[2]!.error).toMatch(/no message from this chat to answer/);
    // One refused call; the group never saw the balance; nothing was pushed (callback mode has no push).
    expect(f.taken.map((t) => [t.chat, t.errcode])).toEqual([
      [GROUP, 0],
      ['zhouba', 40029],
    ]);
  });

  it('a response_url takes one answer, within its hour, in its own chat; without one a chat is unreachable', async () => {
    const f = await fake();
    const { channel } = await hearthOnCallbacks();
    const url = f.issue('qianjiu');
    const handle = encodeCallbackHandle({ id: 'm1', chat: 'qianjiu', at: Date.now(), url });
    expect(await channel.deliver(delivery('qianjiu', handle), pacer)).toEqual({ status: 'sent' });
    expect(await channel.deliver(delivery('qianjiu', handle, { id: 2 }), pacer)).toMatchObject({ status: 'unreachable', reason: expect.stringMatching(/used already/) });
    const old = encodeCallbackHandle({ id: 'm2', chat: 'qianjiu', at: Date.now() - 2 * 3600_000, url: f.issue('qianjiu') });
    expect(await channel.deliver(delivery('qianjiu', old), pacer)).toMatchObject({ status: 'unreachable', reason: expect.stringMatching(/expired/) });
    const elsewhere = encodeCallbackHandle({ id: 'm3', chat: GROUP, at: Date.now(), url: f.issue(GROUP) });
    expect(await channel.deliver(delivery('qianjiu', elsewhere), pacer)).toMatchObject({ status: 'unreachable' });
    expect(await channel.deliver(delivery('qianjiu', undefined), pacer)).toMatchObject({ status: 'unreachable', reason: expect.stringMatching(/no proactive send/) });
    expect(f.taken).toHaveLength(1); // none of the refused ones made a call
  });

  it('WeCom busy: retry after the wait, the response_url kept for the retry', async () => {
    const f = await fake({ busyOnce: { qianjiu: 1 } });
    const { channel } = await hearthOnCallbacks({ busyRetryMs: 1234 });
    const handle = encodeCallbackHandle({ id: 'm1', chat: 'qianjiu', at: Date.now(), url: f.issue('qianjiu') });
    expect(await channel.deliver(delivery('qianjiu', handle), pacer)).toMatchObject({ status: 'retry', afterMs: 1234 });
    expect(await channel.deliver(delivery('qianjiu', handle), pacer)).toEqual({ status: 'sent' });
    expect(f.taken.map((t) => t.errcode)).toEqual([45009, 0]);
  });

  it('answers in the HTTP response when the answer is committed in time: a finished stream, sealed with the request nonce', async () => {
    const f = await fake();
    const { hearth, route, channel } = await hearthOnCallbacks({ passiveReplyMs: 5000 });
    const sent: Sent = await f.send(route, f.text('wuyi', '@围炉 签到', { group: GROUP }));
    expect(sent.status).toBe(200);
    expect(sent.reply).toMatchObject({ msgtype: 'stream', stream: { finish: true } });
    expect(shownAnswer(sent.reply!).text).toMatch(/签到成功|\+5/);
    await hearth.engine.idle();
    expect(f.taken).toEqual([]); // its response_url was not needed
    expect(channel.stats).toMatchObject({ passive: 1, responseUrl: 0 });
    expect(ledgerRows(hearth, 'wuyi')).toEqual([{ points: 5, reason: 'checkin' }]);
  });

  it('enter_chat (no response_url) is answered as the welcome text in its HTTP response', async () => {
    const f = await fake();
    const { route } = await hearthOnCallbacks({ passiveReplyMs: 5000 });
    const sent = await f.send(route, f.event('zhengshi', { eventtype: 'enter_chat' }));
    expect(sent.status).toBe(200);
    expect(sent.reply?.msgtype === 'text' || sent.reply?.msgtype === 'template_card').toBe(true);
    expect(shownAnswer(sent.reply!).text.length).toBeGreaterThan(0);
  });

  it('refuses a request before the channel is started (500: WeCom retries), and a non-JSON body (400)', async () => {
    const f = await fake();
    const { channel, route } = await hearthOnCallbacks();
    expect((await fetch(route, { method: 'POST', body: 'hello' })).status).toBe(400);
    await channel.stop();
    expect((await f.send(route, f.text('a', 'hi'))).status).toBe(500);
  });

  it('uses the robot id that parse puts in group mentions, so a group message is addressed to the robot', async () => {
    const f = await fake();
    const { hearth, route } = await hearthOnCallbacks();
    expect(hearth.deps.deployment.channels.wecom?.botId).toBe(WECOM_CALLBACK_BOT_ID);
    await f.send(route, f.text('lisi', '@围炉 /help', { group: GROUP }));
    await f.until(() => f.accepted().length === 1, 'the help text');
  });
});

describe('WeCom callback configuration', () => {
  it('takes the token and the EncodingAESKey together, a well-formed key and path, and refuses both API modes at once', () => {
    expect(() => loadConfig({ WECOM_CALLBACK_TOKEN: TOKEN })).toThrow(/WECOM_CALLBACK_AES_KEY: WECOM_CALLBACK_TOKEN and WECOM_CALLBACK_AES_KEY go together/);
    expect(() => loadConfig({ WECOM_CALLBACK_AES_KEY: AES_KEY })).toThrow(/WECOM_CALLBACK_TOKEN: WECOM_CALLBACK_TOKEN and WECOM_CALLBACK_AES_KEY go together/);
    expect(() => loadConfig({ WECOM_CALLBACK_TOKEN: TOKEN, WECOM_CALLBACK_AES_KEY: 'abc' })).toThrow(/WECOM_CALLBACK_AES_KEY: must be the 43 letters and digits/);
    expect(() => loadConfig({ WECOM_CALLBACK_TOKEN: TOKEN, WECOM_CALLBACK_AES_KEY: AES_KEY, WECOM_CALLBACK_PATH: 'hook' })).toThrow(/WECOM_CALLBACK_PATH: must be a URL path/);
    expect(() => loadConfig({ WECOM_CALLBACK_PATH: '/hook' })).toThrow(/WECOM_CALLBACK_PATH is set but WECOM_CALLBACK_TOKEN/);
    expect(() => loadConfig({ WECOM_BOT_ID: 'aib1', WECOM_BOT_SECRET: 's', WECOM_CALLBACK_TOKEN: TOKEN, WECOM_CALLBACK_AES_KEY: AES_KEY })).toThrow(
      /long connection \(WECOM_BOT_ID, WECOM_BOT_SECRET\) or URL callbacks \(WECOM_CALLBACK_TOKEN, WECOM_CALLBACK_AES_KEY\), not both/,
    );
    expect(loadConfig({ WECOM_CALLBACK_TOKEN: TOKEN, WECOM_CALLBACK_AES_KEY: AES_KEY, WECOM_CALLBACK_PATH: '/hooks/wecom' })).toMatchObject({ WECOM_CALLBACK_PATH: '/hooks/wecom' });
    // A robot that only answers cannot carry staff alerts: the staff room goes elsewhere.
    expect(() => loadConfig({ WECOM_CALLBACK_TOKEN: TOKEN, WECOM_CALLBACK_AES_KEY: AES_KEY, HEARTH_STAFF_ROOM: 'wecom:wrkStaff' })).toThrow(/HEARTH_STAFF_ROOM: the WeCom robot in URL-callback mode can only answer/);
    expect(loadConfig({ WECOM_CALLBACK_TOKEN: TOKEN, WECOM_CALLBACK_AES_KEY: AES_KEY, TELEGRAM_BOT_TOKEN: '1:x', HEARTH_STAFF_ROOM: 'telegram:-100123' })).toMatchObject({ HEARTH_STAFF_ROOM: 'telegram:-100123' });
  });

  it('the channel refuses to be built without both, and a key checkWecomKeys refuses', () => {
    expect(() => createWecomCallbackChannel({ WECOM_CALLBACK_TOKEN: TOKEN }, { log: silentLogger() })).toThrow(/WECOM_CALLBACK_TOKEN and WECOM_CALLBACK_AES_KEY/);
    expect(() => createWecomCallbackChannel({ WECOM_CALLBACK_TOKEN: TOKEN, WECOM_CALLBACK_AES_KEY: 'x'.repeat(42) }, { log: silentLogger() })).toThrow(/EncodingAESKey/);
  });
});

describe('hearth start on WeCom URL callbacks (the CLI, in a child process)', () => {
  it('serves the callback route on HEARTH_HTTP_PORT: the URL check, a group "@robot 签到" and a single-chat "我有多少积分"', async () => {
    const f = await fake();
    const dir = tempDir();
    const db = join(dir, 'hearth.db');
    const port = await freePort();
    const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', '..', '..', 'bin', 'hearth.js'), 'start'], {
      env: {
        ...process.env,
        HEARTH_DB: db,
        HEARTH_PROGRAM: writeProgram(dir, (p) => void (p.groups = [`wecom:${GROUP}`])),
        HEARTH_LOG_LEVEL: 'error',
        HEARTH_HTTP_PORT: String(port),
        TELEGRAM_BOT_TOKEN: '',
        HEARTH_ORDERS_SECRET: '',
        WECOM_BOT_ID: '',
        WECOM_BOT_SECRET: '',
        WECOM_CALLBACK_TOKEN: TOKEN,
        WECOM_CALLBACK_AES_KEY: AES_KEY,
        HEARTH_STAFF_ROOM: '',
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
    await f.until(() => /on WeCom \(URL callbacks/.test(stderr), `hearth to start:\n${stderr}`, 30_000);
    const route = `http://127.0.0.1:${port}/wecom/callback`;
    const checked = await f.verify(route);
    expect(checked).toMatchObject({ status: 200, text: checked.expected });

    // The answer comes in the HTTP response when it is committed in time, else at the response_url.
    const answerTo = async (sent: Sent, before: number) => {
      expect(sent.status).toBe(200);
      if (sent.reply) return shownAnswer(sent.reply).text;
      await f.until(() => f.accepted().length > before, 'the answer at the response_url');
      return shownAnswer(f.accepted()[before]!.body).text;
    };
    expect(await answerTo(await f.send(route, f.text('sunqi', '@围炉 签到', { group: GROUP })), 0)).toMatch(/签到成功|\+5/);
    const before = f.accepted().length;
    expect(await answerTo(await f.send(route, f.text('sunqi', '我有多少积分')), before)).toMatch(/5/);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const rows = readDb(db, (d) => d.prepare(`SELECT l.points, l.reason FROM ledger_entries l JOIN identities i ON i.member_id = l.member_id WHERE i.channel = 'wecom' AND i.platform_id = 'sunqi'`).all());
    expect(rows).toEqual([{ points: 5, reason: 'checkin' }]);
    expect(stderr).not.toContain(AES_KEY);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
