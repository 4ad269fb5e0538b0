// Tier reviews on a real database: upgrade at once with each tier's gift paid once per member, a grace period below
// the threshold, one level down after it, the daily job for windows that slid, and the words members are told.
import { describe, expect, it } from 'vitest';
import { msg, program, tempDb, testDeps } from '../harness';
import { ensureMember, markCanMessagePrivately, noteChat } from '../../store/members';
import { earnPoints, balanceOf } from '../../store/ledger';
import { memberStanding } from '../../store/standing';
import { dueMessages } from '../../store/outbox';
import { lotExpiresAt } from '../../community/earning';
import { reviewTier, runTierReview, tierChangeText, type TierChange } from '../../skills/tiers';
import type { Db } from '../../store/db';
import { at, ledgerRows, purchase, replayKept } from './ledger-helpers';

const p = program();
const T0 = new Date('2026-03-01T12:00:00+08:00');
const days = (n: number) => new Date(T0.getTime() + n * 86_400_000);

function growth(db: Db, memberId: number, amount: number, when: Date, key: string): void {
  earnPoints(db, { memberId, points: 0, growth: amount, key, reason: 'checkin', at: when, expiresAt: lotExpiresAt(p, when) });
}

describe('reviewTier', () => {
  it('upgrades at once, paying the gift of every tier climbed, and returns the change', () => {
    const { db } = tempDb();
    const m = ensureMember(db, { channel: 'console', platformId: 'u1', at: T0 });
    growth(db, m.id, 5200, T0, 'g1');
    const change = reviewTier(testDeps(db, p), m.id, T0);
    expect(change).toMatchObject({ kind: 'upgrade', from: { id: 'member' }, to: { id: 'gold' }, gift: 400, balance: 400 });
    expect(reviewTier(testDeps(db, p), m.id, T0)).toBeUndefined();
    expect(memberStanding(db, p, m.id, T0).tier.id).toBe('gold');
  });

  it('starts a grace period when the window slides, drops one level when it ends, and never pays a gift twice', () => {
    const { db } = tempDb();
    const deps = testDeps(db, p);
    const m = ensureMember(db, { channel: 'console', platformId: 'u1', at: T0 });
    growth(db, m.id, 5000, T0, 'g1');
    reviewTier(deps, m.id, T0);
    const slid = new Date('2027-03-02T00:10:00+08:00');
    const grace = reviewTier(deps, m.id, slid);
    expect(grace).toMatchObject({ kind: 'grace', tier: { id: 'gold' }, gap: 5000, lastDay: '2027-03-31' });
    expect(reviewTier(deps, m.id, new Date('2027-03-31T23:59:00+08:00'))).toBeUndefined();
    const down = reviewTier(deps, m.id, new Date('2027-04-01T00:10:00+08:00'));
    expect(down).toMatchObject({ kind: 'downgrade', from: { id: 'gold' }, to: { id: 'silver' }, grace: { gap: 1000, lastDay: '2027-04-30' } });
    const back = new Date('2027-04-02T12:00:00+08:00');
    growth(db, m.id, 5000, back, 'g2');
    expect(reviewTier(deps, m.id, back)).toMatchObject({ kind: 'upgrade', to: { id: 'gold' }, gift: 0 });
    expect(ledgerRows(db, m.id).filter((r) => r.reason === 'tier-gift').map((r) => r.key)).toEqual([`tier-gift:${m.id}:silver`, `tier-gift:${m.id}:gold`]);
    expect(balanceOf(db, m.id)).toBe(400);
  });

  it('ends a grace period when growth comes back above the threshold', () => {
    const { db } = tempDb();
    const deps = testDeps(db, p);
    const m = ensureMember(db, { channel: 'console', platformId: 'u1', at: T0 });
    growth(db, m.id, 1000, T0, 'g1');
    reviewTier(deps, m.id, T0);
    const later = new Date('2027-03-05T12:00:00+08:00');
    expect(reviewTier(deps, m.id, later)).toMatchObject({ kind: 'grace' });
    growth(db, m.id, 1000, later, 'g2');
    expect(reviewTier(deps, m.id, later)).toMatchObject({ kind: 'recovered', tier: { id: 'silver' } });
    expect(memberStanding(db, p, m.id, later).graceUntil).toBeUndefined();
  });
});

describe('tier notices', () => {
  it('go privately when the member opened a private chat, else as a mention in their last group, held in quiet hours', () => {
    const { db } = tempDb();
    const deps = testDeps(db, p);
    const a = ensureMember(db, { channel: 'console', platformId: 'a', name: 'Ann', at: T0 });
    markCanMessagePrivately(db, 'console', 'a');
    const b = ensureMember(db, { channel: 'console', platformId: 'b', name: 'Ben', at: T0 });
    noteChat(db, 'console', 'grp', 'group', b.id, T0);
    const c = ensureMember(db, { channel: 'console', platformId: 'c', name: 'Cat', at: T0 });
    const night = new Date('2026-03-01T23:00:00+08:00');
    for (const m of [a, b, c]) {
      growth(db, m.id, 1000, night, `g${m.id}`);
      reviewTier(deps, m.id, night, { notify: true });
    }
    expect(dueMessages(db, night)).toHaveLength(0);
    const morning = dueMessages(db, new Date('2026-03-02T09:00:00+08:00'));
    expect(morning.map((r) => [r.chat, r.kind, r.mentions?.[0] ?? null])).toEqual([
      ['a', 'notice', null],
      ['grp', 'notice', 'b'],
    ]);
    expect(morning[1]!.text).toMatch(/^🎉 Congratulations, you've reached Silver!/);
  });

  it('read well in both languages', () => {
    const [silver, gold] = [p.tiers[1]!, p.tiers[2]!];
    const up: TierChange = { kind: 'upgrade', from: silver, to: gold, growth: 5000, gift: 300, balance: 900 };
    expect(tierChangeText(up, { lang: 'zh', program: p })).toBe('🎉 恭喜升级为金卡会员，获赠 300 积分升级礼！今后消费可享 1.2 倍积分。');
    expect(tierChangeText(up, { lang: 'en', program: p })).toBe("🎉 Congratulations, you've reached Gold! Your upgrade gift of 300 points is in your account. Purchases now earn ×1.2 points.");
    const grace: TierChange = { kind: 'grace', tier: gold, growth: 4200, gap: 800, until: new Date(0), lastDay: '2026-04-30' };
    expect(tierChangeText(grace, { lang: 'zh', program: p })).toBe('你近期的成长值为 4,200，低于金卡门槛 5,000。2026-04-30 前再获得 800 成长值即可保留金卡，否则将降一级。');
    expect(tierChangeText({ kind: 'downgrade', from: gold, to: silver, growth: 1200 }, { lang: 'en', program: p })).toBe('Your tier is now Silver.');
  });
});

describe('the daily tier review', () => {
  it('finds members whose window slid and members whose grace period is due', () => {
    const { db } = tempDb();
    const deps = testDeps(db, p);
    const slides = ensureMember(db, { channel: 'console', platformId: 's', at: T0 });
    const stays = ensureMember(db, { channel: 'console', platformId: 't', at: T0 });
    growth(db, slides.id, 1500, T0, 'g1');
    growth(db, stays.id, 1500, days(200), 'g2');
    reviewTier(deps, slides.id, T0);
    reviewTier(deps, stays.id, days(200));
    // First run a year on: the purchase of `slides` left the window; `stays` still has its growth.
    expect(runTierReview(deps, new Date('2027-03-02T00:10:00+08:00'))).toBe(1);
    expect(memberStanding(db, p, slides.id, days(366)).graceUntil).toBeDefined();
    expect(memberStanding(db, p, stays.id, days(366)).graceUntil).toBeUndefined();
  });

  it("reviews everyone else when one member's review fails, then reports the failure", () => {
    const { db } = tempDb();
    const deps = testDeps(db, p);
    const [a, b, c] = ['a', 'b', 'c'].map((id) => ensureMember(db, { channel: 'console', platformId: id, at: T0 }));
    for (const [i, m] of [a!, b!, c!].entries()) {
      growth(db, m.id, 1500, T0, `g${i}`);
      reviewTier(deps, m.id, T0);
    }
    // b's tier row cannot be written (a failing disk, a bad row): its review fails, a's and c's go through.
    db.$client.exec(`CREATE TRIGGER fail_b BEFORE UPDATE ON member_points WHEN NEW.member_id = ${b!.id} BEGIN SELECT RAISE(ABORT, 'disk trouble'); END`);
    expect(() => runTierReview(deps, new Date('2027-03-02T00:10:00+08:00'))).toThrow(/tier review failed for 1 member\(s\): disk trouble/);
    expect(memberStanding(db, p, a!.id, days(366)).graceUntil).toBeDefined();
    expect(memberStanding(db, p, c!.id, days(366)).graceUntil).toBeDefined();
    expect(memberStanding(db, p, b!.id, days(366)).graceUntil).toBeUndefined();
  });

  it('runs from the scheduler and announces the grace period', async () => {
    const { out, close } = await replayKept(
      [msg('m1', at(1, '12:00'), 'u1', '/points'), purchase('o1', at(1, '12:05'), 'u1', 1000), { type: 'tick', at: '2027-03-02T12:00:00+08:00' }],
      { program: program((x) => (x.nudges.rules = [])) },
    );
    expect(out.map((o) => o.at)).toEqual(['2026-03-01T12:00:00+08:00', '2026-03-01T12:05:00+08:00', '2027-03-02T09:00:00+08:00']);
    expect(out[1]!.text).toMatch(/^🎉 Congratulations, you've reached Silver!/);
    // The review ran at 00:10 on 2027-03-02 (the purchase left the window); the notice waited for 09:00.
    expect(out[2]!.text).toBe("Your growth value is now 0, below Silver's 1,000. Earn 1,000 more by 2027-03-31 to keep Silver; otherwise you'll move down one tier.");
    close();
  });
});
