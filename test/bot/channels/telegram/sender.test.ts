// The Telegram channel's deliveries against a local fake Bot API that enforces Telegram's limits (bench/fake-bot-api.ts, real HTTP):
// nothing is refused for speed, nothing is sent twice, a chat's messages stay in order, replies overtake nudges, and
// what a member sees is well formed (escaped names, split texts, buttons, a group mention when a DM is impossible).
import { afterEach, describe, expect, it } from 'vitest';
import { hearthOnFakeBotApi, startFakeBotApi, type FakeBotApi } from '../../../../bench/fake-bot-api';
import { VirtualClock } from '../../../../bot/core/clock';
import { silentLogger } from '../../../../bot/log';
import type { OutboundMessage } from '../../../../bot/core/types';
import type { RateLimits } from '../../../../bot/core/channel';
import { createTelegramChannel } from '../../../../bot/channels/telegram';
import { menuCommands } from '../../../../bot/live';
import { ensureMember, markCanMessagePrivately, noteChat } from '../../../../store/members';
import { dueMessages } from '../../../../store/outbox';
import { outbox } from '../../../../store/schema';
import { hearthOn, program, tempDb } from '../../../harness';

const at = new Date('2026-03-02T03:00:00Z'); // 11:00 in Shanghai: no quiet hours
const fakes: FakeBotApi[] = [];
afterEach(async () => {
  while (fakes.length > 0) await fakes.pop()!.close();
});

async function setUp(options: Parameters<typeof startFakeBotApi>[0] = {}, limits: Partial<RateLimits> = {}) {
  const fake = await startFakeBotApi(options);
  fakes.push(fake);
  const { db } = tempDb();
  const { hearth, channel: sender } = await hearthOnFakeBotApi({ db, program: program(), at, apiUrl: fake.url, limits });
  let n = 0;
  const someone = ensureMember(db, { channel: 'telegram', platformId: '9', name: 'Someone', at });
  const queue = (msg: Omit<OutboundMessage, 'channel'>) => {
    // Groups are known to Hearth by the messages it had from them.
    if (msg.chat.startsWith('-')) noteChat(db, 'telegram', msg.chat, 'group', someone.id, at);
    return hearth.deps.queue(`t${++n}`, { channel: 'telegram', ...msg }, at);
  };
  const member = (id: string, name: string, opts: { dm?: boolean; group?: string; lang?: 'zh' | 'en' } = {}) => {
    const m = ensureMember(db, { channel: 'telegram', platformId: id, name, at });
    if (opts.dm !== false) markCanMessagePrivately(db, 'telegram', id);
    if (opts.group) noteChat(db, 'telegram', opts.group, 'group', m.id, at);
    return m;
  };
  return { fake, hearth, db, sender, queue, member, flush: () => hearth.dispatcher.flush(at) };
}

describe('telegram sender under the rate limits', () => {
  it('sends nudges and bursts of group replies with zero 429s, each once, in order per chat, replies first', async () => {
    // Limits scaled down so the group window bites within seconds: 5 per 3 s per group, 300 ms per chat, 30/s overall.
    const limits = { perChatGapMs: 300, groupMax: 5, groupWindowMs: 3000, globalMax: 30, globalWindowMs: 1000 };
    const { fake, queue, member, flush, sender } = await setUp({ limits }, limits);
    for (let i = 0; i < 120; i++) {
      member(String(1000 + i), `m${i}`);
      queue({ chat: String(1000 + i), text: `nudge ${i}`, kind: 'nudge' });
    }
    const nudges = flush();
    const groups = ['-1001', '-1002', '-1003'];
    for (let r = 0; r < 8; r++) for (const g of groups) queue({ chat: g, text: `reply ${g} ${r}`, kind: 'reply' });
    await Promise.all([nudges, flush()]);

    const snap = await fake.snapshot();
    expect(snap.rejections).toEqual([]);
    expect(sender.stats.rateLimited).toBe(0);
    const texts = snap.accepted.map((a) => String(a.payload.text));
    expect(texts).toHaveLength(120 + 24);
    expect(new Set(texts).size).toBe(texts.length);
    for (const g of groups) {
      expect(snap.accepted.filter((a) => a.chat === g).map((a) => a.payload.text)).toEqual([...Array(8).keys()].map((r) => `reply ${g} ${r}`));
      // Queued after 120 nudges, yet the first reply goes out long before the nudges are through.
      expect(texts.indexOf(`reply ${g} 0`)).toBeLessThan(60);
    }
  });

  it('after a 429 waits retry_after and sends the message exactly once', async () => {
    const { fake, hearth, queue, member, flush, sender } = await setUp({ force429: { '2001': 1 } });
    member('2001', 'Ann');
    queue({ chat: '2001', text: 'first', kind: 'reply' });
    queue({ chat: '2001', text: 'second', kind: 'reply' });
    await flush();
    expect((await fake.snapshot()).accepted).toEqual([]);
    // The fake asks for 1 s: the row is due again only then, and the chat's later row waits behind it.
    expect(await hearth.dispatcher.flush(new Date(at.getTime() + 999))).toBe(0);
    expect(await hearth.dispatcher.flush(new Date(at.getTime() + 1000))).toBe(2);
    const snap = await fake.snapshot();
    expect(snap.tooManyRequests).toBe(1);
    expect(sender.stats.rateLimited).toBe(1);
    expect(snap.accepted.map((a) => a.payload.text)).toEqual(['first', 'second']);
  });

  it('gives up a row when the member blocked the bot, and goes on with the others', async () => {
    const { fake, db, queue, member, flush } = await setUp({ failures: { '3001': { code: 403, description: 'Forbidden: bot was blocked by the user' } } });
    member('3001', 'Blocker');
    member('3002', 'Friend');
    queue({ chat: '3001', text: 'to blocker', kind: 'nudge' });
    queue({ chat: '3002', text: 'to friend', kind: 'nudge' });
    await flush();
    expect((await fake.snapshot()).accepted.map((a) => a.payload.text)).toEqual(['to friend']);
    const rows = db.select().from(outbox).all();
    expect(rows.find((r) => r.chat === '3001')).toMatchObject({ sentAt: null, attempts: 1 });
    expect(rows.find((r) => r.chat === '3001')?.failedAt).not.toBeNull();
    expect(dueMessages(db, new Date(at.getTime() + 3_600_000))).toEqual([]);
  });

  it('writes to a member who never opened a private chat in their group, mentioning them, with a button to start one', async () => {
    const { fake, queue, member, flush } = await setUp();
    member('4001', '<b>Bob</b> & "Co"', { dm: false, group: '-1004', lang: 'en' });
    queue({ chat: '4001', text: 'Your points expire soon <3', kind: 'nudge' });
    await flush();
    const [sent] = (await fake.snapshot()).accepted;
    expect(sent!.chat).toBe('-1004');
    expect(sent!.payload).toMatchObject({
      parse_mode: 'HTML',
      text: '<a href="tg://user?id=4001">&lt;b&gt;Bob&lt;/b&gt; &amp; &quot;Co&quot;</a> Your points expire soon &lt;3',
      reply_markup: { inline_keyboard: [[{ text: 'Chat with me privately', url: 'https://t.me/hearth_test_bot?start=dm' }]] },
    });
  });

  it('splits a long text into pieces under 4096, threads the first to the reply and the topic, buttons under the last', async () => {
    const { fake, queue, flush } = await setUp();
    const line = 'Hearth keeps your points safe. '.repeat(3) + '\n';
    const text = line.repeat(100); // about 9,400 characters
    queue({
      chat: '-1005',
      text,
      kind: 'reply',
      replyTo: '-1005:77',
      thread: '42',
      buttons: [
        { label: 'Approve', data: 'approve:1' },
        { label: 'Too long', data: 'x'.repeat(65) },
      ],
    });
    await flush();
    const sent = (await fake.snapshot()).accepted.map((a) => a.payload);
    expect(sent).toHaveLength(3);
    for (const p of sent) {
      expect(String(p.text).length).toBeLessThanOrEqual(4096);
      expect(p.message_thread_id).toBe(42);
    }
    const words = (s: string) => s.split(/\s+/).filter(Boolean);
    expect(words(sent.map((p) => String(p.text)).join(' '))).toEqual(words(text));
    expect(sent[0]!.reply_parameters).toEqual({ message_id: 77, allow_sending_without_reply: true });
    expect(sent[1]!.reply_parameters).toBeUndefined();
    expect(sent[2]!.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Approve', callback_data: 'approve:1' }]] });
    expect(sent[0]!.reply_markup).toBeUndefined();
  });

  it('replies only to a message of the same chat', async () => {
    const { fake, queue, flush } = await setUp();
    queue({ chat: '-1006', text: 'elsewhere', kind: 'reply', replyTo: '-1007:5' });
    await flush();
    expect((await fake.snapshot()).accepted[0]!.payload.reply_parameters).toBeUndefined();
  });
});

describe('telegram channel start', () => {
  it('publishes command menus for private chats, groups, admins and the staff room in English and Chinese, and caches group admins', async () => {
    const fake = await startFakeBotApi({ admins: { '-1008': ['777'] } });
    fakes.push(fake);
    const { db } = tempDb();
    const channel = createTelegramChannel(
      { TELEGRAM_BOT_TOKEN: '123456:TEST-token', TELEGRAM_API_ROOT: fake.url },
      { log: silentLogger(), botInfo: { id: 6000000001, username: 'hearth_test_bot' } },
    );
    const hearth = await hearthOn([channel], { db, clock: new VirtualClock(at), modules: [] });
    await channel.start(hearth);
    await channel.publishCommands!(menuCommands(), '-100999');
    try {
      expect(await channel.isGroupAdmin!('-1008', '777')).toBe(true);
      expect(await channel.isGroupAdmin!('-1008', '778')).toBe(false);
      expect(await channel.isGroupAdmin!('778', '778')).toBe(false); // a private chat has no admins
      const snap = await fake.snapshot();
      expect(snap.calls.getChatAdministrators).toBe(1);
      const menus = snap.commands as { scope: { type: string; chat_id?: number }; language_code?: string; commands: { command: string; description: string }[] }[];
      expect(menus.map((m) => `${m.scope.type}/${m.language_code ?? 'default'}`).sort()).toEqual([
        'all_chat_administrators/default',
        'all_chat_administrators/zh',
        'all_group_chats/default',
        'all_group_chats/zh',
        'all_private_chats/default',
        'all_private_chats/zh',
        'chat/default',
        'chat/zh',
      ]);
      const staffRoom = menus.find((m) => m.scope.type === 'chat' && !m.language_code)!;
      expect(staffRoom.scope.chat_id).toBe(-100999);
      expect(staffRoom.commands.map((c) => c.command)).toEqual(['help', 'member', 'queue', 'take', 'done', 'transfer']);
      const admins = menus.find((m) => m.scope.type === 'all_chat_administrators' && m.language_code === 'zh')!;
      expect(admins.commands.map((c) => c.command)).toContain('badge');
      expect(admins.commands.find((c) => c.command === 'checkin')!.description).toBe('每日签到领积分');
      expect(menus.find((m) => m.scope.type === 'all_group_chats' && !m.language_code)!.commands.map((c) => c.command)).not.toContain('badge');
    } finally {
      await channel.stop();
    }
  });
});

describe('group admins', () => {
  async function adminGrants(adminsModerate: boolean, listed = true): Promise<string> {
    const fake = await startFakeBotApi({ admins: { '-1009': ['777'] } });
    fakes.push(fake);
    const { db } = tempDb();
    const channel = createTelegramChannel(
      { TELEGRAM_BOT_TOKEN: '123456:TEST-token', TELEGRAM_API_ROOT: fake.url },
      { log: silentLogger(), botInfo: { id: 6000000001, username: 'hearth_test_bot' } },
    );
    const hearth = await hearthOn([channel], {
      db,
      program: program((p) => {
        p.groupAdminsModerate = adminsModerate;
        if (listed) p.groups = ['telegram:-1009'];
      }),
      clock: new VirtualClock(at),
    });
    await channel.start(hearth);
    try {
      const chat = { id: -1009, type: 'supergroup', title: 'Tea Lovers' };
      const bob = { id: 222, is_bot: false, first_name: 'Bob', language_code: 'en' };
      const date = Math.floor(at.getTime() / 1000);
      await channel.handleUpdate({ update_id: 1, message: { message_id: 10, date, chat, from: bob, text: 'Brewed the new oolong today, lovely' } });
      await channel.handleUpdate({
        update_id: 2,
        message: {
          message_id: 11,
          date,
          chat,
          from: { id: 777, is_bot: false, first_name: 'Ada', language_code: 'en' },
          text: '/badge helper',
          reply_to_message: { message_id: 10, date, chat, from: bob, text: 'Brewed the new oolong today, lovely' },
        },
      });
      for (;;) {
        const sent = (await fake.snapshot()).accepted.find((a) => a.chat === '-1009');
        if (sent) return String(sent.payload.text);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await channel.stop();
    }
  }

  it('a group admin moderates their listed group: grants a badge by reply without being named a manager', async () => {
    expect(await adminGrants(true)).toMatch(/Bob earned the .*Helper badge/);
  });

  it('unless the program keeps moderation to named managers', async () => {
    expect(await adminGrants(false)).toMatch(/Only community managers can grant badges/);
  });

  it('an admin of a group that is not listed moderates nothing: the group hears that the bot is not set up there', async () => {
    expect(await adminGrants(true, false)).toMatch(/not set up for this group/);
  });
});
