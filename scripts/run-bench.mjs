// `npm run bench [-- FILTER…] [--quick] [--flag=value…]`: builds the package, then runs every bench/*-bench.ts
// (each in its own process, one after the other: they share a 2-core machine and must not overlap).
// FILTER words select benches whose file name contains one of them (e.g. `gateway`); flags go to every bench
// (each bench ignores the ones it does not know). Flags that take a value are written `--name=value`.
// `--no-build` skips the build (for re-running against a dist/ that is already current).
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith('--'));
const flags = args.filter((a) => a.startsWith('--') && a !== '--no-build');

const benches = readdirSync('bench')
  .filter((name) => name.endsWith('-bench.ts'))
  .filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)))
  .sort();

if (benches.length === 0) {
  console.error(`run-bench: no bench/*-bench.ts matches ${filters.join(', ') || '(no filter)'}`);
  process.exit(2);
}

if (!args.includes('--no-build')) {
  console.error('run-bench: npm run build');
  const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('run-bench: the build failed; benches would measure stale code, so none ran.');
    process.exit(build.status ?? 1);
  }
}

let current = null;
let interrupted = false;
// Pass a stop request to the running bench, which stops what it started and exits; then stop here too.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    interrupted = true;
    current?.kill(signal);
  });
}

function runBench(name) {
  return new Promise((resolve) => {
    current = spawn(process.execPath, ['--import', 'tsx', join('bench', name), ...flags], { stdio: 'inherit' });
    current.once('exit', (code, signal) => {
      current = null;
      resolve(code ?? signal);
    });
  });
}

let failed = 0;
for (const name of benches) {
  if (interrupted) break;
  console.error(`\nrun-bench: ${name} ${flags.join(' ')}`);
  const status = await runBench(name);
  if (status !== 0) {
    failed++;
    console.error(`run-bench: ${name} exited with ${status}`);
  }
}
process.exit(interrupted ? 130 : failed > 0 ? 1 : 0);
