// Helpers for the points, redeem, grant, orders and tiers tests: replay onto a kept database file, then read it back.
import { join } from 'node:path';
import { replay, tempDir, program } from '../harness';
import { openDatabase, type Db } from '../../store/db';
import { findMemberByPlatformId } from '../../store/members';
import type { Program } from '../../community/program';

export const at = (d: number, time: string, month = 3) => `2026-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}T${time}:00+08:00`;
export const purchase = (orderId: string, when: string, member: string, amount: number) => ({ type: 'purchase', at: when, member, orderId, amount });
export const refund = (orderId: string, when: string, member: string, amount: number) => ({ type: 'refund', at: when, member, orderId, amount });

/** Run events on a database file that stays for inspection; `db` is opened after the run. */
export async function replayKept(events: Record<string, unknown>[], options: { program?: Program } = {}) {
  const path = join(tempDir(), 'kept.db');
  const out = await replay(events, { program: options.program ?? program(), dbPath: path });
  const db = openDatabase(path);
  return { out, db, memberId: (platformId: string) => findMemberByPlatformId(db, 'console', platformId)!.id, close: () => db.$client.close() };
}

/** Ledger rows of a member as plain objects, oldest first. */
export function ledgerRows(db: Db, memberId: number): { kind: string; points: number; growth: number; key: string; reason: string }[] {
  return db.$client
    .prepare('SELECT kind, points, growth, key, reason FROM ledger_entries WHERE member_id = ? ORDER BY id')
    .all(memberId) as { kind: string; points: number; growth: number; key: string; reason: string }[];
}
