// Every process the bench starts is registered here and stopped on the way out: normal end, error or SIGINT.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createServer, connect } from 'node:net';

const live = new Map<ChildProcess, string>();

/** Registers a child so that stopAll() and the signal handlers reach it. Returns the unregister function. */
export function track(child: ChildProcess, name: string): () => void {
  live.set(child, name);
  child.once('exit', () => live.delete(child));
  return () => live.delete(child);
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** SIGTERM, then SIGKILL after `graceMs` (servers flush on SIGTERM; give them time to do it). */
export function stopProcess(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (exited(child)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function stopAll(): Promise<void> {
  await Promise.all([...live.keys()].map((c) => stopProcess(c)));
}

let handlersInstalled = false;
/** On SIGINT/SIGTERM stop every tracked child, then exit with the conventional code. */
export function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping ${live.size} process(es)…\n`);
      void stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
  // Last resort if the harness dies without awaiting stopAll(): no orphans keep ports and CPU busy.
  process.once('exit', () => {
    for (const child of live.keys()) if (!exited(child)) child.kill('SIGKILL');
  });
}

/** A port that was free a moment ago on 127.0.0.1 (the child binds it next). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface ServerProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  logFile: string;
}

export interface SpawnServerOptions {
  name: string;
  command: string;
  args: string[];
  port: number;
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  readyTimeoutMs?: number;
}

/**
 * Starts a server with its output going straight to a log file (the harness never reads it, so a chatty
 * server cannot block on a full pipe) and waits until its port accepts connections.
 */
export async function spawnServer(opts: SpawnServerOptions): Promise<ServerProcess> {
  const fd = openSync(opts.logFile, 'a');
  const child = spawn(opts.command, opts.args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  track(child, opts.name);
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (exited(child)) {
      throw new Error(`${opts.name} exited during start-up (code ${child.exitCode}); see ${opts.logFile}`);
    }
    if (await canConnect(opts.port)) break;
    if (Date.now() > deadline) {
      await stopProcess(child);
      throw new Error(`${opts.name} did not listen on port ${opts.port} in time; see ${opts.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (child.pid === undefined) throw new Error(`${opts.name} has no pid`);
  return { name: opts.name, child, pid: child.pid, logFile: opts.logFile };
}
