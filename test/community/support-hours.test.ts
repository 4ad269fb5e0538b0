// Support hours: open or not at an instant, the next opening, and support minutes between two instants, in the
// program's timezone, with per-weekday hours, several spans a day and holidays; no support block is always open.
import { describe, expect, it } from 'vitest';
import { afterSupportMinutes, isSupportOpen, nextSupportOpening, parseSpans, supportMinutesBetween, type SupportHours } from '../../community/support-hours';
import { programSchema } from '../../community/program';
import { program } from '../harness';

const tz = 'Asia/Shanghai';
const t = (s: string) => new Date(`${s}+08:00`);
const iso = (d: Date | undefined) => d?.toISOString();
// 2026-03-06 is a Friday, 03-07 a Saturday, 03-08 a Sunday.
const week: SupportHours = {
  hours: { mon: '09:00-18:00', tue: '09:00-18:00', wed: '09:00-18:00', thu: '09:00-18:00', fri: '09:00-12:00, 13:00-18:00', sat: '10:00-16:00' },
  holidays: ['2026-03-09'],
};

describe('support hours', () => {
  it('is always open without a support block', () => {
    expect(isSupportOpen(undefined, tz, t('2026-03-06T03:00:00'))).toBe(true);
    expect(iso(nextSupportOpening(undefined, tz, t('2026-03-06T03:00:00')))).toBe(iso(t('2026-03-06T03:00:00')));
    expect(supportMinutesBetween(undefined, tz, t('2026-03-06T03:00:00'), t('2026-03-06T04:00:00'))).toBe(60);
    expect(iso(afterSupportMinutes(undefined, tz, t('2026-03-06T03:00:00'), 10))).toBe(iso(t('2026-03-06T03:10:00')));
  });

  it('knows open and closed by local time, weekday, lunch break and holiday', () => {
    const daily: SupportHours = { hours: '09:00-21:00' };
    expect(isSupportOpen(daily, tz, t('2026-03-06T09:00:00'))).toBe(true);
    expect(isSupportOpen(daily, tz, t('2026-03-06T20:59:00'))).toBe(true);
    expect(isSupportOpen(daily, tz, t('2026-03-06T21:00:00'))).toBe(false);
    expect(isSupportOpen(daily, tz, t('2026-03-06T03:00:00'))).toBe(false);
    expect(isSupportOpen(week, tz, t('2026-03-06T12:30:00'))).toBe(false); // Friday lunch
    expect(isSupportOpen(week, tz, t('2026-03-07T11:00:00'))).toBe(true); // Saturday
    expect(isSupportOpen(week, tz, t('2026-03-08T11:00:00'))).toBe(false); // Sunday: not listed, closed
    expect(isSupportOpen(week, tz, t('2026-03-09T11:00:00'))).toBe(false); // a holiday Monday
  });

  it('finds the next opening across a lunch break, a closed Sunday and a holiday', () => {
    expect(iso(nextSupportOpening(week, tz, t('2026-03-06T12:10:00')))).toBe(iso(t('2026-03-06T13:00:00')));
    expect(iso(nextSupportOpening(week, tz, t('2026-03-06T10:00:00')))).toBe(iso(t('2026-03-06T10:00:00')));
    expect(iso(nextSupportOpening(week, tz, t('2026-03-07T17:00:00')))).toBe(iso(t('2026-03-10T09:00:00')));
    expect(nextSupportOpening({ hours: 'closed' }, tz, t('2026-03-07T17:00:00'))).toBeUndefined();
  });

  it('counts support minutes only: no SLA reminder at 03:00', () => {
    const daily: SupportHours = { hours: '09:00-21:00' };
    expect(supportMinutesBetween(daily, tz, t('2026-03-06T03:00:00'), t('2026-03-06T09:10:00'))).toBe(10);
    expect(supportMinutesBetween(daily, tz, t('2026-03-06T20:55:00'), t('2026-03-07T09:05:00'))).toBe(10);
    expect(supportMinutesBetween(week, tz, t('2026-03-06T11:50:00'), t('2026-03-06T13:10:00'))).toBe(20);
    expect(iso(afterSupportMinutes(daily, tz, t('2026-03-06T03:00:00'), 10))).toBe(iso(t('2026-03-06T09:10:00')));
    expect(iso(afterSupportMinutes(daily, tz, t('2026-03-06T20:55:00'), 10))).toBe(iso(t('2026-03-07T09:05:00')));
    // Friday 17:55, five minutes left; Saturday opens at 10:00: the other five then.
    expect(iso(afterSupportMinutes(week, tz, t('2026-03-06T17:55:00'), 10))).toBe(iso(t('2026-03-07T10:05:00')));
    // Saturday 15:50 with 30 minutes to go: ten on Saturday, Sunday closed, Monday a holiday, twenty on Tuesday.
    expect(iso(afterSupportMinutes(week, tz, t('2026-03-07T15:50:00'), 30))).toBe(iso(t('2026-03-10T09:20:00')));
    expect(afterSupportMinutes({ hours: 'closed' }, tz, t('2026-03-06T10:00:00'), 10)).toBeUndefined();
  });

  it('reads hours text and refuses a mistake with a clear reason', () => {
    expect(parseSpans('09:00-12:00, 13:00-18:00')).toEqual([
      { from: '09:00', to: '12:00' },
      { from: '13:00', to: '18:00' },
    ]);
    expect(parseSpans('18:00-24:00')).toEqual([{ from: '18:00', to: '24:00' }]);
    expect(parseSpans('closed')).toEqual([]);
    expect(parseSpans('21:00-02:00')).toMatchObject({ problem: expect.stringMatching(/ends before it starts/) });
    expect(parseSpans('9am-5pm')).toMatchObject({ problem: expect.stringMatching(/not a range/) });
    expect(parseSpans('09:00-13:00,12:00-18:00')).toMatchObject({ problem: expect.stringMatching(/overlaps/) });
  });

  it('is an optional block of the program, checked when the program loads', () => {
    const base = programSchema.parse({ ...program() }) as Record<string, unknown>;
    expect(base.support).toBeUndefined();
    const ok = programSchema.safeParse({ ...base, support: { hours: { mon: '09:00-18:00' }, holidays: ['2026-10-01'] } });
    expect(ok.success).toBe(true);
    const bad = programSchema.safeParse({ ...base, support: { hours: '9-5' } });
    expect(bad.success).toBe(false);
    const badDay = programSchema.safeParse({ ...base, support: { hours: { monday: '09:00-18:00' } } });
    expect(badDay.success).toBe(false);
  });
});
