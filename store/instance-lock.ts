// One running Hearth per database file: the bot holds an exclusive SQLite lock on `<db>.lock` for as long as it runs.
// The operating system releases it when the process ends, however it ends (a crash, SIGKILL), so a standby can take
// over; two processes can never both hold it. Short admin commands (import, role, members) do not take it.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { HearthError } from '../bot/core/errors';
import { statement, type Db } from './db';

/** A held lock; `release` gives it up (closing the process does too). */
export interface InstanceLock {
  release(): void;
}

/** Who holds a database, as the holder wrote it into the database's meta table. */
export interface Holder {
  pid: number;
  host: string;
  since: string;
}

/** Take the lock of the database at `dbPath` now; undefined when another process holds it. */
export function tryLockDatabase(dbPath: string): InstanceLock | undefined {
  if (dbPath === ':memory:') return { release: () => undefined };
  let lock: Database.Database;
  try {
    mkdirSync(dirname(dbPath), { recursive: true });
    lock = new Database(`${dbPath}.lock`, { timeout: 0 });
  } catch (err) {
    throw cannotLock(dbPath, err);
  }
  try {
    // In exclusive locking mode the first write keeps the file's lock until the connection closes.
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS held (since TEXT); COMMIT');
  } catch (err) {
    lock.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') return undefined;
    throw cannotLock(dbPath, err);
  }
  return { release: () => lock.close() };
}

function cannotLock(dbPath: string, err: unknown): HearthError {
  return new HearthError(
    'bad_config',
    `cannot write to the database ${dbPath}: its lock file ${dbPath}.lock cannot be used (${(err as Error).message}); check that the folder is writable by this user`,
  );
}

/** Wait until the lock is free (polling), calling `waiting` once if it is not free at first. */
export async function lockDatabase(dbPath: string, options: { waiting?: () => void; pollMs?: number; signal?: AbortSignal } = {}): Promise<InstanceLock | undefined> {
  let told = false;
  for (;;) {
    const lock = tryLockDatabase(dbPath);
    if (lock) return lock;
    if (!told) {
      told = true;
      options.waiting?.();
    }
    if (options.signal?.aborted) return undefined;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
  }
}

/** Write who holds the database (for a standby's or a refused command's message). */
export function noteHolder(db: Db, at: Date): void {
  const holder: Holder = { pid: process.pid, host: hostname(), since: at.toISOString() };
  statement<[string]>(db, "INSERT INTO meta (key, value) VALUES ('holder', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(JSON.stringify(holder));
}

/** Who last held the database, if anyone wrote it. */
export function holderOf(db: Db): Holder | undefined {
  const value = statement<[], string>(db, "SELECT value FROM meta WHERE key = 'holder'").pluck().get();
  try {
    return value ? (JSON.parse(value) as Holder) : undefined;
  } catch {
    return undefined;
  }
}
