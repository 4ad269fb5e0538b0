// `hearth members export|erase <member>`: a member's data rights from a terminal, over the bot's database (it may run
// beside a running bot: each is one short transaction, and neither takes the instance lock).
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from './config';
import { loadProgram } from './program-file';
import { systemClock } from './core/clock';
import { HearthError } from './core/errors';
import { parseRef, refsInclude } from '../community/refs';
import { openDatabase, type Db } from '../store/db';
import { findMemberByPlatformId, identitiesOf, type MemberRow } from '../store/members';
import { eraseMember, exportMemberData, memberDataSummary } from '../store/member-data';

const usage = 'usage: hearth members export MEMBER [--db FILE] | hearth members erase MEMBER [--yes] [--db FILE] [--program FILE]\n' +
  '  MEMBER is channel:id (telegram:123456, wecom:zhangsan) or a bare console id';

/** Run `hearth members …`; resolves to the exit code. */
export async function runMembersCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { yes: { type: 'boolean' }, db: { type: 'string' }, program: { type: 'string' } } });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [action, refText, ...extra] = positionals;
  if ((action !== 'export' && action !== 'erase') || !refText || extra.length > 0 || (action === 'export' && values.yes)) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const ref = parseRef(refText);
  if ('problem' in ref) {
    process.stderr.write(`hearth members: ${ref.problem}\n`);
    return 2;
  }
  const config = loadConfig();
  const db = openDatabase(values.db ?? config.HEARTH_DB);
  try {
    const member = findMemberByPlatformId(db, ref.channel, ref.id);
    if (!member) {
      process.stderr.write(`hearth members: no member is known as ${ref.channel}:${ref.id} (an erased member is no longer known by any id)\n`);
      return 1;
    }
    if (action === 'export') {
      process.stdout.write(`${JSON.stringify(readable(exportMemberData(db, member.id)), null, 2)}\n`);
      return 0;
    }
    return await erase(db, member, `${ref.channel}:${ref.id}`, values);
  } finally {
    db.$client.close();
  }
}

async function erase(
  db: Db,
  member: MemberRow,
  named: string,
  options: { yes?: boolean; program?: string },
): Promise<number> {
  const s = memberDataSummary(db, member.id);
  const ids = s.identities.map((i) => i.channel);
  const program = loadProgram(options.program ?? loadConfig().HEARTH_PROGRAM);
  const namedInProgram = identitiesOf(db, member.id).filter(
    (i) => refsInclude(program.managers, i.channel, i.platformId) || refsInclude(program.staff, i.channel, i.platformId),
  );
  const lines = [
    `${named} is member #${member.id} "${member.name}" (${ids.join(', ')}): ${s.balance} points, ${s.ledgerEntries} ledger entries, ${s.codes} codes, ${s.posts} posts, ${s.tickets} tickets.`,
  ];
  if (member.role !== 'member') lines.push(`They are ${member.role === 'manager' ? 'a manager' : 'staff'}: the role is removed with their data.`);
  if (namedInProgram.length > 0) lines.push(`They are named in the program file (managers/staff): remove ${namedInProgram.map((i) => `${i.channel}:${i.platformId}`).join(', ')} there too.`);
  process.stderr.write(`${lines.join('\n')}\n`);
  if (!options.yes) {
    if (process.stdin.isTTY !== true) {
      process.stderr.write('hearth members: erasing cannot be undone; run it on a terminal to confirm, or pass --yes\n');
      return 2;
    }
    const answer = await askOnTerminal(`Erase their personal data? This cannot be undone. Type "erase" to confirm: `);
    if (answer.trim().toLowerCase() !== 'erase') {
      process.stderr.write('hearth members: not erased\n');
      return 1;
    }
  }
  try {
    const done = eraseMember(db, member.id, systemClock.now(), { via: 'cli' });
    process.stdout.write(
      done.erased
        ? `erased member #${member.id}: ${done.identities} identities remembered as salted hashes${done.paid.length > 0 ? ` (already paid: ${done.paid.join(', ')})` : ''}; ledger totals kept\n`
        : `member #${member.id} was erased before: nothing changed\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof HearthError && err.code === 'forbidden') {
      process.stderr.write(`hearth members: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

async function askOnTerminal(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/** The export with times as ISO strings beside their stored milliseconds' names, and JSON columns as they are. */
function readable(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => readable(v));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, readable(v, k)]));
  }
  if (typeof value === 'number' && isTimeField(key)) return new Date(value).toISOString();
  return value;
}

function isTimeField(key: string): boolean {
  return key === 'at' || key === 'graceUntil' || key === 'notBefore' || /[a-z]At$/.test(key);
}
