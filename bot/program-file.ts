// Loads a program file (YAML or JSON) and validates it; a mistake names the file, the line and what is wrong.
// Whatever the file holds, the answer is a Program or HearthError('bad_program'), never a crash.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import cron from 'node-cron';
import { LineCounter, parseDocument, isMap, isNode, isScalar, visit, type Document } from 'yaml';
import { programSchema, type Program } from '../community/program';
import { startOfLocalDay } from '../community/calendar';
import { HearthError } from './core/errors';
import { nextCronRun } from '../community/cron';
import { copyOverrideProblems, type Catalog } from './core/copy';
import { CATALOGS } from '../skills/catalogs';
import { runtimeCopy } from './copy';

/** Every catalog of words: the runtime's and each skill's. */
export const ALL_CATALOGS: readonly Catalog[] = [runtimeCopy, ...CATALOGS];

/** The program shipped with Hearth (DESIGN.md's default program). */
export const defaultProgramPath = fileURLToPath(new URL('../program/default.yaml', import.meta.url));

// A real program is a few kilobytes; anything near a megabyte is a wrong file or an attack on the parser.
const MAX_BYTES = 1024 * 1024;
// Anchors and aliases are handy for repeated templates; an "alias bomb" nests them to expand without end.
const MAX_ALIASES = 100;
// Enough to show every mistake of a real file without printing a wrong file's every line.
const MAX_PROBLEMS = 50;
const CRON_FORMAT = '(minute hour day month weekday, e.g. "0 10 * * *")';

/** Parse and validate program text; throws HearthError('bad_program') listing every mistake as `file:line: what`. */
export function parseProgram(text: string, file = 'program'): Program {
  if (Buffer.byteLength(text, 'utf8') > MAX_BYTES) fail([`${file}:1: the program file is larger than 1 MB; a program is a few kilobytes (is this the right file?)`]);
  const lines = new LineCounter();
  let doc: Document.Parsed | undefined;
  try {
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
    if (doc.errors.length > 0) {
      // Once the parser runs out of stack, what it says after that is noise.
      const exhausted = doc.errors.find((e) => e.code === 'RESOURCE_EXHAUSTION');
      fail(
        (exhausted ? [exhausted] : doc.errors).map((e) => {
          const reason = e.code === 'RESOURCE_EXHAUSTION' ? 'the file is nested too deeply to read' : e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
          return `${file}:${e.linePos?.[0]?.line ?? 1}: ${reason}`;
        }),
      );
    }
    const value: unknown = doc.toJS({ maxAliasCount: MAX_ALIASES });
    if (value === null || value === undefined) fail([`${file}:1: the program file is empty (start from a copy of program/default.yaml)`]);
    const result = programSchema.safeParse(value);
    if (!result.success) {
      fail(
        result.error.issues.map((issue) => {
          const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
          const where = path.length > 0 ? ` (${path.join('.')})` : '';
          return `${file}:${lineOf(doc!, path, lines) ?? 1}: ${issue.message}${where}`;
        }),
      );
    }
    const at = (path: (string | number)[]) => `${file}:${lineOf(doc!, path, lines) ?? 1}`;
    const problems = [
      ...scheduleProblems(result.data, at),
      ...copyOverrideProblems(result.data.copy, ALL_CATALOGS).map((p) => `${at(['copy', p.key, ...(p.lang ? [p.lang] : [])])}: ${p.problem} (copy.${p.key}${p.lang ? `.${p.lang}` : ''})`),
    ];
    if (problems.length > 0) fail(problems);
    return result.data;
  } catch (err) {
    if (err instanceof HearthError) throw err;
    const aliases = doc !== undefined && err instanceof Error && /alias/i.test(err.message);
    fail([`${file}:${(aliases && firstAliasLine(doc!, lines)) || 1}: ${unreadable(err)}`]);
  }
}

/** Read and validate a program file; the default program when no path is given. */
export function loadProgram(path: string = defaultProgramPath): Program {
  let text: string;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new Error('not a regular file');
    if (stat.size > MAX_BYTES) fail([`${path}:1: the program file is larger than 1 MB (${stat.size} bytes); a program is a few kilobytes (is this the right file?)`]);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof HearthError) throw err;
    throw new HearthError('bad_program', `${path}: cannot read the program file (${(err as Error).message})`);
  }
  return parseProgram(text, path);
}

function fail(problems: string[]): never {
  const shown = problems.length > MAX_PROBLEMS ? [...problems.slice(0, MAX_PROBLEMS), `… and ${problems.length - MAX_PROBLEMS} more`] : problems;
  throw new HearthError('bad_program', shown.join('\n'), { problems });
}

// The parser's own failures, said plainly: an alias bomb, nesting deeper than the stack, anything else.
function unreadable(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/alias/i.test(message)) return `too many aliases (*name): the file expands to more than ${MAX_ALIASES} copies of its anchors (${message})`;
  if (err instanceof RangeError && /call stack/i.test(message)) return 'the file is nested too deeply to read';
  return `cannot read the program file (${message})`;
}

// Where an alias problem starts: the first *alias in the file.
function firstAliasLine(doc: Document.Parsed, lines: LineCounter): number | undefined {
  let line: number | undefined;
  try {
    visit(doc, {
      Alias(_, node) {
        if (node.range) line = lines.linePos(node.range[0]).line;
        return visit.BREAK;
      },
    });
  } catch {
    return undefined;
  }
  return line;
}

// The scheduler takes what zod cannot check: the timezone must work with it, and every nudge rule's schedule must be a
// cron expression it accepts that runs at least once a year.
function scheduleProblems(program: Program, at: (path: (string | number)[]) => string): string[] {
  const tz = program.timezone;
  try {
    nextCronRun('0 0 * * *', tz, new Date(Date.UTC(2024, 0, 1)));
  } catch (err) {
    return [`${at(['timezone'])}: timezone "${tz}" cannot be used to schedule work (${(err as Error).message})`];
  }
  const problems: string[] = [];
  program.nudges.rules.forEach((rule, i) => {
    const problem = cronProblem(rule.schedule, tz);
    if (problem) problems.push(`${at(['nudges', 'rules', i, 'schedule'])}: nudge rule "${rule.id}": schedule "${rule.schedule}" ${problem}`);
  });
  return problems;
}

// Every program load asks about the same few schedules (tests load the default hundreds of times).
const cronProblems = new Map<string, string | undefined>();

function cronProblem(expression: string, tz: string): string | undefined {
  const key = `${tz} ${expression}`;
  if (!cronProblems.has(key)) {
    if (cronProblems.size >= 256) cronProblems.clear();
    cronProblems.set(key, findCronProblem(expression, tz));
  }
  return cronProblems.get(key);
}

function findCronProblem(expression: string, tz: string): string | undefined {
  const check = cron.validateDetailed(expression);
  if (!check.valid || !check.fields) {
    const impossible = check.errors.find((e) => /impossible day/.test(e.message));
    if (impossible) return `never runs: day ${impossible.value ?? ''} does not occur in ${expression.includes(',') ? 'those months' : 'that month'}`;
    return `is not a valid cron expression ${CRON_FORMAT}`;
  }
  const f = check.fields;
  // nextCronRun tries every time of day on each day it looks at: hundreds of runs a day make a check take seconds, and
  // a nudge is about days (the caps count per day), so more than hourly only repeats the same work.
  if (f.second.length * f.minute.length * f.hour.length > 24) return `runs more than 24 times a day: a nudge rule runs at most once an hour ${CRON_FORMAT}`;
  // Which years to try: with every day of the month, any weekday comes round in each month (node-cron needs both day
  // and weekday to match). A day of the month alone may be 29 February: a leap year and a common one. Both together
  // may skip years: 28 years hold every arrangement of weekdays and leap days (until 2100).
  const years = f.dayOfMonth.length === 31 ? 1 : f.dayOfWeek.length === 7 ? 2 : 28;
  for (let year = 2024; year < 2024 + years; year++) {
    const start = startOfLocalDay(`${year}-01-01`, tz);
    const end = startOfLocalDay(`${year + 1}-01-01`, tz);
    let next: Date;
    try {
      next = nextCronRun(expression, tz, new Date(start.getTime() - 1));
    } catch {
      next = end;
    }
    if (next.getTime() >= end.getTime()) return `does not run every year (not in ${year}): a nudge rule must run at least once a year`;
  }
  return undefined;
}

// The deepest node that exists on the path gives the line: a missing key points at its parent.
function lineOf(doc: Document.Parsed, path: (string | number)[], lines: LineCounter): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    // A mapping entry is pointed at by its key: that is where a reader looks (the value may start lines below).
    const parent = depth === 0 ? undefined : depth === 1 ? doc.contents : doc.getIn(path.slice(0, depth - 1), true);
    const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && p.key.value === path[depth - 1]) : undefined;
    const node = pair?.key ?? (depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true));
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}
