// Earning rules: purchase points with tier, birthday and campaign multipliers; lot expiry and pending windows;
// proportional refund shares that add up exactly; tier decisions with grace periods.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { program } from '../harness';
import { activeCampaign, isBirthday, lotExpiresAt, purchaseAvailableAt, purchaseEarning, refundShare, toFen } from '../../community/earning';
import { decideTier, graceEnd, nextTierAndGap, tierForGrowth } from '../../community/tiers';
import { findReward, redeemGap } from '../../community/rewards';

const p = program();
const at = (s: string) => new Date(s);

describe('purchase points', () => {
  it('gives 1 point per whole CNY at the entry tier, floored', () => {
    const e = purchaseEarning(p, { amountFen: 99_99, at: at('2026-03-01T10:00:00+08:00'), tierId: 'member' });
    expect(e.points).toBe(99);
    expect(e.growth).toBe(99);
    expect(e.multiplier).toBe(1);
  });

  it('applies the multiplier of the tier held (Gold ×1.2, Diamond ×2)', () => {
    expect(purchaseEarning(p, { amountFen: 1000_00, at: at('2026-03-01T10:00:00+08:00'), tierId: 'gold' }).points).toBe(1200);
    expect(purchaseEarning(p, { amountFen: 99_90, at: at('2026-03-01T10:00:00+08:00'), tierId: 'gold' }).points).toBe(119); // 119.88
    expect(purchaseEarning(p, { amountFen: 333_00, at: at('2026-03-01T10:00:00+08:00'), tierId: 'diamond' }).points).toBe(666);
  });

  it('never multiplies growth value', () => {
    const e = purchaseEarning(p, { amountFen: 500_00, at: at('2026-11-11T10:00:00+08:00'), tierId: 'diamond', birthday: '1990-11-11' });
    expect(e.growth).toBe(500);
    expect(e.points).toBe(500 * 2 * 2 * 3);
  });

  it('doubles on the birthday in the program timezone, not in UTC', () => {
    // 2026-03-15 00:30 in Shanghai is still 03-14 in UTC.
    expect(purchaseEarning(p, { amountFen: 100_00, at: at('2026-03-15T00:30:00+08:00'), tierId: 'member', birthday: '1990-03-15' }).points).toBe(200);
    expect(purchaseEarning(p, { amountFen: 100_00, at: at('2026-03-14T23:30:00+08:00'), tierId: 'member', birthday: '1990-03-15' }).points).toBe(100);
  });

  it('keeps a 29 February birthday on 28 February in other years', () => {
    expect(isBirthday('1992-02-29', at('2026-02-28T12:00:00+08:00'), p.timezone)).toBe(true);
    expect(isBirthday('1992-02-29', at('2028-02-28T12:00:00+08:00'), p.timezone)).toBe(false);
    expect(isBirthday('1992-02-29', at('2028-02-29T12:00:00+08:00'), p.timezone)).toBe(true);
  });

  it('triples on 11-11 every year and multiplies with tier and birthday', () => {
    const e = purchaseEarning(p, { amountFen: 1000_00, at: at('2027-11-11T20:00:00+08:00'), tierId: 'gold', birthday: '1990-11-11' });
    expect(e.campaign?.id).toBe('double-eleven');
    expect(e.points).toBe(Math.floor(1000 * 1.2 * 2 * 3));
    expect(purchaseEarning(p, { amountFen: 1000_00, at: at('2027-11-12T00:00:00+08:00'), tierId: 'member' }).points).toBe(1000);
  });

  it('uses dated campaigns inclusive of both ends, and only the largest of overlapping ones', () => {
    const q = program((x) => {
      x.campaigns.push({ id: 'spring', name: { zh: '春季', en: 'Spring' }, multiplier: 1.5, from: '2026-03-01', to: '2026-03-03' });
      x.campaigns.push({ id: 'flash', name: { zh: '闪购', en: 'Flash' }, multiplier: 2, from: '2026-03-03', to: '2026-03-03' });
    });
    expect(activeCampaign(q, at('2026-02-28T23:59:00+08:00'))).toBeUndefined();
    expect(activeCampaign(q, at('2026-03-01T00:00:00+08:00'))?.id).toBe('spring');
    expect(activeCampaign(q, at('2026-03-03T23:59:00+08:00'))?.id).toBe('flash');
    expect(purchaseEarning(q, { amountFen: 100_00, at: at('2026-03-03T12:00:00+08:00'), tierId: 'member' }).points).toBe(200);
  });

  it('refuses amounts that are not positive', () => {
    expect(() => toFen(0)).toThrow(RangeError);
    expect(() => toFen(-5)).toThrow(RangeError);
    expect(toFen(19.99)).toBe(1999);
  });
});

describe('lots', () => {
  it('expire at local midnight starting the day 24 months later', () => {
    expect(lotExpiresAt(p, at('2026-03-01T10:00:00+08:00')).toISOString()).toBe('2028-02-29T16:00:00.000Z'); // 2028-03-01 00:00 +08
    // 31 Jan + 24 months is clamped to the month's end.
    expect(lotExpiresAt(p, at('2026-01-31T23:00:00+08:00')).toISOString()).toBe('2028-01-30T16:00:00.000Z');
  });

  it('are spendable at once by default, after the pending window when set', () => {
    const t = at('2026-03-01T10:00:00+08:00');
    expect(purchaseAvailableAt(p, t)).toEqual(t);
    const q = program((x) => (x.points.pendingDays = 7));
    expect(purchaseAvailableAt(q, t).toISOString()).toBe('2026-03-08T02:00:00.000Z');
  });
});

describe('refund shares', () => {
  it('take back a proportional share, rounded on the running total', () => {
    expect(refundShare(1200, 1200_00, 0, 300_00)).toBe(300);
    expect(refundShare(100, 300_00, 0, 100_00)).toBe(33);
    expect(refundShare(100, 300_00, 100_00, 100_00)).toBe(34);
    expect(refundShare(100, 300_00, 200_00, 100_00)).toBe(33);
  });

  it('add up to exactly the full reversal for any split of the amount', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: 1_000_000_000 }),
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 12 }),
        (points, amountFen, weights) => {
          const sum = weights.reduce((a, b) => a + b, 0);
          let refunded = 0;
          let taken = 0;
          weights.forEach((w, i) => {
            const part = i === weights.length - 1 ? amountFen - refunded : Math.floor((amountFen * w) / sum);
            if (part <= 0) return;
            const share = refundShare(points, amountFen, refunded, part);
            expect(share).toBeGreaterThanOrEqual(0);
            taken += share;
            refunded += part;
          });
          expect(taken).toBe(points);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('tiers', () => {
  it('are decided by growth thresholds', () => {
    expect(tierForGrowth(p, 0).id).toBe('member');
    expect(tierForGrowth(p, 999).id).toBe('member');
    expect(tierForGrowth(p, 1000).id).toBe('silver');
    expect(tierForGrowth(p, 49_999).id).toBe('platinum');
    expect(tierForGrowth(p, 1_000_000).id).toBe('diamond');
    expect(nextTierAndGap(p, 'silver', 1200)).toMatchObject({ nextTier: { id: 'gold' }, gap: 3800 });
    expect(nextTierAndGap(p, 'diamond', 60_000)).toEqual({});
  });

  it('upgrade at once, listing every tier climbed', () => {
    const d = decideTier(p, { tierId: 'member' }, 6000, at('2026-03-01T10:00:00+08:00'));
    expect(d).toMatchObject({ kind: 'upgrade', to: { id: 'gold' } });
    expect(d.kind === 'upgrade' && d.climbed.map((t) => t.id)).toEqual(['silver', 'gold']);
  });

  it('start a grace period below the threshold, then go one level down when it ends', () => {
    const now = at('2026-03-05T00:10:00+08:00');
    const grace = decideTier(p, { tierId: 'gold' }, 100, now);
    expect(grace).toMatchObject({ kind: 'grace', tier: { id: 'gold' } });
    const until = graceEnd(p, now);
    expect(until.toISOString()).toBe('2026-04-03T16:00:00.000Z'); // 2026-04-04 00:00 +08
    expect(decideTier(p, { tierId: 'gold', graceUntil: until }, 100, at('2026-04-03T23:59:00+08:00'))).toEqual({ kind: 'none' });
    expect(decideTier(p, { tierId: 'gold', graceUntil: until }, 100, at('2026-04-04T00:10:00+08:00'))).toMatchObject({ kind: 'downgrade', to: { id: 'silver' } });
    expect(decideTier(p, { tierId: 'gold', graceUntil: until }, 5000, at('2026-03-10T00:10:00+08:00'))).toMatchObject({ kind: 'recovered' });
  });

  it('drop a level at once when the program has no grace days', () => {
    const q = program((x) => (x.tierGraceDays = 0));
    expect(decideTier(q, { tierId: 'gold' }, 0, at('2026-03-05T00:10:00+08:00'))).toMatchObject({ kind: 'downgrade', to: { id: 'silver' } });
  });
});

describe('rewards', () => {
  it('are found by id, Chinese or English name, case- and width-blind, with small typos', () => {
    const id = (q: string) => {
      const m = findReward(p, q);
      return m.kind === 'one' ? m.reward.id : m.kind;
    };
    expect(id('free-shipping')).toBe('free-shipping');
    expect(id('FREE SHIPPING')).toBe('free-shipping');
    expect(id('包邮券')).toBe('free-shipping');
    expect(id('包邮')).toBe('free-shipping');
    expect(id('free shiping')).toBe('free-shipping');
    expect(id('￥10代金券')).toBe('voucher-10');
    expect(id('10元代金券')).toBe('voucher-10');
    expect(id('¥50 voucher')).toBe('voucher-50');
    expect(id('voucher')).toBe('many');
    expect(id('iphone')).toBe('none');
  });

  it('say what is missing: the tier, the points, or both', () => {
    const v50 = p.rewards.find((r) => r.id === 'voucher-50')!;
    expect(redeemGap(p, v50, 'gold', 2000)).toBeUndefined();
    expect(redeemGap(p, v50, 'gold', 1500)).toEqual({ pointsShort: 500 });
    expect(redeemGap(p, v50, 'silver', 2500)).toMatchObject({ tierNeeded: { id: 'gold' } });
    expect(redeemGap(p, v50, 'member', 0)).toMatchObject({ tierNeeded: { id: 'gold' }, pointsShort: 2000 });
  });
});
