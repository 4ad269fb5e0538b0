// The tickets store: recent messages are pruned to the last few per member per chat, misunderstood runs are counted
// from the newest message back, and a ticket can be taken only once.
import { describe, expect, it } from 'vitest';
import { tempDb } from '../harness';
import { ensureMember } from '../../store/members';
import { misunderstoodRun, openTicket, recentMessagesOf, recordRecentMessage, takeTicket, transitionsOf } from '../../store/tickets';
import { recentMessages } from '../../store/schema';

const t0 = new Date('2026-03-02T02:00:00Z');

describe('tickets store', () => {
  it('keeps only the last few messages of a member in a chat, and counts misunderstood ones in a row', () => {
    const { db } = tempDb();
    const m = ensureMember(db, { channel: 'console', platformId: 'u1', at: t0 });
    const other = ensureMember(db, { channel: 'console', platformId: 'u2', at: t0 });
    for (let i = 0; i < 12; i++) {
      recordRecentMessage(db, { channel: 'console', chatId: 'g1', memberId: m.id, at: new Date(t0.getTime() + i), text: `m${i}`, misunderstood: i >= 10 });
    }
    recordRecentMessage(db, { channel: 'console', chatId: 'g1', memberId: other.id, at: t0, text: 'hello', misunderstood: true });
    expect(recentMessagesOf(db, 'console', 'g1', m.id).map((r) => r.text)).toEqual(['m4', 'm5', 'm6', 'm7', 'm8', 'm9', 'm10', 'm11']);
    expect(db.select().from(recentMessages).all()).toHaveLength(9);
    expect(misunderstoodRun(db, 'console', 'g1', m.id)).toBe(2);
    expect(misunderstoodRun(db, 'console', 'g1', other.id)).toBe(1);
    expect(misunderstoodRun(db, 'console', 'u1', m.id)).toBe(0);
  });

  it('lets only one staff member take a waiting ticket', () => {
    const { db } = tempDb();
    const m = ensureMember(db, { channel: 'console', platformId: 'u1', at: t0 });
    const s1 = ensureMember(db, { channel: 'console', platformId: 's1', at: t0 });
    const s2 = ensureMember(db, { channel: 'console', platformId: 's2', at: t0 });
    const t = openTicket(
      db,
      { channel: 'console', chatId: 'u1', chatType: 'private', memberId: m.id, platformId: 'u1', lang: 'en', reason: 'request', priority: 0, tierId: 'member', points: 0, transcript: [] },
      t0,
      'asked for a person',
    );
    expect(takeTicket(db, t.id, { memberId: s1.id, channel: 'console', chat: 's1' }, t0)?.staffMemberId).toBe(s1.id);
    expect(takeTicket(db, t.id, { memberId: s2.id, channel: 'console', chat: 's2' }, t0)).toBeUndefined();
    expect(transitionsOf(db, t.id).map((x) => x.toState)).toEqual(['waiting', 'staff']);
  });
});
