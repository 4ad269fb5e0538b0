// Quoted replies (引用) on WeChat, as the puppets give them: the text wechat4u and padlocal write, and the appmsg XML
// puppet-xp passes on. A manager quoting a member's post names that member; an ambiguous name names nobody.
import { describe, expect, it } from 'vitest';
import { parseQuote, parseWechatyMessage, type WechatyMessageFacts } from '../../../../bot/channels/wechaty';
import { badgesOf, hearthOnWechat, mockWechat, until } from './support';

const RULE = '- - - - - - - - - - - - - - -';
/** A quote as wechaty-puppet-wechat4u and wechaty-puppet-padlocal write it (message-parser-refermsg). */
const quoted = (name: string, words: string, reply: string) => `「${name}：${words}」\n${RULE}\n${reply}`;
/** A quote as WeChat sends it (appmsg type 57), as puppet-xp passes it on: in a room fromusr is the room, chatusr the author. */
const quoteXml = (o: { reply: string; room: string; author: string; name: string; words: string; svrid?: string }) =>
  `<?xml version="1.0"?>\n<msg><appmsg appid="" sdkver="0"><title>${o.reply}</title><des /><action>view</action><type>57</type><showtype>0</showtype>` +
  `<content /><url /><refermsg><type>1</type><svrid>${o.svrid ?? '5603034341002189672'}</svrid><fromusr>${o.room}</fromusr><chatusr>${o.author}</chatusr>` +
  `<displayname>${o.name}</displayname><msgsource>&lt;msgsource&gt;&lt;silence&gt;0&lt;/silence&gt;&lt;/msgsource&gt;</msgsource><content>${o.words}</content></refermsg>` +
  `</appmsg><appinfo><version>1</version><appname></appname></appinfo></msg>`;

const inRoom = (text: string, extra: Partial<WechatyMessageFacts> = {}): WechatyMessageFacts => ({
  id: 'm9',
  text,
  at: new Date('2026-03-01T01:00:00Z'),
  talker: { id: 'wxid_mgr', name: '店长' },
  room: { id: 'r1@chatroom' },
  mentionsSelf: false,
  mentioned: [],
  selfNames: ['围炉'],
  ...extra,
});
const ctx = { channel: 'wechat', botId: 'wxid_bot' };
const messageOf = (facts: WechatyMessageFacts) => {
  const parsed = parseWechatyMessage(facts, ctx);
  if (parsed.kind !== 'message') throw new Error(parsed.reason);
  return parsed.message;
};

describe('WeChat quoted replies: reading them', () => {
  it('reads the text form: what was typed, and every name the head can be split into', () => {
    expect(parseQuote(quoted('小李', '今天泡的凤凰单丛', '颁发勋章 热心助人'))).toEqual({ form: 'text', reply: '颁发勋章 热心助人', names: ['小李'] });
    // A "：" in the quoted words, or in the name, leaves more than one reading: each is a candidate.
    expect(parseQuote(quoted('小李', '时间：下午三点', '好'))!.names).toEqual(['小李', '小李：时间']);
    expect(parseQuote(quoted('小李', 'a\nb', 'line 1\nline 2'))!.reply).toBe('line 1\nline 2');
  });

  it('reads the XML form: the author by id (not the room), the quoted message’s svrid, the title as the reply', () => {
    const q = parseQuote(quoteXml({ reply: '颁发勋章 热心助人 &amp; 谢谢', room: '24330947507@chatroom', author: 'wxid_li', name: '小李', words: '蜜兰香' }));
    expect(q).toEqual({ form: 'xml', reply: '颁发勋章 热心助人 & 谢谢', names: ['小李'], authorId: 'wxid_li', messageId: '5603034341002189672' });
    // Privately fromusr is the author and chatusr empty.
    expect(parseQuote(quoteXml({ reply: '好', room: 'wxid_li', author: '', name: '小李', words: 'x' }))!.authorId).toBe('wxid_li');
    // Another appmsg (a link, type 5) is not a quote.
    expect(parseQuote('<msg><appmsg><title>文章</title><type>5</type><url>https://example.com</url></appmsg></msg>')).toBeUndefined();
  });

  it('a 「」 a person types is not a quote', () => {
    for (const text of ['「凤凰单丛：蜜兰香」很足', '颁发勋章 热心助人 「小李：好」', `「凤凰单丛：蜜兰香」\n- - -\n第三泡最好喝`, `「没有冒号」\n${RULE}\n好`, `前面「小李：好」\n${RULE}\n颁发勋章`]) {
      expect(parseQuote(text), text).toBeUndefined();
      const m = messageOf(inRoom(text));
      expect(m.text).toBe(text.trim());
      expect(m.replyTo).toBeUndefined();
      expect(m.replyToAuthor).toBeUndefined();
    }
  });

  it('a quote names its author only when one person can be meant; quoting the bot addresses the bot', () => {
    const text = quoted('小李', '今天泡的凤凰单丛', '颁发勋章 热心助人');
    const one = messageOf(inRoom(text, { quoteAuthors: [{ id: 'wxid_li', name: '小李' }] }));
    expect(one).toMatchObject({ text: '颁发勋章 热心助人', replyTo: 'quote:m9', replyToAuthor: 'wxid_li', people: [{ id: 'wxid_li', name: '小李' }] });
    expect(one.mentions).toBeUndefined();
    const two = messageOf(inRoom(text, { quoteAuthors: [{ id: 'wxid_li', name: '小李' }, { id: 'wxid_li2', name: '小李' }] }));
    expect(two).toMatchObject({ text: '颁发勋章 热心助人', replyTo: 'quote:m9' });
    expect(two.replyToAuthor).toBeUndefined();
    expect(two.people).toBeUndefined();
    const none = messageOf(inRoom(text, { quoteAuthors: [] }));
    expect(none.replyToAuthor).toBeUndefined();
    const bot = messageOf(inRoom(quoted('围炉', '签到成功 +5', '谢谢'), { quoteAuthors: [{ id: 'wxid_bot', name: '围炉' }] }));
    expect(bot).toMatchObject({ text: '谢谢', mentions: ['wxid_bot'] });
    expect(bot.replyToAuthor).toBeUndefined();
  });

  it('in a quote only an @ typed under it counts; a leading "@Bot" there is taken off', () => {
    // wechat4u reads @names from the whole text, the quoted words included.
    const facts = inRoom(quoted('小李', '@围炉 签到 @小王', '@围炉 颁发勋章 热心助人'), {
      mentionsSelf: true,
      mentioned: [
        { id: 'wxid_bot', name: '围炉' },
        { id: 'wxid_wang', name: '小王' },
      ],
      quoteAuthors: [{ id: 'wxid_li', name: '小李' }],
    });
    expect(messageOf(facts)).toMatchObject({ text: '颁发勋章 热心助人', mentions: ['wxid_bot'], replyToAuthor: 'wxid_li', people: [{ id: 'wxid_li', name: '小李' }] });
    const notToBot = messageOf(inRoom(quoted('小李', '@围炉 签到', '哈哈'), { mentionsSelf: true, mentioned: [{ id: 'wxid_bot', name: '围炉' }], quoteAuthors: [] }));
    expect(notToBot.mentions).toBeUndefined();
    // The XML form: refermsg's id alone names the author when nothing else was looked up.
    const xml = messageOf(inRoom(quoteXml({ reply: '@围炉 颁发勋章 热心助人', room: 'r1@chatroom', author: 'wxid_li', name: '小李', words: 'x', svrid: '42' })));
    expect(xml).toMatchObject({ text: '颁发勋章 热心助人', mentions: ['wxid_bot'], replyTo: '42', replyToAuthor: 'wxid_li' });
  });
});

describe('WeChat quoted replies end to end (wechaty-puppet-mock)', () => {
  it('a manager quoting a member’s post with "颁发勋章 热心助人" grants that member the badge', async () => {
    const w = mockWechat();
    const mgr = w.person('店长');
    const li = w.person('小李');
    const wang = w.person('小王');
    const room = w.room('茶友群', [mgr, li, wang]);
    const { db, hearth } = await hearthOnWechat(w, { groups: [room], managers: [mgr] });
    li.say('今天泡的凤凰单丛，蜜兰香很足 @小王', [wang]).to(room);
    // wechat4u finds the "@小王" of the quoted words too and lists 小王 as mentioned: that must not name 小王.
    mgr.say(quoted('小李', '今天泡的凤凰单丛，蜜兰香很足 @小王', '颁发勋章 热心助人'), [wang]).to(room);
    await until(() => w.said.some((s) => s.chat === room.id), 'the badge announcement');
    await hearth.engine.idle();
    expect(w.said.find((s) => s.chat === room.id)!.text).toMatch(/恭喜 小李 获得勋章/);
    expect(badgesOf(db, li.id)).toEqual(['helper']);
    expect(badgesOf(db, wang.id)).toEqual([]);
  });

  it('a quote whose name two room members go by grants nothing; the manager is told to @ the member', async () => {
    const w = mockWechat();
    const mgr = w.person('店长');
    const li1 = w.person('小李');
    const li2 = w.person('小李');
    const room = w.room('茶友群', [mgr, li1, li2]);
    const { db, hearth } = await hearthOnWechat(w, { groups: [room], managers: [mgr] });
    // The manager's private chat with the bot is open: what a manager command says goes there, not to the room.
    mgr.say('你好').to(w.self);
    await until(() => w.said.some((s) => s.chat === mgr.id), 'the greeting');
    li1.say('今天泡的凤凰单丛').to(room);
    mgr.say(quoted('小李', '今天泡的凤凰单丛', '颁发勋章 热心助人')).to(room);
    await until(() => w.said.some((s) => s.chat === room.id) && w.said.filter((s) => s.chat === mgr.id).length > 1, 'the answer');
    await hearth.engine.idle();
    expect(w.said.filter((s) => s.chat === mgr.id).at(-1)!.text).toMatch(/请直接 @ 对方/);
    expect(w.said.find((s) => s.chat === room.id)!.text).toMatch(/^📩/);
    expect(badgesOf(db, li1.id)).toEqual([]);
    expect(badgesOf(db, li2.id)).toEqual([]);
  });

  it('a quote passed on as appmsg XML (puppet-xp) names its author by id, even where the name is shared', async () => {
    const w = mockWechat();
    const mgr = w.person('店长');
    const li1 = w.person('小李');
    const li2 = w.person('小李');
    const room = w.room('茶友群', [mgr, li1, li2]);
    const { db, hearth } = await hearthOnWechat(w, { groups: [room], managers: [mgr] });
    w.raw(mgr, room, quoteXml({ reply: '颁发勋章 热心助人', room: room.id, author: li2.id, name: '小李', words: '今天泡的凤凰单丛' }));
    await until(() => w.said.some((s) => s.chat === room.id), 'the badge announcement');
    await hearth.engine.idle();
    expect(badgesOf(db, li2.id)).toEqual(['helper']);
    expect(badgesOf(db, li1.id)).toEqual([]);
  });

  it('a message with a 「」 in it is taken as typed, not as a quote', async () => {
    const w = mockWechat();
    const li = w.person('小李');
    const room = w.room('茶友群', [li]);
    const { hearth } = await hearthOnWechat(w, { groups: [room] });
    const text = `「凤凰单丛：蜜兰香」第三泡最好喝\n- - -\n@围炉 签到`;
    li.say(text).to(room);
    li.say('「小李：签到」').to(w.self);
    await until(() => w.said.some((s) => s.chat === li.id), 'the private answer');
    await hearth.engine.idle();
    const payloads = hearth.deps.db.$client
      .prepare(`SELECT payload FROM inbox WHERE channel = 'wechat' ORDER BY id`)
      .pluck()
      .all()
      .map((p) => JSON.parse(p as string) as { text: string; replyTo?: string; replyToAuthor?: string });
    expect(payloads.map((p) => p.text).sort()).toEqual([text, '「小李：签到」'].sort()); // two chats: in either order
    expect(payloads.every((p) => p.replyTo === undefined && p.replyToAuthor === undefined)).toBe(true);
  });

  it('staff quoting the member’s words in the bridge: only what they typed reaches the member', async () => {
    const w = mockWechat();
    const sam = w.person('客服小王');
    const alice = w.person('Alice');
    const staffRoom = w.room('客服群', [sam]);
    await hearthOnWechat(w, { staffRoom, staff: [sam] });
    alice.say('转人工').to(w.self);
    await until(() => w.said.some((s) => s.chat === staffRoom.id), 'the staff room told');
    sam.say('/take').to(w.self);
    await until(() => w.said.some((s) => s.chat === sam.id), 'the take confirmed to staff');
    alice.say('我想买 60 盒送客户').to(w.self);
    await until(() => w.said.some((s) => s.chat === sam.id && s.text.includes('我想买 60 盒送客户')), 'member words to staff');
    const relayed = w.said.find((s) => s.chat === sam.id && s.text.includes('我想买 60 盒送客户'))!.text;
    const before = w.said.length;
    // What staff quote in their private chat is the bot's message: the bot wrote it.
    sam.say(quoted('围炉', relayed, '好的，60 盒可以安排，我给您报个价')).to(w.self);
    await until(() => w.said.slice(before).some((s) => s.chat === alice.id), 'staff words to the member');
    expect(w.said.slice(before).find((s) => s.chat === alice.id)!.text).toBe('好的，60 盒可以安排，我给您报个价');
  });
});
