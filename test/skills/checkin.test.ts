// Check-in through the real engine: local days in Shanghai, the streak and its bonus, duplicates and redelivery, the
// leaderboard, and exactly one award under real concurrency (many members at once; one member twice; several Hearths
// in their own threads on one database file).
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { msg, tempDb, testHearth } from '../harness';
import { entriesWithReason, replayOnFile } from './community-helpers';
import type { Hearth } from '../../bot/hearth';
import type { Db } from '../../store/db';
import { checkins, ledgerEntries, outbox } from '../../store/schema';
import { findMemberByPlatformId } from '../../store/members';
import { balanceOf } from '../../store/ledger';

// A worker thread running a TypeScript file: tsx's loader is registered inside the thread first.
const tsxApi = pathToFileURL(join(process.cwd(), 'node_modules/tsx/dist/esm/api/index.mjs')).href;
const tsWorker = (file: URL) => `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(file.href)}); })`;

const day = (d: number, time = '09:00') => `2026-03-${String(d).padStart(2, '0')}T${time}:00+08:00`;

const hearthOn = (db: Db, at: Date): Hearth => testHearth(db, at);

function checkinMessage(id: string, from: string, at: Date, chat = 'g1') {
  return { id, channel: 'console', chat, chatType: 'group' as const, from: { id: from, name: from }, text: '签到', at };
}

function repliesTo(db: Db, text: string): number {
  return db.select().from(outbox).all().filter((r) => r.text.includes(text)).length;
}

describe('check-in', () => {
  it('counts days in the program timezone: 23:50 and 00:10 Shanghai are two days (one UTC day)', async () => {
    const r = await replayOnFile([msg('a', day(1, '23:50'), 'u1', '签到', { chat: 'g1' }), msg('b', day(2, '00:10'), 'u1', '签到', { chat: 'g1' })]);
    expect(r.out.map((o) => o.text)).toEqual([expect.stringContaining('已连续签到 1 天'), expect.stringContaining('已连续签到 2 天')]);
    expect(r.db.select({ day: checkins.day, streak: checkins.streak }).from(checkins).all()).toEqual([
      { day: '2026-03-01', streak: 1 },
      { day: '2026-03-02', streak: 2 },
    ]);
    expect(r.balance('u1')).toBe(10);
  });

  it('pays 5 a day and a 50 bonus on the 7th day in a row: 85 points, 7 growth', async () => {
    const events = Array.from({ length: 7 }, (_, i) => msg(`c${i}`, day(i + 1), 'u1', i % 2 ? '/checkin' : 'check in', { chat: 'u1' }));
    const r = await replayOnFile(events);
    expect(r.balance('u1')).toBe(85);
    expect(r.reasons('u1')).toEqual([...Array(7).fill('checkin:5'), 'checkin-bonus:50']);
    const growth = r.db.select({ g: ledgerEntries.growth }).from(ledgerEntries).all().reduce((s, e) => s + e.g, 0);
    expect(growth).toBe(7);
    expect(r.out[6]!.text).toContain('50-point bonus');
    expect(r.out[6]!.text).toContain('Balance: 85.');
  });

  it('answers a second check-in the same day kindly, with the streak and no points', async () => {
    const r = await replayOnFile([
      msg('a', day(1), 'u1', 'check in', { chat: 'g1', name: 'Alice' }),
      msg('b', day(1, '18:00'), 'u1', '/checkin', { chat: 'g1', name: 'Alice' }),
    ]);
    expect(r.out[1]!.text).toContain("already checked in today");
    expect(r.out[1]!.text).toContain('1-day streak');
    expect(r.out[1]!.text).not.toContain('+5');
    expect(r.reasons('u1')).toEqual(['checkin:5']);
  });

  it('does nothing for a redelivered message', async () => {
    const r = await replayOnFile([msg('a', day(1), 'u1', '签到', { chat: 'g1' }), msg('a', day(2), 'u1', '签到', { chat: 'g1' })]);
    expect(r.out).toHaveLength(1);
    expect(r.reasons('u1')).toEqual(['checkin:5']);
  });

  it('restarts the streak after a missed day and says so; the bonus waits for a full new run', async () => {
    const events = [1, 2, 3, 5, 6, 7, 8, 9, 10].map((d) => msg(`c${d}`, day(d), 'u1', '打卡', { chat: 'u1' }));
    const r = await replayOnFile(events);
    const streaks = r.db.select({ s: checkins.streak }).from(checkins).all().map((c) => c.s);
    expect(streaks).toEqual([1, 2, 3, 1, 2, 3, 4, 5, 6]);
    expect(r.out.find((o) => o.replyTo === 'c5')!.text).toContain('上次连签 3 天已中断');
    expect(r.balance('u1')).toBe(45);
  });

  it('ignores words that merely contain 签到, and refuses /checkin with arguments', async () => {
    const r = await replayOnFile([
      msg('a', day(1), 'u1', '签到有什么用？', { chat: 'g1' }),
      msg('b', day(1, '09:01'), 'u1', '/checkin yesterday', { chat: 'u1' }),
    ]);
    expect(r.out.map((o) => o.replyTo)).toEqual(['b']);
    // A command and one word say no language of their own: the member's Chinese holds.
    expect(r.out[0]!.text).toContain('签到不需要参数');
    expect(r.db.select().from(checkins).all()).toHaveLength(0);
  });

  it('checks in when asked in other words privately or with a mention, but not from unaddressed group chatter', async () => {
    const r = await replayOnFile([
      msg('a', day(1), 'u1', '帮我打个卡', { chat: 'u1' }),
      msg('b', day(1, '09:05'), 'u2', "I'd like to check in please", { chat: 'g1', mentions: ['hearth'] }),
      msg('c', day(1, '09:06'), 'u3', '今天打卡了吗大家', { chat: 'g1' }),
    ]);
    expect(r.reasons('u1')).toEqual(['checkin:5']);
    expect(r.reasons('u2')).toEqual(['checkin:5']);
    expect(r.out.map((o) => o.replyTo)).toEqual(['a', 'b']);
  });

  it('/top shows this month for this group only: community points and live streaks, not purchases', async () => {
    const r = await replayOnFile([
      msg('a1', day(1), 'u1', '签到', { chat: 'g1', name: 'Alice' }),
      msg('a2', day(2), 'u1', '签到', { chat: 'g1', name: 'Alice' }),
      msg('b1', day(2, '10:00'), 'u2', '签到', { chat: 'g1', name: 'Bob' }),
      msg('c1', day(2, '10:05'), 'u3', '签到', { chat: 'g2', name: 'Carol' }),
      { type: 'purchase', at: day(2, '11:00'), member: 'u2', orderId: 'o1', amount: 999 },
      msg('t1', day(2, '12:00'), 'u2', '排行榜', { chat: 'g1', name: 'Bob' }),
      msg('t2', '2026-04-01T09:00:00+08:00', 'u2', '/top', { chat: 'g1', name: 'Bob' }),
    ]);
    const top = r.out.find((o) => o.replyTo === 't1')!.text;
    expect(top).toBe('🏆 3月排行榜\n🥇 Alice · 10 积分 · 连签 2 天\n🥈 Bob · 5 积分 · 连签 1 天');
    expect(r.out.find((o) => o.replyTo === 't2')!.text).toContain('4月还没有人上榜');
  });
});

describe('make-up card (补签卡)', () => {
  it('fills in yesterday with a redeemed card: the streak continues, its bonus is paid, the card is used up', async () => {
    const days = [1, 2, 3, 4, 5, 6].map((d) => msg(`c${d}`, day(d), 'u1', '签到'));
    const r = await replayOnFile([
      ...days,
      msg('m0', day(7), 'u1', '补签'),
      { type: 'purchase', at: day(8, '08:00'), member: 'u1', orderId: 'o1', amount: 200 },
      msg('c8', day(8), 'u1', '签到'),
      msg('r1', day(8, '09:01'), 'u1', '兑换 补签卡'),
      msg('m1', day(8, '09:02'), 'u1', '补签'),
      msg('m2', day(8, '09:03'), 'u1', '/makeup'),
      msg('c9', day(9), 'u1', '签到'),
    ]);
    const reply = (id: string) => r.out.find((o) => o.replyTo === id)!.text;
    expect(reply('m0')).toContain('你还没有补签卡');
    expect(reply('m1')).toBe('✅ 已用补签卡补上昨天（3月7日）的签到，连签恢复为 8 天！\n🎉 连签奖励 +50 积分！\n剩余补签卡 0 张。');
    expect(reply('m2')).toContain('你还没有补签卡');
    expect(reply('c9')).toContain('已连续签到 9 天');
    const rows = r.db.select({ day: checkins.day, streak: checkins.streak, makeup: checkins.makeup }).from(checkins).all();
    expect(rows.find((c) => c.day === '2026-03-07')).toEqual({ day: '2026-03-07', streak: 7, makeup: true });
    expect(rows.find((c) => c.day === '2026-03-08')!.streak).toBe(8);
    expect(entriesWithReason(r.db, 'checkin-bonus').map((e) => e.key)).toEqual(['checkin-bonus:1:2026-03-07']);
    // 8 check-ins × 5 + 200 from the purchase − 100 for the card + the 50 bonus the filled day reached
    expect(r.balance('u1')).toBe(190);
  });

  it('refuses when yesterday was checked in or there is no streak to bridge, and keeps the card', async () => {
    // The card is bought while it fits (day 3 missed after day 2), then the gap closes or grows before it is used.
    const r = await replayOnFile([
      { type: 'purchase', at: day(1, '08:00'), member: 'u1', orderId: 'o1', amount: 300 },
      msg('c1', day(1), 'u1', 'check in'),
      msg('c2', day(2), 'u1', 'check in'),
      msg('r1', day(4, '08:30'), 'u1', '/redeem makeup-card'),
      msg('c4', day(4), 'u1', 'check in'),
      msg('m1', day(5, '10:00'), 'u1', '/makeup'),
      msg('m2', day(7, '10:00'), 'u1', '/makeup'),
    ]);
    expect(r.out.find((o) => o.replyTo === 'r1')!.text).toMatch(/^Redeemed!/);
    expect(r.out.find((o) => o.replyTo === 'm1')!.text).toContain('your streak is intact');
    expect(r.out.find((o) => o.replyTo === 'm2')!.text).toContain("there's no streak to save");
    expect(r.db.select().from(checkins).all()).toHaveLength(3);
  });
});

describe('check-in concurrency (file database)', () => {
  const at = new Date('2026-03-01T01:00:00Z');

  it('50 members checking in within the same second in one group each get exactly one award', async () => {
    const { db } = tempDb();
    const h = hearthOn(db, at);
    await Promise.all(Array.from({ length: 50 }, (_, i) => h.handleMessage(checkinMessage(`m${i}`, `u${i}`, new Date(at.getTime() + (i % 10) * 100)))));
    await h.engine.idle();
    expect(entriesWithReason(db, 'checkin')).toHaveLength(50);
    expect(new Set(entriesWithReason(db, 'checkin').map((e) => e.memberId)).size).toBe(50);
    for (let i = 0; i < 50; i++) expect(balanceOf(db, findMemberByPlatformId(db, 'console', `u${i}`)!.id)).toBe(5);
    expect(repliesTo(db, '签到成功')).toBe(50);
  });

  it("the same member's check-in delivered twice at once, and two check-in messages at once, award once", async () => {
    const { db } = tempDb();
    const h = hearthOn(db, at);
    await Promise.all([h.handleMessage(checkinMessage('m1', 'u1', at)), h.handleMessage(checkinMessage('m1', 'u1', at))]);
    await Promise.all([h.handleMessage(checkinMessage('m2', 'u2', at)), h.handleMessage({ ...checkinMessage('m3', 'u2', at), chat: 'u2', chatType: 'private' })]);
    await h.engine.idle();
    expect(entriesWithReason(db, 'checkin').map((e) => e.key).sort()).toEqual(['checkin:1:2026-03-01', 'checkin:2:2026-03-01']);
    expect(repliesTo(db, '签到成功')).toBe(2);
    expect(repliesTo(db, '已经签到过')).toBe(1); // u2's second message is a different message: it is answered, without points
  });

  it('three Hearths in their own threads on one database file, racing on the same check-ins, award each member once', async () => {
    const { db, path } = tempDb();
    const members = Array.from({ length: 50 }, (_, i) => `u${i}`);
    // Even workers redeliver the same message ids; odd workers send their own ids (so only the check-in rules stop them).
    const workers = [0, 1, 2].map(
      (w) =>
        new Worker(tsWorker(new URL('./checkin-worker.ts', import.meta.url)), {
          eval: true,
          workerData: {
            path,
            at: at.toISOString(),
            messages: members.map((m, i) => ({ id: w % 2 === 0 ? `m${i}` : `w${w}-m${i}`, from: m, chat: `g${i % 3}` })),
          },
        }),
    );
    const next = (w: Worker) =>
      new Promise<unknown>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      });
    await Promise.all(workers.map(next)); // ready
    const done = Promise.all(workers.map(next));
    for (const w of workers) w.postMessage('go');
    await done;
    await Promise.all(workers.map((w) => w.terminate()));
    const rows = entriesWithReason(db, 'checkin');
    expect(rows).toHaveLength(50);
    expect(new Set(rows.map((e) => e.memberId)).size).toBe(50);
    expect(db.select().from(checkins).all()).toHaveLength(50);
    for (const m of members) expect(balanceOf(db, findMemberByPlatformId(db, 'console', m)!.id)).toBe(5);
    expect(repliesTo(db, '签到成功')).toBe(50);
    const first = db.select().from(checkins).where(eq(checkins.day, '2026-03-01')).all();
    expect(first.every((c) => c.streak === 1)).toBe(true);
  });
});
