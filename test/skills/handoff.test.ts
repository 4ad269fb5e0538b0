// Human handoff through the real engine and a real SQLite file: tickets and their recorded transitions, the bot kept
// quiet while staff own a conversation (member commands still work), the bridge both ways, who may do what, ratings,
// the misunderstood count, the VIP-first queue, /stats, silent group tickets, and group conversations moved private.
import { describe, expect, it } from 'vitest';
import { msg, program, replay, tempDb, testHearth } from '../harness';
import type { Program } from '../../community/program';
import { openDatabase } from '../../store/db';
import { findMemberByPlatformId } from '../../store/members';
import { conversationOf, isMemberWithStaff } from '../../store/conversations';
import { getTicket, transitionsOf } from '../../store/tickets';

const at = (time: string, day = '02') => `2026-03-${day}T${time}+08:00`;
const staff = (id: string) => ({ type: 'role', member: id, role: 'staff' });
const manager = (id: string) => ({ type: 'role', member: id, role: 'manager' });

/** Run events on a database file that outlives the run, then open it to look inside. */
async function runOn(path: string, events: Record<string, unknown>[], p?: Program) {
  const out = await replay(events, { dbPath: path, program: p });
  const db = openDatabase(path);
  const memberId = (platformId: string) => findMemberByPlatformId(db, 'console', platformId)!.id;
  return { out, db, memberId, close: () => db.$client.close() };
}

const texts = (out: { chat: string; text: string }[], chat: string) => out.filter((o) => o.chat === chat).map((o) => o.text);

describe('handoff', () => {
  it('records every transition with who, when and why, and moves the conversation bot → waiting → staff → bot', async () => {
    const { path } = tempDb();
    const first = await runOn(path, [
      staff('s1'),
      msg('m1', at('10:00:00'), 'u1', '转人工', { name: 'Alice' }),
    ]);
    const alice = first.memberId('u1');
    expect(conversationOf(first.db, 'console', 'u1', alice).state).toBe('waiting');
    expect(isMemberWithStaff(first.db, alice)).toBe(true); // no nudges while waiting for a person either
    first.close();

    const second = await runOn(path, [msg('m2', at('10:05:00'), 's1', '/take 1', { name: 'Sam' })]);
    expect(conversationOf(second.db, 'console', 'u1', alice).state).toBe('staff');
    expect(isMemberWithStaff(second.db, alice)).toBe(true);
    second.close();

    const third = await runOn(path, [msg('m3', at('10:20:00'), 's1', '/done', { name: 'Sam' })]);
    const sam = third.memberId('s1');
    expect(conversationOf(third.db, 'console', 'u1', alice).state).toBe('bot');
    expect(isMemberWithStaff(third.db, alice)).toBe(false);
    const ticket = getTicket(third.db, 1)!;
    expect(ticket).toMatchObject({ state: 'closed', memberId: alice, staffMemberId: sam, reason: 'request', tierId: 'member', points: 0 });
    expect(ticket.takenAt! - ticket.openedAt).toBe(5 * 60_000);
    expect(ticket.closedAt! - ticket.openedAt).toBe(20 * 60_000);
    expect(transitionsOf(third.db, 1).map((t) => [t.fromState, t.toState, t.actorMemberId, t.why])).toEqual([
      [null, 'waiting', alice, 'asked for a person'],
      ['waiting', 'staff', sam, 'taken'],
      ['staff', 'closed', sam, 'done'],
    ]);
    expect(transitionsOf(third.db, 1).map((t) => t.at - ticket.openedAt)).toEqual([0, 5 * 60_000, 20 * 60_000]);
    third.close();
  });

  it('keeps the bot quiet while waiting: words join the transcript with one short note, but member commands still work', async () => {
    const { path } = tempDb();
    const { out, db, close } = await runOn(path, [
      msg('m1', at('10:00:00'), 'u1', '/human', { name: 'Alice' }),
      msg('m2', at('10:01:00'), 'u1', 'my voucher code does not work', { name: 'Alice' }),
      msg('m3', at('10:01:30'), 'u1', 'hello? anyone?', { name: 'Alice' }),
      msg('m4', at('10:02:00'), 'u1', '/points', { name: 'Alice' }),
      msg('m5', at('10:03:00'), 'u1', '签到', { name: 'Alice' }),
    ]);
    const toAlice = texts(out, 'u1');
    expect(toAlice).toHaveLength(4); // the ticket confirmation, one "someone will be with you", the balance, the check-in
    expect(toAlice[1]).toMatch(/shortly/);
    expect(toAlice[2]).toMatch(/0 points/);
    expect(toAlice[3]).toMatch(/签到成功/);
    expect(getTicket(db, 1)!.transcript.map((l) => l.text)).toEqual(['/human', 'my voucher code does not work', 'hello? anyone?']);
    expect(getTicket(db, 1)!.state).toBe('waiting');
    close();
  });

  it('lets a waiting member cancel, and the bot answers again', async () => {
    const { path } = tempDb();
    const { out, db, memberId, close } = await runOn(path, [
      msg('m1', at('10:00:00'), 'u1', 'I want to speak to a human', { name: 'Alice' }),
      msg('m2', at('10:01:00'), 'u1', '/cancel', { name: 'Alice' }),
      msg('m3', at('10:02:00'), 'u1', '/points', { name: 'Alice' }),
      { type: 'tick', at: at('11:00:00') },
    ]);
    expect(texts(out, 'u1')[1]).toMatch(/cancelled/);
    expect(texts(out, 'u1')[2]).toMatch(/0 points/);
    expect(texts(out, 'staff').some((t) => t.includes('cancelled their request'))).toBe(true);
    expect(texts(out, 'staff').some((t) => t.includes('⏰'))).toBe(false); // the SLA timers were cancelled too
    expect(conversationOf(db, 'console', 'u1', memberId('u1')).state).toBe('bot');
    close();
  });

  it('answers a cancel with nothing waiting: nothing to cancel; a request made in a group is cancelled privately too', async () => {
    const { path } = tempDb();
    const { out, db, close } = await runOn(path, [
      msg('m1', at('10:00:00'), 'u1', '取消', { name: '小红' }),
      msg('m2', at('10:01:00'), 'u1', '转人工', { name: '小红', chat: 'g1' }),
      msg('m3', at('10:02:00'), 'u1', '取消', { name: '小红' }),
    ]);
    expect(texts(out, 'u1')[0]).toBe('你现在没有在等待的人工服务请求，不需要取消～');
    expect(texts(out, 'u1')[1]).toBe('好的，已取消人工服务，有需要随时找我。');
    expect(getTicket(db, 1)!.state).toBe('closed');
    close();
  });

  it('records a bare 1–5 after the handoff as the rating, but not after the rating window', async () => {
    const { path } = tempDb();
    const events = (ticket: number, later: string, id: string) => [
      msg(`${id}a`, at('10:00:00', later), 'u1', '/human', { name: 'Alice' }),
      msg(`${id}b`, at('10:01:00', later), 's1', `/take ${ticket}`, { name: 'Sam' }),
      msg(`${id}c`, at('10:02:00', later), 's1', '/done', { name: 'Sam' }),
    ];
    const first = await runOn(path, [staff('s1'), ...events(1, '02', 'x'), msg('r1', at('10:05:00'), 'u1', '4', { name: 'Alice' })]);
    expect(getTicket(first.db, 1)!.rating).toBe(4);
    expect(texts(first.out, 'u1').at(-1)).toMatch(/Thanks for your rating/);
    first.close();

    const second = await runOn(path, [...events(2, '03', 'y'), msg('r2', at('11:30:00', '03'), 'u1', '5', { name: 'Alice' })]);
    expect(getTicket(second.db, 2)!.rating).toBeNull();
    expect(texts(second.out, 'u1').at(-1)).not.toMatch(/Thanks for your rating/);
    second.close();
  });

  it('takes a rating from the rating buttons, once', async () => {
    const { path } = tempDb();
    const { out, db, close } = await runOn(path, [
      staff('s1'),
      msg('m1', at('10:00:00'), 'u1', '/human', { name: 'Alice' }),
      msg('m2', at('10:01:00'), 's1', '/take', { name: 'Sam' }),
      msg('m3', at('10:02:00'), 's1', '/done', { name: 'Sam' }),
      msg('m4', at('10:03:00'), 'u1', '', { name: 'Alice', action: 'rate:1:5' }),
      msg('m5', at('10:03:10'), 'u1', '', { name: 'Alice', action: 'rate:1:1' }),
    ]);
    expect(getTicket(db, 1)!.rating).toBe(5);
    expect(texts(out, 'u1').filter((t) => t.includes('Thanks for your rating'))).toHaveLength(1);
    close();
  });

  it('escalates the second misunderstood message in a row, not one alone or two apart', async () => {
    const { path } = tempDb();
    const { out, db, close } = await runOn(path, [
      msg('a1', at('10:00:00'), 'u1', 'blorp zzz', { name: 'Alice' }),
      msg('a2', at('10:01:00'), 'u1', '/points', { name: 'Alice' }),
      msg('a3', at('10:02:00'), 'u1', 'wibble wobble', { name: 'Alice' }),
      msg('b1', at('10:03:00'), 'u2', 'qwzx vbnm', { name: 'Bob' }),
      msg('b2', at('10:04:00'), 'u2', 'asdf ghjk', { name: 'Bob' }),
    ]);
    expect(texts(out, 'u1').filter((t) => t.includes("didn't quite get that"))).toHaveLength(2);
    expect(texts(out, 'u2')[0]).toMatch(/didn't quite get that/);
    expect(texts(out, 'u2')[1]).toMatch(/Sorry I couldn't follow.*ticket #1/);
    const ticket = getTicket(db, 1)!;
    expect(ticket.reason).toBe('misunderstood');
    expect(ticket.transcript.map((l) => l.text)).toEqual(['qwzx vbnm', 'asdf ghjk']);
    expect(getTicket(db, 2)).toBeUndefined();
    close();
  });

  it('tells staff silently of a complaint or a bulk enquiry in a group not addressed to the bot: a card, no reply in the group', async () => {
    const { out, db, memberId, close } = await runOn(tempDb().path, [
      msg('g1', at('10:00:00'), 'u1', '我要退款！！气死了', { chat: 'grp', name: 'Alice' }),
      msg('g2', at('10:01:00'), 'u2', '我们公司想批量采购100件，有优惠吗', { chat: 'grp', name: 'Bob' }),
      msg('g3', at('10:02:00'), 'u3', 'this is the third time my order is late, terrible', { chat: 'grp', name: 'Carol' }),
      msg('g4', at('10:03:00'), 'u1', '还是没人理我', { chat: 'grp', name: 'Alice' }),
      { type: 'tick', at: at('10:40:00') },
    ]);
    expect(out.filter((o) => o.chat === 'grp')).toEqual([]);
    const cards = texts(out, 'staff').filter((t) => t.startsWith('🆕'));
    expect(cards).toHaveLength(3);
    expect(cards[0]).toMatch(/Alice[\s\S]*Seen in the group[\s\S]*\/dm 1/);
    expect(cards[1]).toMatch(/Bob[\s\S]*high-value purchase/);
    expect(cards[2]).toMatch(/Carol[\s\S]*complaint/);
    expect(out.find((o) => o.chat === 'staff')!.buttons).toEqual(['Take', 'Invite privately']);
    // Reminders reach staff, but no "sorry for the wait" to members who never asked the bot.
    expect(texts(out, 'staff').some((t) => t.startsWith('⏰'))).toBe(true);
    expect(out.filter((o) => ['u1', 'u2', 'u3'].includes(o.chat))).toEqual([]);
    // The member's conversation stays the bot's: a check-in in the group still works.
    expect(conversationOf(db, 'console', 'grp', memberId('u1')).state).toBe('bot');
    close();
  });

  it('a member with a silent group ticket who asks for a person privately is served there, not sent elsewhere', async () => {
    const { out, db, close } = await runOn(tempDb().path, [
      msg('g1', at('10:00:00'), 'u1', '我要退款！！气死了', { chat: 'grp', name: 'Alice' }),
      msg('m1', at('10:01:00'), 'u1', '转人工', { name: 'Alice' }),
    ]);
    expect(texts(out, 'u1')).toEqual([expect.stringMatching(/已为你转接人工客服（工单 #1）/)]);
    expect(getTicket(db, 1)).toMatchObject({ chatType: 'private', chatId: 'u1', state: 'waiting' });
    expect(texts(out, 'staff').filter((t) => t.startsWith('🆕'))).toHaveLength(1); // the one card, no second ticket
    close();
  });

  it('a silent group ticket staff take goes to the member privately, with not a word in the group', async () => {
    const { out, db, close } = await runOn(tempDb().path, [
      staff('s1'),
      msg('g1', at('10:00:00'), 'u1', '我要退款！！气死了', { chat: 'grp', name: 'Alice' }),
      msg('t1', at('10:05:00'), 's1', '/take 1', { name: 'Sam' }),
      msg('g2', at('10:06:00'), 'u1', '签到', { chat: 'grp', name: 'Alice' }),
    ]);
    expect(texts(out, 'grp')).toEqual([expect.stringMatching(/Alice 签到成功/)]);
    expect(texts(out, 'u1')).toEqual(['你好，我是客服 Sam，看到了你在群里的消息，我们在这里私下聊。请直接说明你的问题。']);
    expect(getTicket(db, 1)).toMatchObject({ chatType: 'private', chatId: 'u1', state: 'staff' });
    close();
  });

  it('serves VIP members first: /queue order and a bare /take', async () => {
    const { path } = tempDb();
    const { out, db, memberId, close } = await runOn(path, [
      staff('s1'),
      { type: 'purchase', at: at('09:00:00'), member: 'v1', orderId: 'o1', amount: 6000 },
      msg('c1', at('10:00:00'), 'u1', '我要投诉', { name: 'Alice' }),
      msg('v1', at('10:01:00'), 'v1', 'I have a problem with my account, can you help me?', { name: 'Vera' }),
      msg('q1', at('10:02:00'), 's1', '/queue', { name: 'Sam' }),
      msg('t1', at('10:03:00'), 's1', '/take', { name: 'Sam' }),
    ]);
    const vera = getTicket(db, 2)!;
    expect(vera).toMatchObject({ reason: 'vip-help', tierId: 'gold', state: 'staff', staffMemberId: memberId('s1') });
    expect(getTicket(db, 1)!.state).toBe('waiting');
    const queue = texts(out, 's1')[0]!;
    expect(queue.indexOf('#2 ⭐ Vera')).toBeGreaterThan(-1);
    expect(queue.indexOf('#2 ⭐ Vera')).toBeLessThan(queue.indexOf('#1 Alice'));
    expect(texts(out, 'staff')[1]).toMatch(/Ticket #2 · ⭐ VIP\nVera · Gold · 6,400 points/);
    close();
  });

  it('keeps one active ticket per staff member; /take <ticket> switches the bridge', async () => {
    const { out } = await runOn(tempDb().path, [
      staff('s1'),
      msg('a1', at('10:00:00'), 'u1', '/human', { name: 'Alice' }),
      msg('b1', at('10:00:30'), 'u2', '/human', { name: 'Bob' }),
      msg('t1', at('10:01:00'), 's1', '/take 1', { name: 'Sam' }),
      msg('t2', at('10:02:00'), 's1', '/take 2', { name: 'Sam' }),
      msg('s1', at('10:03:00'), 's1', 'Hello Bob', { name: 'Sam' }),
      msg('a2', at('10:04:00'), 'u1', 'Hello? Anyone?', { name: 'Alice' }),
      msg('t3', at('10:05:00'), 's1', '/take 1', { name: 'Sam' }),
      msg('s2', at('10:06:00'), 's1', 'Hi Alice, sorry for the wait', { name: 'Sam' }),
    ]);
    expect(texts(out, 'u2')).toContain('Hello Bob');
    expect(texts(out, 'u1')).not.toContain('Hello Bob');
    expect(texts(out, 'u1')).toContain('Hi Alice, sorry for the wait');
    expect(texts(out, 'u2')).not.toContain('Hi Alice, sorry for the wait');
    expect(texts(out, 's1')).toContain('#1 Alice (send /take 1 to reply): Hello? Anyone?');
    expect(texts(out, 's1').some((t) => t.startsWith('Switched to ticket #1'))).toBe(true);
  });

  it('lets only the holder (or a manager) close or pass on a ticket; a second /take of a taken ticket is refused', async () => {
    const { path } = tempDb();
    const { out, db, close } = await runOn(path, [
      staff('s1'),
      staff('s2'),
      manager('mgr'),
      msg('m0', at('09:00:00'), 'mgr', '/queue', { name: 'Mia' }),
      msg('a1', at('10:00:00'), 'u1', '/human', { name: 'Alice' }),
      msg('t1', at('10:01:00'), 's1', '/take', { name: 'Sam' }),
      msg('t2', at('10:02:00'), 's2', '/take 1', { name: 'Tina' }),
      msg('d1', at('10:03:00'), 's2', '/done 1', { name: 'Tina' }),
      msg('x1', at('10:04:00'), 's2', '/transfer mgr 1', { name: 'Tina' }),
      msg('u1', at('10:05:00'), 'u1', '/done', { name: 'Alice' }),
    ]);
    expect(getTicket(db, 1)!.state).toBe('staff');
    expect(texts(out, 's2')).toEqual([
      'Ticket #1 is with Sam — ask them to /transfer it to you.',
      'Ticket #1 is with Sam.',
      "Ticket #1 isn't yours to pass on.",
    ]);
    // A member typing /done while staff own the conversation is talking to staff, not commanding the bot.
    expect(texts(out, 's1').at(-1)).toBe('#1 Alice: /done');
    close();

    const later = await runOn(path, [msg('d2', at('10:06:00'), 'mgr', '/done 1', { name: 'Mia' })]);
    expect(getTicket(later.db, 1)!.state).toBe('closed');
    expect(texts(later.out, 'u1')[0]).toMatch(/ended/);
    later.close();
  });

  it('refuses to transfer to someone who is not staff', async () => {
    const { out, db, close } = await runOn(tempDb().path, [
      staff('s1'),
      msg('m0', at('09:59:00'), 'u9', 'hi', { name: 'Mallory' }),
      msg('a1', at('10:00:00'), 'u1', '/human', { name: 'Alice' }),
      msg('t1', at('10:01:00'), 's1', '/take', { name: 'Sam' }),
      msg('x1', at('10:02:00'), 's1', '/transfer u9', { name: 'Sam' }),
      msg('x2', at('10:03:00'), 's1', '/transfer nobody', { name: 'Sam' }),
      msg('x3', at('10:04:00'), 's1', '/transfer', { name: 'Sam' }),
    ]);
    const replies = texts(out, 's1').slice(-3);
    expect(replies[0]).toBe("Mallory isn't on the support staff.");
    expect(replies[1]).toMatch(/can't find nobody/);
    expect(replies[2]).toMatch(/^Usage: \/transfer/);
    expect(texts(out, 'u9')).not.toContain('Alice');
    expect(getTicket(db, 1)!.staffMemberId).toBe(findMemberByPlatformId(db, 'console', 's1')!.id);
    close();
  });

  it('answers a staff command typed in a member group privately, not in the group', async () => {
    const { out } = await runOn(tempDb().path, [
      staff('s1'),
      msg('a1', at('10:00:00'), 'u1', '@hearth 转人工', { chat: 'grp', name: 'Alice', mentions: ['hearth'] }),
      msg('t1', at('10:01:00'), 's1', '/take', { chat: 'grp', name: 'Sam' }),
      msg('q1', at('10:02:00'), 's1', '/queue', { chat: 'grp', name: 'Sam' }),
    ]);
    const group = texts(out, 'grp');
    expect(group).toHaveLength(2);
    // The group complaint is not handled in public: the member hears from Sam privately, the group a short pointer.
    expect(group[1]).toBe('客服 Sam 已私信联系你，我们在私聊里继续。');
    expect(texts(out, 'u1')).toEqual(['你好，我是客服 Sam，看到了你在群里的消息，我们在这里私下聊。请直接说明你的问题。']);
    expect(texts(out, 's1')[0]).toMatch(/You took ticket #1/);
    expect(texts(out, 's1')[1]).toMatch(/No one is waiting/);
    expect(texts(out, 'staff')[1]).toMatch(/taken by Sam/);
  });

  it('does not bridge a staff member who holds no ticket, nor a member writing privately', async () => {
    const { out } = await runOn(tempDb().path, [
      staff('s1'),
      msg('a1', at('10:00:00'), 'u1', '/human', { name: 'Alice' }),
      msg('s1', at('10:01:00'), 's1', 'Hi Alice', { name: 'Sam' }),
      msg('u2', at('10:02:00'), 'u2', 'Hi Alice', { name: 'Bob' }),
    ]);
    expect(texts(out, 'u1').some((t) => t === 'Hi Alice')).toBe(false);
  });

  it('/stats shows tickets opened, median time to take and to close, and the average rating for a period', async () => {
    const { path } = tempDb();
    const ticket = (day: string, member: string, takeAt: string, doneAt: string, rating?: string) => [
      msg(`${day}${member}a`, at('10:00:00', day), member, '/human', { name: member }),
      msg(`${day}${member}b`, at(takeAt, day), 's1', '/take', { name: 'Sam' }),
      msg(`${day}${member}c`, at(doneAt, day), 's1', '/done', { name: 'Sam' }),
      ...(rating ? [msg(`${day}${member}d`, at('10:50:00', day), member, rating, { name: member })] : []),
    ];
    const { out, close } = await runOn(path, [
      staff('s1'),
      manager('mgr'),
      ...ticket('02', 'u1', '10:02:00', '10:10:00', '5'),
      ...ticket('20', 'u2', '10:04:00', '10:30:00', '4'),
      ...ticket('21', 'u3', '10:10:00', '10:40:00'),
      msg('open', at('10:00:00', '22'), 'u4', '/human', { name: 'u4' }),
      msg('q1', at('10:20:00', '22'), 'u5', 'how many points do I have?', { name: 'u5' }),
      msg('q2', at('10:21:00', '22'), 'u5', 'how far to gold?', { name: 'u5' }),
      msg('st1', at('11:00:00', '22'), 'mgr', '/stats', { name: 'Mia' }),
      msg('st2', at('11:01:00', '22'), 'mgr', '/stats 7d', { name: 'Mia' }),
      msg('st3', at('11:02:00', '22'), 'mgr', '/stats forever', { name: 'Mia' }),
      msg('st4', at('11:03:00', '22'), 's1', '/stats', { name: 'Sam' }),
    ]);
    const [all, week, bad] = texts(out, 'mgr');
    expect(all).toBe(
      [
        'Handoff, last 30 days:',
        'Tickets opened: 4',
        'Median time to take: 4 min',
        'Median time to close: 30 min',
        'Average rating: 4.5 (2 ratings)',
        'Waiting now: 1',
        "Questions: 2 answered by Hearth's own rules (no AI model set up)",
      ].join('\n'),
    );
    expect(week).toMatch(/Tickets opened: 3\nMedian time to take: 7 min\nMedian time to close: 35 min\nAverage rating: 4.0 \(1 rating\)/);
    expect(bad).toMatch(/^Usage: \/stats/);
    expect(texts(out, 's1').at(-1)).toBe('Sorry, only community managers can do that.');
    close();
  });

  it('writes to a manager who opened a private chat, and mentions the others in the staff room', async () => {
    const p = program((q) => {
      q.managers = ['boss'];
    });
    const { out } = await runOn(
      tempDb().path,
      [
        manager('mgr'),
        msg('m0', at('09:00:00'), 'mgr', '/queue', { name: 'Mia' }),
        msg('a1', at('10:00:00'), 'u1', '/human', { name: 'Alice' }),
        { type: 'tick', at: at('10:45:00') },
      ],
      p,
    );
    expect(texts(out, 'mgr').at(-1)).toMatch(/^⚠️ Ticket #1 .* waited 30 min/);
    const room = texts(out, 'staff');
    expect(room).toHaveLength(3); // the card, the 10-minute reminder, the 30-minute alert
    expect(room[1]).toMatch(/⏰ Ticket #1 .* waited 10 min/);
    expect(room[2]).toMatch(/^⚠️ Ticket #1/);
    expect(out.filter((o) => o.chat === 'staff')[2]!.mentions).toEqual(['boss']);
    expect(texts(out, 'u1')[1]).toMatch(/Sorry for the wait/);
  });
});

describe('handoff: no member can flood the staff room', () => {
  it('100 rounds of /human then 取消 post a few cards and notes, not 200; the member still reaches a person', async () => {
    const events: Record<string, unknown>[] = [staff('s1')];
    for (let i = 0; i < 100; i++) {
      const t = `10:${String(Math.floor(i / 2)).padStart(2, '0')}:${i % 2 === 0 ? '10' : '40'}`;
      events.push(msg(`h${i}`, at(t), 'u1', '/human', { name: 'Alice' }));
      events.push(msg(`c${i}`, at(t.replace(/:\d\d$/, (s) => `:${Number(s.slice(1)) + 5}`)), 'u1', '取消', { name: 'Alice' }));
    }
    events.push(msg('last', at('11:30:00'), 'u1', '/human 我真的需要帮助', { name: 'Alice' }));
    const { out, db, close } = await runOn(tempDb().path, events);
    const room = out.filter((o) => o.chat === 'staff');
    // maxTicketsPerDay (3) cards, and one "cancelled" note per ticket.
    expect(room.filter((o) => o.text.includes('🆕'))).toHaveLength(3);
    expect(room.filter((o) => o.text.includes('cancelled'))).toHaveLength(3);
    expect(room.length).toBeLessThanOrEqual(6);
    // The last request reopened her latest ticket: it waits in the queue with what she said.
    const tickets = db.$client.prepare("SELECT id, state, transcript FROM tickets ORDER BY id").all() as { id: number; state: string; transcript: string }[];
    expect(tickets).toHaveLength(3);
    expect(tickets[2]!.state).toBe('waiting');
    expect(tickets[2]!.transcript).toContain('我真的需要帮助');
    expect(out.find((o) => o.replyTo === 'last')!.text).toContain(`#${tickets[2]!.id}`);
    close();
  });

  it('a repeat while a ticket is open joins that ticket; a card stays short however long the member wrote', async () => {
    const long = '我要投诉，'.repeat(400);
    const { out, db, close } = await runOn(tempDb().path, [
      staff('s1'),
      msg('m1', at('10:00:00'), 'u1', long, { name: 'Alice' }),
      msg('m2', at('10:01:00'), 'u1', '/human', { name: 'Alice' }),
      msg('m3', at('10:02:00'), 'u1', '/human 还在吗', { chat: 'g1', name: 'Alice' }),
    ]);
    const cards = out.filter((o) => o.chat === 'staff');
    expect(cards).toHaveLength(1);
    expect(cards[0]!.text.length).toBeLessThanOrEqual(1500);
    const transcript = JSON.parse(db.$client.prepare('SELECT transcript FROM tickets').pluck().get() as string) as { text: string }[];
    expect(transcript.map((l) => l.text)).toContain('/human 还在吗');
    close();
  });
});

describe('handoff: a group conversation goes private', () => {
  // As on Telegram: the bot may write privately only to people who opened a private chat with it.
  function optIn() {
    const { db } = tempDb();
    const start = new Date('2026-03-02T02:00:00Z');
    const h = testHearth(db, start, { privateChatOptIn: ['console'], program: program((p) => void (p.staff = ['s1'])) });
    let n = 0;
    const say = (from: string, chat: string, text: string, extra: { action?: string; name?: string } = {}) =>
      h.handleMessage({
        id: `m${++n}`,
        channel: 'console',
        chat,
        chatType: chat === from ? 'private' : 'group',
        from: { id: from, name: extra.name ?? from },
        text,
        at: new Date(start.getTime() + n * 60_000),
        ...(extra.action ? { action: extra.action } : {}),
      });
    const rows = () =>
      (db.$client.prepare('SELECT chat, text, buttons, mentions FROM outbox ORDER BY id').all() as { chat: string; text: string; buttons: string | null; mentions: string | null }[]).map((r) => ({
        chat: r.chat,
        text: r.text,
        buttons: r.buttons ? (JSON.parse(r.buttons) as { label: string; privateChat?: boolean; url?: string }[]) : undefined,
      }));
    return { db, say, rows };
  }

  it('staff invite a member seen in the group: a button in the group, and their first private message carries the ticket', async () => {
    const { db, say, rows } = optIn();
    await say('s1', 's1', '/queue', { name: 'Sam' });
    await say('u1', 'grp', '我要退款！！气死了', { name: 'Alice' });
    expect(rows().filter((r) => r.chat === 'grp')).toEqual([]);
    await say('s1', 'staff', '', { action: 'invite:1', name: 'Sam' });
    const invite = rows().filter((r) => r.chat === 'grp');
    expect(invite).toHaveLength(1);
    expect(invite[0]!.text).toBe('我们的客服同事想私下帮你处理，点下方按钮私聊我就好。');
    expect(invite[0]!.buttons).toEqual([{ label: '私聊我', privateChat: true }]);
    expect(rows().at(-1)!.text).toMatch(/hasn't opened a private chat with me yet/);
    expect(rows().at(-1)!.chat).toBe('staff');
    await say('u1', 'u1', '/start', { name: 'Alice' });
    expect(rows().at(-1)).toMatchObject({ chat: 'u1', text: expect.stringMatching(/工单 #1）已转到这里/) });
    expect(getTicket(db, 1)).toMatchObject({ chatType: 'private', chatId: 'u1', state: 'waiting' });
    await say('s1', 'staff', '/take 1', { name: 'Sam' });
    expect(rows().some((r) => r.chat === 'u1' && r.text === '客服 Sam 已接入，请直接在这里说明你的问题。')).toBe(true);
    // In the bridged private chat the member's commands still work; everything else goes to staff.
    await say('u1', 'u1', '签到', { name: 'Alice' });
    expect(rows().at(-1)).toMatchObject({ chat: 'u1', text: expect.stringMatching(/签到成功/) });
    await say('u1', 'u1', '/points', { name: 'Alice' });
    expect(rows().at(-1)).toMatchObject({ chat: 'u1', text: expect.stringMatching(/5 积分/) });
    await say('u1', 'u1', '订单号 123456，三天了还没退款', { name: 'Alice' });
    expect(rows().at(-1)).toMatchObject({ chat: 's1', text: '#1 Alice: 订单号 123456，三天了还没退款' });
    // The group is the member's again: a check-in there is answered.
    expect(conversationOf(db, 'console', 'grp', getTicket(db, 1)!.memberId).state).toBe('bot');
  });

  it('a group ticket staff take is offered a private chat in the group, not served in public; the bridge follows the member', async () => {
    const { db, say, rows } = optIn();
    await say('s1', 's1', '/queue', { name: 'Sam' });
    await say('u1', 'grp', '@hearth 转人工', { name: 'Alice' });
    await say('s1', 'staff', '/take 1', { name: 'Sam' });
    const offer = rows().filter((r) => r.chat === 'grp').at(-1)!;
    expect(offer.text).toBe('客服 Sam 想私下帮你处理，请点下方按钮私聊我，在私聊里说就好。');
    expect(offer.buttons).toEqual([{ label: '私聊我', privateChat: true }]);
    expect(rows().some((r) => r.chat === 'grp' && /已接入/.test(r.text))).toBe(false);
    await say('u1', 'u1', '你好，我的积分好像少了', { name: 'Alice' });
    const toSam = rows().filter((r) => r.chat === 's1').slice(-2).map((r) => r.text);
    expect(toSam).toEqual(['#1 Alice is in a private chat with me now; what you type goes there.', '#1 Alice: 你好，我的积分好像少了']);
    await say('s1', 's1', '您好，我帮您查一下', { name: 'Sam' });
    expect(rows().at(-1)).toMatchObject({ chat: 'u1', text: '您好，我帮您查一下' });
    expect(getTicket(db, 1)).toMatchObject({ chatType: 'private', chatId: 'u1', state: 'staff' });
  });

  it('carries the ticket when the member opens the private-chat link that names it; an old link gets a kind word', async () => {
    const { db, say, rows } = optIn();
    await say('u1', 'grp', '我们公司想批量采购100件，有优惠吗', { name: 'Alice' });
    await say('u2', 'u2', '/start ticket-1', { name: 'Bob' }); // not Bob's ticket
    expect(rows().at(-1)).toMatchObject({ chat: 'u2', text: "Hi! That request has been closed — I'm here if you need anything." });
    await say('u1', 'u1', '/start ticket-1', { name: 'Alice' });
    expect(rows().at(-1)).toMatchObject({ chat: 'u1', text: expect.stringMatching(/工单 #1）已转到这里/) });
    expect(getTicket(db, 1)).toMatchObject({ chatType: 'private', chatId: 'u1', state: 'waiting' });
    expect(transitionsOf(db, 1).map((t) => t.why)).toEqual(['high-value purchase (seen in the group)', 'member moved to the private chat']);
  });

  it('never shows staff command results in a members\' group, even to staff who have no private chat', async () => {
    const { say, rows } = optIn();
    await say('u1', 'grp', '@hearth 转人工', { name: 'Alice' });
    await say('s1', 'grp', '/queue', { name: 'Sam' });
    await say('s1', 'grp', '/stats', { name: 'Sam' });
    await say('s1', 'grp', '/dm 1', { name: 'Sam' });
    const group = rows().filter((r) => r.chat === 'grp').map((r) => r.text);
    expect(group.some((t) => /Waiting|排队|#1 Alice/.test(t))).toBe(false);
    expect(rows().some((r) => r.chat === 'staff' && /Waiting \(1\)/.test(r.text))).toBe(true);
  });
});

