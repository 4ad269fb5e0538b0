// Telegram updates as Telegram sends them (test/fixtures/telegram/*.json, shaped after the Bot API documentation)
// become the neutral messages the engine sees: ids unique per chat, replies, mentions, commands, joins, buttons.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseUpdate, type ParseContext, type ParsedUpdate } from '../../../../bot/channels/telegram/parse';

const ctx: ParseContext = {
  channel: 'telegram',
  botId: '6000000001',
  botUsername: 'hearth_test_bot',
};
const now = new Date('2026-03-01T02:00:00Z');

function parse(name: string): ParsedUpdate {
  return parseUpdate(JSON.parse(readFileSync(new URL(`../../../fixtures/telegram/${name}.json`, import.meta.url), 'utf8')), ctx, now);
}

function message(name: string) {
  const p = parse(name);
  if (p.kind !== 'message') throw new Error(`${name} parsed as ${p.kind}`);
  return p;
}

describe('telegram updates', () => {
  it('a group text message: chat-scoped id, group chat, sender name, language and send time', () => {
    const { message: m } = message('text-group');
    expect(m).toMatchObject({
      id: '-1001234567890:501',
      channel: 'telegram',
      chat: '-1001234567890',
      chatType: 'group',
      from: { id: '111111111', name: 'Alice Wang', username: 'alice_w', isBot: false, lang: 'zh-hans' },
      text: '签到',
    });
    expect(m.at.toISOString()).toBe('2026-03-01T01:00:00.000Z');
    expect(m.replyTo).toBeUndefined();
  });

  it('a photo caption is the text (UGC posts with pictures)', () => {
    expect(message('caption-photo').message.text).toBe('#share The new oolong is lovely with a little honey');
  });

  it('a reply points at the replied message by the same chat-scoped id', () => {
    const { message: m } = message('reply');
    expect(m.replyTo).toBe('-1001234567890:502');
    expect(m.text).toBe('/badge helper');
    expect(m.mentions).toBeUndefined();
  });

  it('replying to the bot addresses the bot', () => {
    const { message: m } = message('reply-to-bot');
    expect(m.replyTo).toBe('-1001234567890:511');
    expect(m.mentions).toEqual(['6000000001']);
  });

  it("@username entities stay text for the skills' rule (a username can change hands); the bot's own is recognised", () => {
    const m = message('mention').message;
    expect(m.mentions).toEqual(['6000000001']);
    expect(m.text).toContain('@bob_b');
  });

  it('a text mention carries the user id of someone without a username, and records them', () => {
    const p = message('text-mention');
    expect(p.message.mentions).toEqual(['333333333']);
    expect(p.message.people).toContainEqual({ id: '333333333', name: 'Carol 陈' });
  });

  it('/command@botname keeps its text for the engine, which reads the bot name', () => {
    expect(message('command-at-bot').message.text).toBe('/points@hearth_test_bot');
  });

  it('new members become join events; bots joining are left out', () => {
    const p = parse('new-chat-members');
    expect(p.kind).toBe('join');
    if (p.kind !== 'join') return;
    expect(p.joins).toEqual([
      { id: expect.stringMatching(/^join:-1001234567890:/), channel: 'telegram', chat: '-1001234567890', from: { id: '555555555', name: 'Dan', username: 'dan_d' }, at: new Date(1772327280_000) },
    ]);
  });

  it('a button press is a message with the button data as its action, answering the message it sits under', () => {
    const p = message('callback-query');
    expect(p.callbackQueryId).toBe('4382bfdwdsb323b2d9');
    expect(p.message).toMatchObject({
      id: 'cb:4382bfdwdsb323b2d9',
      chat: '-1009876543210',
      chatType: 'group',
      from: { id: '666666666', name: 'Sam' },
      text: '',
      action: 'take:12',
      replyTo: '-1009876543210:77',
      at: now,
    });
  });

  it('edited messages and channel posts are ignored on purpose, as are messages without text', () => {
    expect(parse('edited-message')).toEqual({ kind: 'ignored', reason: 'edited message (the original was handled)' });
    expect(parse('channel-post')).toEqual({ kind: 'ignored', reason: 'channel post' });
    expect(parse('sticker').kind).toBe('ignored');
  });

  it('a forum topic message keeps its topic; the topic opener is not a reply', () => {
    const { message: m } = message('forum-topic');
    expect(m.thread).toBe('42');
    expect(m.replyTo).toBeUndefined();
    const { message: r } = message('forum-topic-reply');
    expect(r.thread).toBe('42');
    expect(r.replyTo).toBe('-1002222222222:610');
  });

  it('/start CODE in a private chat carries the deep-link payload', () => {
    const p = message('start-deep-link');
    expect(p.message.chatType).toBe('private');
    expect(p.message.chat).toBe('555555555');
    expect(p.startPayload).toBe('K7QH2M');
  });
});
