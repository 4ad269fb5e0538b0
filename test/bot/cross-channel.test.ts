// One Hearth, two platforms at once on one store: WeChat (wechaty on wechaty-puppet-mock) for the members and Telegram
// (the fake Bot API, long polling) for the staff room. A WeChat member asks for a person, a Telegram staff member takes
// the ticket, words cross both ways, and the member is handed back; ids stay apart per channel.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeBotApi, type Accepted, type FakeBotApi } from '../../bench/fake-bot-api';
import { createTelegramChannel } from '../../bot/channels/telegram';
import type { Hearth } from '../../bot/hearth';
import { silentLogger } from '../../bot/log';
import { hearthOn, program, tempDb } from '../harness';
import { channelOn, mockWechat, until, type MockWechat } from './channels/wechaty/support';

const STAFF_ROOM = -100777;
const sam = { id: 666, first_name: 'Sam', language_code: 'en' };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

let updateId = 1;
let messageId = 1;
/** A Telegram user's text in a chat (their private chat: `chat` is their id), as getUpdates gives it. */
function tgText(from: { id: number; first_name: string; language_code?: string }, chat: number, text: string) {
  const command = /^\/\w+/.exec(text);
  return {
    update_id: updateId++,
    message: {
      message_id: messageId++,
      date: Math.floor(Date.now() / 1000),
      chat: chat === from.id ? { id: chat, type: 'private', first_name: from.first_name } : { id: chat, type: 'supergroup', title: 'Hearth staff' },
      from: { is_bot: false, ...from },
      text,
      ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
    },
  };
}

/** A press of a button with `data` under a bot message in `chat`. */
function tgPress(from: { id: number; first_name: string }, chat: number, data: string) {
  return {
    update_id: updateId++,
    callback_query: {
      id: `cq-${updateId}`,
      from: { is_bot: false, ...from },
      data,
      message: { message_id: 9000 + updateId, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: 'supergroup', title: 'Hearth staff' }, from: { id: 6000000001, is_bot: true, first_name: 'Hearth' }, text: '…' },
    },
  };
}

/** Hearth on WeChat and Telegram at once, the staff room on Telegram, Sam (Telegram) named staff, these WeChat rooms listed. */
async function twoChannels(w: MockWechat, wechatGroups: string[] = []): Promise<{ hearth: Hearth; fake: FakeBotApi; telegramSaid: (chat: number) => Promise<Accepted[]> }> {
  const fake = await startFakeBotApi({ limits: { perChatGapMs: 0, groupMax: 1000, groupWindowMs: 60_000, globalMax: 1000, globalWindowMs: 1000 } });
  cleanups.push(() => fake.close());
  const telegram = createTelegramChannel(
    { TELEGRAM_BOT_TOKEN: '123456:CROSS-token', TELEGRAM_API_ROOT: fake.url },
    { log: silentLogger(), botInfo: { id: 6000000001, username: 'hearth_test_bot' }, limits: { perChatGapMs: 0, groupMax: 1000, globalMax: 1000 } },
  );
  cleanups.push(() => telegram.stop());
  const wechat = channelOn(w);
  const { db } = tempDb();
  const hearth = await hearthOn([wechat, telegram], {
    db,
    program: program((p) => {
      p.staff = [`telegram:${sam.id}`];
      p.groups = wechatGroups.map((id) => `wechat:${id}`);
    }),
    staffRoom: { channel: 'telegram', chat: String(STAFF_ROOM) },
  });
  await wechat.start(hearth);
  await telegram.start(hearth);
  const telegramSaid = async (chat: number) => (await fake.snapshot()).accepted.filter((a) => a.chat === String(chat));
  return { hearth, fake, telegramSaid };
}

/** Poll an async probe until it holds. */
async function eventually(probe: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('one runtime, WeChat and Telegram at once', () => {
  it('a WeChat member’s “转人工” reaches the Telegram staff room; Telegram staff take it, words cross both ways, then hand back', async () => {
    const w = mockWechat();
    const alice = w.person('Alice');
    const { fake, telegramSaid } = await twoChannels(w);
    const toAlice = () => w.said.filter((s) => s.chat === alice.id);

    // Staff open their private chat with the bot first: the bridge lives there.
    fake.enqueue([tgText(sam, sam.id, '/start')]);
    await eventually(async () => (await telegramSaid(sam.id)).length > 0, 'the bot to answer Sam privately');

    alice.say('转人工').to(w.self);
    await until(() => toAlice().length > 0, 'Alice told a person will come');
    await eventually(async () => (await telegramSaid(STAFF_ROOM)).some((a) => /Ticket #\d+|工单 #\d+/.test(a.message.text)), 'the ticket card in the Telegram staff room');
    const card = (await telegramSaid(STAFF_ROOM)).find((a) => /Ticket #\d+|工单 #\d+/.test(a.message.text))!;
    expect(card.message.text).toContain('Alice');
    const keyboard = (card.payload.reply_markup as { inline_keyboard: { text: string; callback_data?: string }[][] }).inline_keyboard.flat();
    const take = keyboard.find((b) => b.callback_data?.startsWith('take:'))!;
    expect(take).toBeDefined();

    fake.enqueue([tgPress(sam, STAFF_ROOM, take.callback_data!)]);
    await eventually(async () => (await telegramSaid(sam.id)).some((a) => /You took ticket #\d+/.test(a.message.text)), 'the take summary in Sam’s private chat');
    await until(() => toAlice().some((s) => s.text.includes('Sam')), 'Alice told Sam joined');

    fake.enqueue([tgText(sam, sam.id, 'Hi Alice, Sam here. How can I help?')]);
    await until(() => toAlice().some((s) => s.text === 'Hi Alice, Sam here. How can I help?'), 'Sam’s words on WeChat');

    alice.say('我想买 60 盒送客户').to(w.self);
    await eventually(async () => (await telegramSaid(sam.id)).some((a) => a.message.text.includes('我想买 60 盒送客户')), 'Alice’s words on Telegram');
    // Nothing of the conversation leaked into the staff room beyond the card and the note that it was taken.
    expect((await telegramSaid(STAFF_ROOM)).some((a) => a.message.text.includes('我想买 60 盒送客户'))).toBe(false);

    const before = toAlice().length;
    fake.enqueue([tgText(sam, sam.id, '/done')]);
    await until(() => toAlice().length > before, 'Alice handed back');
    // WeChat has no buttons: the rating is asked in words.
    expect(toAlice().at(-1)!.text).toMatch(/1.*5/);
    await eventually(async () => (await telegramSaid(sam.id)).some((a) => /#\d+/.test(a.message.text) && /clos|结束|back/i.test(a.message.text)), 'Sam told the ticket is closed');

    // Back with the bot: a check-in is answered by the bot, and Sam hears nothing of it.
    const samBefore = (await telegramSaid(sam.id)).length;
    alice.say('签到').to(w.self);
    await until(() => toAlice().some((s) => /签到成功|\+5/.test(s.text)), 'the bot answering Alice again');
    expect((await telegramSaid(sam.id)).length).toBe(samBefore);
  }, 30_000);

  it('a member in a WeChat room is served by Telegram staff: /take typed privately, staff words @ the member in the room', async () => {
    const w = mockWechat();
    const li = w.person('小李');
    const room = w.room('茶友群', [li]);
    const { fake, telegramSaid } = await twoChannels(w, [room.id]);
    fake.enqueue([tgText(sam, sam.id, '/start')]);
    await eventually(async () => (await telegramSaid(sam.id)).length > 0, 'the bot to answer Sam privately');

    li.say('@围炉 转人工', [w.self]).to(room);
    await eventually(async () => (await telegramSaid(STAFF_ROOM)).some((a) => /Ticket #1/.test(a.message.text)), 'the ticket card in the Telegram staff room');
    fake.enqueue([tgText(sam, sam.id, '/take 1')]);
    await eventually(async () => (await telegramSaid(sam.id)).some((a) => /You took ticket #1/.test(a.message.text)), 'the take summary');

    fake.enqueue([tgText(sam, sam.id, 'Hello 小李, which tea was it?')]);
    await until(() => w.said.some((s) => s.chat === room.id && s.text.includes('which tea was it?')), 'Sam’s words in the WeChat room');
    // A real WeChat @ of the member, by their WeChat id: the mention crossed over with the channel's own ids.
    expect(w.said.find((s) => s.chat === room.id && s.text.includes('which tea was it?'))!.mentions).toEqual([li.id]);

    li.say('凤凰单丛，上周买的').to(room);
    await eventually(async () => (await telegramSaid(sam.id)).some((a) => a.message.text.includes('凤凰单丛，上周买的')), 'the member’s words from the room on Telegram');
  }, 30_000);

  it('points earned on WeChat are not those of a Telegram user with the same id: ids are namespaced by channel', async () => {
    const w = mockWechat();
    const bob = w.person('Bob', '4242');
    const { hearth, fake, telegramSaid } = await twoChannels(w);
    bob.say('签到').to(w.self);
    await until(() => w.said.some((s) => s.chat === bob.id && /\+5/.test(s.text)), 'the WeChat check-in');

    const tgBob = { id: 4242, first_name: 'Bob', language_code: 'en' };
    fake.enqueue([tgText(tgBob, tgBob.id, '/points')]);
    await eventually(async () => (await telegramSaid(tgBob.id)).some((a) => /You have 0 points/.test(a.message.text)), 'the Telegram balance');
    bob.say('我有多少积分').to(w.self);
    await until(() => w.said.some((s) => s.chat === bob.id && /你有 5 积分/.test(s.text)), 'the WeChat balance');

    const rows = hearth.deps.db.$client.prepare(`SELECT channel, member_id AS member FROM identities WHERE platform_id = '4242' ORDER BY channel`).all() as { channel: string; member: number }[];
    expect(rows.map((r) => r.channel)).toEqual(['telegram', 'wechat']);
    expect(rows[0]!.member).not.toBe(rows[1]!.member);
  }, 30_000);
});
