// The grounding guard: a model's numbers are checked against what it was given, however the numbers are written.
import { describe, expect, it } from 'vitest';
import { numbersIn, ungroundedNumbers } from '../../community/grounding';

describe('numbersIn', () => {
  it('reads Arabic numbers with separators, decimals and 万', () => {
    expect(numbersIn('你有 1,200 积分，倍率 ×1.2，还差 1.5万')).toEqual([1200, 1.2, 15000]);
    expect(numbersIn('¥399 set, 30% off, 2k points')).toEqual([399, 30, 2000]);
    expect(numbersIn('还差 3.8千成长值, about 2 thousand points')).toEqual([3800, 2000]);
  });
  it('reads Chinese numerals, and 〇 years digit by digit', () => {
    expect(numbersIn('还差一千二百成长值，两千五百积分')).toEqual([1200, 2500]);
    expect(numbersIn('二〇二六年三月十五日')).toEqual([2026, 3, 15]);
    expect(numbersIn('等一下，一起来')).toEqual([]);
  });
  it('reads month names and small number words in English', () => {
    expect(numbersIn('expiring 15 March 2026')).toEqual([15, 2026, 3]);
    expect(numbersIn('three check-ins')).toEqual([3]);
    expect(numbersIn('It may rain')).toEqual([]);
  });
});

describe('ungroundedNumbers', () => {
  const tool = '{"balance":1200,"expiring":[{"points":300,"date":"2026-03-15"}]}';
  it('accepts numbers a source states, in any writing', () => {
    expect(ungroundedNumbers('You have 1,200 points; 300 expire on 15 March 2026.', [tool])).toEqual([]);
    expect(ungroundedNumbers('你有一千二百积分，其中三百将于2026年3月15日过期。', [tool])).toEqual([]);
  });
  it('names what no source states', () => {
    expect(ungroundedNumbers('You have 1,250 points.', [tool])).toEqual([1250]);
    expect(ungroundedNumbers('300 expire on 15 April.', [tool])).toEqual([4]);
  });
});
