// Order times against the program's bounds (its start, how far back, how far ahead): pure, so every path that takes
// orders — replay, the CSV import, the webhook — asks the same question.
import type { Program } from './program';
import { zonedTime } from './calendar';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;


// The program's start as an instant (its local midnight), worked out once per program rather than once a line.
const starts = new WeakMap<Program['orders'], { earliest: string; timezone: string; at: number }>();
function programStart(program: Pick<Program, 'timezone' | 'orders'>, earliest: string): number {
  const known = starts.get(program.orders);
  if (known && known.earliest === earliest && known.timezone === program.timezone) return known.at;
  const at = zonedTime(earliest, '00:00', program.timezone).getTime();
  starts.set(program.orders, { earliest, timezone: program.timezone, at });
  return at;
}

/**
 * Why an order's time is out of the program's bounds (`orders.earliest`, else `maxAgeDays`; `maxAheadHours`), or
 * undefined when it is fine. Every path (CSV, webhook, replay) asks this, through checkOrder or the order handler.
 * Without `now` (a caller with no clock) only the program's start applies.
 */
export function orderTimeProblem(program: Pick<Program, 'timezone' | 'orders'>, at: Date, now: Date | undefined): string | undefined {
  const { earliest, maxAgeDays, maxAheadHours } = program.orders;
  const t = at.getTime();
  if (earliest !== undefined) {
    if (t < programStart(program, earliest)) return `before the program's start ${earliest}`;
  } else if (now && t < now.getTime() - maxAgeDays * DAY_MS) {
    return `more than ${maxAgeDays} days ago`;
  }
  if (now && t > now.getTime() + maxAheadHours * HOUR_MS) return `more than ${maxAheadHours} hours in the future`;
  return undefined;
}

