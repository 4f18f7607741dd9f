// Counts the events a gateway wrote to its JSONL logs and its SQLite event store: proof that events were
// really on during the bench, and that none were lost.
import Database from 'better-sqlite3';
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The SQLite sink's file in a data dir (src/events/sqlite-sink.ts). */
const EVENTS_DB_FILE = 'events.sqlite';

function eventFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...eventFiles(path));
    else if (/^events.*\.jsonl$/.test(entry.name)) out.push(path);
  }
  return out;
}

async function countNewlines(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return lines;
}

/** Lines in every events*.jsonl file under `dataDir` (one line per event). */
export async function countEventLines(dataDir: string): Promise<number> {
  let total = 0;
  for (const file of eventFiles(dataDir)) total += await countNewlines(file);
  return total;
}

/** Rows in the `events` table of `<dataDir>/events.sqlite`; 0 when there is no such file. */
export function countSqliteEvents(dataDir: string): number {
  const file = join(dataDir, EVENTS_DB_FILE);
  if (!existsSync(file)) return 0;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT count(*) FROM events').pluck().get() as number;
  } finally {
    db.close();
  }
}
