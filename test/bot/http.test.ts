// The signed order endpoint over real HTTP on 127.0.0.1: a good signed purchase is recorded; forged, altered, unsigned
// and stale requests are refused with 401 and change nothing; duplicates and bad bodies get clear answers.
import { afterEach, describe, expect, it } from 'vitest';
import { tempDb, program } from '../harness';
import { createHearth } from '../../bot/hearth';
import { VirtualClock } from '../../bot/clock';
import { silentLogger } from '../../bot/log';
import { createHttpServer, signOrderRequest, type HttpServer } from '../../bot/http';
import { HearthError } from '../../bot/errors';
import { findMemberByAnyPlatformId } from '../../store/members';
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

async function start(): Promise<{ server: HttpServer; db: Db }> {
  const { db } = tempDb();
  const hearth = createHearth({
    db,
    program: program(),
    clock: new VirtualClock(NOW),
    log: silentLogger(),
    deployment: { staffRoom: { channel: 'console', chat: 'staff' }, botIds: {} },
  });
  const server = await createHttpServer({ hearth, secret: SECRET, port: 0, hostname: '127.0.0.1' });
  servers.push(server);
  return { server, db };
}

interface Sent {
  status: number;
  json: { ok: boolean; error?: string; message?: string; duplicate?: boolean };
}

async function post(server: HttpServer, body: string, headers: Record<string, string>): Promise<Sent> {
  const res = await fetch(`${server.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, json: (await res.json()) as Sent['json'] };
}

function signed(body: string, options: { secret?: string; timestamp?: number } = {}): Record<string, string> {
  const ts = String(options.timestamp ?? nowSeconds);
  return { 'X-Hearth-Timestamp': ts, 'X-Hearth-Signature': signOrderRequest(options.secret ?? SECRET, ts, body) };
}

const purchase = (member: string, orderId: string, amount: number) =>
  JSON.stringify({ type: 'purchase', member, orderId, amount, at: '2026-06-01T10:00:00+08:00' });

function recorded(db: Db, member: string, orderId: string): boolean {
  return findMemberByAnyPlatformId(db, member) !== undefined || orderById(db, orderId) !== undefined;
}

describe('POST /orders', () => {
  it('records a signed purchase once; the same delivery again is a duplicate', async () => {
    const { server, db } = await start();
    const body = purchase('alice', 'w1', 500);
    const first = await post(server, body, signed(body));
    expect(first).toEqual({ status: 200, json: { ok: true, type: 'purchase', orderId: 'w1', duplicate: false } });
    const alice = findMemberByAnyPlatformId(db, 'alice')!;
    expect(balanceOf(db, alice.id)).toBe(500);

    const again = await post(server, body, signed(body));
    expect(again.status).toBe(200);
    expect(again.json.duplicate).toBe(true);
    expect(balanceOf(db, alice.id)).toBe(500);
  });

  it('records a signed refund, and refuses a refund of an order it never saw', async () => {
    const { server, db } = await start();
    const buy = purchase('bob', 'w2', 300);
    await post(server, buy, signed(buy));
    const refund = JSON.stringify({ type: 'refund', member: 'bob', orderId: 'w2', amount: 100, at: '2026-06-01T11:00:00+08:00' });
    expect((await post(server, refund, signed(refund))).status).toBe(200);
    expect(balanceOf(db, findMemberByAnyPlatformId(db, 'bob')!.id)).toBe(200);
    // The same refund delivered twice takes the points back once.
    expect((await post(server, refund, signed(refund))).json.duplicate).toBe(true);
    expect(balanceOf(db, findMemberByAnyPlatformId(db, 'bob')!.id)).toBe(200);

    const unknown = JSON.stringify({ type: 'refund', member: 'bob', orderId: 'nope', amount: 10 });
    const res = await post(server, unknown, signed(unknown));
    expect(res.status).toBe(422);
    expect(res.json.message).toMatch(/nope/);
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
    expect(await res.json()).toEqual({ ok: true });

    const { db } = tempDb();
    const hearth = createHearth({ db, program: program(), clock: new VirtualClock(NOW), log: silentLogger(), deployment: { staffRoom: { channel: 'console', chat: 'staff' }, botIds: {} } });
    await expect(createHttpServer({ hearth, secret: undefined, port: 0, hostname: '127.0.0.1' })).rejects.toThrow(HearthError);
    await expect(createHttpServer({ hearth, secret: 'short', port: 0, hostname: '127.0.0.1' })).rejects.toThrow(/too short/);
  });
});
