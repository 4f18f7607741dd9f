// Runs the CLI from source, as `distillguard` would after a build: `node --import tsx test/cli/cli-entry.ts <args>`.
import { main } from '../../src/cli/index.ts';

await main(process.argv);
