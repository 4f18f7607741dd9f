// Writes a simulation to DIR/accounts.jsonl, DIR/events.jsonl and DIR/labels.json, streaming the events
// through a buffer so memory does not grow with the log.
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { SimulationResult } from './simulate.ts';

export interface WriteSummary {
  accounts: number;
  events: number;
  dir: string;
}

const FLUSH_BYTES = 1 << 20;

export function writeSimulation(dir: string, result: SimulationResult, onProgress?: (eventsWritten: number, lastTs: string) => void): WriteSummary {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'accounts.jsonl'), result.accounts.map((a) => JSON.stringify(a)).join('\n') + (result.accounts.length ? '\n' : ''));
  const fd = openSync(join(dir, 'events.jsonl'), 'w');
  let count = 0;
  try {
    let buffer = '';
    for (const event of result.events) {
      buffer += JSON.stringify(event) + '\n';
      count++;
      if (buffer.length >= FLUSH_BYTES) {
        writeSync(fd, buffer);
        buffer = '';
        onProgress?.(count, event.ts);
      }
    }
    if (buffer.length > 0) writeSync(fd, buffer);
  } finally {
    closeSync(fd);
  }
  writeFileSync(join(dir, 'labels.json'), JSON.stringify(result.labels, null, 2) + '\n');
  return { accounts: result.accounts.length, events: count, dir };
}
