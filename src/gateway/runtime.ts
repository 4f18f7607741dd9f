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
import { DetectorHost } from './detector/host.ts';
import { registerEnforcementRoutes } from './admin-enforce.ts';
import { Enforcer } from '../enforce/enforcer.ts';
import type { Principal } from '../identity/types.ts';
import { resolveDetectorParams } from '../report/detector-config.ts';
import { isFlagged, type DetectorParams } from '../detect/types.ts';
import { ProvenanceMarks } from './provenance-marks.ts';

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
  /** Request time from x-distillguard-replay-ts and the applied action in x-distillguard-action (never in production). */
  replayMode?: boolean;
  /** Run the online detector (default true). */
  detector?: boolean;
  /** Overrides the config's provenance.watermark policy. */
  watermark?: 'all' | 'flagged' | 'off';
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
  enforcer: Enforcer;
  detector: DetectorHost | null;
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

  // Enforcement: actions live in the identity database; the detector's decisions create them.
  const detectorParams = resolveDetectorParams(config.detector);
  const enforcer = new Enforcer({
    db,
    config: config.enforcement,
    detectorVersion: detectorVersionOf(detectorParams),
    detectorThresholds: detectorParams.thresholds,
    accountInfo: (id) => {
      const a = store.getAccount(id);
      return a ? { tier: a.tier, orgId: a.orgId } : null;
    },
  });
  enforcer.startWatching();
  /** Campaigns found by the detector become rate-limit groups: their accounts share one budget. */
  const campaignGroups = new Map<string, string>();
  /** Accounts the detector currently flags (for watermarking flagged traffic). */
  const flaggedAccounts = new Set<string>();
  let detector: DetectorHost | null = null;
  if (opts.detector !== false) {
    detector = new DetectorHost({
      dataDir: config.events.sqlite ? opts.dataDir : null,
      params: detectorParams,
      log,
      onDecisions: (decisions, campaigns) => {
        const byId = new Map(campaigns.map((c) => [c.id, c]));
        for (const d of decisions) {
          if (d.campaign_id) campaignGroups.set(d.account_id, d.campaign_id);
          else campaignGroups.delete(d.account_id);
          if (isFlagged(d.verdict)) flaggedAccounts.add(d.account_id);
          else flaggedAccounts.delete(d.account_id);
          enforcer.onDecision(d, d.campaign_id ? (byId.get(d.campaign_id) ?? null) : null);
        }
      },
    });
    detector.start();
    detector.feedAccounts(store.accountRecords());
    const host = detector;
    queue.subscribe((batch) => host.feed(batch));
    // rules that wait for more requests at a verdict (after_requests) count them here, off the request path
    queue.subscribe((batch) => enforcer.onRequests(batch.requests));
    // Switching from shadow to enforce acts on the accounts the detector already flags, not only on later decisions.
    let lastMode = enforcer.mode;
    enforcer.onChange(() => {
      if (lastMode === 'shadow' && enforcer.mode === 'enforce') host.resendFlagged();
      lastMode = enforcer.mode;
    });
    metrics.observeDetector(host);
  }
  const throttled = throttledTiers(config.tiers, config.enforcement.throttle_factor);
  const marks = new ProvenanceMarks(opts.dataDir, { ...config.provenance, watermark: opts.watermark ?? config.provenance.watermark }, {
    isFlagged: (id) => flaggedAccounts.has(id) || enforcer.enforcementFor(id) !== null,
    campaignOf: (id) => campaignGroups.get(id) ?? null,
  });

  const deps = {
    config,
    identity: cache,
    gates,
    limiter,
    scopes: (p: Principal, isThrottled: boolean) => {
      const campaign = p.groupId === null && enforcer.mode === 'enforce' ? campaignGroups.get(p.accountId) : undefined;
      const principal = campaign ? { ...p, groupId: campaign } : p;
      return scopesFor(principal, (isThrottled ? throttled : config.tiers)[p.tier], config.group);
    },
    enforcement: { lookup: (accountId: string) => enforcer.enforcementFor(accountId), config: config.enforcement },
    replayMode: opts.replayMode === true,
    marks,
    events: queue,
    upstreams: { openai: openaiUpstream, anthropic: anthropicUpstream },
    upstreamApiKeys: { openai: envKey ?? config.upstream.openai_api_key, anthropic: envKey ?? config.upstream.anthropic_api_key },
    metrics,
    clientIp: createClientIpResolver(config.server.trusted_proxies),
    log,
  };
  // Ready means able to serve; the detector's lag is reported here but never makes the gateway unready.
  const readiness = () => ({
    status: 'ready',
    enforcement: enforcer.mode,
    detector: detector
      ? {
          state: detector.state,
          lag_events: detector.lagEvents,
          lag_seconds: Number(detector.lagSeconds.toFixed(3)),
          processed_events: detector.processed,
          restored_from_snapshot: detector.restored.events,
          replayed_from_store: detector.restored.replayed,
          restarts: detector.restarts,
          dropped_events: detector.dropped,
        }
      : { state: 'off' },
  });
  const app = buildGateway({ ...deps, readiness });
  const admin = buildAdminServer({
    store,
    cache,
    adminToken,
    onInternalError: (err) => log.error({ err }, 'admin API error'),
    onAccountCreated: (record) => detector?.feedAccounts([record]),
    extraRoutes: (a) => {
      a.get('/healthz', async () => ({ status: 'ok' }));
      a.get('/readyz', async () => readiness());
      registerEnforcementRoutes(a, enforcer, { adminToken });
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
    enforcer,
    detector,
    app,
    admin,
    close() {
      closing ??= (async () => {
        await admin.close();
        await app.close();
        await queue.close();
        await detector?.stop();
        enforcer.stop();
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

function detectorVersionOf(params: DetectorParams): string {
  return `distillguard-detector/${params.version}${params.provenance ? ` (${params.provenance})` : ''}`;
}

/** Each tier's policy with its rates multiplied by the throttle factor (computed once). */
function throttledTiers(tiers: GatewayConfig['tiers'], factor: number): GatewayConfig['tiers'] {
  const scale = (v: number | null) => (v === null ? null : Math.max(1, Math.floor(v * factor)));
  const out = {} as GatewayConfig['tiers'];
  for (const [tier, p] of Object.entries(tiers) as [keyof GatewayConfig['tiers'], GatewayConfig['tiers']['none']][]) {
    out[tier] = {
      ...p,
      key: { rpm: scale(p.key.rpm), tpm: scale(p.key.tpm) },
      account: { rpm: scale(p.account.rpm), tpm: scale(p.account.tpm) },
    };
  }
  return out;
}
