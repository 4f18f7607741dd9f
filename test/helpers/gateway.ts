// Starts a real gateway (real HTTP, real SQLite, real event files) in a temp dir for a test.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { resolveConfig } from '../../src/config/load.ts';
import type { LogEventV1, VerificationTier } from '../../src/events/types.ts';
import { listEventFiles } from '../../src/events/jsonl-sink.ts';
import { startGateway, type RunningGateway } from '../../src/gateway/runtime.ts';

export interface TestGateway {
  gw: RunningGateway;
  dataDir: string;
  /** Creates an account (if new) at a tier and returns a fresh API key for it. */
  keyFor(accountId: string, tier?: VerificationTier, orgId?: string): string;
  /** Stops the gateway (flushing events) and returns every event it wrote to its JSONL files. */
  stopAndReadEvents(): Promise<LogEventV1[]>;
  close(): Promise<void>;
}

export async function startTestGateway(
  opts: { config?: Record<string, unknown>; upstream?: string | null; log?: Logger } = {},
): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dg-gw-'));
  // The SQLite event sink has its own tests; gateways in other tests write JSONL only, to start faster.
  const config = { ...opts.config, events: { sqlite: false, ...(opts.config?.events as object | undefined) } };
  const gw = await startGateway({
    config: resolveConfig(config),
    dataDir,
    host: '127.0.0.1',
    port: 0,
    adminPort: 0,
    upstream: opts.upstream ?? null,
    log: opts.log ?? pino({ level: process.env.DG_TEST_LOG ?? 'silent' }),
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await gw.close();
  };
  return {
    gw,
    dataDir,
    keyFor(accountId, tier = 'org', orgId) {
      if (!gw.store.getAccount(accountId)) gw.store.createAccount({ id: accountId, tier, orgId });
      const { secret } = gw.store.createKey(accountId);
      gw.cache.reload();
      return secret;
    },
    async stopAndReadEvents() {
      await close();
      const events: LogEventV1[] = [];
      for (const file of listEventFiles(join(dataDir, 'events'))) {
        for (const line of readFileSync(file, 'utf8').split('\n')) if (line) events.push(JSON.parse(line));
      }
      rmSync(dataDir, { recursive: true, force: true });
      return events;
    },
    async close() {
      await close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
