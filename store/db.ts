// Opens the SQLite database (WAL on a file), applies drizzle-kit migrations, and hands out the typed handle.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';
import { HearthError } from '../bot/core/errors';
import type { StoreHandle } from '../bot/core/store';

type Driver = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

declare module '../bot/core/store' {
  /** The SQLite store: drizzle over better-sqlite3 (only store/ reaches into it). */
  interface StoreHandle extends Driver {}
}

/** The open store, as store/ functions take it. */
export type Db = StoreHandle;

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** How a database is opened: `full` syncs every commit to disk (power-loss safe); `normal` survives a crash of Hearth. */
export interface OpenOptions {
  synchronous?: 'normal' | 'full';
}

/**
 * Open (creating if needed) the database at `path` — a file, or ':memory:' — with every migration applied. Refuses
 * (HearthError bad_config) a database it cannot write, with the reason: a bot that cannot record must not start.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  let sqlite: Database.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    sqlite = new Database(path);
    if (path !== ':memory:') sqlite.pragma('journal_mode = WAL');
  } catch (err) {
    throw new HearthError('bad_config', `cannot open the database ${path} (${(err as Error).message}): check that the file and its folder exist and are writable`);
  }
  // Several processes (an admin command beside the bot, a test's parallel engines) may share one file: wait for the
  // write lock, don't fail.
  sqlite.pragma('busy_timeout = 5000');
  // WAL with NORMAL: a commit survives a crash of the process; FULL also survives a power cut (an fsync per commit).
  sqlite.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  sqlite.pragma('foreign_keys = ON');
  // 64 MB of page cache (the default is 2 MB): ledger indexes are written at random keys and stay hot.
  sqlite.pragma('cache_size = -65536');
  // Temporary tables (a nudge run's candidates) and sorts stay in memory rather than in a 2 MB-cached temp file.
  sqlite.pragma('temp_store = MEMORY');
  // Checkpoint the WAL every ~40 MB instead of every 4 MB: each checkpoint syncs the file twice, and at the default a
  // busy group chat paid for one every fifty messages (15–20% of engine throughput, measured with npm run bench).
  sqlite.pragma('wal_autocheckpoint = 10000');
  const db = drizzle(sqlite, { schema }) as Db;
  try {
    migrate(db, { migrationsFolder });
    // A read-only file opens and reads fine and then fails at the first message: find out now.
    sqlite.prepare("INSERT INTO meta (key, value) VALUES ('opened_by', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(String(process.pid));
  } catch (err) {
    sqlite.close();
    throw new HearthError('bad_config', `cannot write to the database ${path} (${(err as Error).message}): check that the file and its folder are writable by this user`);
  }
  return db;
}

/** Run `work` in one synchronous transaction; it commits when `work` returns and rolls back if it throws. */
export function inTransaction<T>(db: Db, work: () => T): T {
  return runner(db.$client).immediate(work) as T;
}

// One transaction function per connection (nested calls become savepoints): building a new one per call cost more
// than the INSERTs of a typical ledger write.
const runners = new WeakMap<Database.Database, Database.Transaction<(work: () => unknown) => unknown>>();
function runner(sqlite: Database.Database): Database.Transaction<(work: () => unknown) => unknown> {
  let run = runners.get(sqlite);
  if (!run) {
    run = sqlite.transaction((work: () => unknown) => {
      const result = work();
      // An async body would commit at its first await: refuse it loudly instead of half-writing.
      if (result instanceof Promise) throw new Error('inTransaction needs a synchronous function');
      return result;
    });
    runners.set(sqlite, run);
  }
  return run;
}

/**
 * Memoise something built from a connection (a set of prepared statements) once per connection: the hot paths use
 * it because drizzle rebuilds a query's SQL on every call.
 */
export function perConnection<T>(build: (db: Db) => T): (db: Db) => T {
  const built = new WeakMap<Database.Database, T>();
  return (db) => {
    let value = built.get(db.$client);
    if (value === undefined) built.set(db.$client, (value = build(db)));
    return value;
  };
}

const statementCache = perConnection(() => new Map<string, Database.Statement>());

/** A statement for this SQL, prepared once per connection. */
export function statement<P extends unknown[] | Record<string, unknown> = unknown[], R = unknown>(db: Db, text: string): Database.Statement<P, R> {
  const cache = statementCache(db);
  let stmt = cache.get(text);
  if (!stmt) cache.set(text, (stmt = db.$client.prepare(text)));
  return stmt as unknown as Database.Statement<P, R>;
}
