// Support hours (pure): when people are at the desk — daily or per weekday hours and holidays in the program's
// timezone — whether it is open at `now`, when it next opens, and how many support minutes lie between two instants
// (the SLA clocks count only those). No `support` block in the program means always open.
import { addDays, localDate, localParts, zonedTime } from './calendar';

/** The weekdays as a program writes them, Sunday first (the index is the JavaScript weekday). */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The program's `support` block: hours ("09:00-21:00", several as "09:00-12:00,13:00-18:00", or "closed"), or per weekday; holiday dates. */
export interface SupportHours {
  hours: string | Partial<Record<Weekday, string>>;
  holidays?: readonly string[];
}

/** One opening of a day, as local HH:MM; `to` may be 24:00. */
export interface Span {
  from: string;
  to: string;
}

const rangePattern = /^([01]\d|2[0-3]):([0-5]\d)\s*[-–~]\s*(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** The spans of an hours text ("09:00-12:00, 13:00-18:00"; "closed" is none), or a problem with it. */
export function parseSpans(text: string): Span[] | { problem: string } {
  const t = text.trim().toLowerCase();
  if (t === 'closed' || t === '') return [];
  const spans: Span[] = [];
  for (const part of t.split(/\s*[,，;]\s*/)) {
    const m = rangePattern.exec(part);
    if (!m) return { problem: `"${part}" is not a range of local times like "09:00-21:00"` };
    const [from, to] = part.split(/\s*[-–~]\s*/) as [string, string];
    if (to <= from) return { problem: `"${part}" ends before it starts (a span past midnight is two spans: "21:00-24:00" and "00:00-02:00" the next day)` };
    if (spans.length > 0 && from < spans[spans.length - 1]!.to) return { problem: `"${part}" overlaps the span before it` };
    spans.push({ from, to });
  }
  return spans;
}

function spansOn(support: SupportHours, date: string, weekday: number): Span[] {
  if (support.holidays?.includes(date)) return [];
  const text = typeof support.hours === 'string' ? support.hours : (support.hours[WEEKDAYS[weekday]!] ?? 'closed');
  const spans = parseSpans(text);
  return Array.isArray(spans) ? spans : [];
}

/** The open intervals of a local date, as instants. */
function openingsOn(support: SupportHours, tz: string, date: string): [Date, Date][] {
  const weekday = localParts(zonedTime(date, '12:00', tz), tz).weekday;
  return spansOn(support, date, weekday).map((s) => [
    zonedTime(date, s.from, tz),
    s.to === '24:00' ? zonedTime(addDays(date, 1), '00:00', tz) : zonedTime(date, s.to, tz),
  ]);
}

/** How far ahead the desk is looked for: a program closed for longer is treated as never opening. */
const HORIZON_DAYS = 400;

/** True when support is open at `now` (always, without a support block). */
export function isSupportOpen(support: SupportHours | undefined, tz: string, now: Date): boolean {
  if (!support) return true;
  return openingsOn(support, tz, localDate(now, tz)).some(([a, b]) => a <= now && now < b);
}

/** When support is next open: `now` itself while open; undefined when it never opens (no hours in the next 400 days). */
export function nextSupportOpening(support: SupportHours | undefined, tz: string, now: Date): Date | undefined {
  if (!support) return now;
  const today = localDate(now, tz);
  for (let d = 0; d <= HORIZON_DAYS; d++) {
    for (const [a, b] of openingsOn(support, tz, addDays(today, d))) {
      if (b > now) return a > now ? a : now;
    }
  }
  return undefined;
}

/** Minutes of support time between two instants (all of them without a support block). */
export function supportMinutesBetween(support: SupportHours | undefined, tz: string, from: Date, to: Date): number {
  if (to <= from) return 0;
  if (!support) return (to.getTime() - from.getTime()) / 60_000;
  let ms = 0;
  const last = localDate(to, tz);
  for (let date = localDate(from, tz), d = 0; date <= last && d <= HORIZON_DAYS * 10; date = addDays(date, 1), d++) {
    for (const [a, b] of openingsOn(support, tz, date)) {
      const start = Math.max(a.getTime(), from.getTime());
      const end = Math.min(b.getTime(), to.getTime());
      if (end > start) ms += end - start;
    }
  }
  return ms / 60_000;
}

/**
 * The instant when `minutes` of support time have passed since `from` (an SLA clock's due time): `from` plus the
 * minutes while open, else counted from the next opening. Undefined when support never opens again.
 */
export function afterSupportMinutes(support: SupportHours | undefined, tz: string, from: Date, minutes: number): Date | undefined {
  if (!support) return new Date(from.getTime() + minutes * 60_000);
  let left = minutes * 60_000;
  const today = localDate(from, tz);
  for (let d = 0; d <= HORIZON_DAYS; d++) {
    for (const [a, b] of openingsOn(support, tz, addDays(today, d))) {
      if (b <= from) continue;
      const start = Math.max(a.getTime(), from.getTime());
      const span = b.getTime() - start;
      if (span >= left) return new Date(start + left);
      left -= span;
    }
  }
  return undefined;
}
