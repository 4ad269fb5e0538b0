// Shared helpers for the community-life skill tests: replay on a file database, then read what the store holds.
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { eq } from 'drizzle-orm';
import { replay, tempDir, program as defaultProgram } from '../harness';
import { inviteSecret } from '../../store/invites';
import { openDatabase, type Db } from '../../store/db';
import { findMemberByPlatformId } from '../../store/members';
import { balanceOf, entriesOf } from '../../store/ledger';
import { ledgerEntries } from '../../store/schema';
import type { Program } from '../../community/program';
import type { ModelSetup } from '../../bot/core/assistant';
import type { ReplayOutput } from '../../bot/channels/replay';

const opened: Db[] = [];
afterEach(() => {
  while (opened.length > 0) opened.pop()!.$client.close();
});

/** Run replay events on a database file that stays for inspection; `db` reads it afterwards. */
export async function replayOnFile(
  events: Record<string, unknown>[],
  options: { program?: Program; path?: string; llm?: ModelSetup } = {},
): Promise<{ out: ReplayOutput[]; path: string; db: Db; balance(platformId: string): number; reasons(platformId: string): string[] }> {
  const path = options.path ?? join(tempDir(), 'community.db');
  if (!options.path) {
    // As replay's own throwaway database: a fixed invite secret, so scripts can name the codes a run hands out.
    const fresh = openDatabase(path);
    inviteSecret(fresh, 'replay');
    fresh.$client.close();
  }
  const out = await replay(events, { program: options.program ?? defaultProgram(), dbPath: path, llm: options.llm });
  const db = openDatabase(path);
  opened.push(db);
  const memberId = (pid: string) => {
    const m = findMemberByPlatformId(db, 'console', pid);
    if (!m) throw new Error(`no member ${pid}`);
    return m.id;
  };
  return {
    out,
    path,
    db,
    balance: (pid) => balanceOf(db, memberId(pid)),
    reasons: (pid) => entriesOf(db, memberId(pid)).map((e) => `${e.reason}:${e.points}`),
  };
}

/** Ledger entries with a reason. */
export function entriesWithReason(db: Db, reason: string) {
  return db.select().from(ledgerEntries).where(eq(ledgerEntries.reason, reason)).all();
}
