// The proxies under test. Each one starts as its own process in front of the same upstream and says how
// a chat completion reaches it (origin, path, headers); the harness treats them all alike.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHAT_PATH } from './payloads.ts';
import { freePort, spawnServer, stopProcess, type ServerProcess } from './processes.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BENCH_DIR = join(REPO_ROOT, 'bench');
const PORTKEY_DIR = join(BENCH_DIR, 'portkey');
const PORTKEY_ENTRY = join(PORTKEY_DIR, 'node_modules/@portkey-ai/gateway/build/start-server.js');
export const GATEWAY_CONFIG = join(BENCH_DIR, 'gateway.config.json');

export type TargetName = 'bare' | 'gateway' | 'gateway-wm' | 'gateway-base' | 'portkey';
export const TARGET_NAMES: readonly TargetName[] = ['bare', 'gateway', 'gateway-wm', 'gateway-base', 'portkey'];
/** A built checkout of another commit, for before/after runs that take turns in one bench (target gateway-base). */
const BASE_ENV = 'DISTILLGUARD_BENCH_BASE';

export const TARGET_LABELS: Record<TargetName, string> = {
  bare: 'bare proxy (fastify + undici Pool)',
  gateway: 'distillguard gateway',
  'gateway-wm': 'distillguard gateway, watermark on every answer',
  'gateway-base': `distillguard gateway built from $${BASE_ENV}`,
  portkey: 'Portkey gateway 1.15.2',
};

export interface StartContext {
  upstreamUrl: string;
  /** Scratch directory of this bench run (logs, data dirs). */
  workDir: string;
  /** Extra node flags for the target's process, e.g. --cpu-prof. */
  nodeFlags?: string[];
}

export interface RunningTarget {
  name: TargetName;
  origin: string;
  path: string;
  headers: Record<string, string>;
  server: ServerProcess;
  /** Where a distillguard gateway keeps its store and event logs. */
  dataDir?: string;
  stop(): Promise<void>;
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: '*/*' };

async function startBare(ctx: StartContext): Promise<RunningTarget> {
  const port = await freePort();
  const server = await spawnServer({
    name: 'bare proxy',
    command: process.execPath,
    args: [...(ctx.nodeFlags ?? []), '--import', 'tsx', join(BENCH_DIR, 'bare-proxy.ts'), '--port', String(port), '--upstream', ctx.upstreamUrl],
    port,
    cwd: REPO_ROOT,
    logFile: join(ctx.workDir, 'bare-proxy.log'),
  });
  return {
    name: 'bare',
    origin: `http://127.0.0.1:${port}`,
    path: CHAT_PATH,
    headers: { ...JSON_HEADERS, authorization: 'Bearer sk-bench-upstream' },
    server,
    stop: () => stopProcess(server.child),
  };
}

function runCli(cli: string, args: string[]): string {
  try {
    return execFileSync(process.execPath, [cli, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`distillguard ${args.slice(0, 2).join(' ')} failed: ${(e.stderr || e.message).trim()}`);
  }
}

/** Creates the bench account (tier org) and an API key in a fresh data dir; returns the key's secret. */
function provisionGatewayKey(cli: string, dataDir: string): string {
  runCli(cli, ['accounts', 'create', '--id', 'bench', '--tier', 'org', '--data-dir', dataDir]);
  const out = runCli(cli, ['keys', 'create', '--account', 'bench', '--data-dir', dataDir]);
  const lines = out.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const secret = lines[lines.length - 1];
  if (!secret) throw new Error('distillguard keys create printed no secret');
  return secret;
}

async function startGateway(ctx: StartContext, instance = 'gateway', watermark: 'all' | 'off' = 'off', root = REPO_ROOT): Promise<RunningTarget> {
  if (!existsSync(join(root, 'dist/cli/index.js'))) {
    throw new Error(`${join(root, 'dist')} is missing: build first (\`npm run build\`; \`npm run bench\` does it for this checkout)`);
  }
  const cli = join(root, 'bin/distillguard.js');
  const dataDir = join(ctx.workDir, `${instance}-data`);
  const secret = provisionGatewayKey(cli, dataDir);
  const [port, adminPort] = [await freePort(), await freePort()];
  const server = await spawnServer({
    name: instance,
    command: process.execPath,
    args: [
      ...(ctx.nodeFlags ?? []),
      // e.g. DISTILLGUARD_BENCH_GATEWAY_NODE_FLAGS=--max-semi-space-size=64 to measure the gateway with the V8
      // setting the README suggests for busy deployments (every distillguard target gets it, the others not)
      ...(process.env.DISTILLGUARD_BENCH_GATEWAY_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
      cli,
      'serve',
      '--port', String(port),
      '--admin-port', String(adminPort),
      '--host', '127.0.0.1',
      '--upstream', ctx.upstreamUrl,
      '--data-dir', dataDir,
      '--config', GATEWAY_CONFIG,
      '--watermark', watermark,
      // e.g. DISTILLGUARD_BENCH_GATEWAY_ARGS=--no-detector to measure the gateway without its online detector
      ...(process.env.DISTILLGUARD_BENCH_GATEWAY_ARGS?.split(/\s+/).filter(Boolean) ?? []),
    ],
    port,
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    logFile: join(ctx.workDir, `${instance}.log`),
  });
  return {
    name: root !== REPO_ROOT ? 'gateway-base' : watermark === 'all' ? 'gateway-wm' : 'gateway',
    origin: `http://127.0.0.1:${port}`,
    path: CHAT_PATH,
    headers: { ...JSON_HEADERS, authorization: `Bearer ${secret}` },
    server,
    dataDir,
    stop: () => stopProcess(server.child),
  };
}

/** Installs Portkey into bench/portkey/node_modules on first use (never a dependency of the package). */
export function ensurePortkeyInstalled(): void {
  if (existsSync(PORTKEY_ENTRY)) return;
  process.stderr.write('bench: installing @portkey-ai/gateway into bench/portkey (first run only)…\n');
  const useCi = existsSync(join(PORTKEY_DIR, 'package-lock.json'));
  const result = spawnSync('npm', [useCi ? 'ci' : 'install', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: PORTKEY_DIR,
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 300_000,
  });
  if (result.status !== 0 || !existsSync(PORTKEY_ENTRY)) {
    throw new Error(`installing Portkey failed (npm exit ${result.status ?? result.signal}); see bench/portkey`);
  }
}

async function startPortkey(ctx: StartContext): Promise<RunningTarget> {
  ensurePortkeyInstalled();
  const port = await freePort();
  const server = await spawnServer({
    name: 'portkey',
    command: process.execPath,
    args: [...(ctx.nodeFlags ?? []), PORTKEY_ENTRY, '--headless', `--port=${port}`],
    port,
    cwd: PORTKEY_DIR,
    env: { ...process.env, NODE_ENV: 'production' },
    logFile: join(ctx.workDir, 'portkey.log'),
  });
  return {
    name: 'portkey',
    origin: `http://127.0.0.1:${port}`,
    path: CHAT_PATH,
    headers: {
      ...JSON_HEADERS,
      authorization: 'Bearer sk-bench-upstream',
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': `${ctx.upstreamUrl}/v1`,
    },
    server,
    stop: () => stopProcess(server.child),
  };
}

export function startTarget(name: TargetName, ctx: StartContext, instance?: string): Promise<RunningTarget> {
  switch (name) {
    case 'bare':
      return startBare(ctx);
    case 'gateway':
      return startGateway(ctx, instance);
    case 'gateway-wm':
      return startGateway(ctx, instance ?? 'gateway-wm', 'all');
    case 'gateway-base': {
      const base = process.env[BASE_ENV];
      if (!base) throw new Error(`target gateway-base: set ${BASE_ENV} to a built checkout (e.g. a git worktree of the commit to compare)`);
      return startGateway(ctx, instance ?? 'gateway-base', 'off', base);
    }
    case 'portkey':
      return startPortkey(ctx);
  }
}

export async function startUpstreamProcess(workDir: string): Promise<ServerProcess & { url: string }> {
  const port = await freePort();
  const server = await spawnServer({
    name: 'upstream',
    command: process.execPath,
    args: ['--import', 'tsx', join(BENCH_DIR, 'upstream.ts'), '--port', String(port)],
    port,
    cwd: REPO_ROOT,
    logFile: join(workDir, 'upstream.log'),
  });
  return { ...server, url: `http://127.0.0.1:${port}` };
}
