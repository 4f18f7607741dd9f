import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { summarizeProfile } from '../../bench/lib/cpuprofile.ts';

describe('cpu profile summary', () => {
  it('ranks functions by self time summed over their samples, idle time left out', () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'dg-cpuprofile-'));
    try {
      const file = join(dir, 'p.cpuprofile');
      const frame = (functionName: string, url: string, lineNumber: number) => ({ functionName, url, lineNumber, scriptId: '0', columnNumber: 0 });
      writeFileSync(
        file,
        JSON.stringify({
          nodes: [
            { id: 1, callFrame: frame('(root)', '', -1) },
            { id: 2, callFrame: frame('parseBody', 'file:///repo/dist/gateway/server.js', 9) },
            { id: 3, callFrame: frame('write', 'file:///repo/node_modules/pino/lib/proto.js', 99) },
            { id: 4, callFrame: frame('parseBody', 'file:///repo/dist/gateway/server.js', 9) },
            { id: 5, callFrame: frame('(idle)', '', -1) },
          ],
          startTime: 0,
          endTime: 10_000,
          samples: [2, 3, 2, 4, 1, 5],
          timeDeltas: [1000, 3000, 2000, 1500, 500, 90_000],
        }),
      );
      const { busyMs, top } = summarizeProfile(file, 2);
      assert.equal(busyMs, 8);
      assert.equal(top.length, 2);
      assert.deepEqual(
        top.map((e) => [e.function, e.location, e.selfMs]),
        [
          ['parseBody', 'dist/gateway/server.js:10', 4.5],
          ['write', 'pino/lib/proto.js:100', 3],
        ],
      );
      assert.equal(top[0].share, 56.25);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
