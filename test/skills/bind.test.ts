// Binding a chat account to a shop customer through the real engine, replay and a real database file: the points of
// orders made before the member's first message become theirs; a forged, expired or used code changes nothing; a
// customer bound to someone else is refused and staff are told; a tier gift is never paid twice.
import { describe, expect, it } from 'vitest';
import { msg, replay, tempDb } from '../harness';
import { openDatabase } from '../../store/db';
import { issueBindCode, SHOP_CHANNEL } from '../../store/binding';
import { balanceOf, entriesOf } from '../../store/ledger';
import { memberIdByPlatformId } from '../../store/members';

const at = (time: string, day = '02') => `2026-03-${day}T${time}+08:00`;

/** Issue a code on the database file, as `hearth bind-code` or the shop's signed request does. */
function codeFor(path: string, customer: string, when: string, minutes = 10): string {
  const db = openDatabase(path);
  const { code } = issueBindCode(db, customer, new Date(when), minutes);
  db.$client.close();
  return code;
}

function look<T>(path: string, read: (db: ReturnType<typeof openDatabase>) => T): T {
  const db = openDatabase(path);
  try {
    return read(db);
  } finally {
    db.$client.close();
  }
}

describe('binding a chat account to a shop customer', () => {
  it('gives a member the points of orders made before their first message, at once, with one code used once', async () => {
    const { path } = tempDb();
    await replay([{ type: 'purchase', at: at('10:00:00'), customer: 'C42', orderId: 'o1', amount: 388 }], { dbPath: path });
    const code = codeFor(path, 'C42', at('10:30:00'));
    const out = await replay(
      [msg('m1', at('10:31:00'), 'u1', '签到', { chat: 'g1', name: '小红' }), msg('m2', at('10:32:00'), 'u1', `绑定 ${code}`, { name: '小红' }), msg('m3', at('10:33:00'), 'u2', `/bind ${code}`, { name: 'Bob' })],
      { dbPath: path },
    );
    expect(out.find((o) => o.replyTo === 'm2')!.text).toBe('✅ 已绑定商城账户，之前购物获得的积分已记入你的账户。当前积分 393。');
    expect(out.find((o) => o.replyTo === 'm3')!.text).toMatch(/isn't valid or has expired/);
    look(path, (db) => {
      const u1 = memberIdByPlatformId(db, 'u1', 'console')!;
      expect(memberIdByPlatformId(db, 'C42', SHOP_CHANNEL)).toBe(u1);
      expect(balanceOf(db, u1)).toBe(393);
      expect(entriesOf(db, u1).reduce((s, e) => s + e.points, 0)).toBe(393);
      expect(balanceOf(db, memberIdByPlatformId(db, 'u2', 'console')!)).toBe(0);
    });
    // A later order for the customer is the member's.
    await replay([{ type: 'purchase', at: at('11:00:00'), customer: 'C42', orderId: 'o2', amount: 12 }], { dbPath: path });
    look(path, (db) => expect(balanceOf(db, memberIdByPlatformId(db, 'u1', 'console')!)).toBe(405));
  });

  it('binds in a replay script with a bind event, as a code from the shop would', async () => {
    const out = await replay([
      { type: 'purchase', at: at('10:00:00'), customer: 'C3', orderId: 'o1', amount: 120 },
      { type: 'bind', at: at('10:01:00'), member: 'u1', customer: 'C3' },
      msg('m1', at('10:02:00'), 'u1', '/points'),
    ]);
    expect(out.find((o) => o.replyTo === 'm1')!.text).toMatch(/^You have 120 points\./);
  });

  it('refuses a forged or expired code and changes nothing', async () => {
    const { path } = tempDb();
    await replay([{ type: 'purchase', at: at('10:00:00'), customer: 'C7', orderId: 'o1', amount: 100 }], { dbPath: path });
    const code = codeFor(path, 'C7', at('10:00:00'), 10);
    const forged = code.slice(0, -1) + (code.endsWith('A') ? 'B' : 'A');
    const out = await replay(
      [msg('m1', at('10:05:00'), 'u1', `/bind ${forged}`), msg('m2', at('10:11:00'), 'u1', `/bind ${code}`), msg('m3', at('10:12:00'), 'u1', '/bind')],
      { dbPath: path },
    );
    expect(out.filter((o) => o.replyTo === 'm1' || o.replyTo === 'm2').map((o) => o.text)).toEqual([
      "That link code isn't valid or has expired. Get a new one from the shop, then send /bind CODE.",
      "That link code isn't valid or has expired. Get a new one from the shop, then send /bind CODE.",
    ]);
    expect(out.find((o) => o.replyTo === 'm3')!.text).toBe('Usage: /bind CODE (the shop shows you the code).');
    look(path, (db) => {
      expect(balanceOf(db, memberIdByPlatformId(db, 'u1', 'console')!)).toBe(0);
      expect(balanceOf(db, memberIdByPlatformId(db, 'C7', SHOP_CHANNEL)!)).toBe(100);
    });
  });

  it('refuses a customer already bound to another member, and tells staff', async () => {
    const { path } = tempDb();
    await replay([{ type: 'purchase', at: at('10:00:00'), customer: 'C9', orderId: 'o1', amount: 50 }], { dbPath: path });
    const first = codeFor(path, 'C9', at('10:00:00'));
    const second = codeFor(path, 'C9', at('10:00:00'));
    const out = await replay([msg('m1', at('10:01:00'), 'u1', `/bind ${first}`, { name: 'Ann' }), msg('m2', at('10:02:00'), 'u2', `/bind ${second}`, { name: 'Eve' })], { dbPath: path });
    expect(out.find((o) => o.replyTo === 'm2')!.text).toMatch(/linked to another chat account/);
    expect(out.some((o) => o.chat === 'staff' && o.text.includes('C9') && o.text.includes('Eve'))).toBe(true);
    look(path, (db) => {
      expect(balanceOf(db, memberIdByPlatformId(db, 'u1', 'console')!)).toBe(50);
      expect(balanceOf(db, memberIdByPlatformId(db, 'u2', 'console')!)).toBe(0);
    });
  });

  it('carries the customer\'s tier gift over once: a member who had the same gift does not keep two', async () => {
    const { path } = tempDb();
    // The customer reaches Silver by orders (gift 100); the chat member reaches Silver on their own (gift 100).
    await replay(
      [
        { type: 'purchase', at: at('10:00:00'), customer: 'C5', orderId: 'o1', amount: 1000 },
        { type: 'purchase', at: at('10:00:00'), member: 'u1', orderId: 'o2', amount: 1000 },
      ],
      { dbPath: path },
    );
    const code = codeFor(path, 'C5', at('10:10:00'));
    await replay([msg('m1', at('10:11:00'), 'u1', `/bind ${code}`)], { dbPath: path });
    look(path, (db) => {
      const u1 = memberIdByPlatformId(db, 'u1', 'console')!;
      // 1,000 + 1,000 purchase points, one Silver gift kept and the customer's taken back.
      expect(balanceOf(db, u1)).toBe(2100);
      expect(entriesOf(db, u1).filter((e) => e.reason === 'merge-duplicate')).toHaveLength(1);
    });
  });
});
