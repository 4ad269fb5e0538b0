// Hearth on Telegram end to end: telegraf long-polls a real local Bot API server (telegram-test-api on a fixed port,
// real HTTP), people write in a group and in private chats and press buttons, and the real skills answer.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type TelegramServer from 'telegram-test-api';
import { program } from '../../../harness';
import { startBot, startTestServer, type Chat, type Person } from './support';

const PORT = 9311;
let server: TelegramServer;
const stops: (() => Promise<void>)[] = [];
let tokens = 0;
/** Each test its own bot token: the server keeps every bot's messages apart. */
const nextToken = () => `70000000${++tokens}:E2E-token-${tokens}`;

beforeAll(async () => {
  server = await startTestServer(PORT);
});
afterEach(async () => {
  while (stops.length > 0) await stops.pop()!();
});
afterAll(async () => {
  await server.stop();
});

const alice: Person = { id: 111, first_name: 'Alice', username: 'alice_w', language_code: 'zh-hans' };
const mia: Person = { id: 444, first_name: 'Mia', username: 'mia_m', language_code: 'en' };
const sam: Person = { id: 666, first_name: 'Sam', username: 'sam_s', language_code: 'en' };
const dan: Person = { id: 555, first_name: 'Dan', language_code: 'en' };
const group: Chat = { id: -100555, type: 'supergroup', title: 'Tea Lovers' };
const staffRoom: Chat = { id: -100777, type: 'supergroup', title: 'Hearth staff' };
const dm = (p: Person): Chat => ({ id: p.id, type: 'private' });

async function bot(change?: Parameters<typeof program>[0]) {
  // The community's group is listed in the program, as a deployment would list it.
  const listed = program((p) => {
    p.groups = [`telegram:${group.id}`];
    change?.(p);
  });
  const b = await startBot(server, { token: nextToken(), program: listed, staffChat: String(staffRoom.id) });
  await b.start();
  stops.push(() => b.channel.stop());
  return b;
}

describe('Hearth on Telegram (telegram-test-api, long polling)', () => {
  it('a member checks in in the group, then asks for her points: the balance only ever goes to her private chat', async () => {
    const b = await bot();
    const checkin = await b.say(alice, group, '签到');
    const done = await b.said(group, /签到成功|\+5/, 'the check-in answer');
    expect(done.message.reply_parameters?.message_id).toBe(checkin);
    expect(done.message.parse_mode).toBe('HTML');
    expect(done.message.text).not.toMatch(/当前积分/); // what the check-in did, never the balance

    // She never opened a private chat: the group hears how to, with a button that opens it.
    await b.say(alice, group, '@hearth_e2e_bot 我有多少积分？');
    const how = await b.said(group, /私聊/, 'how to open a private chat');
    expect(how.message.reply_markup?.inline_keyboard.flat().some((x) => x.url === 'https://t.me/hearth_e2e_bot?start=dm')).toBe(true);

    await b.say(alice, dm(alice), '/start');
    await b.said(dm(alice), /我可以帮你/, 'the private chat opened');
    // A command for another bot in the group is not ours; one addressed to this bot by name is.
    await b.say(alice, group, '/points@some_other_bot');
    await b.say(alice, group, '/tier@hearth_e2e_bot');
    await b.said(group, /已私信发给你/, 'the note that it went privately');
    await b.said(dm(alice), /你的等级：普通会员/, 'the tier answer, privately');
    await b.say(alice, group, '@hearth_e2e_bot 我有多少积分？');
    await b.said(dm(alice), /你有 5 积分/, 'the balance, privately');
    expect(b.botMessages().filter((m) => String(m.message.chat_id) === String(group.id) && /你有 5 积分|等级：普通会员/.test(m.message.text))).toEqual([]);
  });

  it('a manager grants a badge by replying to a member’s message', async () => {
    const b = await bot((p) => (p.managers = [`telegram:${mia.id}`]));
    const aliceMessage = await b.say(alice, group, '签到');
    await b.said(group, /签到成功|\+5/, 'the check-in answer');
    await b.say(mia, group, '/badge helper', { replyTo: { messageId: aliceMessage, from: alice } });
    const granted = await b.said(group, /Alice earned the .*Helper badge/, 'the badge announcement');
    expect(granted.message.text).toContain('Always ready to help others');

    await b.say(alice, group, '/badges');
    await b.said(group, /热心助人/, 'Alice’s badge list');
  });

  it('staff press Take in the staff room and the bridge carries words both ways', async () => {
    const b = await bot((p) => (p.staff = [`telegram:${sam.id}`]));
    await b.say(sam, dm(sam), '/start'); // staff open a private chat with the bot first: the bridge lives there
    await b.said(dm(sam), /Staff commands/, 'help for staff');

    await b.say(alice, group, '/human');
    const card = await b.said(staffRoom, (m) => (m.message.reply_markup?.inline_keyboard.flat() ?? []).some((x) => /^take:\d+$/.test(x.callback_data ?? '')), 'a staff card with Take');
    const take = card.message.reply_markup!.inline_keyboard.flat().find((x) => x.callback_data?.startsWith('take:'))!;
    await b.press(sam, staffRoom, card, take.callback_data!);
    await b.said(dm(sam), /You took ticket #\d+/, 'the take summary in Sam’s private chat');
    await b.said(staffRoom, /taken by Sam/, 'the staff room note');

    await b.say(alice, group, '我的快递三天没到了');
    await b.said(dm(sam), /我的快递三天没到了/, 'Alice’s words passed to Sam');

    await b.say(sam, dm(sam), 'Sorry Alice, checking with the courier now');
    const toAlice = await b.said(group, /checking with the courier/, 'Sam’s words passed to Alice');
    // In the group, Alice is mentioned by id (a text mention), so she is notified even without a username.
    expect(toAlice.message.text).toContain('<a href="tg://user?id=111">Alice</a>');
  });

  it('staff who never opened a private chat are reached in the staff room, never in a members’ group', async () => {
    const b = await bot((p) => (p.staff = [`telegram:${sam.id}`]));
    await b.say(alice, group, '/human');
    const card = await b.said(staffRoom, (m) => (m.message.reply_markup?.inline_keyboard.flat() ?? []).some((x) => /^take:\d+$/.test(x.callback_data ?? '')), 'a staff card with Take');
    const take = card.message.reply_markup!.inline_keyboard.flat().find((x) => x.callback_data?.startsWith('take:'))!;
    await b.press(sam, staffRoom, card, take.callback_data!);
    await b.said(staffRoom, /please open a private chat with me/, 'the hint to open a private chat');
    await b.say(sam, group, 'hello everyone'); // Sam was last seen in the members' group…
    await b.say(alice, group, 'my order number is 88-1234');
    const passed = await b.said(staffRoom, /88-1234/, 'Alice’s words for Sam in the staff room'); // …yet her words go to the staff room
    expect(passed.message.text).toContain('<a href="tg://user?id=666">Sam</a>');
    expect(b.botMessages().filter((m) => String(m.message.chat_id) === String(group.id) && /88-1234/.test(m.message.text))).toEqual([]);
  });

  it('an invite deep link records the referral, and the newcomer’s qualifying check-in rewards the inviter', async () => {
    const b = await bot((p) => (p.referral.qualifyingCheckins = 1));
    await b.say(alice, dm(alice), '/invite');
    const invite = await b.said(dm(alice), /t\.me\/hearth_e2e_bot\?start=/, 'the invite link');
    const code = /start=([A-Za-z0-9]+)/.exec(invite.message.text)![1]!;

    await b.say(dan, dm(dan), `/start ${code}`);
    await b.said(dm(dan), /Alice invited you/, 'the welcome naming the inviter');
    await b.say(dan, dm(dan), '/checkin');
    await b.said(dm(dan), /Alice, who invited you, earns 50 referral points/, 'the referral line');

    await b.say(alice, dm(alice), '/points');
    await b.said(dm(alice), /你有 50 积分/, 'Alice’s balance with the referral reward');
  });

  it('a member joining the group is welcomed, and an edited message is not acted on', async () => {
    const b = await bot();
    await b.raw({ chat: { id: group.id, type: 'supergroup', title: group.title }, from: dan, new_chat_members: [dan] });
    await b.said(group, /Welcome, Dan!/, 'the welcome');
    // telegram-test-api only sends new messages; an edit is handed to the channel as Telegram would deliver it.
    await b.channel.handleUpdate({
      update_id: 2,
      edited_message: { message_id: 90002, date: Math.floor(Date.now() / 1000), edit_date: Math.floor(Date.now() / 1000), chat: { id: group.id, type: 'supergroup' }, from: dan, text: '签到' },
    });
    await b.say(dan, group, '/ping_unknown_to_flush');
    await b.said(group, /ping_unknown_to_flush/, 'the answer to the next message');
    expect(b.botMessages().filter((m) => /签到成功|\+5/.test(m.message.text))).toEqual([]);
  });
});
