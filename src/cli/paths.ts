// The files and folders a command's flags name, checked before the run: a log that turns out to be a folder,
// or a report whose folder is missing, should stop the command at once with the flag named, not crash
// midway or fail to write after a long analysis.
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../errors.ts';

/** What `path` is on disk, or null when there is nothing there. */
export function kindOf(path: string): 'file' | 'directory' | null {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'file';
  } catch (err) {
    if (isMissing(err)) return null;
    throw new ConfigError(`${path}: ${describe(err)}`);
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** A filesystem error in a few words ("permission denied"), from its code. */
function describe(err: unknown): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return (err as Error).message;
  }
}

/** `path`, checked to be a file (anything but a folder: a named pipe streams too). */
export function inputFile(flag: string, path: string): string {
  const kind = kindOf(path);
  if (kind === null) throw new ConfigError(`${flag} ${path}: no such file`);
  if (kind === 'directory') throw new ConfigError(`${flag} ${path} is a folder; give a file`);
  return path;
}

/** `path` of a file to write later, checked: not a folder, and its folder exists or can be made (not made yet). */
export function checkOutputFile(flag: string, path: string): string {
  if (kindOf(path) === 'directory') throw new ConfigError(`${flag} ${path} is a folder; give a file name`);
  foldersToMake(flag, dirname(path));
  return path;
}

/** `path` of a file about to be written: checked, and its folder made. */
export function outputFile(flag: string, path: string): string {
  checkOutputFile(flag, path);
  makeFolder(flag, dirname(path));
  return path;
}

/** `path` of a folder about to be written into: checked, and made. */
export function outputFolder(flag: string, path: string): string {
  checkOutputFolder(flag, path);
  makeFolder(flag, path);
  return path;
}

/**
 * The folders that `folder` needs made, outermost first; throws when a file stands on the way. Checked without
 * making anything (simulate checks its folder before it knows whether the scenario exists).
 */
function foldersToMake(flag: string, folder: string): string[] {
  const missing: string[] = [];
  let at = resolve(folder);
  for (;;) {
    const kind = kindOf(at);
    if (kind === 'file') throw new ConfigError(`${flag}: cannot make the folder ${folder}: ${at} is a file`);
    if (kind === 'directory') break;
    missing.push(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  return missing.reverse();
}

/** `path` of a folder to write into later, checked: nothing is made yet (outputFolder makes it). */
export function checkOutputFolder(flag: string, path: string): string {
  if (kindOf(path) === 'file') throw new ConfigError(`${flag} ${path} is a file; give a folder`);
  foldersToMake(flag, path);
  return path;
}

/**
 * Makes `folder` and its missing parents, one level at a time: Node 20's `mkdirSync(…, { recursive: true })`
 * spins forever where mkdir fails with ENOENT under an existing parent (/proc does that).
 */
function makeFolder(flag: string, folder: string): void {
  for (const dir of foldersToMake(flag, folder)) {
    try {
      mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && kindOf(dir) === 'directory') continue; // made meanwhile
      throw new ConfigError(`${flag}: cannot make the folder ${folder}: ${describe(err)}`);
    }
  }
}

/** A filesystem error met while reading or writing as one line naming its path, or null for other errors. */
export function fileErrorMessage(err: unknown): string | null {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code !== 'string' || typeof e.syscall !== 'string') return null;
  return e.path !== undefined ? `${e.path}: ${describe(e)}` : `${e.syscall}: ${describe(e)}`;
}
