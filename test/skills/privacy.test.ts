// /mydata and /deleteme through the real engine: the summary in a private chat, nothing about anyone in a group, the
// confirmation within 10 minutes (a late or different reply erases nothing), in Chinese and English.
import { describe, expect, it } from 'vitest';
import { msg } from '../harness';
import { replayOnFile } from './community-helpers';
import { findMemberByPlatformId, getMember } from '../../store/members';
import { balanceOf } from '../../store/ledger';

const at = (time: string) => `2026-03-02T${time}:00+08:00`;
const alice = (id: string, time: string, text: string, chat = 'u1') => msg(id, at(time), 'u1', text, { chat, name: 'Alice' });
const history = [
  alice('h1', '09:00', '/checkin'),
  { type: 'purchase', at: at('09:05'), member: 'u1', orderId: 'A1', amount: 300 },
  { type: 'profile', member: 'u1', birthday: '1990-03-15' },
  alice('h2', '09:10', '/redeem free-shipping'),
];

describe('privacy', () => {
  it('/mydata in a private chat summarises what is kept, with the retention periods, in English', async () => {
    const r = await replayOnFile([...history, alice('m1', '10:00', '/mydata')]);
    const reply = r.out.find((o) => o.replyTo === 'm1')!;
    expect(reply.chat).toBe('u1');
    expect(reply.text).toContain("Here's what I keep about you:");
    expect(reply.text).toContain('• Name: Alice');
    expect(reply.text).toContain('• Accounts: Console');
    // Alice has sent only commands and item ids, which say no language: none is remembered.
    expect(reply.text).toContain('• Language: not set');
    expect(reply.text).toContain('• Birthday: 1990-03-15');
    // 5 for the check-in and 300 for the purchase, less 200 for the code: three entries.
    expect(reply.text).toContain('• Points: 105 (3 entries in your points history)');
    expect(reply.text).toContain('Check-ins: 1 · Badges: 0 · Posts: 0 · Support tickets: 0 · Reward codes: 1');
    expect(reply.text).toContain('the text of your messages, 30 days after I handle them');
    expect(reply.text).toContain('support chat transcripts, 180 days after the ticket is closed');
    expect(reply.text).toContain('ask the community staff');
  });

  it('我的数据 answers in Chinese', async () => {
    const r = await replayOnFile([...history, alice('m1', '10:00', '我的数据')]);
    const text = r.out.find((o) => o.replyTo === 'm1')!.text;
    expect(text).toContain('我保存的关于你的信息：');
    expect(text).toContain('• 积分：105（共 3 条积分记录）');
    expect(text).toContain('兑换码 1 个');
    expect(text).toContain('请联系社群工作人员');
  });

  it('in a group, /mydata and /deleteme say it is done privately and show nothing', async () => {
    const r = await replayOnFile([
      ...history,
      alice('g1', '10:00', '/mydata', 'grp'),
      alice('g2', '10:01', '/deleteme', 'grp'),
      alice('g3', '10:02', '删除我的数据', 'grp'),
      alice('g4', '10:03', 'CONFIRM DELETE', 'grp'),
    ]);
    const inGroup = r.out.filter((o) => o.chat === 'grp');
    expect(inGroup.map((o) => o.replyTo)).toEqual(['g1', 'g2', 'g3']);
    expect(inGroup[0]!.text).toContain('privately');
    expect(inGroup[2]!.text).toContain('私聊');
    for (const o of inGroup) expect(o.text).not.toMatch(/105|Alice|1990/);
    expect(r.out.filter((o) => o.chat === 'u1' && ['g1', 'g2', 'g3', 'g4'].includes(o.replyTo ?? ''))).toEqual([]);
    expect(findMemberByPlatformId(r.db, 'console', 'u1')!.erasedAt).toBeNull();
  });

  it('/deleteme asks for confirmation with the points and codes at stake; CONFIRM DELETE within 10 minutes erases', async () => {
    const r = await replayOnFile([...history, alice('d1', '10:00', '/deleteme'), alice('d2', '10:09', 'confirm delete')]);
    const ask = r.out.find((o) => o.replyTo === 'd1')!.text;
    expect(ask).toContain('Your 105 points and 1 code will be gone and cannot be restored');
    expect(ask).toContain('reply CONFIRM DELETE within 10 minutes');
    expect(r.out.find((o) => o.replyTo === 'd2')!.text).toContain("I've deleted your personal data");
    expect(findMemberByPlatformId(r.db, 'console', 'u1')).toBeUndefined();
    const erased = getMember(r.db, 1)!;
    expect(erased).toMatchObject({ name: '', birthday: null });
    expect(erased.erasedAt).toBe(new Date(at('10:09')).getTime());
    // The ledger stays, anonymous; the confirming message left nothing that ties the member to the chat.
    expect(balanceOf(r.db, 1)).toBe(105);
    expect(r.db.$client.prepare('SELECT count(*) FROM recent_messages WHERE member_id = 1').pluck().get()).toBe(0);
    expect(r.db.$client.prepare("SELECT count(*) FROM meta WHERE key LIKE 'deleteme:%'").pluck().get()).toBe(0);
  });

  it('删除我的数据 then 确认删除 works in Chinese, and the next message starts a new member', async () => {
    const r = await replayOnFile([...history, alice('d1', '10:00', '删除我的数据'), alice('d2', '10:01', '确认删除'), alice('d3', '10:02', '积分')]);
    expect(r.out.find((o) => o.replyTo === 'd1')!.text).toContain('你的 105 积分和 1 个兑换码将一并作废，无法恢复');
    expect(r.out.find((o) => o.replyTo === 'd2')!.text).toContain('已删除');
    expect(r.out.find((o) => o.replyTo === 'd3')!.text).toContain('你有 0 积分');
    expect(findMemberByPlatformId(r.db, 'console', 'u1')!.id).not.toBe(1);
  });

  it('a late confirmation or any other reply erases nothing, and cancels the request', async () => {
    const late = await replayOnFile([...history, alice('d1', '10:00', '/deleteme'), alice('d2', '10:11', 'CONFIRM DELETE')]);
    expect(late.out.find((o) => o.replyTo === 'd2')!.text).toContain('expired');
    expect(findMemberByPlatformId(late.db, 'console', 'u1')!.erasedAt).toBeNull();

    const other = await replayOnFile([
      ...history,
      alice('d1', '10:00', '/deleteme'),
      alice('d2', '10:01', '/points'),
      alice('d3', '10:02', 'CONFIRM DELETE'),
    ]);
    // The other message is answered as usual, and the confirmation after it no longer counts.
    expect(other.out.find((o) => o.replyTo === 'd2')!.text).toContain('You have 105 points');
    expect(other.out.find((o) => o.replyTo === 'd3')!.text).not.toContain('deleted');
    expect(findMemberByPlatformId(other.db, 'console', 'u1')!.erasedAt).toBeNull();
    expect(other.balance('u1')).toBe(105);
  });

  it('a pending confirmation survives a restart (it is kept in the database)', async () => {
    const first = await replayOnFile([...history, alice('d1', '10:00', '/deleteme')]);
    const second = await replayOnFile([alice('d2', '10:05', 'CONFIRM DELETE')], { path: first.path });
    expect(second.out.find((o) => o.replyTo === 'd2')!.text).toContain("I've deleted your personal data");
  });

  it('a manager is warned that the role goes too, and loses it', async () => {
    const r = await replayOnFile([
      { type: 'role', member: 'u1', role: 'manager' },
      alice('d1', '10:00', '/deleteme'),
      alice('d2', '10:01', 'CONFIRM DELETE'),
    ]);
    expect(r.out.find((o) => o.replyTo === 'd1')!.text).toContain('deleting your data removes your manager role too');
    expect(getMember(r.db, 1)!.role).toBe('member');
  });
});
