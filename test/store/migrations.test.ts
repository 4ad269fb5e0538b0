// Landed migrations are history: databases in the field already ran them, so their text must never change again.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const folder = join(import.meta.dirname, '..', '..', 'store', 'migrations');

/** SHA-256 of each landed migration, recorded when it landed (line endings read as LF, so a checkout's CRLF is no change). */
const landed: Record<string, string> = {
  '0000_init.sql': '53ef774c6b77c64cefe20ad2f8cf1a5796a2ca10fbebaebf53b754ab6715100e',
  '0001_nudge_and_outbox_indexes.sql': 'df8aa6b39309fd946fe2c0f46a383750eb4d2ab7fdd8f282a19380220cffbdb3',
  '0002_trust.sql': 'd1f9be9a9d425da2ad21e3dd3157b612c73f38558fe4b7a7c5496884084f5d6c',
};

describe('migrations', () => {
  it.each(Object.entries(landed))('%s is unchanged since it landed', (file, sha256) => {
    const text = readFileSync(join(folder, file), 'utf8').replace(/\r\n/g, '\n');
    const actual = createHash('sha256').update(text).digest('hex');
    expect(
      actual,
      `store/migrations/${file} changed after it landed. Databases already ran it and will never run it again, so an edit ` +
        'only makes new installs differ from old ones. Put it back as it was, and make the schema change in store/schema/ ' +
        'with a new migration (npm run db:generate).',
    ).toBe(sha256);
  });
});
