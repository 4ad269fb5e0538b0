// `/name` 昵称: a member chooses what Hearth calls them (WeCom's robot sees only a userid), checked and kept.
import { describe, expect, it } from 'vitest';
import { replay } from '../harness';
import { cleanName } from '../../skills/profile';

const at = (min: number) => `2026-03-01T10:${String(min).padStart(2, '0')}:00+08:00`;
// As the WeCom robot gives a message: a userid and no name.
const said = (id: string, min: number, text: string, chat = 'zhangsan') => ({ type: 'message', id, at: at(min), chat, chatType: chat === 'zhangsan' ? 'private' : 'group', from: 'zhangsan', text });

describe('a member names themself', () => {
  it('is called by the name they chose from then on, in the group too', async () => {
    const out = await replay([said('m1', 1, '签到', 'g1'), said('m2', 2, '昵称 小王'), said('m3', 3, '/name'), said('d1', 4, '/top', 'g1')]);
    const reply = (id: string) => out.find((o) => o.replyTo === id)!.text;
    expect(reply('m1')).toContain('zhangsan');
    expect(reply('m2')).toBe('好的，以后我就叫你「小王」啦。');
    expect(reply('m3')).toBe('想让我怎么称呼你？发送「昵称 你的名字」，例如：昵称 小王');
    expect(reply('d1')).toContain('小王');
    expect(reply('d1')).not.toContain('zhangsan');
  });

  it('refuses what cannot be a name, politely, and keeps the old one', async () => {
    const out = await replay([
      said('m1', 1, '/name Sam'),
      said('m2', 2, '/name @everyone'),
      said('m3', 3, '/name see https://x.example'),
      said('m4', 4, `/name ${'x'.repeat(25)}`),
      said('d1', 5, '/top', 'g1'),
    ]);
    const reply = (id: string) => out.find((o) => o.replyTo === id)!.text;
    expect(reply('m1')).toBe("Got it, I'll call you Sam from now on.");
    for (const id of ['m2', 'm3', 'm4']) expect(reply(id)).toBe("I can't use that name: keep it to 1–24 characters, without links, @ or line breaks.");
  });

  it('counts characters as people do and tidies spaces', () => {
    expect(cleanName('  王  小 明 ')).toBe('王 小 明');
    expect(cleanName('👩‍👩‍👧'.repeat(24))).toBeDefined();
    expect(cleanName('a\u200bb')).toBeUndefined();
    expect(cleanName('')).toBeUndefined();
  });
});
