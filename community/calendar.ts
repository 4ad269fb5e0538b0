// Calendar arithmetic in the program's timezone: local dates, wall-clock times to instants, day and month steps.
// Pure: every function takes the instant it works on; none reads the clock.

export interface LocalParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const weekdays: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

function partsFromIntl(at: Date, tz: string): LocalParts {
  const out: Record<string, string> = {};
  for (const p of formatterFor(tz).formatToParts(at)) out[p.type] = p.value;
  return {
    year: Number(out.year),
    month: Number(out.month),
    day: Number(out.day),
    hour: Number(out.hour),
    minute: Number(out.minute),
    second: Number(out.second),
    weekday: weekdays[out.weekday ?? 'Sun'] ?? 0,
  };
}

// Intl is slow (microseconds a call) and replay and imports ask millions of times. Offsets change only on
// quarter-hour boundaries and on few days a year: a UTC day whose two ends share an offset has it throughout
// (no zone changes twice in a day), so one answer serves the whole day; other days are cached by quarter hour.
const DAY = 86_400_000;
const QUARTER_HOUR = 900_000;
const MIXED = Number.NaN;
const dayOffsets = new Map<string, Map<number, number>>();
const quarterOffsets = new Map<string, Map<number, number>>();

function intlOffset(ms: number, tz: string): number {
  const p = partsFromIntl(new Date(ms), tz);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - ms;
}

function cacheFor(maps: Map<string, Map<number, number>>, tz: string): Map<number, number> {
  let m = maps.get(tz);
  if (!m) maps.set(tz, (m = new Map()));
  if (m.size > 100_000) m.clear();
  return m;
}

/** Offset of the timezone from UTC at an instant, in milliseconds. */
export function offsetAt(at: Date, tz: string): number {
  const ms = at.getTime();
  const days = cacheFor(dayOffsets, tz);
  const day = Math.floor(ms / DAY);
  let offset = days.get(day);
  if (offset === undefined) {
    const start = intlOffset(day * DAY, tz);
    offset = start === intlOffset(day * DAY + DAY - 1000, tz) ? start : MIXED;
    days.set(day, offset);
  }
  if (!Number.isNaN(offset)) return offset;
  const quarters = cacheFor(quarterOffsets, tz);
  const quarter = Math.floor(ms / QUARTER_HOUR);
  let q = quarters.get(quarter);
  if (q === undefined) quarters.set(quarter, (q = intlOffset(quarter * QUARTER_HOUR, tz)));
  return q;
}

/** The wall-clock fields of an instant in a timezone. */
export function localParts(at: Date, tz: string): LocalParts {
  const wall = new Date(at.getTime() + offsetAt(at, tz));
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
    weekday: wall.getUTCDay(),
  };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The local calendar date of an instant, as YYYY-MM-DD. */
export function localDate(at: Date, tz: string): string {
  const p = localParts(at, tz);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** The local time of day of an instant, as HH:MM. */
export function localTime(at: Date, tz: string): string {
  const p = localParts(at, tz);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}


/** The instant at which the wall clock in `tz` shows this date and time (the later one in a DST gap or overlap). */
export function zonedTime(date: string, time: string, tz: string): Date {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi, s = 0] = time.split(':').map(Number) as [number, number, number?];
  const guess = Date.UTC(y, mo - 1, d, h, mi, s);
  let t = guess - offsetAt(new Date(guess), tz);
  const corrected = guess - offsetAt(new Date(t), tz);
  if (corrected !== t) t = corrected;
  return new Date(t);
}

/** The instant a local date starts (00:00) in the timezone. */
export function startOfLocalDay(date: string, tz: string): Date {
  return zonedTime(date, '00:00', tz);
}

/** A YYYY-MM-DD date moved by whole days. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** An instant moved by calendar months in the timezone, keeping the local wall-clock time (day clamped to the month's end). */
export function addMonths(at: Date, months: number, tz: string): Date {
  const p = localParts(at, tz);
  const total = p.year * 12 + (p.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(p.day, lastDay);
  return zonedTime(`${pad(year, 4)}-${pad(month)}-${pad(day)}`, `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`, tz);
}

/** The local month of an instant, as YYYY-MM. */
export function localMonth(at: Date, tz: string): string {
  return localDate(at, tz).slice(0, 7);
}

/** True when local time `hhmm` falls in the window [from, to), which may wrap past midnight (21:00–09:00). */
export function inWindow(hhmm: string, from: string, to: string): boolean {
  return from <= to ? hhmm >= from && hhmm < to : hhmm >= from || hhmm < to;
}

/** An instant as ISO 8601 with the timezone's offset, e.g. 2026-03-01T09:00:00+08:00. */
export function isoInZone(at: Date, tz: string): string {
  const p = localParts(at, tz);
  const off = offsetAt(at, tz) / 60_000;
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
