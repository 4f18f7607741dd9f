// Background threads lower their own priority and no one else's.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { spawnModuleWorker } from '../../src/util/spawn-worker.ts';

/** The nice value of the calling thread (field 19 of /proc/thread-self/stat, counted after the command name). */
function threadNice(): number {
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

test('lowerThisThreadPriority nices the calling worker thread only', { skip: process.platform !== 'linux' && 'Linux only' }, async () => {
  const before = threadNice();
  const worker = spawnModuleWorker(new URL('../fixtures/util/nice-worker.ts', import.meta.url).href, null);
  const seen = await new Promise<{ lowered: boolean; nice: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.equal(seen.lowered, true);
  assert.equal(seen.nice, 10, 'the worker thread runs at nice 10');
  assert.equal(threadNice(), before, 'the thread that serves requests keeps its priority');
});
