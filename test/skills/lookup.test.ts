// Looking a member up, through the real engine: `/member` (by mention, reply, member number or platform id) and
// `/points @bob`, `/tier @bob` from managers and staff answer about that member, privately; members are told they can
// see only their own.
import { describe, expect, it } from 'vitest';
import { msg, program } from '../harness';
import { replayOnFile } from './community-helpers';

const at = (m: number) => `2026-03-02T10:${String(m).padStart(2, '0')}:00+08:00`;
const roles = [
  { type: 'role', member: 'boss', role: 'manager' },
  { type: 'role', member: 'sam', role: 'staff' },
];
/** Bob in g1 with seven ledger entries (a check-in, a purchase, five grants) and a ticket waiting. */
const bob = [
  ...roles,
  msg('b1', at(0), 'u2', 'check in', { chat: 'g1', name: 'Bob' }),
  { type: 'purchase', at: at(1), member: 'u2', orderId: 'o-1', amount: 300 },
  ...[1, 2, 3, 4, 5].map((n) => msg(`gr${n}`, at(1 + n), 'boss', `/grant @Bob ${n} prize ${n}`, { chat: 'boss', mentions: ['u2'] })),
  msg('b2', at(7), 'u2', 'I want to talk to a human please', { chat: 'u2', name: 'Bob' }),
];
const NOTE = "📩 I've sent you the result privately.";

describe('/member', () => {
  it("shows a manager the member's balance, tier, growth, latest five entries and open ticket, privately", async () => {
    const r = await replayOnFile([...bob, msg('q1', at(8), 'boss', '/member @Bob', { chat: 'g1', name: 'Boss', mentions: ['u2'] })]);
    const card = r.out.filter((o) => o.chat === 'boss' && o.text.startsWith('👤'));
    expect(card).toHaveLength(1);
    const lines = card[0]!.text.split('\n');
    expect(lines[0]).toMatch(/^👤 Bob \(member no\. \d+\)$/);
    expect(lines).toContain('Accounts: console:u2');
    expect(lines).toContain('Points: 320');
    expect(lines).toContain('Tier: Member, 301 growth over the last 12 months; 699 more to Silver');
    // Newest first, five of seven.
    expect(lines.slice(lines.indexOf('Latest 5 entries:') + 1, lines.indexOf('Latest 5 entries:') + 6)).toEqual([
      '· 2026-03-02 +5 manager adjustment (prize 5)',
      '· 2026-03-02 +4 manager adjustment (prize 4)',
      '· 2026-03-02 +3 manager adjustment (prize 3)',
      '· 2026-03-02 +2 manager adjustment (prize 2)',
      '· 2026-03-02 +1 manager adjustment (prize 1)',
    ]);
    expect(card[0]!.text).not.toContain('check-in');
    expect(lines.at(-1)).toMatch(/^Ticket #\d+: waiting for staff \(asked for a person\), opened 2026-03-02 10:07$/);
    expect(r.out.filter((o) => o.replyTo === 'q1').map((o) => [o.chat, o.text])).toEqual([['g1', NOTE]]);
  });

  it('finds the member by reply, member number, platform id and channel:id; says so when nobody matches', async () => {
    const r = await replayOnFile([
      ...bob,
      msg('q1', at(8), 'sam', '/member', { chat: 'g1', name: 'Sam', replyTo: 'b1' }),
      msg('q2', at(9), 'sam', '/member u2', { chat: 'sam', name: 'Sam' }),
      msg('q3', at(10), 'sam', '/member console:u2', { chat: 'sam', name: 'Sam' }),
      msg('q4', at(11), 'sam', '/member #3', { chat: 'sam', name: 'Sam' }),
      msg('q5', at(12), 'sam', '/member nobody', { chat: 'sam', name: 'Sam' }),
      msg('q6', at(13), 'sam', '/member', { chat: 'sam', name: 'Sam' }),
      msg('q7', at(14), 'sam', '查会员 @Bob', { chat: 'g1', name: 'Sam', mentions: ['u2'] }),
    ]);
    const toSam = r.out.filter((o) => o.chat === 'sam').map((o) => o.text.split('\n')[0]);
    expect(toSam.slice(-7)).toEqual([
      expect.stringMatching(/^👤 Bob \(member no\. 3\)$/),
      expect.stringMatching(/^👤 Bob/),
      expect.stringMatching(/^👤 Bob/),
      expect.stringMatching(/^👤 Bob/),
      "I can't find a member \"nobody\".",
      expect.stringMatching(/^Usage: \/member @member/),
      expect.stringMatching(/^👤 Bob（会员号 3）$/),
    ]);
  });

  it('is refused to members, politely and in place', async () => {
    const r = await replayOnFile([
      ...bob,
      msg('q1', at(8), 'u1', '/member @Bob', { chat: 'g1', name: 'Alice', mentions: ['u2'] }),
      msg('q2', at(9), 'u1', '/member', { chat: 'u1', name: 'Alice' }),
    ]);
    expect(r.out.filter((o) => ['q1', 'q2'].includes(o.replyTo ?? '')).map((o) => [o.chat, o.text])).toEqual([
      ['g1', 'Sorry, only community managers and staff can look members up. To see your own points, just send /points.'],
      ['u1', 'Sorry, only community managers and staff can look members up. To see your own points, just send /points.'],
    ]);
    expect(r.out.some((o) => o.text.startsWith('👤'))).toBe(false);
  });
});

describe('/points @member and /tier @member', () => {
  it("show a manager or staff member that member's standing, not their own, privately", async () => {
    const r = await replayOnFile([
      ...bob,
      msg('q1', at(8), 'boss', '/points @Bob', { chat: 'g1', name: 'Boss', mentions: ['u2'] }),
      msg('q2', at(9), 'sam', '/tier @Bob', { chat: 'g1', name: 'Sam', mentions: ['u2'] }),
      msg('q3', at(10), 'sam', '/points', { chat: 'g1', name: 'Sam', replyTo: 'b1' }),
      msg('q4', at(11), 'boss', '/points', { chat: 'g1', name: 'Boss' }),
    ]);
    const standing = 'Points: 320\nTier: Member, 301 growth over the last 12 months; 699 more to Silver';
    expect(r.out.filter((o) => o.chat === 'boss' && o.text.startsWith('👤')).map((o) => o.text)).toEqual([expect.stringContaining(standing)]);
    expect(r.out.filter((o) => o.chat === 'sam').map((o) => o.text)).toEqual([expect.stringContaining(standing), expect.stringContaining(standing)]);
    // Without a target the manager asks about themselves.
    expect(r.out.filter((o) => o.chat === 'boss').at(-1)!.text).toMatch(/^You have 0 points\./);
    for (const o of r.out.filter((x) => x.chat === 'g1' && ['q1', 'q2', 'q3', 'q4'].includes(x.replyTo ?? ''))) expect(o.text).toMatch(/^📩/);
  });

  it('tell a member they can see only their own; naming themselves, or replying, is their own standing', async () => {
    const r = await replayOnFile([
      ...bob,
      msg('q1', at(8), 'u1', '/points @Bob', { chat: 'g1', name: 'Alice', mentions: ['u2'] }),
      msg('q2', at(9), 'u1', '等级 @Bob', { chat: 'g1', name: 'Alice', mentions: ['u2'] }),
      msg('q3', at(10), 'u2', '/points @Bob', { chat: 'g1', name: 'Bob', mentions: ['u2'] }),
      msg('q4', at(11), 'u1', '/points', { chat: 'g1', name: 'Alice', replyTo: 'b1' }),
    ]);
    const said = (id: string) => r.out.filter((o) => o.replyTo === id).map((o) => o.text);
    expect(said('q1')).toEqual(['You can only see your own points and tier. Send /points or /tier on its own to see yours.']);
    expect(said('q2')).toEqual(['只能查看自己的积分和等级哦。直接发送「积分」或「等级」就能看到你的。']);
    expect(r.out.filter((o) => o.chat === 'u2').at(-1)!.text).toMatch(/^You have 320 points\./);
    expect(r.out.filter((o) => o.chat === 'u1').at(-1)!.text).toMatch(/^(You have 0 points\.|你有 0 积分。)/); // she wrote Chinese last
  });

  it('go to the staff room, mentioning the manager, when they never opened a private chat (as on Telegram)', async () => {
    const { testHearth, tempDb } = await import('../harness');
    const { db } = tempDb();
    const h = testHearth(db, new Date('2026-03-02T02:00:00Z'), { program: program((p) => void (p.managers = ['boss'])), privateChatOptIn: ['console'] });
    const send = (id: string, from: string, text: string, mentions?: string[]) =>
      h.handleMessage({ id, channel: 'console', chat: 'g1', chatType: 'group', from: { id: from, name: from === 'u2' ? 'Bob' : 'Boss' }, text, mentions, at: new Date('2026-03-02T02:00:00Z') });
    await send('a1', 'u2', 'check in');
    await send('a2', 'boss', '/member @Bob', ['u2']);
    await h.engine.idle();
    const rows = db.$client.prepare("SELECT chat, text, mentions FROM outbox WHERE text LIKE '👤%' OR reply_to = 'a2' ORDER BY id").all() as { chat: string; text: string; mentions: string | null }[];
    expect(rows.map((o) => [o.chat, o.text.split('\n')[0]])).toEqual([
      ['staff', expect.stringMatching(/^👤 Bob/)],
      ['g1', "📩 I've sent the result to the staff room."],
    ]);
    expect(JSON.parse(rows[0]!.mentions!)).toEqual(['boss']);
  });
});
