// Shared fixtures of the provenance tests: keys, sample prose, and running the CLI in a child process.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { seedFromSecret } from '../../src/provenance/keyed-hash.ts';
import type { WatermarkKey } from '../../src/provenance/keys.ts';

export function testKey(secret: string): WatermarkKey {
  return { id: `test:${secret}`, scope: 'provider', campaignId: null, seed: seedFromSecret(secret) };
}

/** Prose dense in lexicon words, in several formats (code, quotes, URLs, JSON, lists). */
export const SAMPLE = `Perhaps the main idea is simple: a big model often produces large outputs quickly.
However, it usually seems difficult to examine them carefully, and the methods are complex.

For example, researchers frequently obtain significantly different results in numerous areas.
- Errors are obvious in modern systems, especially when the goals are enormous.
- A careful reviewer will certainly understand the basic aspects of reliable ideas.

Ultimately, the important examples demonstrate that accurate techniques are essential.`;

// The provenance command alone, as src/cli/index.ts registers it (so these tests do not depend on every
// other command importing cleanly).
const COMMAND = fileURLToPath(new URL('../../src/cli/provenance.ts', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `distillguard ARGS` (from source) in a child process, without blocking this event loop. */
export function runCli(args: string[]): Promise<CliRun> {
  const script = [
    `import { Command } from 'commander';`,
    `import { register } from ${JSON.stringify(COMMAND)};`,
    `const program = new Command().name('distillguard');`,
    `register(program);`,
    `await program.parseAsync(['node', 'distillguard', ...JSON.parse(process.env.DG_ARGS)]);`,
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, DG_ARGS: JSON.stringify(args) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
