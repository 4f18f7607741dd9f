// The log files that analyze's --events names, in the order to read them: the gateway rotates its log into
// files whose order is in their names (events/jsonl-sink.ts), and users pass a folder of them, or several files.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import { STDIN } from '../events/reader.ts';
import { kindOf } from './paths.ts';

/** A rotated file of the gateway's, gzipped or not: `events-<UTC timestamp>[-<n>].jsonl[.gz]`. */
const ROTATED = /^events-(\d{8}T\d{9}Z)(?:-(\d+))?\.jsonl(?:\.gz)?$/;
const LOG = /\.jsonl(?:\.gz)?$/;

/**
 * Files as given (`-`: standard input); for a folder, its `.jsonl` and `.jsonl.gz` files: the gateway's rotated
 * files first, oldest first, then any others by name.
 */
export function logFiles(flag: string, paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    if (path === STDIN) {
      if (files.includes(STDIN)) throw new ConfigError(`${flag}: standard input (-) can be read once`);
      files.push(path);
      continue;
    }
    const kind = kindOf(path);
    if (kind === null) throw new ConfigError(`${flag} ${path}: no such file or folder`);
    if (kind === 'file') {
      files.push(path);
      continue;
    }
    const names = readdirSync(path).filter((name) => LOG.test(name) && kindOf(join(path, name)) === 'file');
    if (names.length === 0) throw new ConfigError(`${flag} ${path} is a folder without .jsonl or .jsonl.gz files`);
    files.push(...names.sort(byLogOrder).map((name) => join(path, name)));
  }
  return files;
}

/** Rotated files by timestamp, then by number (a plain sort by name puts `-10` before `-2`); then the others by name. */
function byLogOrder(a: string, b: string): number {
  const ra = ROTATED.exec(a);
  const rb = ROTATED.exec(b);
  if (ra && rb) {
    if (ra[1] !== rb[1]) return ra[1]! < rb[1]! ? -1 : 1;
    const bySequence = Number(ra[2] ?? 0) - Number(rb[2] ?? 0);
    if (bySequence !== 0) return bySequence;
  } else if (ra || rb) {
    return ra ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
