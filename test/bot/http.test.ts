// The signed order endpoint over real HTTP on 127.0.0.1: a good signed purchase is recorded; forged, altered, unsigned
// and stale requests are refused with 401 and replayed ones with 409, changing nothing; duplicates, refunds that overtake
// their purchase, orders from nonsense dates and bad bodies get clear answers.
import { afterEach, describe, expect, it } from 'vitest';
import { tempDb, program } from '../harness';
import { createHearth, skillModules } from '../../bot/hearth';
import type { SkillModule } from '../../bot/core/skill';
import { VirtualClock } from '../../bot/core/clock';
import { silentLogger } from '../../bot/log';
import { createHttpServer, signOrderRequest, type HttpServer } from '../../bot/http';
import { HearthError } from '../../bot/core/errors';
import { findMemberByPlatformId } from '../../store/members';
import { balanceOf } from '../../store/ledger';
import { orderById } from '../../store/orders';
import type { Db } from '../../store/db';

const SECRET = 'test-secret-0123456789abcdef';
const NOW = new Date('2026-06-01T04:00:00Z');
const nowSeconds = Math.floor(NOW.getTime() / 1000);

const servers: HttpServer[] = [];
afterEach(async () => {
  while (servers.length > 0) await servers.pop()!.close();
});

async function start(options: { modules?: SkillModule[] } = {}): Promise<{ server: HttpServer; db: Db; clock: VirtualClock }> {
  const { db } = tempDb();
  const clock = new VirtualClock(NOW);
  const hearth = createHearth({
    db,
    program: program(),
    clock,
    log: silentLogger(),
    deployment: { staffRoom: { channel: 'console', chat: 'staff' }, channels: {} },
    modules: options.modules,
  });
  const server = await createHttpServer({ hearth, secret: SECRET, port: 0, hostname: '127.0.0.1' });
  servers.push(server);
  return { server, db, clock };
}

interface Sent {
  status: number;
  json: { ok: boolean; error?: string; message?: string; duplicate?: boolean; parked?: boolean };
}

async function post(server: HttpServer, body: string, headers: Record<string, string>): Promise<Sent> {
  const res = await fetch(`${server.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, json: (await res.json()) as Sent['json'] };
}

function signed(body: string, options: { secret?: string; timestamp?: number } = {}): Record<string, string> {
  const ts = String(options.timestamp ?? nowSeconds);
  return { 'X-Hearth-Timestamp': ts, 'X-Hearth-Signature': signOrderRequest(options.secret ?? SECRET, ts, body) };
}

// Each call signs a second earlier (still inside the 5-minute window): a fresh signature, as a shop's retry would send.
let resigned = 0;
function fresh(body: string): Record<string, string> {
  resigned = (resigned + 1) % 240;
  return signed(body, { timestamp: nowSeconds - resigned });
}

const purchase = (member: string, orderId: string, amount: number) =>
  JSON.stringify({ type: 'purchase', member, orderId, amount, at: '2026-06-01T10:00:00+08:00' });

function balance(db: Db, member: string): number {
  return balanceOf(db, findMemberByPlatformId(db, 'console', member)!.id);
}

function recorded(db: Db, member: string, orderId: string): boolean {
  return findMemberByPlatformId(db, 'console', member) !== undefined || orderById(db, orderId) !== undefined;
}

describe('POST /orders', () => {
  it('records a signed purchase once; the same order signed again is a duplicate', async () => {
    const { server, db } = await start();
    const body = purchase('alice', 'w1', 500);
    const first = await post(server, body, signed(body));
    expect(first).toEqual({ status: 200, json: { ok: true, type: 'purchase', orderId: 'w1', duplicate: false } });
    expect(balance(db, 'alice')).toBe(500);

    const again = await post(server, body, fresh(body));
    expect(again).toEqual({ status: 200, json: { ok: true, type: 'purchase', orderId: 'w1', duplicate: true } });
    expect(balance(db, 'alice')).toBe(500);
  });

  it('refuses a captured signed request sent again with 409, changing nothing', async () => {
    const { server, db, clock } = await start();
    const buy = purchase('bob', 'w2', 300);
    await post(server, buy, signed(buy));
    const refund = JSON.stringify({ type: 'refund', member: 'bob', orderId: 'w2', amount: 100, at: '2026-06-01T11:00:00+08:00' });
    const headers = signed(refund);
    expect((await post(server, refund, headers)).status).toBe(200);
    expect(balance(db, 'bob')).toBe(200);

    clock.set(new Date(NOW.getTime() + 1000));
    for (const h of [headers, { ...headers, 'X-Hearth-Signature': headers['X-Hearth-Signature']!.toUpperCase().replace('SHA256=', 'sha256=') }]) {
      const replayed = await post(server, refund, h);
      expect(replayed.status).toBe(409);
      expect(replayed.json).toMatchObject({ ok: false, error: 'replayed' });
      expect(replayed.json.message).toMatch(/sign it again with a fresh timestamp to send it again$/);
    }
    expect(balance(db, 'bob')).toBe(200);
    expect(orderById(db, 'w2')!.refunded).toBe(100_00);
    // Signed afresh, the same refund is answered as a duplicate.
    expect((await post(server, refund, fresh(refund))).json).toMatchObject({ ok: true, duplicate: true });
    expect(balance(db, 'bob')).toBe(200);
  });

  it('takes a refund without time or refund id back once, however often the same body is sent', async () => {
    const { server, db, clock } = await start();
    const buy = purchase('cleo', 'w3', 300);
    await post(server, buy, signed(buy));
    const refund = JSON.stringify({ type: 'refund', member: 'cleo', orderId: 'w3', amount: 50 });
    const answers = [];
    for (let i = 0; i < 3; i++) {
      // Delivered again later, each time signed afresh: its time would default to a different now.
      clock.set(new Date(NOW.getTime() + (i + 1) * 60_000));
      answers.push(await post(server, refund, fresh(refund)));
    }
    expect(answers.map((a) => [a.status, a.json.duplicate])).toEqual([
      [200, false],
      [200, true],
      [200, true],
    ]);
    expect(balance(db, 'cleo')).toBe(250);
    expect(orderById(db, 'w3')!.refunded).toBe(50_00);
  });

  it('parks a refund that overtakes its purchase with 202 and applies it when the purchase arrives', async () => {
    const { server, db } = await start();
    const refund = JSON.stringify({ type: 'refund', member: 'dan', orderId: 'w4', amount: 40, refundId: 'R-1' });
    expect(await post(server, refund, fresh(refund))).toEqual({ status: 202, json: { ok: true, type: 'refund', orderId: 'w4', duplicate: false, parked: true } });
    // The parked refund delivered again is a duplicate.
    expect(await post(server, refund, fresh(refund))).toEqual({ status: 200, json: { ok: true, type: 'refund', orderId: 'w4', duplicate: true } });
    expect(orderById(db, 'w4')).toBeUndefined();

    const buy = purchase('dan', 'w4', 100);
    expect((await post(server, buy, fresh(buy))).status).toBe(200);
    expect(balance(db, 'dan')).toBe(60);
    expect(orderById(db, 'w4')!.refunded).toBe(40_00);
    expect((await post(server, refund, fresh(refund))).json.duplicate).toBe(true);
    expect(balance(db, 'dan')).toBe(60);
  });

  it('lets a request that failed with 500 be sent again with the same signature', async () => {
    let failures = 1;
    const flaky: SkillModule = {
      install: (h) =>
        void h.events.order.push(() => {
          if (failures-- > 0) throw new Error('disk hiccup');
        }),
    };
    const { server, db } = await start({ modules: [...skillModules(), flaky] });
    const body = purchase('eve', 'w5', 120);
    const headers = signed(body);
    const failed = await post(server, body, headers);
    expect(failed).toMatchObject({ status: 500, json: { ok: false, error: 'internal' } });
    expect(recorded(db, 'eve', 'w5')).toBe(false);
    expect(await post(server, body, headers)).toEqual({ status: 200, json: { ok: true, type: 'purchase', orderId: 'w5', duplicate: false } });
    expect(balance(db, 'eve')).toBe(120);
    expect((await post(server, body, headers)).status).toBe(409);
  });

  it('forgets accepted signatures after 10 minutes, as requests come in', async () => {
    const { server, db, clock } = await start();
    const count = () => (db.$client.prepare('SELECT count(*) AS n FROM signed_requests').get() as { n: number }).n;
    for (const id of ['p1', 'p2', 'p3']) {
      const body = purchase('fay', id, 10);
      await post(server, body, signed(body));
    }
    expect(count()).toBe(3);
    clock.set(new Date(NOW.getTime() + 10 * 60_000 + 1000));
    const later = purchase('fay', 'p4', 10);
    await post(server, later, signed(later, { timestamp: nowSeconds + 601 }));
    expect(count()).toBe(1);
  });

  it('refuses orders dated before 730 days ago or more than 24 hours ahead with 400 and the reason', async () => {
    const { server, db } = await start();
    for (const [at, reason] of [
      ['1970-01-01T00:00:00Z', 'bad time "1970-01-01T00:00:00Z": more than 730 days ago'],
      ['2026-06-02T04:00:01Z', 'bad time "2026-06-02T04:00:01Z": more than 24 hours in the future'],
    ] as const) {
      const body = JSON.stringify({ type: 'purchase', member: 'gil', orderId: `t-${at}`, amount: 5000, at });
      expect(await post(server, body, fresh(body))).toEqual({ status: 400, json: { ok: false, error: 'bad_request', message: reason } });
    }
    expect(findMemberByPlatformId(db, 'console', 'gil')).toBeUndefined();
  });

  it('refuses forged, altered, unsigned and stale requests with 401 and records nothing', async () => {
    const { server, db } = await start();
    const body = purchase('mallory', 'evil-1', 99_999);

    const forged = await post(server, body, signed(body, { secret: 'not-the-real-secret-xxxxxxxx' }));
    const altered = await post(server, purchase('mallory', 'evil-1', 999_999), signed(body));
    const unsigned = await post(server, body, {});
    const noTimestamp = await post(server, body, { 'X-Hearth-Signature': signed(body)['X-Hearth-Signature']! });
    const stale = await post(server, body, signed(body, { timestamp: nowSeconds - 6 * 60 }));
    // A signature made for another timestamp does not carry over to a fresh one.
    const moved = await post(server, body, { ...signed(body, { timestamp: nowSeconds - 6 * 60 }), 'X-Hearth-Timestamp': String(nowSeconds) });

    for (const res of [forged, altered, unsigned, noTimestamp, stale, moved]) {
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({ ok: false, error: 'unauthorized' });
    }
    expect(forged.json.message).toMatch(/does not match/);
    expect(unsigned.json.message).toMatch(/missing X-Hearth-Signature/);
    expect(stale.json.message).toMatch(/5 minutes/);
    expect(recorded(db, 'mallory', 'evil-1')).toBe(false);
  });

  it('answers 400 to a signed body that is not JSON or not a valid event, recording nothing', async () => {
    const { server, db } = await start();
    for (const body of ['{"type":"purchase",', '[1,2]', JSON.stringify({ type: 'purchase', member: 'carol', orderId: 'x1', amount: 'lots' })]) {
      const res = await post(server, body, signed(body));
      expect(res.status).toBe(400);
      expect(res.json.ok).toBe(false);
    }
    const missing = JSON.stringify({ type: 'purchase', orderId: 'x2', amount: 10 });
    expect((await post(server, missing, signed(missing))).json.message).toBe('missing member');
    expect(recorded(db, 'carol', 'x1')).toBe(false);
  });

  it('serves /health and will not start without a secret', async () => {
    const { server } = await start();
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, problems: [], inbox: { pending: 0 } });

    const { db } = tempDb();
    const hearth = createHearth({ db, program: program(), clock: new VirtualClock(NOW), log: silentLogger(), deployment: { staffRoom: { channel: 'console', chat: 'staff' }, channels: {} } });
    await expect(createHttpServer({ hearth, secret: undefined, port: 0, hostname: '127.0.0.1' })).rejects.toThrow(HearthError);
    await expect(createHttpServer({ hearth, secret: 'short', port: 0, hostname: '127.0.0.1' })).rejects.toThrow(/too short/);
  });
});

describe('POST /bind-codes', () => {
  const ask = async (server: HttpServer, body: string, headers: Record<string, string>) => {
    const res = await fetch(`${server.url}/bind-codes`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return { status: res.status, json: (await res.json()) as { ok: boolean; code?: string; expiresAt?: string; error?: string } };
  };

  it('gives a signed request a one-time code for the customer; refuses unsigned, replayed and bad ones, issuing nothing', async () => {
    const { server, db } = await start();
    const body = JSON.stringify({ customer: 'C1001', minutes: 5 });
    const headers = fresh(body);
    const first = await ask(server, body, headers);
    expect(first.status).toBe(200);
    expect(first.json.code).toMatch(/^[A-HJKMNP-Z2-9]{8}$/);
    expect(first.json.expiresAt).toBe(new Date(NOW.getTime() + 5 * 60_000).toISOString());
    expect((await ask(server, body, headers)).status).toBe(409); // the same signed request again
    expect((await ask(server, body, { 'X-Hearth-Timestamp': String(nowSeconds), 'X-Hearth-Signature': `sha256=${'0'.repeat(64)}` })).status).toBe(401);
    const bad = JSON.stringify({ customer: 'C1001', minutes: 600 });
    expect((await ask(server, bad, fresh(bad))).json).toMatchObject({ ok: false, error: 'bad_request' });
    expect(db.$client.prepare('SELECT count(*) FROM bind_codes').pluck().get()).toBe(1);
  });
});
