#!/usr/bin/env node
// Runs the compiled CLI (built by `npm install` through the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));
if (!existsSync(built)) {
  console.error('distillguard: dist/ is missing; run `npm install` (or `npm run build`) first.');
  process.exit(1);
}
const { main } = await import(pathToFileURL(built).href);
await main(process.argv);
