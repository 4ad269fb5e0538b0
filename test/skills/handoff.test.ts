// Human handoff through the real engine and a real SQLite file: tickets and their recorded transitions, the bot kept
// quiet while staff own a conversation, the bridge both ways, who may do what, ratings, the misunderstood count, the
// VIP-first queue, and /stats.
import { describe, expect, it } from 'vitest';
import { msg, program, replay, tempDb } from '../harness';
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

  it('keeps the bot silent while waiting: words join the transcript, one short note, no answers', async () => {
    const { path } = tempDb();
    const { out, db, close } = await runOn(path, [
      msg('m1', at('10:00:00'), 'u1', '/human', { name: 'Alice' }),
      msg('m2', at('10:01:00'), 'u1', '/points', { name: 'Alice' }),
      msg('m3', at('10:02:00'), 'u1', '签到', { name: 'Alice' }),
      msg('m4', at('10:03:00'), 'u1', '/help', { name: 'Alice' }),
    ]);
    const toAlice = texts(out, 'u1');
    expect(toAlice).toHaveLength(2); // the ticket confirmation and one "someone will be with you"
    expect(toAlice[1]).toMatch(/shortly/);
    expect(toAlice.join('\n')).not.toMatch(/points|签到成功|Here is what I can do/);
    expect(getTicket(db, 1)!.transcript.map((l) => l.text)).toEqual(['/human', '/points', '签到', '/help']);
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

  it('answers a cancel with nothing waiting here: nothing to cancel, or where the request is; no ticket changes', async () => {
    const { path } = tempDb();
    const { out, db, close } = await runOn(path, [
      msg('m1', at('10:00:00'), 'u1', '取消', { name: '小红' }),
      msg('m2', at('10:01:00'), 'u1', '转人工', { name: '小红', chat: 'g1' }),
      msg('m3', at('10:02:00'), 'u1', '取消', { name: '小红' }),
    ]);
    expect(texts(out, 'u1')[0]).toBe('你现在没有在等待的人工服务请求，不需要取消～');
    expect(texts(out, 'u1')[1]).toBe('你的人工服务请求（工单 #1）在另一个对话里，请在那边发送「取消」。');
    expect(getTicket(db, 1)!.state).toBe('waiting');
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

  it('does not open a ticket for a complaint in a group that is not addressed to the bot, nor reply to it', async () => {
    const { out } = await runOn(tempDb().path, [
      msg('g1', at('10:00:00'), 'u1', '我要退款！！气死了', { chat: 'grp', name: 'Alice' }),
      msg('g2', at('10:01:00'), 'u2', 'I want a bulk order of 100 pieces lol', { chat: 'grp', name: 'Bob' }),
    ]);
    expect(out).toEqual([]);
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
    expect(group[1]).toBe('客服 Sam 已接入，请直接在这里说明你的问题。');
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
