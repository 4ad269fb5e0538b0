// The virtual clock runs every job and timer due between two events, in time order, each once.
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../bot/scheduler';
import { nextCronRun } from '../../community/cron';
import { VirtualClock } from '../../bot/core/clock';
import { silentLogger } from '../../bot/log';
import { setTimer, cancelTimer } from '../../store/jobs';
import { isoInZone } from '../../community/calendar';
import { tempDb } from '../harness';

const tz = 'Asia/Shanghai';

describe('scheduler on a virtual clock', () => {
  it('runs due jobs and timers in time order, each occurrence once', async () => {
    const { db } = tempDb();
    const scheduler = new Scheduler({ db, log: silentLogger(), timezone: tz });
    const ran: string[] = [];
    const clock = new VirtualClock(new Date('2026-03-01T08:30:00+08:00'));
    scheduler.addJob({ name: 'morning', cron: '0 9 * * *', run: (t) => void ran.push(`morning ${isoInZone(t, tz)}`) });
    scheduler.addJob({ name: 'evening', cron: '0 20 * * *', run: (t) => void ran.push(`evening ${isoInZone(t, tz)}`) });
    scheduler.onTimer('sla', (timer, now) => void ran.push(`timer ${String(timer.payload.ticket)} ${isoInZone(now, tz)}`));
    setTimer(db, 'sla:1', 'sla', new Date('2026-03-01T09:10:00+08:00'), { ticket: 1 });
    setTimer(db, 'sla:2', 'sla', new Date('2026-03-02T08:00:00+08:00'), { ticket: 2 });
    setTimer(db, 'sla:3', 'sla', new Date('2026-03-01T12:00:00+08:00'), { ticket: 3 });
    cancelTimer(db, 'sla:3', clock.now());
    const hooks = { setClock: (t: Date) => clock.set(t), afterStep: async () => undefined, nextWake: () => undefined };
    await scheduler.advanceTo(clock.now(), new Date('2026-03-02T10:00:00+08:00'), hooks);
    expect(ran).toEqual([
      'morning 2026-03-01T09:00:00+08:00',
      'timer 1 2026-03-01T09:10:00+08:00',
      'evening 2026-03-01T20:00:00+08:00',
      'timer 2 2026-03-02T08:00:00+08:00',
      'morning 2026-03-02T09:00:00+08:00',
    ]);
    expect(isoInZone(clock.now(), tz)).toBe('2026-03-02T10:00:00+08:00');
    // A restarted scheduler over the same database does not rerun an occurrence that already ran.
    const again = new Scheduler({ db, log: silentLogger(), timezone: tz });
    again.addJob({ name: 'morning', cron: '0 9 * * *', run: () => void ran.push('duplicate') });
    await again.runOccurrence({ name: 'morning', cron: '0 9 * * *', run: () => void ran.push('duplicate') }, new Date('2026-03-02T09:00:00+08:00'));
    expect(ran).not.toContain('duplicate');
  });

  it('fires quick timers before those that wait on a model, even when those were due first', async () => {
    const { db } = tempDb();
    const scheduler = new Scheduler({ db, log: silentLogger(), timezone: tz });
    const ran: string[] = [];
    let answer: () => void = () => undefined;
    const modelAnswers = new Promise<void>((resolve) => (answer = resolve));
    scheduler.onTimer('group-read', async () => {
      await modelAnswers;
      ran.push('group read');
    }, { slow: true });
    scheduler.onTimer('sla', () => void ran.push('sla reminder'));
    setTimer(db, 'group-read:1', 'group-read', new Date('2026-03-01T09:00:00+08:00'), {});
    setTimer(db, 'sla:1', 'sla', new Date('2026-03-01T09:00:05+08:00'), {});
    const firing = scheduler.fireTimers(new Date('2026-03-01T09:01:00+08:00'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran).toEqual(['sla reminder']);
    answer();
    await firing;
    expect(ran).toEqual(['sla reminder', 'group read']);
  });

  it('computes cron times in the program timezone, across DST elsewhere', () => {
    expect(isoInZone(nextCronRun('0 10 * * *', tz, new Date('2026-03-01T10:00:00+08:00')), tz)).toBe('2026-03-02T10:00:00+08:00');
    // New York springs forward on 2026-03-08: 09:00 local is 14:00Z before and 13:00Z after.
    expect(nextCronRun('0 9 * * *', 'America/New_York', new Date('2026-03-07T15:00:00Z')).toISOString()).toBe('2026-03-08T13:00:00.000Z');
    expect(() => nextCronRun('not a cron', tz, new Date(0))).toThrow(/invalid cron/);
  });
});
