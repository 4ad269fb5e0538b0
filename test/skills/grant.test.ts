// /grant through the real engine: managers add or deduct points (audited, one write per message), members are refused
// and nothing changes, and the target is found by mention, @name or reply.
import { describe, expect, it } from 'vitest';
import { msg, program, tempDb, testHearth } from '../harness';
import type { InboundMessage } from '../../bot/core/types';
import { TELEGRAM_CAPABILITIES } from '../../bot/channels/telegram';
import { at, ledgerRows, replayKept } from './ledger-helpers';

const manager = { type: 'role', member: 'boss', role: 'manager' };

describe('/grant', () => {
  it('lets a manager add and deduct points, audited, once per message', async () => {
    const { out, db, memberId, close } = await replayKept([
      manager,
      msg('g0', at(1, '12:00'), 'u2', 'hello all', { chat: 'grp', name: 'Bob' }),
      msg('g1', at(1, '12:01'), 'boss', '/grant @Bob 200 event prize', { chat: 'grp', mentions: ['u2'] }),
      msg('g1', at(1, '12:02'), 'boss', '/grant @Bob 200 event prize', { chat: 'grp', mentions: ['u2'] }),
      msg('g2', at(1, '12:03'), 'boss', '/grant -50 typo fix', { chat: 'grp', replyTo: 'g0' }),
      msg('g3', at(1, '12:04'), 'boss', '/grant @Bob 25 thanks for helping', { chat: 'grp' }),
    ]);
    const bob = memberId('u2');
    expect(ledgerRows(db, bob).map((r) => [r.kind, r.points, r.reason])).toEqual([
      ['adjust', 200, 'grant'],
      ['adjust', -50, 'grant'],
      ['adjust', 25, 'grant'],
    ]);
    const audits = db.$client.prepare("SELECT actor_member_id AS actor, target_member_id AS target, details FROM audit_log WHERE action = 'grant' ORDER BY id").all() as {
      actor: number;
      target: number;
      details: string;
    }[];
    expect(audits).toHaveLength(3);
    expect(audits.every((a) => a.actor === memberId('boss') && a.target === bob)).toBe(true);
    expect(JSON.parse(audits[1]!.details)).toMatchObject({ points: -50, reason: 'typo fix' });
    // The group sees what was done, never Bob's balance.
    expect(out.find((o) => o.replyTo === 'g2')!.text).toBe('Deducted 50 points from Bob (typo fix).');
    expect(out.find((o) => o.replyTo === 'g3')!.text).toBe('Added 25 points for Bob (thanks for helping).');
    close();
  });

  it('refuses members politely and changes nothing', async () => {
    const { out, db, memberId, close } = await replayKept([
      msg('g0', at(1, '12:00'), 'u2', '大家好', { chat: 'grp', name: 'Bob' }),
      msg('g1', at(1, '12:01'), 'u2', '/grant @Bob 9999 我自己', { chat: 'grp', mentions: ['u2'] }),
    ]);
    expect(out.find((o) => o.replyTo === 'g1')!.text).toBe('抱歉，只有社群管理员可以调整积分。');
    expect(ledgerRows(db, memberId('u2'))).toEqual([]);
    expect(db.$client.prepare('SELECT count(*) AS n FROM audit_log').get()).toEqual({ n: 0 });
    close();
  });

  it('explains bad arguments without writing anything', async () => {
    const { out, db, close } = await replayKept([
      manager,
      msg('g0', at(1, '12:00'), 'u2', 'hi', { chat: 'grp', name: 'Bob' }),
      msg('g1', at(1, '12:01'), 'boss', '/grant 100 no target', { chat: 'grp' }),
      msg('g2', at(1, '12:02'), 'boss', '/grant @Bob 0 nothing', { chat: 'grp', mentions: ['u2'] }),
      msg('g3', at(1, '12:03'), 'boss', '/grant @Bob 1000000 oops', { chat: 'grp', mentions: ['u2'] }),
      msg('g4', at(1, '12:04'), 'boss', '/grant @Nobody 10 who', { chat: 'grp' }),
    ]);
    const text = (id: string) => out.find((o) => o.replyTo === id)!.text;
    expect(text('g1')).toMatch(/^Usage: \/grant @member/);
    expect(text('g2')).toContain('other than 0');
    expect(text('g3')).toContain('at most ±100,000');
    expect(text('g4')).toContain("can't find that member");
    expect(db.$client.prepare('SELECT count(*) AS n FROM ledger_entries').get()).toEqual({ n: 0 });
    close();
  });
});

describe('/grant finds its member by what carries an id', () => {
  const t0 = new Date('2026-03-01T04:00:00Z');
  const day = 86_400_000;
  async function setUp() {
    const { db } = tempDb();
    const h = testHearth(db, t0, { program: program((p) => void (p.managers = ['telegram:900'])), deployment: { channels: { telegram: { botId: 'hearth', capabilities: TELEGRAM_CAPABILITIES } } } });
    let n = 0;
    const say = (from: { id: string; name: string; username?: string }, text: string, at: Date, extra: Partial<InboundMessage> = {}) =>
      h.handleMessage({ id: `g1:${++n}`, channel: 'telegram', chat: '-100', chatType: 'group', from, text, at, ...extra });
    const balance = (id: string) => db.$client.prepare("SELECT coalesce(sum(e.points), 0) FROM ledger_entries e JOIN identities i ON i.member_id = e.member_id WHERE i.channel = 'telegram' AND i.platform_id = ?").pluck().get(id) as number;
    const lastReply = () => db.$client.prepare('SELECT text FROM outbox ORDER BY id DESC LIMIT 1').pluck().get() as string;
    return { say, balance, lastReply };
  }
  const mia = { id: '900', name: 'Mia' };

  it('a @handle used by exactly one member recently names them', async () => {
    const { say, balance } = await setUp();
    await say({ id: '1', name: 'Alice', username: 'ali' }, 'hello', t0);
    await say(mia, '/grant @ali 10 welcome', t0);
    expect(balance('1')).toBe(10);
  });

  it('a handle that changed hands is ambiguous until the old use is stale: the manager is asked to reply instead', async () => {
    const { say, balance, lastReply } = await setUp();
    await say({ id: '1', name: 'Alice', username: 'lucky' }, 'hello', t0);
    // Alice gives the username up; Mallory takes it a few days later.
    const later = new Date(t0.getTime() + 5 * day);
    await say({ id: '2', name: 'Mallory', username: 'lucky' }, 'hi all', later);
    await say(mia, '/grant @lucky 100 prize', later);
    expect(balance('1') + balance('2')).toBe(0);
    expect(lastReply()).toMatch(/reply to one of their messages/);
    // A reply carries the author's id: that always works.
    await say(mia, '/grant 100 prize', later, { replyTo: 'g1:2' });
    expect(balance('2')).toBe(100);
    // Once Alice's use is older than handleRecentDays (30), the handle names Mallory alone.
    const muchLater = new Date(t0.getTime() + 40 * day);
    await say({ id: '2', name: 'Mallory', username: 'lucky' }, 'still here', muchLater);
    await say(mia, '/grant @lucky 5 prize', muchLater);
    expect(balance('2')).toBe(105);
    expect(balance('1')).toBe(0);
  });

  it('an unknown @handle is never guessed', async () => {
    const { say, lastReply } = await setUp();
    await say(mia, '/grant @nobody 10 prize', t0);
    expect(lastReply()).toMatch(/can't find that member/);
  });
});
