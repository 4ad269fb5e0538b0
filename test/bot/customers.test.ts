// Orders for a shop customer the bot has never seen: the points wait on the customer (the shop's namespace), never on
// a chat member whose id happens to look the same; each way in (replay, CSV import, the order check) names the buyer
// by member or customer, not both.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHearth } from '../../bot/hearth';
import { VirtualClock } from '../../bot/core/clock';
import { silentLogger } from '../../bot/log';
import { importOrdersFile } from '../../bot/import';
import { checkOrder } from '../../bot/order-intake';
import { SHOP_CHANNEL as SHOP } from '../../store/binding';
import { parseReplay } from '../../bot/replay-format';
import { balanceOf } from '../../store/ledger';
import { memberIdByPlatformId } from '../../store/members';
import { msg, program, replay, tempDb, tempDir } from '../harness';
import { openDatabase } from '../../store/db';

describe('shop customers', () => {
  it('keeps a customer\'s points on the customer, apart from a chat member with the same id', async () => {
    const { path } = tempDb();
    const out = await replay(
      [
        { type: 'purchase', at: '2026-03-01T10:00:00+08:00', customer: 'C1001', orderId: 'o1', amount: 300 },
        { type: 'refund', at: '2026-03-01T11:00:00+08:00', customer: 'C1001', orderId: 'o1', amount: 100 },
        msg('m1', '2026-03-01T12:00:00+08:00', 'C1001', '/points'),
      ],
      { dbPath: path },
    );
    expect(out.find((o) => o.replyTo === 'm1')!.text).toMatch(/^You have 0 points\./);
    const db = openDatabase(path);
    expect(balanceOf(db, memberIdByPlatformId(db, 'C1001', SHOP)!)).toBe(200);
    db.$client.close();
  });

  it('refuses a replay order naming both a member and a customer, or neither, before anything runs', () => {
    const both = JSON.stringify({ type: 'purchase', at: '2026-03-01T10:00:00+08:00', member: 'u1', customer: 'C1', orderId: 'o1', amount: 1 });
    const neither = JSON.stringify({ type: 'purchase', at: '2026-03-01T10:00:00+08:00', orderId: 'o1', amount: 1 });
    for (const line of [both, neither]) expect(() => parseReplay(line)).toThrow(/line 1: .*member or customer/);
  });

  it('reads a customer column in a CSV and the customer field of a webhook order', async () => {
    const { db } = tempDb();
    const hearth = createHearth({
      db,
      program: program(),
      clock: new VirtualClock(new Date('2026-03-05T00:00:00Z')),
      log: silentLogger(),
      deployment: { staffRoom: { channel: 'console', chat: 'staff' }, channels: {} },
    });
    const file = join(tempDir(), 'orders.csv');
    writeFileSync(file, '客户号,订单号,金额,时间\nC7,o7,88,2026-03-01T10:00:00+08:00\n');
    const s = await importOrdersFile(hearth, file);
    expect(s.imported).toBe(1);
    expect(balanceOf(db, memberIdByPlatformId(db, 'C7', SHOP)!)).toBe(88);
    expect(memberIdByPlatformId(db, 'C7', 'console')).toBeUndefined();

    const now = new Date('2026-03-05T00:00:00Z');
    const p = program();
    expect(checkOrder({ customer: 'C8', orderId: 'o8', amount: 10, at: '2026-03-01T10:00:00+08:00' }, { now, program: p })).toMatchObject({ ok: true, event: { channel: SHOP, member: 'C8' } });
    expect(checkOrder({ member: 'u1', customer: 'C8', orderId: 'o8', amount: 10, at: '2026-03-01T10:00:00+08:00' }, { now, program: p })).toEqual({ ok: false, reason: 'name the member or the shop customer, not both' });
    expect(checkOrder({ customer: 'C8', channel: 'telegram', orderId: 'o8', amount: 10, at: '2026-03-01T10:00:00+08:00' }, { now, program: p })).toMatchObject({ ok: false });
  });
});
