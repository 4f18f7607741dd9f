// Assembles a running gateway from its parts: data dir, identity, policy, events, upstreams,
// the public server and the admin server. `serve` and the tests both start gateways through here.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import type { GatewayConfig } from '../config/schema.ts';
import { EventQueue } from '../events/queue.ts';
import type { EventSink } from '../events/sink.ts';
import { JsonlFileSink } from '../events/jsonl-sink.ts';
import { SqliteEventSink } from '../events/sqlite-sink.ts';
import { IdentityCache } from '../identity/identity-cache.ts';
import { IdentityStore } from '../identity/identity-store.ts';
import { ensureDataDir, loadAdminToken, loadKeyPepper } from '../identity/secrets.ts';
import { compileGates } from '../policy/gates.ts';
import { InProcessRateLimiter } from '../policy/in-process-limiter.ts';
import { scopesFor } from '../policy/scopes.ts';
import { openDatabase } from '../store/sqlite.ts';
import { buildAdminServer } from './admin.ts';
import { createClientIpResolver } from './client-ip.ts';
import { startDemoUpstream } from './demo-upstream.ts';
import type { DialectName } from './dialects/types.ts';
import { GatewayMetrics } from './metrics.ts';
import { buildGateway } from './server.ts';
import { Upstream } from './upstream.ts';

export interface GatewayOptions {
  config: GatewayConfig;
  dataDir: string;
  host: string;
  port: number;
  adminPort: number;
  /** Upstream base URL for both dialects (overrides the config's); null: the config's, else the demo upstream. */
  upstream: string | null;
  /** Pause between the demo upstream's streamed chunks. */
  demoChunkDelayMs?: number;
  log?: Logger;
}

export interface RunningGateway {
  url: string;
  adminUrl: string;
  adminToken: string;
  /** Base URL of the built-in demo upstream, when it is the one in use. */
  demoUpstreamUrl: string | null;
  store: IdentityStore;
  cache: IdentityCache;
  queue: EventQueue;
  app: FastifyInstance;
  admin: FastifyInstance;
  /** Stops accepting, finishes requests in flight, writes every queued event, closes the stores. */
  close(): Promise<void>;
}

export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const { config } = opts;
  const log = opts.log ?? pino({ level: process.env.DISTILLGUARD_LOG_LEVEL ?? 'info' }, pino.destination(2));
  ensureDataDir(opts.dataDir);

  const db = openDatabase(join(opts.dataDir, 'distillguard.sqlite'));
  const store = new IdentityStore(db, loadKeyPepper(opts.dataDir));
  const cache = new IdentityCache(store);
  cache.reload();
  cache.startWatching();
  const adminToken = loadAdminToken(opts.dataDir);

  const sinks: EventSink[] = [];
  if (config.events.jsonl) sinks.push(new JsonlFileSink({ dir: join(opts.dataDir, 'events'), rotateBytes: config.events.rotate_bytes }));
  if (config.events.sqlite) sinks.push(new SqliteEventSink({ dataDir: opts.dataDir }));
  const queue = new EventQueue(sinks, config.events, {
    onError: (err, source) => log.error({ err, sink: source }, 'event sink failed; its batch will be retried'),
  });

  let demo: Awaited<ReturnType<typeof startDemoUpstream>> | null = null;
  const configured: Partial<Record<DialectName, string>> = {
    openai: opts.upstream ?? config.upstream.openai,
    anthropic: opts.upstream ?? config.upstream.anthropic,
  };
  if (!configured.openai || !configured.anthropic) {
    demo = await startDemoUpstream(0, '127.0.0.1', { chunkDelayMs: opts.demoChunkDelayMs ?? 0 });
    configured.openai ??= demo.url;
    configured.anthropic ??= demo.url;
  }
  const upstreamOpts = {
    connections: config.server.upstream_connections,
    headersTimeoutMs: config.server.upstream_headers_timeout_ms,
    bodyTimeoutMs: config.server.upstream_body_timeout_ms,
  };
  const openaiUpstream = new Upstream(configured.openai!, upstreamOpts);
  const anthropicUpstream = configured.anthropic === configured.openai ? openaiUpstream : new Upstream(configured.anthropic!, upstreamOpts);
  const envKey = process.env.DISTILLGUARD_UPSTREAM_API_KEY;

  const metrics = new GatewayMetrics(queue);
  const gates = compileGates(config.tiers);
  const limiter = new InProcessRateLimiter();
  const deps = {
    config,
    identity: cache,
    gates,
    limiter,
    scopes: (p: Parameters<typeof scopesFor>[0]) => scopesFor(p, config.tiers[p.tier], config.group),
    events: queue,
    upstreams: { openai: openaiUpstream, anthropic: anthropicUpstream },
    upstreamApiKeys: { openai: envKey ?? config.upstream.openai_api_key, anthropic: envKey ?? config.upstream.anthropic_api_key },
    metrics,
    clientIp: createClientIpResolver(config.server.trusted_proxies),
    log,
  };
  const app = buildGateway(deps);
  const admin = buildAdminServer({
    store,
    cache,
    adminToken,
    extraRoutes: (a) => {
      a.get('/healthz', async () => ({ status: 'ok' }));
      a.get('/readyz', async () => ({ status: 'ready' }));
      a.get('/metrics', async (_req, reply) => {
        reply.header('content-type', metrics.registry.contentType);
        return metrics.registry.metrics();
      });
    },
  });

  await app.listen({ port: opts.port, host: opts.host });
  await admin.listen({ port: opts.adminPort, host: opts.host });
  const url = `http://${hostForUrl(opts.host)}:${(app.server.address() as { port: number }).port}`;
  const adminUrl = `http://${hostForUrl(opts.host)}:${(admin.server.address() as { port: number }).port}`;
  log.info({ url, adminUrl, upstream: demo ? 'demo' : configured }, 'gateway listening');

  let closing: Promise<void> | null = null;
  return {
    url,
    adminUrl,
    adminToken,
    demoUpstreamUrl: demo?.url ?? null,
    store,
    cache,
    queue,
    app,
    admin,
    close() {
      closing ??= (async () => {
        await admin.close();
        await app.close();
        await queue.close();
        cache.stop();
        await openaiUpstream.close();
        if (anthropicUpstream !== openaiUpstream) await anthropicUpstream.close();
        await demo?.close();
        db.close();
        log.info({ written: queue.written, dropped: queue.dropped }, 'gateway stopped');
      })();
      return closing;
    },
  };
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
