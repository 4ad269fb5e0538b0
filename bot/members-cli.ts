// `hearth members export|erase|link|unlink`: a member's data rights and one person's identities from a terminal, over
// the bot's database (it may run beside a running bot: each is one short transaction, and none takes the instance lock).
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from './config';
import { loadProgram } from './program-file';
import { systemClock } from './core/clock';
import { HearthError } from './core/errors';
import { parseRef, refsInclude, type Ref } from '../community/refs';
import { openDatabase, type Db } from '../store/db';
import { findMemberByPlatformId, identitiesOf, type MemberRow } from '../store/members';
import { eraseMember, exportMemberData, memberDataSummary } from '../store/member-data';
import { linkMembers, unlinkIdentity } from '../store/member-links';
import { SHOP_CHANNEL } from '../store/binding';

const usage =
  'usage: hearth members export MEMBER [--db FILE]\n' +
  '       hearth members erase MEMBER [--yes] [--db FILE] [--program FILE]\n' +
  '       hearth members link MEMBER MEMBER [--yes] [--db FILE] [--program FILE]   (two identities of one person become one member)\n' +
  '       hearth members unlink MEMBER [--yes] [--db FILE]   (undo the merge that brought MEMBER in, if nothing happened since)\n' +
  '  MEMBER is channel:id (telegram:123456, wecom:zhangsan, shop:CUSTOMER) or a bare console id';

/** A member named on the command line: a chat identity, or a shop customer (`shop:NUMBER`). */
function memberRef(text: string): ReturnType<typeof parseRef> {
  const shop = `${SHOP_CHANNEL}:`;
  if (text.startsWith(shop) && text.length > shop.length && !/\s/.test(text)) return { channel: SHOP_CHANNEL, id: text.slice(shop.length) };
  return parseRef(text);
}

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
  const [action, ...refTexts] = positionals;
  const arity = { export: 1, erase: 1, link: 2, unlink: 1 }[action ?? ''];
  if (arity === undefined || refTexts.length !== arity || (action === 'export' && values.yes)) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const refs: Ref[] = [];
  for (const text of refTexts) {
    const ref = memberRef(text);
    if ('problem' in ref) {
      process.stderr.write(`hearth members: ${ref.problem}\n`);
      return 2;
    }
    refs.push(ref);
  }
  const ref = refs[0]!;
  const config = loadConfig();
  const db = openDatabase(values.db ?? config.HEARTH_DB);
  try {
    if (action === 'link') return await link(db, refs[0]!, refs[1]!, values);
    if (action === 'unlink') return await unlink(db, ref, values);
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
  if (!(await confirmed('Erase their personal data? This cannot be undone.', 'erase', options.yes))) return 2;
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

/** Confirm on a terminal (or `--yes`): false, with a line saying so, when not confirmed. */
async function confirmed(what: string, word: string, yes: boolean | undefined): Promise<boolean> {
  if (yes) return true;
  if (process.stdin.isTTY !== true) {
    process.stderr.write(`hearth members: run it on a terminal to confirm, or pass --yes\n`);
    return false;
  }
  const answer = await askOnTerminal(`${what} Type "${word}" to confirm: `);
  if (answer.trim().toLowerCase() === word) return true;
  process.stderr.write(`hearth members: nothing changed\n`);
  return false;
}

function describe(db: Db, member: MemberRow, named: string): string {
  const s = memberDataSummary(db, member.id);
  return `${named} is member #${member.id} "${member.name}" (${identitiesOf(db, member.id).map((i) => `${i.channel}:${i.platformId}`).join(', ')}): ${s.balance} points, ${s.checkins} check-ins, ${s.badges} badges, ${s.tickets} tickets.`;
}

async function link(db: Db, one: Ref, other: Ref, options: { yes?: boolean; program?: string }): Promise<number> {
  const members = [one, other].map((r) => ({ r, m: findMemberByPlatformId(db, r.channel, r.id) }));
  for (const { r, m } of members) {
    if (!m) {
      process.stderr.write(`hearth members: no member is known as ${r.channel}:${r.id}\n`);
      return 1;
    }
  }
  const [a, b] = members.map((x) => x.m!);
  if (a!.id === b!.id) {
    process.stdout.write(`${one.channel}:${one.id} and ${other.channel}:${other.id} are already one member (#${a!.id}): nothing changed\n`);
    return 0;
  }
  process.stderr.write(`${members.map(({ r, m }) => describe(db, m!, `${r.channel}:${r.id}`)).join('\n')}\n`);
  if (!(await confirmed('Merge them into one member (the older stays)?', 'link', options.yes))) return 2;
  const program = loadProgram(options.program ?? loadConfig().HEARTH_PROGRAM);
  const done = linkMembers(db, one, other, systemClock.now(), program.tiers.map((t) => t.id));
  switch (done.status) {
    case 'linked': {
      const s = done.summary;
      const notes = [
        `${s.points} points moved`,
        s.duplicateDays > 0 ? `${s.duplicateDays} day(s) checked in on both counted once` : '',
        s.voidedReferral ? 'the referral between them voided' : '',
        s.taken > 0 ? `${s.taken} duplicate points taken back` : '',
        s.role ? `role now ${s.role}` : '',
      ].filter(Boolean);
      process.stdout.write(`member #${s.absorbed} merged into #${s.survivor}: ${notes.join('; ')} (audit #${done.auditId}; undo with hearth members unlink)\n`);
      return 0;
    }
    case 'already':
      process.stdout.write(`already one member (#${done.memberId}): nothing changed\n`);
      return 0;
    case 'unknown':
      process.stderr.write(`hearth members: no member is known as ${done.ref}\n`);
      return 1;
    case 'erased':
      process.stderr.write(`hearth members: ${done.ref} was erased; an erased member cannot be merged\n`);
      return 1;
  }
}

async function unlink(db: Db, ref: Ref, options: { yes?: boolean }): Promise<number> {
  const named = `${ref.channel}:${ref.id}`;
  const member = findMemberByPlatformId(db, ref.channel, ref.id);
  if (!member) {
    process.stderr.write(`hearth members: no member is known as ${named}\n`);
    return 1;
  }
  process.stderr.write(`${describe(db, member, named)}\n`);
  if (!(await confirmed(`Undo the merge that brought ${named} into this member?`, 'unlink', options.yes))) return 2;
  const done = unlinkIdentity(db, ref, systemClock.now());
  switch (done.status) {
    case 'unlinked':
      process.stdout.write(`member #${done.restored} (${done.identities.join(', ')}) is its own member again, as before the merge; #${done.survivor} is as it was\n`);
      return 0;
    case 'not-linked':
      process.stderr.write(`hearth members: ${named} did not come into its member by a merge: nothing to undo\n`);
      return 1;
    case 'active':
      process.stderr.write(`hearth members: the member was active after the merge, so it cannot be undone from the record; correct points with /grant\n`);
      return 1;
    case 'later-link':
      process.stderr.write(`hearth members: a later merge into this member came after; undo that one first\n`);
      return 1;
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
