// Starts a worker thread running a module of this package. Built code (dist/*.js) loads directly; from the
// TypeScript sources (tests, tsx) the worker does not inherit the parent's loader, so it registers tsx first.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

export function spawnModuleWorker(moduleUrl: string, workerData: unknown): Worker {
  const file = fileURLToPath(moduleUrl);
  if (!file.endsWith('.ts')) return new Worker(new URL(moduleUrl), { workerData });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}
