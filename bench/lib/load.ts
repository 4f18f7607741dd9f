// Runs one load phase in a separate load-generator process and returns its result.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadResult, LoadSpec } from './load-types.ts';
import { track } from './processes.ts';

const WORKER = fileURLToPath(new URL('./load-worker.ts', import.meta.url));

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const child = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const untrack = track(child, 'load generator');
  // Bounded: autocannon stops itself after the duration; this only catches a hung generator.
  const limitMs = (spec.durationSeconds + 60) * 1000;
  return new Promise<LoadResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`load generator did not finish within ${limitMs / 1000} s`));
    }, limitMs);
    let settled = false;
    child.once('message', (msg: { result?: LoadResult; error?: string }) => {
      settled = true;
      if (msg.result) resolve(msg.result);
      else reject(new Error(`load generator failed: ${msg.error}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      untrack();
      if (!settled) reject(new Error(`load generator exited (code ${code}, signal ${signal}) without a result`));
    });
    child.send(spec);
  });
}
