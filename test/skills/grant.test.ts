// /grant through the real engine: managers add or deduct points (audited, one write per message), members are refused
// and nothing changes, the target is found by mention, @name or reply, the result (with the balance) goes to the
// manager privately, and a deduction below zero is refused or waits for the manager's confirmation (grants.belowZero).
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
    // The manager hears what was done and the balance privately; the group only that it went there.
    expect(out.filter((o) => o.chat === 'grp').map((o) => o.text)).toEqual(Array(3).fill("📩 I've sent you the result privately."));
    const toBoss = out.filter((o) => o.chat === 'boss').map((o) => o.text);
    expect(toBoss).toEqual([
      'Added 200 points for Bob (event prize). Their balance is now 200.',
      'Deducted 50 points from Bob (typo fix). Their balance is now 150.',
      'Added 25 points for Bob (thanks for helping). Their balance is now 175.',
    ]);
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
    // Problems are the manager's alone: said privately, in the order the commands came.
    const [g1, g2, g3, g4] = out.filter((o) => o.chat === 'boss').map((o) => o.text);
    const text = (id: string) => ({ g1, g2, g3, g4 })[id]!;
    expect(out.filter((o) => o.chat === 'grp').every((o) => o.text === "📩 I've sent you the result privately.")).toBe(true);
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
    // Mia never opened a private chat with the bot on Telegram: her results go to the staff room, mentioning her.
    const lastReply = () => db.$client.prepare("SELECT text FROM outbox WHERE chat = 'staff' ORDER BY id DESC LIMIT 1").pluck().get() as string;
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

describe('a deduction that would take a balance below zero', () => {
  const setUp = [
    manager,
    msg('b0', at(1, '12:00'), 'u2', 'hi all', { chat: 'grp', name: 'Bob' }),
    msg('b1', at(1, '12:01'), 'boss', '/grant @Bob 120 event prize', { chat: 'grp', mentions: ['u2'] }),
  ];

  it("waits for the manager's confirmation (the default), tells them the resulting balance privately, and deducts once however often confirmed", async () => {
    const { out, db, memberId, close } = await replayKept([
      ...setUp,
      msg('b2', at(1, '12:02'), 'boss', '/grant @Bob -500 chargeback', { chat: 'grp', mentions: ['u2'] }),
      // Nothing moved yet: Bob still has 120.
      msg('b3', at(1, '12:03'), 'boss', '/grant @Bob -20 typo', { chat: 'grp', mentions: ['u2'] }),
    ]);
    const bob = memberId('u2');
    expect(ledgerRows(db, bob).map((r) => r.points)).toEqual([120, -20]);
    const ask = out.find((o) => o.chat === 'boss' && o.text.includes('would leave'))!;
    expect(ask.text).toMatch(/^Bob has 120 points; deducting 500 \(chargeback\) would leave -380\. Go ahead\? Press the button below, or send \/grant confirm (\d+)\.$/);
    expect(ask.buttons).toEqual(['Deduct 500 points']);
    expect(out.filter((o) => o.chat === 'grp').every((o) => o.text === "📩 I've sent you the result privately.")).toBe(true);
    const id = /confirm (\d+)/.exec(ask.text)![1]!;
    close();

    // Confirmed by the button, then again by the command (a double tap, a second look): one deduction.
    const again = await replayKept([
      ...setUp,
      msg('b2', at(1, '12:02'), 'boss', '/grant @Bob -500 chargeback', { chat: 'grp', mentions: ['u2'] }),
      msg('c1', at(1, '12:05'), 'boss', '', { action: `grant-ok:${id}` }),
      msg('c2', at(1, '12:06'), 'boss', '', { action: `grant-ok:${id}` }),
      msg('c3', at(1, '12:07'), 'boss', `/grant confirm ${id}`, { chat: 'grp' }),
      msg('c4', at(1, '12:08'), 'u2', '', { chat: 'u2', action: `grant-ok:${id}` }),
    ]);
    expect(ledgerRows(again.db, again.memberId('u2')).map((r) => r.points)).toEqual([120, -500]);
    const said = (id: string) => again.out.filter((o) => o.replyTo === id || (o.chat === 'boss' && o.replyTo === undefined && id === 'c3')).map((o) => o.text);
    expect(said('c1')).toEqual(['Deducted 500 points from Bob (chargeback). Their balance is now -380.']);
    expect(said('c2')).toEqual(['That deduction was already confirmed: 500 points taken from Bob (chargeback). Their balance is -380.']);
    // Confirmed in the group: the answer still goes to the manager privately.
    expect(again.out.filter((o) => o.chat === 'grp' && o.replyTo === 'c3').map((o) => o.text)).toEqual(["📩 I've sent you the result privately."]);
    expect(said('c4')).toEqual(['Sorry, only community managers can adjust points.']);
    const audits = again.db.$client.prepare("SELECT action FROM audit_log WHERE action LIKE 'grant%' ORDER BY id").pluck().all();
    expect(audits).toEqual(['grant', 'grant.asked', 'grant']);
    again.close();
  });

  it('a confirmation lapses after a day, and only the manager who asked may confirm', async () => {
    const { out, db, memberId, close } = await replayKept([
      ...setUp,
      { type: 'role', member: 'kim', role: 'manager' },
      msg('b2', at(1, '12:03'), 'boss', '/grant @Bob -500 chargeback', { chat: 'grp', mentions: ['u2'] }),
      msg('k1', at(1, '12:04'), 'kim', '/grant confirm 2', { chat: 'kim' }),
      msg('k2', at(2, '12:05'), 'boss', '/grant confirm 2', { chat: 'boss' }),
      msg('k3', at(2, '12:06'), 'boss', '/grant confirm 999', { chat: 'boss' }),
    ]);
    expect(ledgerRows(db, memberId('u2')).map((r) => r.points)).toEqual([120]);
    const text = (id: string) => out.find((o) => o.replyTo === id)!.text;
    expect(text('k1')).toBe('Deduction 2 was asked for by another manager; only they can confirm it.');
    expect(text('k2')).toBe('Deduction 2 waited more than 24 hours and has lapsed. Send /grant again if it is still needed.');
    expect(text('k3')).toBe('There is no deduction 999 waiting for confirmation.');
    close();
  });

  it("is refused with the most that can be deducted when the program says so (grants.belowZero: refuse)", async () => {
    const p = program((q) => void (q.grants.belowZero = 'refuse'));
    const { out, db, memberId, close } = await replayKept(
      [
        ...setUp,
        msg('r1', at(1, '12:02'), 'boss', '/grant @Bob -500 chargeback', { chat: 'grp', mentions: ['u2'] }),
        msg('r2', at(1, '12:03'), 'boss', '/grant @Bob -120 chargeback', { chat: 'grp', mentions: ['u2'] }),
        msg('r3', at(1, '12:04'), 'boss', '/grant -1 once more', { chat: 'grp', replyTo: 'b0' }),
      ],
      { program: p },
    );
    expect(ledgerRows(db, memberId('u2')).map((r) => r.points)).toEqual([120, -120]);
    const toBoss = out.filter((o) => o.chat === 'boss').map((o) => o.text);
    expect(toBoss.slice(1)).toEqual([
      "Bob has 120 points, so 500 can't be deducted: the balance can't go below zero. The most you can deduct now is 120.",
      'Deducted 120 points from Bob (chargeback). Their balance is now 0.',
      "Bob's balance is 0, so there is nothing left to deduct (the balance can't go below zero).",
    ]);
    close();
  });
});
