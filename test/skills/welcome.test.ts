// Welcome and referrals through the real engine: one short welcome per member and group, a stable personal invite
// code (with the channel's private-chat link where it has one), and the referral reward paid once per invited member once they are really active
// (their first purchase or their Nth check-in) — never for oneself, never for someone who was already checking in.
import { describe, expect, it } from 'vitest';
import { msg, program, tempDb, testHearth } from '../harness';
import type { Channel } from '../../bot/core/channel';
import { UNLIMITED } from '../../bot/core/channel';
import { LOCAL_CAPABILITIES } from '../../bot/deployment';
import { dueMessages } from '../../store/outbox';
import { entriesWithReason, replayOnFile } from './community-helpers';
import { referrals } from '../../store/schema';

const at = (h: number, m = 0, d = 1) => `2026-03-0${d}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00+08:00`;
const join = (when: string, from: string, name: string, invite?: string, chat = 'g1') => ({ type: 'join', at: when, chat, from, name, ...(invite ? { invite } : {}) });
// Alice is the first member of every script here, so her code is the one derived for member 1.
const ALICE_CODE = '5ZZX6TN6';

describe('welcome', () => {
  it('welcomes a member joining a group once, briefly, with how to check in and ask about points', async () => {
    const r = await replayOnFile([join(at(10), 'u1', 'Alice'), join(at(10, 5), 'u1', 'Alice'), join(at(10, 6), 'u2', '小红')]);
    expect(r.out).toEqual([
      { at: at(10), chat: 'g1', text: 'Welcome, Alice! 👋 Send "check in" every day to earn points, and ask me "how many points do I have?" anytime.' },
      { at: at(10, 6), chat: 'g1', text: '欢迎 小红 加入！👋 每天发送「签到」领积分，想查积分直接问我“我有多少积分”就好。' },
    ]);
  });

  it('/invite gives the same personal code every time', async () => {
    const r = await replayOnFile([
      msg('i1', at(9), 'u1', '/invite', { name: 'Alice' }),
      msg('i2', at(9, 1), 'u1', '邀请', { chat: 'g1', name: 'Alice' }),
    ]);
    expect(r.out[0]!.text).toContain(`Your invite code: ${ALICE_CODE}`);
    expect(r.out[0]!.text).not.toContain('link');
    expect(r.out[1]!.text).toContain(`你的专属邀请码：${ALICE_CODE}`);
  });

  it("/invite adds the channel's private-chat link carrying the code, where the channel has one", async () => {
    const { db } = tempDb();
    const t = new Date(at(9));
    const linked: Channel = {
      name: 'linked',
      capabilities: LOCAL_CAPABILITIES,
      limits: UNLIMITED,
      connect: async () => ({ botId: 'hearth' }),
      start: async () => undefined,
      stop: async () => undefined,
      deliver: async () => ({ status: 'sent' }),
      privateLink: (payload) => `https://chat.example/hearth?start=${payload}`,
    };
    const h = testHearth(db, t, { channels: [linked], deployment: { channels: { linked: { botId: 'hearth', capabilities: LOCAL_CAPABILITIES } } } });
    await h.handleMessage({ id: 'i1', channel: 'linked', chat: 't1', chatType: 'private', from: { id: 't1', name: 'Tom' }, text: '/invite', at: t });
    const [reply] = dueMessages(db, t);
    expect(reply!.text).toMatch(/^Your invite code: ([A-Z2-9]{8})\nInvite link: https:\/\/chat\.example\/hearth\?start=\1\n/);
    expect(reply!.text).toContain('(or opens the link)');
  });

  it('pays the inviter 50 points at the invited member\'s 3rd check-in, once, and tells both', async () => {
    const r = await replayOnFile([
      msg('i1', at(9), 'u1', '/invite', { name: 'Alice' }),
      join(at(10), 'u2', 'Bob', ALICE_CODE),
      msg('c1', at(10, 5), 'u2', 'check in', { chat: 'g1', name: 'Bob' }),
      msg('c2', at(10, 5, 2), 'u2', 'check in', { chat: 'g1', name: 'Bob' }),
      join(at(11, 0, 2), 'u2', 'Bob', ALICE_CODE, 'g2'),
      msg('c3', at(10, 5, 3), 'u2', 'check in', { chat: 'g2', name: 'Bob' }),
      msg('c4', at(10, 5, 4), 'u2', 'check in', { chat: 'g2', name: 'Bob' }),
    ]);
    expect(r.out[1]!.text).toContain('they earn 50 points after your first purchase or your 3rd check-in');
    // A fresh account checking in once earns its inviter nothing: alternate accounts cannot farm referrals.
    expect(r.out.find((o) => o.replyTo === 'c1')!.text).not.toContain('referral');
    expect(r.out.find((o) => o.replyTo === 'c3')!.text).toContain('Alice, who invited you, earns 50 referral points');
    expect(r.out.find((o) => o.chat === 'u1' && !o.replyTo)!.text).toContain('you earn 50 referral points! Balance: 50.');
    expect(r.reasons('u1')).toEqual(['referral:50']);
    expect(r.out.filter((o) => o.text.includes('referral')).length).toBe(2);
  });

  it('pays the inviter at the invited member\'s first purchase when that comes first', async () => {
    const r = await replayOnFile([
      msg('i1', at(9), 'u1', 'hi', { name: 'Alice' }),
      msg('i2', at(9, 1), 'u1', '/invite', { name: 'Alice' }),
      join(at(10), 'u2', 'Bob', ALICE_CODE),
      msg('c1', at(10, 5), 'u2', 'check in', { chat: 'g1', name: 'Bob' }),
      { type: 'purchase', at: at(12), member: 'u2', orderId: 'o-1', amount: 99 },
      { type: 'purchase', at: at(13), member: 'u2', orderId: 'o-2', amount: 99 },
    ]);
    expect(r.reasons('u1')).toEqual(['referral:50']);
    expect(r.out.find((o) => o.chat === 'u1' && o.text.includes('referral'))!.text).toContain('Bob, whom you invited, is now an active member');
  });

  it('never pays for inviting yourself, nor for someone who had already checked in, nor for an unknown code', async () => {
    const r = await replayOnFile([
      msg('i1', at(9), 'u1', '/invite', { name: 'Alice' }),
      join(at(10), 'u1', 'Alice', ALICE_CODE),
      msg('c1', at(10, 1), 'u1', 'check in', { chat: 'g1', name: 'Alice' }),
      msg('c2', at(10, 2), 'u3', 'check in', { chat: 'g1', name: 'Dan' }),
      msg('c3', at(10, 3), 'u3', `/invite ${ALICE_CODE}`, { name: 'Dan' }),
      msg('c4', at(10, 4), 'u4', '/start NOPE99', { name: 'Eve' }),
      msg('c5', at(10, 5), 'u4', '/checkin', { name: 'Eve' }),
    ]);
    expect(r.out.find((o) => o.replyTo === 'c3')!.text).toContain('Invite codes are for new members');
    expect(r.out.find((o) => o.replyTo === 'c4')!.text).toContain('"NOPE99" isn\'t valid');
    expect(entriesWithReason(r.db, 'referral')).toEqual([]);
    expect(r.db.select().from(referrals).all()).toEqual([]);
  });

  it('a Telegram deep link (/start CODE) records the invite; words after "invite" that are not a code pass by', async () => {
    const r = await replayOnFile(
      [
        msg('i1', at(9), 'u1', '/invite', { name: 'Alice' }),
        msg('s1', at(9, 1), 'u5', `/start ${ALICE_CODE}`, { name: 'Eve' }),
        msg('s2', at(9, 2), 'u5', 'invite people to the party', { chat: 'g1', name: 'Eve' }),
        msg('s3', at(9, 3), 'u5', '签到', { name: 'Eve' }),
      ],
      { program: program((p) => void (p.referral.qualifyingCheckins = 1)) },
    );
    expect(r.out.find((o) => o.replyTo === 's1')!.text).toContain('Welcome, Eve!');
    expect(r.out.find((o) => o.replyTo === 's2')).toBeUndefined();
    expect(r.balance('u1')).toBe(50);
  });

  it('uses the program\'s referral reward, and pays nothing when it is 0', async () => {
    const events = [msg('i1', at(9), 'u1', '/invite', { name: 'Alice' }), join(at(10), 'u2', 'Bob', ALICE_CODE), msg('c1', at(10, 5), 'u2', 'check in', { chat: 'g1', name: 'Bob' })];
    const r80 = await replayOnFile(events, { program: program((p) => void ((p.referral.points = 80), (p.referral.qualifyingCheckins = 1))) });
    expect(r80.balance('u1')).toBe(80);
    const r0 = await replayOnFile(events, { program: program((p) => void ((p.referral.points = 0), (p.referral.qualifyingCheckins = 1))) });
    expect(r0.balance('u1')).toBe(0);
    expect(r0.out.some((o) => o.text.includes('referral') || o.text.includes('invited you'))).toBe(false);
  });
});
