// Quiet hours: when a message the bot starts on its own may go out.
import { addDays, inWindow, localDate, localTime, zonedTime } from './calendar';

/** The earliest instant at or after `at` outside the quiet window (e.g. 21:00–09:00) in the timezone. */
export function quietHoursEnd(at: Date, tz: string, quiet: { from: string; to: string }): Date {
  const hhmm = localTime(at, tz);
  if (!inWindow(hhmm, quiet.from, quiet.to)) return at;
  const today = localDate(at, tz);
  // Past midnight the window ends today; before midnight it ends tomorrow (for a window that wraps).
  const endDay = quiet.from > quiet.to && hhmm >= quiet.from ? addDays(today, 1) : today;
  return zonedTime(endDay, quiet.to, tz);
}
