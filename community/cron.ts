// When a cron expression next matches, in a timezone: node-cron's own parser and matcher (its public API), walked day
// by day so daylight-saving changes fall where they should. Pure: the time to start from is given.
import cron, { type ScheduledTask } from 'node-cron';
import { addDays, localDate, localParts, zonedTime } from './calendar';

const matchers = new Map<string, { fields: ReturnType<typeof cron.parse>; matcher: ScheduledTask }>();

function matcherFor(expression: string, tz: string) {
  const key = `${tz} ${expression}`;
  let found = matchers.get(key);
  if (!found) {
    if (!cron.validate(expression)) throw new CronError(`invalid cron expression "${expression}"`);
    // An unstarted task is node-cron's own matcher for the expression in that timezone.
    found = { fields: cron.parse(expression), matcher: cron.createTask(expression, () => undefined, { timezone: tz }) };
    matchers.set(key, found);
  }
  return found;
}

/** Next instant strictly after `after` at which the cron expression matches in `tz`. */
export function nextCronRun(expression: string, tz: string, after: Date): Date {
  const { fields, matcher } = matcherFor(expression, tz);
  const seconds = [...fields.second].sort((a, b) => a - b);
  const minutes = [...fields.minute].sort((a, b) => a - b);
  const hours = [...fields.hour].sort((a, b) => a - b);
  let day = localDate(after, tz);
  for (let i = 0; i < 366 * 5; i++, day = addDays(day, 1)) {
      const start = zonedTime(day, '12:00', tz);
      const p = localParts(start, tz);
      if (!fields.month.includes(p.month)) continue;
      for (const h of hours)
        for (const m of minutes)
          for (const s of seconds) {
            const t = zonedTime(day, `${h}:${m}:${s}`, tz);
            if (t.getTime() > after.getTime() && matcher.match(t)) return t;
          }
  }
  throw new CronError(`cron expression "${expression}" never runs`);
}


/** An expression that is not valid cron, or that never runs. */
export class CronError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronError';
  }
}
