// The daily retention prune through the real scheduler: rows past each limit are pruned (received texts, sent messages,
// closed tickets' transcripts, recent messages, shop signatures), newer ones stay, and a pending message never goes.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { msg, program, tempDb, tempDir } from '../harness';
import { replayOnFile } from './community-helpers';
import { openDatabase, type Db } from '../../store/db';
import { enqueueMessage, markFailed } from '../../store/outbox';
import { getTicket } from '../../store/tickets';
import { pruneRetained } from '../../store/retention';
import { recordInbound, markInboundDone } from '../../store/inbox';

const day = (d: string, time = '10:00') => `2026-${d}T${time}:00+08:00`;
const ms = (iso: string) => new Date(iso).getTime();
const count = (db: Db, sql: string, ...args: unknown[]) => db.$client.prepare(sql).pluck().get(...args) as number;

/** A database with two held messages that must survive: one waiting out quiet hours for years, one being retried. */
function withPendingRows(path: string): void {
  const db = openDatabase(path);
  const old = new Date(day('01-01', '08:00'));
  enqueueMessage(db, 'held', { channel: 'console', chat: 'u9', text: 'held for later', kind: 'notice' }, old, new Date('2031-01-01T00:00:00Z'));
  const retried = enqueueMessage(db, 'retried', { channel: 'console', chat: 'u9', text: 'being retried', kind: 'reply' }, old)!;
  markFailed(db, retried, 'chat unreachable', { at: old, retryAt: new Date('2031-01-01T00:00:00Z') });
  const gaveUp = enqueueMessage(db, 'gave-up', { channel: 'console', chat: 'u9', text: 'never delivered', kind: 'reply' }, old)!;
  markFailed(db, gaveUp, 'chat gone', { at: old, giveUp: true });
  // Shop signatures: one two days before the last prune, one an hour before it.
  db.$client.prepare('INSERT INTO signed_requests (signature, at) VALUES (?, ?), (?, ?)').run('old-sig', ms(day('07-18', '04:00')), 'new-sig', ms(day('07-20', '03:50')));
  db.$client.close();
}

const ticketEvents = (who: string, name: string, d: string) => [
  msg(`${who}-h`, day(d, '10:00'), who, '/human I need help with my order please', { name }),
  msg(`${who}-t`, day(d, '10:01'), 's1', '/take', { name: 'Sam' }),
  msg(`${who}-w`, day(d, '10:02'), 's1', `Hello ${name}, I am on it.`, { name: 'Sam' }),
  msg(`${who}-d`, day(d, '10:03'), 's1', '/done', { name: 'Sam' }),
  msg(`${who}-r`, day(d, '10:04'), who, '5', { name }),
];

describe('retention prune', () => {
  it('prunes what is past each limit after the daily job, keeps what is newer, never a pending message', async () => {
    const path = join(tempDir(), 'retention.db');
    withPendingRows(path);
    const r = await replayOnFile(
      [
        { type: 'role', member: 's1', role: 'staff' },
        // Day 0: Alice's ticket, closed and rated; 200 days before the end.
        ...ticketEvents('u1', 'Alice', '01-01'),
        // Day 100: Bob's ticket, closed 100 days before the end (transcripts are kept 180).
        ...ticketEvents('u2', 'Bob', '04-11'),
        // Five days before the end: Carol checks in.
        msg('c1', day('07-15'), 'u3', '/checkin', { name: 'Carol' }),
        { type: 'tick', at: day('07-20', '05:00') },
      ],
      { path },
    );
    const { db } = r;
    const alice = getTicket(db, 1)!;
    const bob = getTicket(db, 2)!;
    // The old ticket keeps its row, times and rating for /stats; its words are gone. The newer one is untouched.
    expect(alice).toMatchObject({ state: 'closed', rating: 5, transcript: [], detail: null });
    expect(alice.closedAt! - alice.openedAt).toBe(3 * 60_000);
    expect(bob.transcript.map((l) => l.text)).toContain('Hello Bob, I am on it.');

    const cut30 = ms(day('06-20', '04:50'));
    // Received messages: handled more than 30 days ago, gone (text and key); Carol's stays with its text.
    expect(count(db, 'SELECT count(*) FROM inbox WHERE done_at < ?', cut30)).toBe(0);
    expect(db.$client.prepare("SELECT payload IS NOT NULL FROM inbox WHERE message_id = 'c1'").pluck().get()).toBe(1);
    // Sent or given up more than 30 days ago: gone. Carol's answer stays; the held and retried rows always stay.
    expect(count(db, 'SELECT count(*) FROM outbox WHERE coalesce(sent_at, failed_at) < ?', cut30)).toBe(0);
    expect(db.$client.prepare('SELECT key FROM outbox ORDER BY id').pluck().all()).toEqual(['held', 'retried', 'msg:console:c1:0']);
    // Recent messages older than 30 days: gone.
    expect(db.$client.prepare('SELECT text FROM recent_messages').pluck().all()).toEqual(['/checkin']);
    expect(db.$client.prepare('SELECT signature FROM signed_requests').pluck().all()).toEqual(['new-sig']);
  });

  it('with fewer inbox days than 30, a message loses its text at that age and its key (for redelivery checks) at 30 days', async () => {
    const p = program((x) => {
      x.retention.inboxDays = 7;
    });
    const r = await replayOnFile(
      [
        msg('old', day('03-01'), 'u1', '/points', { name: 'Alice' }),
        msg('mid', day('03-20'), 'u1', '/points', { name: 'Alice' }),
        msg('new', day('03-29'), 'u1', '/points', { name: 'Alice' }),
        { type: 'tick', at: day('04-01', '05:00') },
      ],
      { program: p },
    );
    const rows = r.db.$client.prepare('SELECT message_id AS id, payload IS NOT NULL AS text FROM inbox ORDER BY id').all();
    expect(rows).toEqual([
      { id: 'mid', text: 0 },
      { id: 'new', text: 1 },
    ]);
  });

  it('works in batches: many rows, some handled in the same millisecond, all pruned a few at a time', async () => {
    const { db } = tempDb();
    const old = new Date(day('01-01'));
    const records = Array.from({ length: 25 }, (_, i) => ({
      channel: 'console',
      messageId: `m${i}`,
      chat: 'u1',
      kind: 'message' as const,
      payload: '{}',
      receivedAt: old.getTime(),
    }));
    const ids = recordInbound(db, records).map((r) => r.id);
    // Ten rows share one "done" time; the rest a millisecond apart.
    ids.forEach((id, i) => markInboundDone(db, id, new Date(old.getTime() + Math.max(0, i - 9))));
    for (let i = 0; i < 25; i++) {
      const id = enqueueMessage(db, `k${i}`, { channel: 'console', chat: 'u1', text: 'hi', kind: 'reply' }, old)!;
      db.$client.prepare('UPDATE outbox SET sent_at = ? WHERE id = ?').run(old.getTime(), id);
    }
    let gaps = 0;
    const now = new Date(day('06-01'));
    const counts = await pruneRetained(
      db,
      { inboxPayloadBefore: now, inboxKeysBefore: now, sentBefore: now, transcriptsBefore: now, recentBefore: now, signaturesBefore: now },
      () => void gaps++,
      4,
    );
    expect(counts).toMatchObject({ inboxDeleted: 25, outboxDeleted: 25 });
    expect(count(db, 'SELECT count(*) FROM inbox')).toBe(0);
    expect(count(db, 'SELECT count(*) FROM outbox')).toBe(0);
    expect(gaps).toBeGreaterThanOrEqual(10);
  });
});
