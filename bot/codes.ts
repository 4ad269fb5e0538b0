// Redemption codes for the shop: check a code (valid, used or unknown; its reward and member) and use it once — the
// logic behind the signed `POST /codes/check` and `POST /codes/use` and `hearth codes show|use CODE`.
import { parseArgs } from 'node:util';
import type { Program } from '../community/program';
import { localDate } from '../community/calendar';
import { inTransaction, openDatabase, type Db } from '../store/db';
import { codeUseRef, markCodeUsed, redemptionByCode, shopCustomerOf } from '../store/codes';
import { loadConfig } from './config';
import { loadProgram } from './program-file';
import { systemClock } from './core/clock';

/** What a code is: unknown, or valid (not used yet) or used, with its reward, member and dates. */
export type CodeStatus =
  | { status: 'unknown'; code: string }
  | {
      status: 'valid' | 'used';
      code: string;
      reward: { id: string; name: { zh: string; en: string }; kind: 'voucher' | 'makeup-card' };
      /** The member number (Hearth's own id of the member). */
      member: number;
      /** The shop customer number bound to the member, when there is one. */
      customer?: string;
      redeemedAt: Date;
      usedAt?: Date;
      /** The order (or other reference) it was used for. */
      usedFor?: string;
    };

/** A code Hearth issued. */
export type KnownCode = Exclude<CodeStatus, { status: 'unknown' }>;

/** What using a code did. */
export type CodeUse =
  | { outcome: 'used'; code: KnownCode }
  | { outcome: 'already-used'; sameUse: boolean; code: KnownCode }
  | { outcome: 'unknown'; code: string }
  | { outcome: 'not-for-shop'; code: KnownCode };

/** A code as typed: upper case, no spaces; "hx7k2m9qxd" and "HX 7K2M 9QXD" are HX-7K2M-9QXD. */
export function normaliseCode(text: string): string {
  const t = text.normalize('NFKC').trim().toUpperCase().replace(/[\s_]+/g, '');
  const bare = t.replace(/-/g, '');
  return /^HX[A-Z0-9]{8}$/.test(bare) ? `HX-${bare.slice(2, 6)}-${bare.slice(6)}` : t;
}

/** Look a code up. */
export function checkCode(db: Db, program: Program, typed: string): CodeStatus {
  const code = normaliseCode(typed);
  const row = code === '' ? undefined : redemptionByCode(db, code);
  if (!row) return { status: 'unknown', code };
  const reward = program.rewards.find((r) => r.id === row.rewardId);
  const customer = shopCustomerOf(db, row.memberId);
  return {
    status: row.usedAt === null ? 'valid' : 'used',
    code,
    reward: { id: row.rewardId, name: reward?.name ?? { zh: row.rewardId, en: row.rewardId }, kind: reward?.kind ?? 'voucher' },
    member: row.memberId,
    ...(customer !== undefined ? { customer } : {}),
    redeemedAt: new Date(row.at),
    ...(row.usedAt !== null ? { usedAt: new Date(row.usedAt) } : {}),
    ...(row.usedAt !== null ? withUsedFor(codeUseRef(db, code)) : {}),
  };
}

function withUsedFor(ref: string | undefined): { usedFor?: string } {
  return ref !== undefined ? { usedFor: ref } : {};
}

/**
 * Use a code once, for `ref` (the shop's order id). A second use is refused (`already-used`); the same use again — the
 * same `ref` — is recognised (`sameUse`), so a shop retrying after a lost answer knows it went through. Make-up cards
 * are used in chat (补签), never by the shop.
 */
export function useCode(db: Db, program: Program, typed: string, now: Date, ref: string | undefined, via: string): CodeUse {
  return inTransaction(db, (): CodeUse => {
    const before = checkCode(db, program, typed);
    if (before.status === 'unknown') return { outcome: 'unknown', code: before.code };
    if (before.status === 'used') return { outcome: 'already-used', sameUse: ref !== undefined && before.usedFor === ref, code: before };
    if (before.reward.kind === 'makeup-card') return { outcome: 'not-for-shop', code: before };
    markCodeUsed(db, before.code, now, ref, via);
    const after = checkCode(db, program, before.code);
    return { outcome: 'used', code: after as KnownCode };
  });
}

/** A code's status as JSON for the shop (times in ISO 8601). */
export function codeJson(s: CodeStatus): Record<string, unknown> {
  if (s.status === 'unknown') return { code: s.code, status: 'unknown' };
  return {
    code: s.code,
    status: s.status,
    reward: { id: s.reward.id, name: s.reward.name },
    member: s.member,
    ...(s.customer !== undefined ? { customer: s.customer } : {}),
    redeemedAt: s.redeemedAt.toISOString(),
    ...(s.usedAt ? { usedAt: s.usedAt.toISOString() } : {}),
    ...(s.usedFor !== undefined ? { usedFor: s.usedFor } : {}),
  };
}

const CODE_EXAMPLE = '{"code":"HX-7K2M-9QXD","orderId":"SO-1001"}';

/** The code and order of a shop request's body, or why they are unusable. */
export function codeRequest(raw: Record<string, unknown>): { ok: true; code: string; ref?: string } | { ok: false; reason: string } {
  const code = raw.code;
  if (typeof code !== 'string' || code.trim() === '' || code.length > 64) return { ok: false, reason: `code must be the redemption code, e.g. ${CODE_EXAMPLE}` };
  const v = raw.orderId;
  if (v === undefined) return { ok: true, code };
  if (typeof v === 'string' && v.trim() !== '' && v.length <= 128) return { ok: true, code, ref: v.trim() };
  if (typeof v === 'number' && Number.isSafeInteger(v)) return { ok: true, code, ref: String(v) };
  return { ok: false, reason: 'orderId, when given, is the shop order the code pays for (a string of up to 128 characters)' };
}

const usage =
  'usage: hearth codes show CODE [--db FILE] [--program FILE]\n' +
  '       hearth codes use CODE [--order ORDER] [--db FILE] [--program FILE]   (marks it used, once)';

function describe(s: CodeStatus, program: Program): string {
  if (s.status === 'unknown') return `${s.code}: unknown code`;
  const tz = program.timezone;
  const who = s.customer !== undefined ? `member ${s.member} (shop customer ${s.customer})` : `member ${s.member}`;
  const used = s.usedAt ? `used ${localDate(s.usedAt, tz)}${s.usedFor ? ` for order ${s.usedFor}` : ''}` : 'not used yet';
  return `${s.code}: ${s.reward.name.en} (${s.reward.id}) for ${who}, redeemed ${localDate(s.redeemedAt, tz)}, ${used}`;
}

/** `hearth codes show|use CODE`: exit 0 when shown or used, 1 when unknown or refused, 2 on bad usage. */
export async function runCodesCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { db: { type: 'string' }, program: { type: 'string' }, order: { type: 'string' } } });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [action, code, ...extra] = positionals;
  if ((action !== 'show' && action !== 'use') || code === undefined || extra.length > 0 || (action === 'show' && values.order !== undefined)) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const config = loadConfig();
  const program = loadProgram(values.program ?? config.HEARTH_PROGRAM);
  const db = openDatabase(values.db ?? config.HEARTH_DB);
  try {
    if (action === 'show') {
      const s = checkCode(db, program, code);
      process.stdout.write(`${describe(s, program)}\n`);
      return s.status === 'unknown' ? 1 : 0;
    }
    const use = useCode(db, program, code, systemClock.now(), values.order, 'cli');
    switch (use.outcome) {
      case 'unknown':
        process.stderr.write(`hearth codes: no redemption code "${use.code}"\n`);
        return 1;
      case 'not-for-shop':
        process.stderr.write(`hearth codes: ${use.code.code} is a make-up card: the member uses it in chat (补签), not at the shop\n`);
        return 1;
      case 'already-used':
        if (use.sameUse) {
          process.stdout.write(`${describe(use.code, program)} (already, nothing changed)\n`);
          return 0;
        }
        process.stderr.write(`hearth codes: refused, already used — ${describe(use.code, program)}\n`);
        return 1;
      case 'used':
        process.stdout.write(`used: ${describe(use.code, program)}\n`);
        return 0;
    }
  } finally {
    db.$client.close();
  }
}
