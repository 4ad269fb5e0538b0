// The ledger on a real SQLite file: purchases idempotent by order id, refunds reversing proportionally (own lot first,
// possibly into debt), FIFO spending, the set-based expiry job, and a property test over thousands of random sequences.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { program, tempDb } from '../harness';
import { openDatabase, type Db } from '../../store/db';
import { ensureMember, getMember } from '../../store/members';
import { balanceOf, debitPoints, earnPoints, entriesOf, expireAllDue, openLotsOf, spendableOf } from '../../store/ledger';
import { orderById, recordPurchase, recordRefund } from '../../store/orders';
import { parkRefund, parkedRefundsOf } from '../../store/parked-refunds';
import { redeemReward } from '../../store/redemptions';
import { memberStanding } from '../../store/standing';
import { lotExpiresAt } from '../../community/earning';
import { HearthError } from '../../bot/core/errors';
import type { Program } from '../../community/program';

const p = program();
const T0 = new Date('2026-03-01T10:00:00+08:00');
const day = 86_400_000;

function member(db: Db, id = 'u1', at = T0) {
  return ensureMember(db, { channel: 'console', platformId: id, name: id, at });
}

let codes = 0;
const newCode = () => `C${++codes}`;

interface LotRow {
  points: number;
  remaining: number;
  drawn: number;
}

/** Checks every invariant the ledger promises for one member. */
const checkStatements = new WeakMap<object, { sum: ReturnType<Db['$client']['prepare']>; lots: ReturnType<Db['$client']['prepare']> }>();
function checkMember(db: Db, memberId: number): void {
  let st = checkStatements.get(db.$client);
  if (!st) {
    st = {
      sum: db.$client.prepare('SELECT coalesce(sum(points), 0) AS s FROM ledger_entries WHERE member_id = ?'),
      lots: db.$client.prepare(
        `SELECT l.points, l.remaining, coalesce((SELECT sum(d.points) FROM lot_draws d WHERE d.lot_id = l.entry_id), 0) AS drawn
         FROM point_lots l WHERE l.member_id = ?`,
      ),
    };
    checkStatements.set(db.$client, st);
  }
  const sum = (st.sum.get(memberId) as { s: number }).s;
  const balance = balanceOf(db, memberId);
  expect(balance, 'balance = sum of entries').toBe(sum);
  const lots = st.lots.all(memberId) as LotRow[];
  let open = 0;
  for (const lot of lots) {
    open += lot.remaining;
    if (lot.remaining < 0 || lot.remaining > lot.points) expect.fail(`lot out of range: ${JSON.stringify(lot)}`);
    // A lot earned while in debt starts below its points (the debt took the rest); draws explain everything else.
    if (lot.drawn > lot.points - lot.remaining) expect.fail(`lot drew more than it had: ${JSON.stringify(lot)}`);
  }
  const debt = Math.max(0, -balance);
  expect(open - debt, 'sum of open lots − debt = balance').toBe(balance);
}

describe('purchases', () => {
  it('earn one lot expiring 24 months later and are idempotent by order id', () => {
    const { db } = tempDb();
    const m = member(db);
    const first = recordPurchase(db, p, { memberId: m.id, orderId: 'o1', amountFen: 1200_00, at: T0 });
    expect(first).toMatchObject({ created: true, balance: 1200 });
    const again = recordPurchase(db, p, { memberId: m.id, orderId: 'o1', amountFen: 9999_00, at: new Date(T0.getTime() + day) });
    expect(again.created).toBe(false);
    expect(balanceOf(db, m.id)).toBe(1200);
    expect(entriesOf(db, m.id)).toHaveLength(1);
    expect(orderById(db, 'o1')).toMatchObject({ amount: 120000, points: 1200, growth: 1200 });
    expect(openLotsOf(db, m.id)[0]!.expiresAt).toBe(lotExpiresAt(p, T0).getTime());
  });

  it('mark the member active and use the tier they hold', () => {
    const { db } = tempDb();
    const m = member(db, 'u1', new Date('2026-01-01T00:00:00Z'));
    db.$client.prepare("INSERT INTO member_points (member_id, tier_id, updated_at) VALUES (?, 'gold', 0)").run(m.id);
    recordPurchase(db, p, { memberId: m.id, orderId: 'o1', amountFen: 1000_00, at: T0 });
    expect(balanceOf(db, m.id)).toBe(1200);
    expect(getMember(db, m.id)!.lastActiveAt).toBe(T0.getTime());
  });

  it('stay pending for the pending window', () => {
    const { db } = tempDb();
    const q = program((x) => (x.points.pendingDays = 3));
    const m = member(db);
    recordPurchase(db, q, { memberId: m.id, orderId: 'o1', amountFen: 500_00, at: T0 });
    expect(memberStanding(db, q, m.id, T0)).toMatchObject({ points: 500, spendable: 0, pending: 500 });
    expect(memberStanding(db, q, m.id, new Date(T0.getTime() + 3 * day))).toMatchObject({ spendable: 500, pending: 0 });
  });
});

describe('refunds', () => {
  it('reverse proportionally, several partial refunds summing to the full reversal', () => {
    const { db } = tempDb();
    const m = member(db);
    recordPurchase(db, p, { memberId: m.id, orderId: 'o1', amountFen: 100_00, at: T0 });
    // Two refunds of the same amount at the same instant are two refunds only with the shop's refund ids.
    const r1 = recordRefund(db, { orderId: 'o1', amountFen: 33_33, at: T0, refundId: 'r1' });
    const r2 = recordRefund(db, { orderId: 'o1', amountFen: 33_33, at: T0, refundId: 'r2' });
    const r3 = recordRefund(db, { orderId: 'o1', amountFen: 33_34, at: T0 });
    expect([r1.points, r2.points, r3.points]).toEqual([33, 34, 33]);
    expect(balanceOf(db, m.id)).toBe(0);
    expect(orderById(db, 'o1')!.refunded).toBe(100_00);
    const growth = entriesOf(db, m.id).reduce((s, e) => s + e.growth, 0);
    expect(growth).toBe(0);
  });

  it('take from the order\'s own lot first, then the oldest-expiring, and may leave a debt later earnings repay', () => {
    const { db } = tempDb();
    const m = member(db);
    recordPurchase(db, p, { memberId: m.id, orderId: 'old', amountFen: 100_00, at: T0 });
    const later = new Date(T0.getTime() + 30 * day);
    recordPurchase(db, p, { memberId: m.id, orderId: 'new', amountFen: 300_00, at: later });
    redeemReward(db, { memberId: m.id, reward: { id: 'x', cost: 250 }, key: 'r1', at: later, newCode }); // old lot 0, new lot 150
    recordRefund(db, { orderId: 'new', amountFen: 300_00, at: later });
    expect(balanceOf(db, m.id)).toBe(-150);
    expect(openLotsOf(db, m.id)).toHaveLength(0);
    earnPoints(db, { memberId: m.id, points: 200, key: 'k', reason: 'checkin', at: later, expiresAt: lotExpiresAt(p, later) });
    expect(balanceOf(db, m.id)).toBe(50);
    expect(openLotsOf(db, m.id)[0]!.remaining).toBe(50);
    checkMember(db, m.id);
  });

  it('refuse an unknown order, another member\'s order and more than was paid, changing nothing', () => {
    const { db } = tempDb();
    const m = member(db);
    const other = member(db, 'u2');
    recordPurchase(db, p, { memberId: m.id, orderId: 'o1', amountFen: 100_00, at: T0 });
    recordRefund(db, { orderId: 'o1', amountFen: 60_00, at: T0 });
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err instanceof HearthError ? err.code : String(err);
      }
      return 'ok';
    };
    expect(code(() => recordRefund(db, { orderId: 'nope', amountFen: 1_00, at: T0 }))).toBe('not_found');
    expect(code(() => recordRefund(db, { orderId: 'o1', amountFen: 40_01, at: T0 }))).toBe('bad_input');
    expect(code(() => recordRefund(db, { orderId: 'o1', amountFen: 10_00, at: T0, memberId: other.id }))).toBe('bad_input');
    expect(balanceOf(db, m.id)).toBe(40);
    expect(orderById(db, 'o1')!.refunded).toBe(60_00);
  });

  it('with a refund id are applied once however often they arrive', () => {
    const { db } = tempDb();
    const m = member(db);
    recordPurchase(db, p, { memberId: m.id, orderId: 'o1', amountFen: 100_00, at: T0 });
    expect(recordRefund(db, { orderId: 'o1', amountFen: 10_00, at: T0, refundId: 'r1' }).created).toBe(true);
    expect(recordRefund(db, { orderId: 'o1', amountFen: 10_00, at: T0, refundId: 'r1' }).created).toBe(false);
    expect(balanceOf(db, m.id)).toBe(90);
  });

  it('without a refund id are keyed by order, amount and time: the same refund again changes nothing', () => {
    const { db } = tempDb();
    const m = member(db);
    recordPurchase(db, p, { memberId: m.id, orderId: 'o1', amountFen: 100_00, at: T0 });
    const later = new Date(T0.getTime() + day);
    for (let i = 0; i < 3; i++) recordRefund(db, { orderId: 'o1', amountFen: 10_00, at: later });
    expect(balanceOf(db, m.id)).toBe(90);
    expect(orderById(db, 'o1')!.refunded).toBe(10_00);
    // Another time is another refund.
    expect(recordRefund(db, { orderId: 'o1', amountFen: 10_00, at: new Date(later.getTime() + 1000) }).created).toBe(true);
    expect(balanceOf(db, m.id)).toBe(80);
    expect(entriesOf(db, m.id).filter((e) => e.kind === 'reverse')).toHaveLength(2);
  });

  it('parked before their purchase are applied in the purchase\'s transaction; another member\'s is dropped and reported', () => {
    const { db } = tempDb();
    const m = member(db);
    member(db, 'u2');
    const park = (key: string, who: string, fen: number) =>
      parkRefund(db, { key, orderId: 'o1', channel: null, member: who, amountFen: fen, refundId: key, at: T0, parkedAt: T0 });
    expect(park('k1', 'u1', 30_00)).toBe(true);
    expect(park('k1', 'u1', 30_00)).toBe(false); // the same refund again is a duplicate
    park('k2', 'u2', 10_00);
    park('k3', 'u1', 90_00); // more than is left after k1
    const res = recordPurchase(db, p, { memberId: m.id, orderId: 'o1', amountFen: 100_00, at: T0 });
    expect(res.appliedRefunds.map((r) => r.refundId)).toEqual(['k1']);
    expect(res.droppedRefunds.map((d) => [d.refund.key, d.problem])).toEqual([
      ['k2', 'other_member'],
      ['k3', 'refused'],
    ]);
    expect(res.balance).toBe(70);
    expect(balanceOf(db, m.id)).toBe(70);
    expect(orderById(db, 'o1')!.refunded).toBe(30_00);
    expect(parkedRefundsOf(db, 'o1')).toEqual([]);
    checkMember(db, m.id);
  });
});

describe('spending and expiry', () => {
  it('spends the oldest lots first and expires only what is left of the first lot', () => {
    const { db } = tempDb();
    const m = member(db);
    recordPurchase(db, p, { memberId: m.id, orderId: 'a', amountFen: 300_00, at: T0 });
    const t2 = new Date('2026-06-01T10:00:00+08:00');
    recordPurchase(db, p, { memberId: m.id, orderId: 'b', amountFen: 500_00, at: t2 });
    redeemReward(db, { memberId: m.id, reward: { id: 'free-shipping', cost: 200 }, key: 'r', at: t2, newCode });
    expect(openLotsOf(db, m.id).map((l) => l.remaining)).toEqual([100, 500]);
    const justBefore = new Date('2028-02-29T23:59:00+08:00');
    expect(expireAllDue(db, justBefore)).toEqual({ lots: 0, points: 0 });
    const done = expireAllDue(db, new Date('2028-03-01T00:05:00+08:00'));
    expect(done).toEqual({ lots: 1, points: 100 });
    expect(balanceOf(db, m.id)).toBe(500);
    expect(entriesOf(db, m.id).at(-1)).toMatchObject({ kind: 'expire', points: -100, key: expect.stringMatching(/^expire:\d+$/) });
    expect(expireAllDue(db, new Date('2028-03-02T00:05:00+08:00'))).toEqual({ lots: 0, points: 0 });
    checkMember(db, m.id);
  });

  it('never lets a spend go below zero or use points still pending', () => {
    const { db } = tempDb();
    const q = program((x) => (x.points.pendingDays = 2));
    const m = member(db);
    recordPurchase(db, q, { memberId: m.id, orderId: 'a', amountFen: 300_00, at: T0 });
    expect(() => redeemReward(db, { memberId: m.id, reward: { id: 'x', cost: 200 }, key: 'r', at: T0, newCode })).toThrow(HearthError);
    expect(balanceOf(db, m.id)).toBe(300);
    expect(entriesOf(db, m.id)).toHaveLength(1);
  });

  it('expires in batches across many members', () => {
    const { db } = tempDb();
    const ids = Array.from({ length: 30 }, (_, i) => member(db, `m${i}`).id);
    ids.forEach((id, i) => earnPoints(db, { memberId: id, points: 10 + i, key: `e${i}`, reason: 'checkin', at: T0, expiresAt: new Date(T0.getTime() + day) }));
    const done = expireAllDue(db, new Date(T0.getTime() + 2 * day), 7);
    expect(done.lots).toBe(30);
    expect(done.points).toBe(ids.reduce((s, _, i) => s + 10 + i, 0));
    for (const id of ids) {
      expect(balanceOf(db, id)).toBe(0);
      checkMember(db, id);
    }
  });
});

type Op =
  | { t: 'buy'; m: number; fen: number; dt: number }
  | { t: 'refund'; order: number; part: number; dt: number }
  | { t: 'redeem'; m: number; cost: number; dt: number }
  | { t: 'checkin'; m: number; points: number; dt: number }
  | { t: 'deduct'; m: number; points: number; dt: number }
  | { t: 'expire'; dt: number }
  | { t: 'again'; dt: number };

const dt = fc.integer({ min: 0, max: 20 * day });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('buy' as const), m: fc.nat(2), fen: fc.integer({ min: 1, max: 500_000 }), dt }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('refund' as const), order: fc.nat(20), part: fc.double({ min: 0.01, max: 1.2, noNaN: true }), dt }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('redeem' as const), m: fc.nat(2), cost: fc.integer({ min: 1, max: 3000 }), dt }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('checkin' as const), m: fc.nat(2), points: fc.integer({ min: 0, max: 60 }), dt }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('deduct' as const), m: fc.nat(2), points: fc.integer({ min: 1, max: 2000 }), dt }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('expire' as const), dt }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('again' as const), dt }) },
);

describe('ledger property', () => {
  it('keeps balance = sum of entries, lots ≥ 0 and open lots − debt = balance over thousands of random sequences', () => {
    // Short expiry and a pending window so sequences of a few months exercise expiry and locked points too.
    const q: Program = program((x) => {
      x.points.expiryMonths = 1;
      x.points.pendingDays = 2;
    });
    // One database for every sequence (each gets its own members and order ids): migrating a fresh one per run is slow.
    const db = openDatabase(':memory:');
    let run = 0;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 30 }), (ops) => {
        run++;
        {
          let now = T0.getTime();
          const members = [0, 1, 2].map((i) => member(db, `r${run}m${i}`, T0).id);
          const orders: { id: string; amountFen: number }[] = [];
          let last: (() => void) | undefined;
          ops.forEach((op, i) => {
            now += op.dt;
            const at = new Date(now);
            const before = members.map((id) => balanceOf(db, id));
            switch (op.t) {
              case 'buy': {
                const id = `r${run}o${i}`;
                recordPurchase(db, q, { memberId: members[op.m]!, orderId: id, amountFen: op.fen, at });
                orders.push({ id, amountFen: op.fen });
                last = () => recordPurchase(db, q, { memberId: members[op.m]!, orderId: id, amountFen: op.fen, at });
                break;
              }
              case 'refund': {
                const o = orders[op.order % Math.max(1, orders.length)];
                if (!o) break;
                const left = o.amountFen - orderById(db, o.id)!.refunded;
                const fen = Math.max(1, Math.round(o.amountFen * op.part));
                const r = { orderId: o.id, amountFen: fen, at, refundId: `r${run}rf${i}` };
                try {
                  recordRefund(db, r);
                  expect(fen).toBeLessThanOrEqual(left);
                  last = () => recordRefund(db, r);
                } catch (err) {
                  expect(err).toBeInstanceOf(HearthError);
                  expect(fen).toBeGreaterThan(left);
                }
                break;
              }
              case 'redeem': {
                const id = members[op.m]!;
                const spendable = spendableOf(db, id, at);
                try {
                  redeemReward(db, { memberId: id, reward: { id: 'x', cost: op.cost }, key: `r${run}red${i}`, at, newCode });
                  expect(op.cost).toBeLessThanOrEqual(spendable);
                  expect(balanceOf(db, id)).toBeGreaterThanOrEqual(0);
                } catch (err) {
                  expect((err as HearthError).code).toBe('insufficient_points');
                  expect(op.cost).toBeGreaterThan(spendable);
                  expect(balanceOf(db, id)).toBe(before[op.m]);
                }
                last = () => redeemReward(db, { memberId: id, reward: { id: 'x', cost: op.cost }, key: `r${run}red${i}`, at, newCode });
                break;
              }
              case 'checkin': {
                const e = { memberId: members[op.m]!, points: op.points, growth: 1, key: `r${run}ci${i}`, reason: 'checkin', at, expiresAt: lotExpiresAt(q, at) };
                earnPoints(db, e);
                last = () => earnPoints(db, e);
                break;
              }
              case 'deduct': {
                const d = { memberId: members[op.m]!, points: op.points, kind: 'adjust' as const, key: `r${run}adj${i}`, reason: 'grant', at, allowNegative: true };
                debitPoints(db, d);
                last = () => debitPoints(db, d);
                break;
              }
              case 'expire':
                expireAllDue(db, at, 3);
                for (const id of members) {
                  const due = db.$client.prepare('SELECT count(*) AS n FROM point_lots WHERE member_id = ? AND remaining > 0 AND expires_at <= ?').get(id, now) as { n: number };
                  expect(due.n).toBe(0);
                }
                break;
              case 'again': {
                // Redelivering the last keyed write changes nothing.
                if (!last) break;
                try {
                  last();
                } catch {
                  // a refused redemption stays refused
                }
                members.forEach((id, k) => expect(balanceOf(db, id)).toBe(before[k]));
                break;
              }
            }
            for (const id of 'm' in op ? [members[op.m]!] : members) checkMember(db, id);
          });
          for (const id of members) checkMember(db, id);
          // Fully refunded orders took back exactly their points.
          for (const o of orders) {
            const row = orderById(db, o.id)!;
            if (row.refunded !== row.amount) continue;
            const reversed = db.select({ s: sql<number>`coalesce(sum(points), 0)` }).from(sql`ledger_entries`).where(sql`ref = ${o.id} and kind = 'reverse'`).get()!.s;
            expect(reversed + row.points).toBe(0);
          }
        }
      }),
      { numRuns: 2000 },
    );
    db.$client.close();
  }, 300_000);
});
