// The shop checks and consumes redemption codes with signed requests (`POST /codes/check`, `POST /codes/use`) and an
// operator with `hearth codes show|use CODE`: a code is valid, used or unknown; use marks it once, the same order again
// is a duplicate, any other use is refused with the reason; the member then sees it used in 我的券.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDb, testHearth } from '../harness';
import { createHttpApp, signOrderRequest } from '../../bot/http';
import type { Hearth } from '../../bot/hearth';
import type { Db } from '../../store/db';

const SECRET = 'test-secret-0123456789abcdef';
const NOW = new Date('2026-06-01T04:00:00Z');
let skew = 0;

async function withCodes(db: Db): Promise<{ hearth: Hearth; codes: Record<string, string> }> {
  const hearth = testHearth(db, NOW);
  await hearth.handleOrder({ kind: 'purchase', member: 'u1', channel: 'console', orderId: 'o1', amount: 1000, at: NOW });
  const say = (id: string, text: string) => hearth.handleMessage({ id, channel: 'console', chat: 'u1', chatType: 'private', from: { id: 'u1', name: 'Alice' }, text, at: NOW });
  await say('m1', '/redeem free-shipping');
  await say('m2', '/redeem voucher-10');
  const rows = db.$client.prepare('SELECT reward_id AS reward, code FROM redemptions').all() as { reward: string; code: string }[];
  return { hearth, codes: Object.fromEntries(rows.map((r) => [r.reward, r.code])) };
}

async function post(hearth: Hearth, path: string, body: unknown, sign = true) {
  const text = JSON.stringify(body);
  // Each request is signed a second apart, as a shop's fresh request would be.
  const ts = String(Math.floor(NOW.getTime() / 1000) - (skew = (skew + 1) % 200));
  const headers: Record<string, string> = { 'content-type': 'application/json', 'X-Hearth-Timestamp': ts };
  if (sign) headers['X-Hearth-Signature'] = signOrderRequest(SECRET, ts, text);
  const res = await createHttpApp({ hearth, secret: SECRET }).request(path, { method: 'POST', headers, body: text });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('POST /codes/check and /codes/use', () => {
  it('answers valid, then uses a code once: the same order again is a duplicate, another use is refused', async () => {
    const { db } = tempDb();
    const { hearth, codes } = await withCodes(db);
    const code = codes['free-shipping']!;
    expect(await post(hearth, '/codes/check', { code: code.toLowerCase().replace(/-/g, '') })).toEqual({
      status: 200,
      json: { ok: true, code, status: 'valid', reward: { id: 'free-shipping', name: { zh: '包邮券', en: 'Free shipping' } }, member: 1, redeemedAt: NOW.toISOString() },
    });
    const used = await post(hearth, '/codes/use', { code, orderId: 'SO-1' });
    expect(used).toMatchObject({ status: 200, json: { ok: true, duplicate: false, status: 'used', usedAt: NOW.toISOString(), usedFor: 'SO-1', member: 1 } });
    expect(await post(hearth, '/codes/use', { code, orderId: 'SO-1' })).toMatchObject({ status: 200, json: { ok: true, duplicate: true } });
    const again = await post(hearth, '/codes/use', { code, orderId: 'SO-2' });
    expect(again).toMatchObject({ status: 409, json: { ok: false, error: 'already_used', status: 'used', usedFor: 'SO-1' } });
    expect(again.json.message).toBe(`code "${code}" was already used at ${NOW.toISOString()} for order SO-1`);
    expect(await post(hearth, '/codes/check', { code })).toMatchObject({ status: 200, json: { status: 'used', usedFor: 'SO-1' } });
    // The other code is untouched.
    expect(await post(hearth, '/codes/check', { code: codes['voucher-10'] })).toMatchObject({ json: { status: 'valid' } });
  });

  it('answers unknown codes, refuses unsigned requests and bad bodies, changing nothing', async () => {
    const { db } = tempDb();
    const { hearth, codes } = await withCodes(db);
    expect(await post(hearth, '/codes/check', { code: 'HX-AAAA-BBBB' })).toEqual({ status: 200, json: { ok: true, code: 'HX-AAAA-BBBB', status: 'unknown' } });
    expect(await post(hearth, '/codes/use', { code: 'HX-AAAA-BBBB' })).toMatchObject({ status: 404, json: { ok: false, error: 'unknown_code' } });
    expect(await post(hearth, '/codes/use', { code: codes['free-shipping'] }, false)).toMatchObject({ status: 401, json: { error: 'unauthorized' } });
    expect(await post(hearth, '/codes/use', { nope: 1 })).toMatchObject({ status: 400, json: { error: 'bad_request' } });
    expect(await post(hearth, '/codes/use', { code: codes['free-shipping'], orderId: { x: 1 } })).toMatchObject({ status: 400 });
    expect(db.$client.prepare('SELECT count(*) FROM redemptions WHERE used_at IS NOT NULL').pluck().get()).toBe(0);
  });

  it('the member sees a code the shop used as used in 我的券', async () => {
    const { db } = tempDb();
    const { hearth, codes } = await withCodes(db);
    await post(hearth, '/codes/use', { code: codes['voucher-10'], orderId: 'SO-9' });
    await hearth.handleMessage({ id: 'm3', channel: 'console', chat: 'u1', chatType: 'private', from: { id: 'u1', name: 'Alice' }, text: '我的券', at: NOW });
    const last = db.$client.prepare("SELECT text FROM outbox WHERE chat = 'u1' ORDER BY id DESC").pluck().get() as string;
    expect(last).toContain(`${codes['voucher-10']} · 2026-06-01 兑换 · 2026-06-01 已使用`);
    expect(last).toContain(`${codes['free-shipping']} · 2026-06-01 兑换 · 未使用`);
  });
});

describe('hearth codes show|use', () => {
  const root = join(import.meta.dirname, '..', '..');
  const hearthCli = (args: string[], dbPath: string) => {
    const res = spawnSync(process.execPath, [join(root, 'bin', 'hearth.js'), 'codes', ...args, '--db', dbPath], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, HEARTH_LOG_LEVEL: 'error' },
      timeout: 60_000,
    });
    return { code: res.status, out: res.stdout, err: res.stderr };
  };

  it('shows a code, uses it once, refuses a second use, and says so for unknown codes and bad usage', async () => {
    const { db, path } = tempDb();
    const { codes } = await withCodes(db);
    const code = codes['free-shipping']!;
    expect(hearthCli(['show', code], path)).toEqual({ code: 0, out: `${code}: Free shipping (free-shipping) for member 1, redeemed 2026-06-01, not used yet\n`, err: '' });
    const used = hearthCli(['use', code, '--order', 'SO-7'], path);
    expect(used.code).toBe(0);
    expect(used.out).toMatch(new RegExp(`^used: ${code}: Free shipping \\(free-shipping\\) for member 1, redeemed 2026-06-01, used \\d{4}-\\d{2}-\\d{2} for order SO-7\\n$`));
    expect(hearthCli(['use', code, '--order', 'SO-7'], path)).toMatchObject({ code: 0, out: expect.stringContaining('(already, nothing changed)') });
    const refused = hearthCli(['use', code], path);
    expect(refused).toMatchObject({ code: 1, out: '' });
    expect(refused.err).toMatch(/^hearth codes: refused, already used — /);
    expect(hearthCli(['show', 'HX-AAAA-BBBB'], path)).toMatchObject({ code: 1, out: 'HX-AAAA-BBBB: unknown code\n' });
    expect(hearthCli(['show'], path)).toMatchObject({ code: 2, err: expect.stringContaining('usage: hearth codes show CODE') });
  });
});
