// A fresh identity store on a real SQLite file in a temp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdentityStore, IDENTITY_DB_FILE } from '../../src/identity/identity-store.ts';
import { openDatabase } from '../../src/store/sqlite.ts';

export const TEST_PEPPER = 'test-pepper-0123456789abcdef';

export interface TempStore {
  dir: string;
  file: string;
  store: IdentityStore;
  /** A second connection to the same file, as another process would have. */
  openAnother(): IdentityStore;
}

export function tempStore(t: { after(fn: () => void): void }): TempStore {
  const dir = mkdtempSync(join(tmpdir(), 'dg-identity-'));
  const file = join(dir, IDENTITY_DB_FILE);
  const dbs = [openDatabase(file)];
  t.after(() => {
    for (const db of dbs) db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    file,
    store: new IdentityStore(dbs[0]!, TEST_PEPPER),
    openAnother() {
      const db = openDatabase(file);
      dbs.push(db);
      return new IdentityStore(db, TEST_PEPPER);
    },
  };
}
