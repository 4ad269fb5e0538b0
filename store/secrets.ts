// Per-install secrets kept in `meta` (32 random bytes, hex), made on first use: what keeps a value derived from a
// member number (an invite code) or an identity (an erased one's hash) unguessable from one install to the next.
import { randomBytes } from 'node:crypto';
import { statement, type Db } from './db';

// A secret never changes once made, so a connection keeps it after the first read.
const cache = new WeakMap<object, Map<string, string>>();

/** The install's secret under `key`, if one was made. */
export function peekInstallSecret(db: Db, key: string): string | undefined {
  const known = cache.get(db.$client)?.get(key);
  if (known !== undefined) return known;
  const value = statement<[string], string>(db, 'SELECT value FROM meta WHERE key = ?').pluck().get(key);
  if (value !== undefined) {
    if (!cache.has(db.$client)) cache.set(db.$client, new Map());
    cache.get(db.$client)!.set(key, value);
  }
  return value;
}

/** The install's secret under `key`, made on first use (`seed` instead of random bytes: replay's throwaway database). */
export function installSecret(db: Db, key: string, seed?: string): string {
  const existing = peekInstallSecret(db, key);
  if (existing !== undefined) return existing;
  statement<[string, string]>(db, 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(key, seed ?? randomBytes(32).toString('hex'));
  return peekInstallSecret(db, key)!;
}
