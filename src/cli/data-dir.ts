// What the identity commands share: opening the data dir's store for one command, and turning the
// errors a user can cause into one line on stderr and exit code 1 (no stack trace).
import { join, resolve } from 'node:path';
import { ConfigError, DgError } from '../errors.ts';
import { IDENTITY_DB_FILE, IdentityStore } from '../identity/identity-store.ts';
import { ensureDataDir, loadKeyPepper } from '../identity/secrets.ts';
import { openDatabase, type Database } from '../store/sqlite.ts';

export const DEFAULT_DATA_DIR = './data';

/** Where a command writes and how it reports failure; the process's own by default, in-memory in tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  setExitCode(code: number): void;
}

export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

/** How a store error's field is spelled on this command's line, e.g. { tier: '--tier' }. */
export type FlagNames = Record<string, string>;

/**
 * Opens `<dataDir>/distillguard.sqlite`, runs the command against it and closes it. A user error
 * (bad value, unknown account, duplicate) is printed as `distillguard <command>: <message> (<flag>)`.
 * A gateway running on the same data dir notices the change within its watch interval.
 */
export async function withIdentityStore(
  io: CliIo,
  command: string,
  dataDir: string,
  flags: FlagNames,
  run: (store: IdentityStore) => void | Promise<void>,
): Promise<void> {
  return withIdentityDatabase(io, command, dataDir, flags, (_db, store) => run(store));
}

/** Like withIdentityStore, also handing over the database (for modules with tables of their own in it). */
export async function withIdentityDatabase(
  io: CliIo,
  command: string,
  dataDir: string,
  flags: FlagNames,
  run: (db: Database, store: IdentityStore) => void | Promise<void>,
): Promise<void> {
  const dir = resolve(dataDir);
  let db: Database | null = null;
  try {
    ensureDataDir(dir);
    db = openDatabase(join(dir, IDENTITY_DB_FILE));
    await run(db, new IdentityStore(db, loadKeyPepper(dir)));
  } catch (err) {
    if (err instanceof DgError) {
      const flag = err.param ? flags[err.param] : undefined;
      fail(io, command, flag ? `${err.message.replace(/\.$/, '')} (${flag})` : err.message);
    } else if (err instanceof ConfigError) {
      fail(io, command, err.message);
    } else {
      throw err;
    }
  } finally {
    db?.close();
  }
}

/** Reports a usage error without a stack trace and makes the process exit with 1. */
export function fail(io: CliIo, command: string, message: string): void {
  io.err(`distillguard ${command}: ${message}\n`);
  io.setExitCode(1);
}

/** A plain aligned table for terminals; `--json` is the form for scripts. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
