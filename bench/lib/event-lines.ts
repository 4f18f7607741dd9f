// Counts the events a gateway wrote to its JSONL logs: proof that events were really on during the bench.
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

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
