// Redelivery and reorder: a shop workload delivered twice, refunds before their purchases, a replay file run twice on one
// database and every webhook request sent twice leave the same balances, ledger and orders as each event once in order.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { program, replay, tempDir } from '../harness';
import { createHearth } from '../../bot/hearth';
import { VirtualClock } from '../../bot/core/clock';
import { silentLogger } from '../../bot/log';
import { createHttpServer, signOrderRequest, type HttpServer } from '../../bot/http';
import { openDatabase, type Db } from '../../store/db';
import type { Program } from '../../community/program';

interface ShopEvent {
  type: 'purchase' | 'refund';
  member: string;
  orderId: string;
  amount: number;
  at: string;
  /** The shop's refund number (the webhook sends it; replay lines have none). */
  refundId?: string;
  /** Sent to the webhook without `at` (the server's now stands in). */
  noAt?: boolean;
}

const at = (day: number, minute: number) => new Date(Date.parse(`2026-03-0${day}T10:00:00+08:00`) + minute * 60_000).toISOString();

/**
 * 20 members, two orders each (all below Silver, so no tier gift depends on the order things arrive in), and refunds:
 * two partial ones without ids; a full one with an id; two of the same amount at different times, one with an id; a
 * full one without an id plus one with neither an id nor (to the webhook) a time. In time order.
 */
function workload(): ShopEvent[] {
  const events: ShopEvent[] = [];
  for (let i = 1; i <= 20; i++) {
    const member = `m${String(i).padStart(2, '0')}`;
    const a = { member, orderId: `A-${i}`, amount: 100 + i * 7 + 0.5 };
    const b = { member, orderId: `B-${i}`, amount: 60 + i * 3 };
    events.push({ type: 'purchase', ...a, at: at(1, i) }, { type: 'purchase', ...b, at: at(1, 30 + i) });
    const refund = (o: typeof a, amount: number, when: string, extra: Partial<ShopEvent> = {}) =>
      events.push({ type: 'refund', member, orderId: o.orderId, amount, at: when, ...extra });
    switch (i % 4) {
      case 0:
        refund(a, 20, at(2, i));
        refund(a, 15.5, at(3, i));
        break;
      case 1:
        refund(b, b.amount, at(2, i), { refundId: `R-${i}` });
        break;
      case 2:
        refund(a, 10, at(2, i), { refundId: `R-${i}` });
        refund(a, 10, at(3, i));
        break;
      case 3:
        refund(a, a.amount, at(2, i));
        refund(b, 5, at(4, i), { noAt: true });
        break;
    }
  }
  return events.sort((x, y) => x.at.localeCompare(y.at));
}

const replayLine = (e: ShopEvent) => ({ type: e.type, at: e.at, member: e.member, orderId: e.orderId, amount: e.amount });

/** What a member would notice, read from the database: balances and tiers, every ledger entry, every order row. */
function snapshot(db: Db) {
  const q = (sql: string) => db.$client.prepare(sql).all();
  const state = {
    balances: q(`SELECT i.platform_id AS member, p.balance, p.tier_id AS tier, p.grace_until AS graceUntil
                 FROM member_points p JOIN identities i ON i.member_id = p.member_id ORDER BY i.platform_id`),
    entries: q(`SELECT i.platform_id AS member, e.kind, e.points, e.growth, e.key, e.reason, e.ref, e.at, e.note
                FROM ledger_entries e JOIN identities i ON i.member_id = e.member_id ORDER BY e.key`),
    orders: q(`SELECT o.order_id AS orderId, i.platform_id AS member, o.amount_fen AS amount, o.refunded_fen AS refunded, o.points, o.growth, o.at
               FROM orders o JOIN identities i ON i.member_id = o.member_id ORDER BY o.order_id`),
    parked: q('SELECT key FROM parked_refunds'),
  };
  // The balance a member sees is the sum of their entries.
  const sums = q('SELECT i.platform_id AS member, sum(e.points) AS balance FROM ledger_entries e JOIN identities i ON i.member_id = e.member_id GROUP BY 1 ORDER BY 1');
  expect(sums).toEqual((state.balances as { member: string; balance: number }[]).map(({ member, balance }) => ({ member, balance })));
  return state;
}

/** The same, without the refund entries' times and keys (a replayed refund happens at its line's time). */
function timeless(s: ReturnType<typeof snapshot>) {
  const entries = (s.entries as Record<string, unknown>[])
    .map(({ member, kind, points, growth, reason, ref, note }) => JSON.stringify({ member, kind, points, growth, reason, ref, note }))
    .sort();
  return { balances: s.balances, orders: s.orders, entries, parked: s.parked };
}

function openAfter(path: string): Db {
  const db = openDatabase(path);
  opened.push(db);
  return db;
}
const opened: Db[] = [];
const servers: HttpServer[] = [];
afterEach(async () => {
  while (servers.length > 0) await servers.pop()!.close();
  while (opened.length > 0) opened.pop()!.$client.close();
});

async function replayed(lines: Record<string, unknown>[], runs = 1, p?: Program): Promise<{ db: Db; out: Awaited<ReturnType<typeof replay>> }> {
  const path = join(tempDir(), 'replay.db');
  let out: Awaited<ReturnType<typeof replay>> = [];
  for (let i = 0; i < runs; i++) out = await replay(lines, { dbPath: path, program: p });
  return { db: openAfter(path), out };
}

const SECRET = 'redelivery-secret-0123456789';
const NOW = new Date('2026-06-01T04:00:00Z');

interface Webhook {
  db: Db;
  clock: VirtualClock;
  send(e: ShopEvent, headers?: Record<string, string>): Promise<{ status: number; json: Record<string, unknown>; headers: Record<string, string> }>;
}

async function webhook(): Promise<Webhook> {
  const db = openAfter(join(tempDir(), 'webhook.db'));
  const clock = new VirtualClock(NOW);
  const hearth = createHearth({ db, program: program(), clock, log: silentLogger(), deployment: { staffRoom: { channel: 'console', chat: 'staff' }, channels: {} } });
  const server = await createHttpServer({ hearth, secret: SECRET, port: 0, hostname: '127.0.0.1' });
  servers.push(server);
  let signed = 0;
  return {
    db,
    clock,
    async send(e, given) {
      const { noAt, ...fields } = e;
      const body = JSON.stringify(noAt ? { ...fields, at: undefined } : fields);
      // Signed up to a minute before the server's now, a second apart each time: every request its own signature.
      const ts = String(Math.floor(clock.now().getTime() / 1000) - (signed++ % 60));
      const headers = given ?? { 'X-Hearth-Timestamp': ts, 'X-Hearth-Signature': signOrderRequest(SECRET, ts, body) };
      const res = await fetch(`${server.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      return { status: res.status, json: (await res.json()) as Record<string, unknown>, headers };
    },
  };
}

describe('Redelivery and reorder', () => {
  const events = workload();
  const refunds = events.filter((e) => e.type === 'refund');
  const purchases = events.filter((e) => e.type === 'purchase');

  it('replay: every event twice, refunds before their purchases, and the same file twice on one database change nothing', async () => {
    const once = snapshot((await replayed(events.map(replayLine))).db);
    // Not a vacuous workload: every refund reversed points, and balances differ from member to member.
    expect((once.entries as { kind: string }[]).filter((e) => e.kind === 'reverse')).toHaveLength(refunds.length);
    expect(once.orders).toHaveLength(40);
    expect(new Set((once.balances as { balance: number }[]).map((b) => b.balance)).size).toBeGreaterThan(10);
    expect(once.parked).toEqual([]);

    // (a) Each line delivered twice in a row.
    const twice = snapshot((await replayed(events.flatMap((e) => [replayLine(e), replayLine(e)]))).db);
    expect(twice).toEqual(once);

    // (c) The same file run twice on one --db.
    const rerun = snapshot((await replayed(events.map(replayLine), 2)).db);
    expect(rerun).toEqual(once);

    // (b) Every refund line first (the day before), its purchase later: parked, then applied with the purchase.
    const early = refunds.map((r, k) => ({ ...replayLine(r), at: new Date(Date.parse('2026-02-28T10:00:00+08:00') + k * 60_000).toISOString() }));
    const reordered = snapshot((await replayed([...early, ...purchases.map(replayLine)])).db);
    expect(timeless(reordered)).toEqual(timeless(once));
  });

  it('webhook: every request sent twice, and every refund sent before its purchase, change nothing', async () => {
    const inOrder = await webhook();
    for (const e of events) expect((await inOrder.send(e)).status).toBe(200);
    const once = snapshot(inOrder.db);
    expect((once.entries as { kind: string }[]).filter((e) => e.kind === 'reverse')).toHaveLength(refunds.length);

    // (d) Each request again two minutes later (a refund without a time would now default to another now): the
    // captured copy is refused as replayed, and the same event signed afresh (a shop's retry) is a duplicate.
    const twice = await webhook();
    const sent: Record<string, string>[] = [];
    for (const e of events) {
      const first = await twice.send(e);
      expect(first.status).toBe(200);
      sent.push(first.headers);
    }
    twice.clock.set(new Date(NOW.getTime() + 2 * 60_000));
    for (const [k, e] of events.entries()) {
      expect(await twice.send(e, sent[k])).toMatchObject({ status: 409, json: { ok: false, error: 'replayed' } });
      expect(await twice.send(e)).toMatchObject({ status: 200, json: { ok: true, duplicate: true } });
    }
    expect(snapshot(twice.db)).toEqual(once);

    // (b) Every refund before any purchase: parked (202), a redelivery of a parked refund a duplicate, then applied.
    const reordered = await webhook();
    for (const r of refunds) {
      expect(await reordered.send(r)).toMatchObject({ status: 202, json: { ok: true, parked: true } });
      expect(await reordered.send(r)).toMatchObject({ status: 200, json: { duplicate: true } });
    }
    for (const p of purchases) expect((await reordered.send(p)).status).toBe(200);
    expect(snapshot(reordered.db)).toEqual(once);

    // Four at a time in a shuffled order (the review's 4 parallel deliveries): nothing is refused, nothing counts twice.
    const shuffled = await webhook();
    const order = events.map((e, k) => ({ e, k: (k * 37) % events.length })).sort((x, y) => x.k - y.k).map((x) => x.e);
    const statuses: number[] = [];
    for (let k = 0; k < order.length; k += 4) statuses.push(...(await Promise.all(order.slice(k, k + 4).map((e) => shuffled.send(e)))).map((a) => a.status));
    expect(statuses.filter((st) => st !== 200 && st !== 202)).toEqual([]);
    expect(statuses.filter((st) => st === 202).length).toBeGreaterThan(5);
    const parallel = snapshot(shuffled.db);
    // Partial refunds split their points by the running total, so the entries may differ one by one; the totals may not.
    expect(parallel.balances).toEqual(once.balances);
    expect(parallel.orders).toEqual(once.orders);
    expect(parallel.entries).toHaveLength(once.entries.length);
    expect(parallel.parked).toEqual([]);
  });

  it('drops a refund still parked after parkRefundsDays with the daily job, telling the staff room in its language', async () => {
    for (const lang of ['en', 'zh'] as const) {
      const p = program((x) => (x.escalation.staffLang = lang));
      const { db, out } = await replayed(
        [
          { type: 'refund', at: '2026-03-01T09:00:00+08:00', member: 'u1', orderId: 'lost-1', amount: 30 },
          { type: 'refund', at: '2026-03-01T09:05:00+08:00', member: 'u2', orderId: 'lost-2', amount: 12.5 },
          { type: 'refund', at: '2026-03-02T09:00:00+08:00', member: 'u3', orderId: 'late-1', amount: 20 },
          // Its purchase arrives within the week: applied, never reported.
          { type: 'purchase', at: '2026-03-05T12:00:00+08:00', member: 'u3', orderId: 'late-1', amount: 100 },
          // Seven days after parking, not yet (the job runs at 00:10 and drops what was parked 7 days before).
          { type: 'tick', at: '2026-03-08T23:00:00+08:00' },
          { type: 'tick', at: '2026-03-09T10:00:00+08:00' },
          // The purchase after all, too late: it earns in full, the dropped refund is gone.
          { type: 'purchase', at: '2026-03-10T12:00:00+08:00', member: 'u1', orderId: 'lost-1', amount: 200 },
        ],
        1,
        p,
      );
      const staff = out.filter((o) => o.chat === 'staff');
      expect(staff).toHaveLength(1);
      // Queued by the 00:10 job on 9 March, held through quiet hours to 09:00.
      expect(staff[0]!.at).toMatch(/^2026-03-09T09:00/);
      if (lang === 'en') {
        expect(staff[0]!.text).toMatch(/2 refunds dropped: their purchases did not arrive within 7 days/);
        expect(staff[0]!.text).toContain('order lost-1 ¥30.00 (member u1)');
        expect(staff[0]!.text).toContain('order lost-2 ¥12.50 (member u2)');
      } else {
        expect(staff[0]!.text).toMatch(/2 笔退款等待对应的购买记录超过 7 天/);
        expect(staff[0]!.text).toContain('订单 lost-1 ¥30.00（会员 u1）');
      }
      expect(staff[0]!.text).not.toContain('late-1');
      const s = snapshot(db);
      expect(s.parked).toEqual([]);
      expect(s.orders).toMatchObject([
        { orderId: 'late-1', refunded: 20_00 },
        { orderId: 'lost-1', refunded: 0, points: 200 },
      ]);
      expect(s.balances).toMatchObject([
        { member: 'u1', balance: 200 },
        { member: 'u3', balance: 80 },
      ]);
    }
  });
});
