// Keeping data only as long as it is needed: the daily prune of received texts, sent messages, closed tickets'
// transcripts, recent messages and shop signatures, in small batches; and backups (online, beside a running bot) and
// restoring one.
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { inTransaction, openDatabase, statement, type Db } from './db';
import { pruneInbox } from './inbox';
import { tryLockDatabase } from './instance-lock';
import { HearthError } from '../bot/core/errors';

/** Rows per transaction: small enough that a message never waits long for the write lock. */
export const RETENTION_BATCH = 5_000;

/** Between two batches the caller may yield (an async job lets the bot's messages through). */
export type BatchGap = () => Promise<void> | void;

/** How many rows each prune touched. */
export interface PruneCounts {
  inboxCleared: number;
  inboxDeleted: number;
  outboxDeleted: number;
  transcriptsBlanked: number;
  recentDeleted: number;
  signaturesDeleted: number;
}

/** Cut-offs: rows older than these go (or lose their text). */
export interface RetentionCutoffs {
  inboxPayloadBefore: Date;
  inboxKeysBefore: Date;
  sentBefore: Date;
  transcriptsBefore: Date;
  recentBefore: Date;
  signaturesBefore: Date;
}

/** Run every prune, batch by batch (one transaction each), calling `gap` between batches. */
export async function pruneRetained(db: Db, cut: RetentionCutoffs, gap: BatchGap = () => undefined, batch = RETENTION_BATCH): Promise<PruneCounts> {
  const inbox = await pruneInboxInSteps(db, cut.inboxPayloadBefore, cut.inboxKeysBefore, gap, batch);
  const sent = cut.sentBefore.getTime();
  // A pending row (neither sent nor given up) is never touched, however old: it is still to be delivered.
  const outboxDeleted = await repeat(db, gap, batch, () =>
    statement<[number, number, number]>(
      db,
      `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox
         WHERE (sent_at IS NOT NULL AND sent_at < ?) OR (failed_at IS NOT NULL AND failed_at < ?) ORDER BY id LIMIT ?)`,
    ).run(sent, sent, batch).changes,
  );
  // The ticket row, its times and rating stay for /stats; only the words go.
  const transcriptsBlanked = await repeat(db, gap, batch, () =>
    statement<[number, number]>(
      db,
      `UPDATE tickets SET transcript = '[]', detail = NULL WHERE id IN (SELECT id FROM tickets
         WHERE state = 'closed' AND closed_at < ? AND (transcript <> '[]' OR detail IS NOT NULL) ORDER BY id LIMIT ?)`,
    ).run(cut.transcriptsBefore.getTime(), batch).changes,
  );
  const recentDeleted = await repeat(db, gap, batch, () =>
    statement<[number, number]>(db, 'DELETE FROM recent_messages WHERE id IN (SELECT id FROM recent_messages WHERE at < ? ORDER BY id LIMIT ?)').run(
      cut.recentBefore.getTime(),
      batch,
    ).changes,
  );
  // Erased members keep no recent messages at all (one noted just after an erase would otherwise stay its full age).
  const erasedRecent = inTransaction(db, () =>
    statement(db, 'DELETE FROM recent_messages WHERE member_id IN (SELECT id FROM members WHERE erased_at IS NOT NULL)').run().changes,
  );
  const signaturesDeleted = await repeat(db, gap, batch, () =>
    statement<[number, number]>(db, 'DELETE FROM signed_requests WHERE rowid IN (SELECT rowid FROM signed_requests WHERE at < ? ORDER BY at LIMIT ?)').run(
      cut.signaturesBefore.getTime(),
      batch,
    ).changes,
  );
  return {
    inboxCleared: inbox.cleared,
    inboxDeleted: inbox.deleted,
    outboxDeleted,
    transcriptsBlanked,
    recentDeleted: recentDeleted + erasedRecent,
    signaturesDeleted,
  };
}

/** Run `step` (one transaction) until it touches fewer than `batch` rows; the total it touched. */
async function repeat(db: Db, gap: BatchGap, batch: number, step: () => number): Promise<number> {
  let total = 0;
  for (;;) {
    const n = inTransaction(db, step);
    total += n;
    if (n < batch) return total;
    await gap();
  }
}

/**
 * The inbox through `pruneInbox`, in steps of about `batch` handled rows: each step's cut-off is the handling time of
 * the row `batch` places past the previous step's, so one transaction never clears or deletes many more than that.
 */
async function pruneInboxInSteps(db: Db, payloadBefore: Date, keysBefore: Date, gap: BatchGap, batch: number): Promise<{ cleared: number; deleted: number }> {
  const end = Math.max(payloadBefore.getTime(), keysBefore.getTime());
  const next = statement<[number, number], number>(db, 'SELECT done_at FROM inbox WHERE done_at IS NOT NULL AND done_at >= ? ORDER BY done_at LIMIT 1 OFFSET ?').pluck();
  const total = { cleared: 0, deleted: 0 };
  for (let from = 0; ; ) {
    const found = next.get(from, batch);
    // Rows handled in the same millisecond share a cut-off: step past them rather than stand still.
    const cut = Math.min(end, found === undefined ? end : Math.max(found, from + 1));
    const done = inTransaction(db, () =>
      pruneInbox(db, new Date(Math.min(cut, payloadBefore.getTime())), new Date(Math.min(cut, keysBefore.getTime()))),
    );
    total.cleared += done.cleared;
    total.deleted += done.deleted;
    if (cut >= end) return total;
    from = cut;
    await gap();
  }
}

/**
 * Copy the database at `dbPath` to `file` with SQLite's online backup: a consistent copy while a bot is writing (it
 * needs no instance lock). The source is opened without migrating it, so a backup taken before an upgrade is the
 * database as it was. Written beside `file` first and renamed into place, so a failed backup never leaves half a file
 * under that name.
 */
export async function backupDatabase(dbPath: string, file: string): Promise<{ pages: number }> {
  if (resolve(file) === resolve(dbPath)) throw new HearthError('bad_input', 'the backup file must not be the database itself');
  if (!existsSync(dbPath)) throw new HearthError('not_found', `there is no database at ${dbPath}`);
  let source: Database.Database;
  try {
    source = new Database(dbPath, { fileMustExist: true });
  } catch (err) {
    throw new HearthError('bad_config', `cannot open the database ${dbPath} (${(err as Error).message})`);
  }
  const partial = `${file}.partial`;
  try {
    source.pragma('busy_timeout = 5000');
    // The rest in one step after the first: a bot's write between two steps would restart a page-by-page copy.
    const done = await source.backup(partial, { progress: () => 0x7fffffff });
    renameSync(partial, file);
    return { pages: done.totalPages };
  } catch (err) {
    rmSync(partial, { force: true });
    if (err instanceof HearthError) throw err;
    throw new HearthError('storage_failed', `the backup to ${file} failed: ${(err as Error).message}`);
  } finally {
    source.close();
  }
}

/**
 * Replace the database at `dbPath` with the backup `file`: refused (HearthError forbidden) while a Hearth holds the
 * database; the backup must open and pass `PRAGMA integrity_check` and look like a Hearth database. The old file's
 * -wal and -shm go with it, and the restored database is opened once so migrations bring it up to date.
 */
export function restoreDatabase(dbPath: string, file: string): { members: number } {
  if (resolve(file) === resolve(dbPath)) throw new HearthError('bad_input', 'the backup file is the database itself');
  if (!existsSync(file)) throw new HearthError('not_found', `there is no backup at ${file}`);
  const lock = tryLockDatabase(dbPath);
  if (!lock) throw new HearthError('forbidden', `${dbPath} is in use by a running Hearth: stop it before restoring`);
  const staged = `${dbPath}.restoring`;
  try {
    removeDatabaseFiles(staged);
    copyFileSync(file, staged);
    checkBackup(staged, file);
    removeDatabaseFiles(dbPath);
    renameSync(staged, dbPath);
    const db = openDatabase(dbPath);
    try {
      return { members: statement<[], number>(db, 'SELECT count(*) FROM members').pluck().get() ?? 0 };
    } finally {
      db.$client.close();
    }
  } finally {
    removeDatabaseFiles(staged);
    lock.release();
  }
}

function checkBackup(path: string, named: string): void {
  let check: Database.Database;
  try {
    check = new Database(path, { fileMustExist: true });
  } catch (err) {
    throw new HearthError('bad_input', `${named} does not open as a database (${(err as Error).message})`);
  }
  try {
    let result: string[];
    try {
      result = (check.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    } catch (err) {
      throw new HearthError('bad_input', `${named} is not a readable database (${(err as Error).message})`);
    }
    if (result.length !== 1 || result[0] !== 'ok') throw new HearthError('bad_input', `${named} failed the integrity check: ${result.slice(0, 3).join('; ')}`);
    const tables = check.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('members', 'ledger_entries')").pluck().all();
    if (tables.length !== 2) throw new HearthError('bad_input', `${named} is not a Hearth database (it has no members and ledger)`);
  } finally {
    check.close();
  }
}

function removeDatabaseFiles(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}
