// UGC through the real engine: submissions, the length rules, review by reply and by id, the reward (points and
// growth) within the daily cap and once per text, rejection with its reason told to the author privately, the
// moderator's lists and confirmations told privately, and who may review.
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { msg, program, tempDb, testHearth } from '../harness';
import { entriesWithReason, replayOnFile } from './community-helpers';
import { ledgerEntries, ugcSubmissions } from '../../store/schema';
import { findMemberByPlatformId } from '../../store/members';

const at = (h: number, m = 0, d = 2) => `2026-03-0${d}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00+08:00`;
const manager = { type: 'role', member: 'm1', role: 'manager' };
const post = (id: string, when: string, from: string, text: string, chat = 'g1') => msg(id, when, from, text, { chat, name: from === 'u1' ? 'Alice' : 'Bob' });
const mia = (id: string, when: string, text: string, extra: { replyTo?: string; chat?: string } = {}) => msg(id, when, 'm1', text, { chat: 'g1', name: 'Mia', ...extra });

describe('ugc', () => {
  it('a post becomes a pending submission and the member is told its id; nothing is paid yet', async () => {
    const r = await replayOnFile([post('p1', at(10), 'u1', '#分享 这款面霜用了一周，皮肤明显水润了很多！')]);
    expect(r.out[0]!.text).toBe('📝 收到你的分享（#1），等管理员审核通过后可得 20 积分。');
    const sub = r.db.select().from(ugcSubmissions).get()!;
    expect(sub).toMatchObject({ id: 1, status: 'pending', text: '这款面霜用了一周，皮肤明显水润了很多！', messageId: 'p1', chat: 'g1' });
    expect(r.balance('u1')).toBe(0);
  });

  it('refuses very short posts at once with the minimum length, and over-long ones; no submission is made', async () => {
    const r = await replayOnFile([
      post('p1', at(10), 'u1', '#share Love it!!! 👍👍👍'),
      post('p2', at(10, 1), 'u1', `#share ${'great product '.repeat(200)}`),
      post('p3', at(10, 2), 'u1', '/share'),
    ]);
    expect(r.out[0]!.text).toContain('at least 10 characters');
    expect(r.out[0]!.text).toContain('yours has 6');
    expect(r.out[1]!.text).toContain('up to 2000 characters');
    expect(r.out[2]!.text).toContain('at least 10 characters');
    expect(r.db.select().from(ugcSubmissions).all()).toEqual([]);
  });

  it('approval by reply pays 20 points and 5 growth once, and the member hears it in the chat where they posted', async () => {
    const r = await replayOnFile([
      manager,
      post('p1', at(10), 'u1', '#share The lip balm lasts all day and smells great.'),
      mia('r1', at(10, 5), '/approve', { replyTo: 'p1' }),
      mia('r2', at(10, 6), '/approve', { replyTo: 'p1' }),
    ]);
    // Told in the group where it was posted: what it earned, never the balance.
    expect(r.out[1]).toEqual({ at: at(10, 5), chat: 'g1', replyTo: 'p1', text: '🎉 Alice, your post #1 was approved: +20 points!' });
    expect(r.out[2]!.text).toBe('Post #1 was already approved.');
    const rows = entriesWithReason(r.db, 'ugc');
    expect(rows.map((e) => ({ points: e.points, growth: e.growth, key: e.key }))).toEqual([{ points: 20, growth: 5, key: 'ugc:1' }]);
  });

  it('the same folded text is refused for its author and approved without points for anyone else', async () => {
    const r = await replayOnFile([
      manager,
      post('p1', at(10), 'u1', '#share The lip balm lasts all day and smells great.'),
      mia('r1', at(10, 1), '/approve 1'),
      post('p2', at(10, 2), 'u1', '#share the lip balm lasts ALL day, and smells great!!'),
      post('p3', at(10, 3), 'u2', '#share The lip-balm lasts all day and smells great'),
      mia('r2', at(10, 4), '/approve 2'),
    ]);
    expect(r.out.find((o) => o.replyTo === 'p2')!.text).toContain("You've already shared this (post #1)");
    expect(r.out.at(-1)!.text).toBe("✅ Bob, your post #2 was approved. The same text earns points only once, so no points this time.");
    expect(r.balance('u2')).toBe(0);
    expect(r.db.select().from(ugcSubmissions).where(eq(ugcSubmissions.id, 2)).get()).toMatchObject({ status: 'approved', unrewardedWhy: 'duplicate' });
  });

  it('pays at most 3 posts per member per posting day; the 4th is approved without points and says why', async () => {
    const texts = ['The lip balm lasts all day', 'The travel kit fits every bottle', 'The sunscreen leaves no white cast', 'The night cream is never greasy', 'The face mask calmed my skin'];
    const events: Record<string, unknown>[] = [manager];
    texts.slice(0, 4).forEach((t, i) => events.push(post(`p${i + 1}`, at(10, i), 'u1', `#share ${t}`)));
    // Reviewed the next day: the cap counts the day the posts were made.
    [1, 2, 3, 4].forEach((id) => events.push(mia(`r${id}`, at(9, id, 3), `/approve ${id}`)));
    events.push(post('p5', at(10, 0, 3), 'u1', `#share ${texts[4]}`), mia('r5', at(10, 5, 3), '/approve 5'));
    const r = await replayOnFile(events);
    expect(r.out.find((o) => o.replyTo === 'p4' && o.text.includes('was approved'))!.text).toBe(
      "✅ Alice, your post #4 was approved. Only 3 posts a day earn points, so this one doesn't — share again tomorrow!",
    );
    expect(entriesWithReason(r.db, 'ugc').map((e) => e.key)).toEqual(['ugc:1', 'ugc:2', 'ugc:3', 'ugc:5']);
    expect(r.balance('u1')).toBe(80);
  });

  it('a rejection reaches the member with its reason in the chat where they posted; the manager gets a confirmation', async () => {
    const r = await replayOnFile([
      manager,
      post('p1', at(10), 'u2', '/share Buy cheap followers at spam dot example', 'u2'),
      mia('r1', at(10, 5), '/reject 1 Ads are not allowed here'),
    ]);
    expect(r.out.slice(1)).toEqual([
      { at: at(10, 5), chat: 'u2', replyTo: 'p1', text: "Your post #1 wasn't approved. Reason: Ads are not allowed here" },
      { at: at(10, 5), chat: 'm1', text: 'Rejected post #1 (Bob); the author has been told.' },
      { at: at(10, 5), chat: 'g1', replyTo: 'r1', text: "📩 I've sent you the result privately." },
    ]);
    expect(r.db.select().from(ugcSubmissions).get()).toMatchObject({ status: 'rejected', reason: 'Ads are not allowed here' });
    expect(r.db.select().from(ledgerEntries).all()).toEqual([]);
  });

  it('a group post rejected in the group: the author hears the reason privately, the group never does', async () => {
    const r = await replayOnFile([
      manager,
      post('p1', at(10), 'u2', '#share Buy cheap followers at spam dot example today'),
      mia('r1', at(10, 5), '/reject Ads are not allowed here', { replyTo: 'p1' }),
    ]);
    expect(r.out.slice(1)).toEqual([
      { at: at(10, 5), chat: 'u2', text: "Your post #1 wasn't approved. Reason: Ads are not allowed here" },
      { at: at(10, 5), chat: 'm1', text: 'Rejected post #1 (Bob); the author has been told.' },
      { at: at(10, 5), chat: 'g1', replyTo: 'r1', text: "📩 I've sent you the result privately." },
    ]);
    expect(r.out.filter((o) => o.chat === 'g1').some((o) => o.text.includes('Ads'))).toBe(false);
  });

  it('members cannot review: slash commands are refused politely, Chinese words pass by, nothing changes', async () => {
    const r = await replayOnFile([
      post('p1', at(10), 'u1', '#share The lip balm lasts all day and smells great.'),
      msg('x1', at(10, 1), 'u2', '/approve 1', { chat: 'g1', name: 'Bob' }),
      msg('x2', at(10, 2), 'u2', '通过', { chat: 'g1', name: 'Bob', replyTo: 'p1' }),
      msg('x3', at(10, 3), 'u2', '/review', { chat: 'g1', name: 'Bob' }),
    ]);
    expect(r.out.slice(1).map((o) => [o.replyTo, o.text])).toEqual([
      ['x1', 'Only community managers can review shared posts.'],
      ['x3', '只有社群管理员可以审核分享哦。'], // Bob wrote Chinese last, so he is answered in Chinese
    ]);
    expect(r.db.select().from(ugcSubmissions).get()!.status).toBe('pending');
  });

  it('/review lists what waits, oldest first; unknown ids and non-submission replies are explained', async () => {
    const r = await replayOnFile([
      manager,
      post('p1', at(10), 'u1', '#share The lip balm lasts all day and smells great.'),
      post('p2', at(10, 1), 'u2', '#share The travel kit fits every bottle I own.'),
      msg('c1', at(10, 2), 'u2', 'nice weather today', { chat: 'g1', name: 'Bob' }),
      mia('r1', at(11), '/review'),
      mia('r2', at(11, 1), '/approve 42'),
      mia('r3', at(11, 2), '/approve', { replyTo: 'c1' }),
    ]);
    // The list names members and quotes their posts: the manager sees it privately, the group only a short note.
    const [list, unknown, notAPost] = r.out.filter((o) => o.chat === 'm1').map((o) => o.text);
    expect(list).toContain('Waiting for review (2):\n#1 Alice: The lip balm lasts all day and…\n#2 Bob: The travel kit fits every bott…');
    expect(unknown).toContain('There is no post #42');
    expect(notAPost).toContain("isn't a shared post");
    expect(r.out.filter((o) => ['r1', 'r2', 'r3'].includes(o.replyTo ?? '')).map((o) => [o.chat, o.text])).toEqual(Array(3).fill(['g1', "📩 I've sent you the result privately."]));
  });

  it('two managers approving the same post at the same moment pay it once', async () => {
    const { db } = tempDb();
    const t = new Date('2026-03-02T02:00:00Z');
    const p = program((prog) => {
      prog.managers = ['m1', 'm2'];
    });
    const h = testHearth(db, t, { program: p });
    const m = (id: string, chat: string, from: string, text: string) => ({ id, channel: 'console', chat, chatType: chat === from ? ('private' as const) : ('group' as const), from: { id: from, name: from }, text, at: t });
    await h.handleMessage(m('p1', 'g1', 'u1', '#share The lip balm lasts all day and smells great.'));
    await Promise.all([h.handleMessage(m('a1', 'm1', 'm1', '/approve 1')), h.handleMessage(m('a2', 'm2', 'm2', '/approve 1'))]);
    await h.engine.idle();
    expect(entriesWithReason(db, 'ugc')).toHaveLength(1);
    const u1 = findMemberByPlatformId(db, 'console', 'u1')!;
    expect(entriesWithReason(db, 'ugc')[0]!.memberId).toBe(u1.id);
  });
});
