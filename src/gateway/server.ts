// The gateway's request path, top to bottom:
//   authenticate → parse (dialect) → tier gates → rate limits → forward upstream (stream or JSON)
//   → response transforms (reasoning visibility) → settle the rate-limit reservation → one event.
// Nothing on this path waits on detection or on the store: identity and decisions are in memory and
// the event is queued for writing after the response ends.
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ActionKind, EnforcementConfig, GatewayConfig } from '../config/schema.ts';
import type { AccountEnforcement } from '../enforce/types.ts';
import { degradeCaps, refuseIfBlocked, stricterVisibility } from './enforcement.ts';
import { DgError, ERRORS } from '../errors.ts';
import { isoTimestamp } from '../events/timestamp.ts';
import type { LogEventV1 } from '../events/types.ts';
import type { AuthResult, Principal } from '../identity/types.ts';
import type { GateOutcome, RequestedFeatures } from '../policy/gates.ts';
import { rateLimitError, rateLimitHeaders } from '../policy/ratelimit-headers.ts';
import type { LimitScope, RateLimiter, RateLimitInfo, Reservation } from '../policy/types.ts';
import type { VerificationTier } from '../events/types.ts';
import type { ClientIpResolver } from './client-ip.ts';
import { REPLAY_USAGE_HEADER } from './demo-upstream.ts';
import { anthropic } from './dialects/anthropic/index.ts';
import { openai } from './dialects/openai/index.ts';
import type { Dialect, DialectName, Endpoint, ParsedRequest, ReasoningVisibility, TextRewriterFactory, UsageRecord } from './dialects/types.ts';
import { emptyUsage } from './dialects/types.ts';
import type { GatewayMetrics } from './metrics.ts';
import { ForwardingRelay, type StreamRelay, TransformingRelay } from './stream-relay.ts';
import { isUpstreamFailure, type Upstream, UpstreamCancel, upstreamErrorAnswer, upstreamFailure } from './upstream.ts';
import type { UpstreamBody } from './upstream-body.ts';

export const DIALECTS: readonly Dialect[] = [openai, anthropic];

/** Output tokens reserved when neither the caller nor the tier sets max_tokens. */
const DEFAULT_OUTPUT_RESERVATION = 1024;
/** Body fields that hold the conversation (logged as `messages`, not as `params`). */
const CONVERSATION_FIELDS = new Set(['messages', 'input', 'instructions', 'system', 'prompt']);
/** Status recorded when the caller went away before the response ended (nginx's convention). */
const STATUS_CLIENT_CLOSED = 499;
/** Content types the fast path reads as JSON; any other goes through fastify's parsers (and their refusals). */
const FAST_CONTENT_TYPES = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8']);

type RouteTargets = { dialect: Dialect; endpoint: Endpoint }[];

/** The target of a route; a path both dialects serve picks the dialect from the headers. */
function pickTarget(targets: RouteTargets, headers: IncomingHttpHeaders): RouteTargets[number] {
  return targets.length === 1 ? targets[0] : (targets.find((t) => t.dialect === guessDialect(headers)) ?? targets[0]);
}

export interface GatewayDeps {
  config: GatewayConfig;
  identity: { authenticate(secret: string): AuthResult };
  gates: { apply(features: RequestedFeatures, tier: VerificationTier): GateOutcome };
  limiter: RateLimiter;
  /** Rate-limit scopes of a caller (a throttled caller gets its tier's limits times the throttle factor). */
  scopes(principal: Principal, throttled: boolean): LimitScope[];
  /** The enforcement in force for an account (in memory; the detector and analysts update it). */
  enforcement: { lookup(accountId: string): AccountEnforcement | null; config: EnforcementConfig };
  /** Provenance marks (watermark, canaries) for responses to an account; undefined: unmarked. */
  marks?: { factoryFor(caller: Principal): TextRewriterFactory | undefined };
  /** Replay mode: request time from `x-distillguard-replay-ts`, and the applied action in `x-distillguard-action`. */
  replayMode: boolean;
  events: { push(event: LogEventV1): void };
  upstreams: Record<DialectName, Upstream>;
  upstreamApiKeys: Partial<Record<DialectName, string>>;
  metrics: GatewayMetrics;
  clientIp: ClientIpResolver;
  log: Logger;
  /** What /readyz reports (the gateway is ready whenever it can serve). */
  readiness?(): Record<string, unknown>;
}

/** What one request did, gathered along the path and written as its event at the end. */
interface Exchange {
  requestId: string;
  arrivedAt: number;
  startedAt: number;
  dialect: Dialect;
  endpoint: Endpoint;
  body: Record<string, unknown> | null;
  params: Record<string, unknown>;
  principal: Principal | null;
  keyIdHint: string | null;
  parsed: ParsedRequest | null;
  reservation: Reservation | null;
  status: number;
  usage: UsageRecord;
  /** The enforcement applied to this request. */
  action: ActionKind | 'none';
}

export function buildGateway(deps: GatewayDeps): FastifyInstance {
  const { config } = deps;
  const bodyLimit = config.server.body_limit_bytes;
  /** POST routes the fast path serves, by exact path (see serveFast). */
  const fastRoutes = new Map<string, RouteTargets>();
  let closing = false;
  const app = Fastify({
    logger: false,
    bodyLimit,
    keepAliveTimeout: 72_000,
    return503OnClosing: true,
  });
  // The model routes' common case skips fastify's per-request work (see serveFast); fastify's own request
  // listener still takes every other request. (A serverFactory would do the same but stops fastify from also
  // binding the other addresses of `localhost`.)
  const requestListeners = app.server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (requestListeners.length === 1) {
    const fastifyHandler = requestListeners[0];
    app.server.removeListener('request', fastifyHandler);
    app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (!serveFast(req, res)) fastifyHandler(req, res);
    });
  }
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  const knownModels = config.models.length > 0 ? new Set(config.models) : null;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, buf, done) => {
    if ((buf as Buffer).length === 0) return done(null, undefined);
    try {
      (req as RequestWithRawBody)[RAW_BODY] = buf as Buffer;
      done(null, parseJsonBody(buf as Buffer));
    } catch (err) {
      done(err as DgError, undefined);
    }
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _buf, done) => {
    done(new DgError(ERRORS.UNSUPPORTED_MEDIA_TYPE, "Send the request body as JSON with 'Content-Type: application/json'."), undefined);
  });

  // Errors raised before a handler runs (body parsing, size) still answer in the caller's dialect.
  app.setErrorHandler((err, req, reply) => {
    const dialect = dialectOf(req);
    refuseBeforeHandler(err, dialect, endpointFor(dialect, req), req.raw, reply.raw);
  });

  function refuseBeforeHandler(err: unknown, dialect: Dialect, endpoint: Endpoint, req: IncomingMessage, res: ServerResponse): void {
    const dgErr = toDgError(err);
    const exchange = newExchange(dialect, endpoint, performance.now());
    const secret = dialect.apiKey(req.headers);
    exchange.keyIdHint = keyIdOf(secret);
    // Attribute the refused request to its account when the key is good, so floods of bad bodies are seen.
    const auth = secret ? deps.identity.authenticate(secret) : null;
    if (auth?.ok) exchange.principal = auth.principal;
    exchange.status = dgErr.status;
    sendError(res, dialect, dgErr, exchange.requestId, null);
    record(req, exchange);
  }
  app.setNotFoundHandler((req, reply) => {
    const dialect = guessDialect(req.headers);
    const err = new DgError(ERRORS.NOT_FOUND, `Unknown route: ${req.method} ${req.url.split('?')[0]}.`);
    sendError(reply.raw, dialect, err, newRequestId(), null);
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async () => deps.readiness?.() ?? { status: 'ready' });

  // One route per path; a path both dialects serve (GET /v1/models) picks the dialect from the headers.
  const byPath = new Map<string, { method: string; targets: { dialect: Dialect; endpoint: Endpoint }[] }>();
  for (const dialect of DIALECTS) {
    for (const endpoint of dialect.endpoints) {
      const key = `${endpoint.method} ${endpoint.path}`;
      const entry = byPath.get(key) ?? { method: endpoint.method, targets: [] };
      entry.targets.push({ dialect, endpoint });
      byPath.set(key, entry);
    }
  }
  for (const { method, targets } of byPath.values()) {
    const path = targets[0].endpoint.path;
    if (method === 'POST') fastRoutes.set(path, targets);
    app.route({
      method,
      url: path,
      config: { dialect: targets[0].dialect.name },
      handler: (req, reply) => {
        const target = pickTarget(targets, req.headers);
        reply.hijack();
        return handleExchange(target.dialect, target.endpoint, req.raw, reply.raw, req.body, (req as RequestWithRawBody)[RAW_BODY]);
      },
    });
  }

  /**
   * Serves a model request without fastify when it is the common case: POST to a model route's exact path,
   * a JSON content type, a Content-Length within the body limit, the server not closing. Its body is read
   * and parsed as fastify's parser would, and errors take the same path as fastify's. Returns false, having
   * touched nothing, for any other request: fastify then routes, reads and refuses it as it always did.
   * (Fastify's routing, request and reply objects, hooks and body reader cost a few µs a request.)
   */
  function serveFast(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'POST' || closing) return false;
    const targets = fastRoutes.get(req.url ?? '');
    const contentType = req.headers['content-type'];
    const lengthHeader = req.headers['content-length'];
    if (!targets || contentType === undefined || !FAST_CONTENT_TYPES.has(contentType.toLowerCase()) || lengthHeader === undefined) return false;
    const length = Number(lengthHeader);
    if (!Number.isSafeInteger(length) || length < 0 || length > bodyLimit || req.headers['transfer-encoding'] !== undefined) return false;
    const target = pickTarget(targets, req.headers);
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
    });
    req.once('error', (err) => refuseBeforeHandler(err, target.dialect, target.endpoint, req, res));
    req.once('end', () => {
      if (received !== length) {
        refuseBeforeHandler(Object.assign(new Error('body length differs from Content-Length'), { code: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' }), target.dialect, target.endpoint, req, res);
        return;
      }
      if (length === 0) {
        void handleExchange(target.dialect, target.endpoint, req, res, undefined, undefined);
        return;
      }
      const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received);
      let body: unknown;
      try {
        body = parseJsonBody(raw);
      } catch (err) {
        refuseBeforeHandler(err, target.dialect, target.endpoint, req, res);
        return;
      }
      void handleExchange(target.dialect, target.endpoint, req, res, body, raw);
    });
    return true;
  }

  async function handleExchange(dialect: Dialect, endpoint: Endpoint, req: IncomingMessage, res: ServerResponse, requestBody: unknown, rawBody: Buffer | undefined): Promise<void> {
    const exchange = newExchange(dialect, endpoint, performance.now());
    let rateInfo: RateLimitInfo | null = null;
    const cancel = new UpstreamCancel();
    const onClose = () => {
      if (!res.writableFinished) cancel.cancel();
    };
    res.on('close', onClose);
    try {
      if (deps.replayMode) exchange.arrivedAt = replayTime(req.headers);
      // 1. Who is calling (in memory, no I/O).
      const secret = dialect.apiKey(req.headers);
      exchange.keyIdHint = keyIdOf(secret);
      if (!secret) throw new DgError(ERRORS.MISSING_API_KEY, dialect.name === 'anthropic' ? 'x-api-key header is required.' : "You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.");
      const auth = deps.identity.authenticate(secret);
      if (!auth.ok) throw new DgError(auth.reason === 'revoked' ? ERRORS.REVOKED_API_KEY : ERRORS.INVALID_API_KEY);
      const principal = auth.principal;
      exchange.principal = principal;
      if (principal.status === 'suspended') throw new DgError(ERRORS.ACCOUNT_SUSPENDED);
      const enforcement = deps.enforcement.lookup(principal.accountId);
      if (enforcement) {
        exchange.action = enforcement.kind;
        refuseIfBlocked(enforcement, deps.enforcement.config);
      }

      // 2. What is asked, in the dialect's terms.
      const marks = deps.marks?.factoryFor(principal);
      let visibility: ReasoningVisibility = 'full';
      let reserveTokens = 0;
      let parsed: ParsedRequest | null = null;
      if (endpoint.parse) {
        const body = requestBody as Record<string, unknown> | undefined;
        exchange.body = body && typeof body === 'object' && !Array.isArray(body) ? body : null;
        if (exchange.body) exchange.params = paramsOf(exchange.body);
        parsed = endpoint.parse(body);
        exchange.parsed = parsed;
        if (knownModels && !knownModels.has(parsed.model)) {
          throw new DgError(ERRORS.UNKNOWN_MODEL, `The model '${parsed.model}' does not exist or you do not have access to it.`, { param: 'model' });
        }
        // 3. What the caller's tier allows.
        const gate = deps.gates.apply(parsed.features, principal.tier);
        if (!gate.ok) throw gate.error;
        const caps = enforcement?.kind === 'degrade' ? degradeCaps(parsed.features, gate.caps, deps.enforcement.config) : gate.caps;
        parsed.applyCaps(caps);
        visibility = enforcement?.kind === 'degrade' ? stricterVisibility(gate.reasoning, deps.enforcement.config.degrade.reasoning) : gate.reasoning;
        const outputBudget = caps.maxTokens ?? parsed.features.maxTokens ?? DEFAULT_OUTPUT_RESERVATION;
        reserveTokens = parsed.estimatedInputTokens + outputBudget * Math.max(1, caps.n ?? parsed.features.n ?? 1);
      }

      // 4. Rate limits per key, account and campaign; tokens reserved now, settled at the end.
      const scopes = deps.scopes(principal, enforcement?.kind === 'throttle');
      const admitted = deps.limiter.admit(scopes, reserveTokens, exchange.arrivedAt);
      const admission = admitted instanceof Promise ? await admitted : admitted;
      rateInfo = admission.info;
      if (!admission.ok) {
        deps.metrics.limiterRejections.inc({ scope: admission.scope });
        throw rateLimitError(admission, scopes, reserveTokens);
      }
      exchange.reservation = admission.reservation;

      // 5. Forward.
      const upstreamStart = performance.now();
      const streamable = parsed !== null && endpoint.createStreamTransform !== undefined;
      const answer = await deps.upstreams[dialect.name]
        .request({
          method: endpoint.method,
          path: endpoint.upstreamPath,
          headers: upstreamHeaders(dialect, req.headers, deps.upstreamApiKeys[dialect.name], !!parsed, deps.replayMode),
          // the caller's bytes as they came, unless the gates changed the request
          body: parsed ? (parsed.modified || rawBody === undefined ? JSON.stringify(parsed.body) : rawBody) : undefined,
          streamable,
          signal: cancel,
        })
        .catch((err) => {
          throw cancel.aborted ? new DgError(ERRORS.CLIENT_CLOSED) : upstreamFailure(err);
        });

      // One headers object for the answer, filled in place (no copies on the way to writeHead).
      const headers: Record<string, string> = rateInfo ? rateLimitHeaders(rateInfo) : {};
      headers['x-request-id'] = exchange.requestId;
      if (deps.replayMode) headers['x-distillguard-action'] = exchange.action;
      if (answer.stream) {
        await streamResponse(res, answer.stream, streamRelay(res, endpoint, visibility, parsed!, marks), visibility !== 'full', headers, dialect, exchange);
      } else if (answer.statusCode >= 400) {
        relayUpstreamError(dialect, answer.statusCode, answer.bytes.toString('utf8'), res, headers, exchange);
      } else {
        sendJsonAnswer(res, answer.statusCode, answer.bytes, endpoint, visibility, marks, headers, exchange);
      }
      deps.metrics.observeUpstreamLatency(dialect.name, (performance.now() - upstreamStart) / 1000);
    } catch (err) {
      const dgErr = toDgError(err);
      exchange.status = cancel.aborted ? STATUS_CLIENT_CLOSED : dgErr.status;
      if (!cancel.aborted) {
        if (!res.headersSent) sendError(res, dialect, dgErr, exchange.requestId, rateInfo, actionHeader(exchange));
        else if (!res.writableEnded) res.end(dialect.streamErrorEvent(dgErr));
      }
      if (dgErr.status >= 500 && dgErr.status !== STATUS_CLIENT_CLOSED) deps.log.warn({ err: dgErr.cause ?? dgErr, code: dgErr.code, requestId: exchange.requestId }, 'request failed');
    } finally {
      res.off('close', onClose);
      if (cancel.aborted) exchange.status = STATUS_CLIENT_CLOSED;
      settle(exchange);
      record(req, exchange);
    }
  }

  async function streamResponse(
    res: ServerResponse,
    body: UpstreamBody,
    relay: StreamRelay,
    holdsBack: boolean,
    headers: Record<string, string>,
    dialect: Dialect,
    exchange: Exchange,
  ): Promise<void> {
    exchange.status = 200;
    headers['content-type'] = 'text/event-stream; charset=utf-8';
    headers['cache-control'] = 'no-cache';
    headers['x-accel-buffering'] = 'no';
    res.writeHead(200, headers);
    // The headers ride with the first chunk sent (a write of their own costs as much as a chunk's). A stream
    // whose reasoning is hidden or summarised may send nothing for a long while: its caller gets them at once.
    if (holdsBack) res.flushHeaders();
    try {
      await new Promise<void>((resolve, reject) => {
        const resume = () => body.resume();
        body.pipeTo({
          chunk(chunk) {
            try {
              if (relay.forward(chunk) || res.destroyed) return true;
            } catch (err) {
              body.abort(err as Error);
              return true;
            }
            res.once('drain', resume);
            return false;
          },
          // Ended at once, not after the promise's turn: the upstream's last chunk and its end usually come in
          // one read, and the answer's end then goes out in the same write as its last chunk (res.write holds
          // its chunk until the next tick), one system call fewer per stream.
          end() {
            try {
              relay.finish();
              resolve();
            } catch (err) {
              reject(err);
            }
          },
          // a caller gone while the upstream waits for it to read: the cancel aborts the body (an AbortError)
          error(err) {
            res.off('drain', resume);
            reject(err);
          },
        });
      });
    } catch (err) {
      if ((err as { name?: string }).name === 'AbortError' || res.destroyed) throw new DgError(ERRORS.CLIENT_CLOSED);
      // The stream already began with 200: the failure is told in-stream, in the caller's dialect.
      const failure = isUpstreamFailure(err) ? upstreamFailure(err) : new DgError(ERRORS.INTERNAL, undefined, { cause: err });
      res.end(dialect.streamErrorEvent(failure));
      deps.log.warn({ err, code: failure.code, requestId: exchange.requestId }, 'stream failed');
    } finally {
      exchange.usage = relay.usage;
    }
  }

  function sendJsonAnswer(
    res: ServerResponse,
    status: number,
    bytes: Buffer,
    endpoint: Endpoint,
    visibility: ReasoningVisibility,
    marks: TextRewriterFactory | undefined,
    headers: Record<string, string>,
    exchange: Exchange,
  ): void {
    exchange.status = status;
    // The upstream's bytes go out as they came unless the answer had to change.
    let out: Buffer | string = bytes;
    if (endpoint.transformJson) {
      const text = bytes.toString('utf8');
      const skimmed = endpoint.rewriteJsonText?.(text, visibility, marks) ?? null;
      if (skimmed) {
        exchange.usage = skimmed.usage;
        if (skimmed.json !== text) out = skimmed.json;
      } else {
        let obj: Record<string, unknown> | null = null;
        try {
          obj = JSON.parse(text) as Record<string, unknown>;
        } catch {
          obj = null;
        }
        if (obj && typeof obj === 'object') {
          exchange.usage = endpoint.transformJson(obj, visibility, marks);
          if (visibility !== 'full' || marks) out = JSON.stringify(obj);
        }
      }
    }
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(typeof out === 'string' ? Buffer.byteLength(out) : out.length);
    res.writeHead(status, headers);
    res.end(out);
  }

  function relayUpstreamError(dialect: Dialect, status: number, text: string, res: ServerResponse, headers: Record<string, string>, exchange: Exchange): void {
    exchange.status = status;
    let parsedBody: unknown = null;
    try {
      parsedBody = JSON.parse(text);
    } catch {
      parsedBody = null;
    }
    if (dialect.isNativeErrorBody(parsedBody)) {
      res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    const err = upstreamErrorAnswer(status, text);
    sendError(res, dialect, err, exchange.requestId, null);
  }

  function settle(exchange: Exchange): void {
    if (!exchange.reservation) return;
    const u = exchange.usage;
    const used =
      u.inputTokens === null && u.outputTokens === null
        ? exchange.status >= 400
          ? (exchange.parsed?.estimatedInputTokens ?? 0)
          : exchange.reservation.reservedTokens
        : (u.inputTokens ?? 0) + (u.outputTokens ?? 0) + (u.reasoningTokens ?? 0);
    const settled = deps.limiter.reconcile(exchange.reservation, used, exchange.arrivedAt + (performance.now() - exchange.startedAt));
    if (settled instanceof Promise) settled.catch((err) => deps.log.warn({ err }, 'rate-limit reconcile failed'));
  }

  function record(req: IncomingMessage, exchange: Exchange): void {
    const latency = performance.now() - exchange.startedAt;
    deps.metrics.countRequest(exchange.dialect.name, exchange.status);
    deps.metrics.observeLatency(exchange.dialect.name, latency / 1000);
    const p = exchange.principal;
    const body = exchange.body;
    const u = exchange.usage;
    deps.events.push({
      ts: isoTimestamp(exchange.arrivedAt),
      request_id: exchange.requestId,
      account_id: p?.accountId ?? UNAUTHENTICATED_ACCOUNT,
      org_id: p?.orgId ?? null,
      key_id: p?.keyId ?? exchange.keyIdHint,
      client: {
        ip: deps.clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for']),
        user_agent: headerValue(req.headers['user-agent']),
        ja4: headerValue(req.headers[config.server.ja4_header]),
      },
      endpoint: exchange.endpoint.path,
      model: exchange.parsed?.model ?? (typeof body?.model === 'string' ? body.model : ''),
      params: exchange.params,
      messages: body && exchange.endpoint.toLogMessages ? exchange.endpoint.toLogMessages(body) : [],
      response: {
        status: exchange.status,
        input_tokens: u.inputTokens,
        output_tokens: u.outputTokens,
        reasoning_tokens: u.reasoningTokens,
        finish_reason: u.finishReason,
        latency_ms: Math.round(latency),
      },
    });
  }

  /** In replay mode, which enforcement the request met (the replay counts outcomes by it). */
  function actionHeader(exchange: Exchange): Record<string, string> {
    return deps.replayMode ? { 'x-distillguard-action': exchange.action } : {};
  }

  return app;
}

/** account_id of events for requests whose key could not be resolved to an account. */
export const UNAUTHENTICATED_ACCOUNT = 'unauthenticated';

/** Distinguishes this process's request ids from other gateway instances'. */
const PROCESS_TAG = randomBytes(4).toString('hex');
const SEQ_SPAN = 36 ** 4;
let requestSeq = 0;
/** The time part of request ids, formatted once per millisecond rather than once per request. */
let idClockMs = -1;
let idTimePart = '';

/** Request ids that sort by time, so the event store appends to its index instead of inserting at random. */
function newRequestId(): string {
  const now = Date.now();
  if (now !== idClockMs) {
    idClockMs = now;
    idTimePart = `req_${now.toString(36).padStart(9, '0')}`;
  }
  requestSeq = (requestSeq + 1) % SEQ_SPAN;
  return idTimePart + requestSeq.toString(36).padStart(4, '0') + PROCESS_TAG;
}

function newExchange(dialect: Dialect, endpoint: Endpoint, startedAt: number): Exchange {
  return {
    requestId: newRequestId(),
    arrivedAt: Date.now(),
    startedAt,
    dialect,
    endpoint,
    body: null,
    params: {},
    principal: null,
    keyIdHint: null,
    parsed: null,
    reservation: null,
    status: 0,
    usage: emptyUsage(),
    action: 'none',
  };
}

/** Replay mode only: the request's time is the logged time it carries, so hours of traffic replay in minutes. */
function replayTime(headers: Record<string, string | string[] | undefined>): number {
  const v = headerValue(headers['x-distillguard-replay-ts']);
  const ms = v === null ? NaN : Date.parse(v);
  if (!Number.isFinite(ms)) throw new DgError(ERRORS.INVALID_REQUEST, 'Replay mode: the x-distillguard-replay-ts header must be an RFC 3339 time.', { param: 'x-distillguard-replay-ts' });
  return ms;
}

function paramsOf(body: Record<string, unknown>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const k in body) if (!CONVERSATION_FIELDS.has(k)) params[k] = body[k];
  return params;
}

/** The visible key id of a presented secret (`dg-<keyId>-…`), logged even when the key is refused. */
function keyIdOf(secret: string | null): string | null {
  if (!secret) return null;
  const m = /^dg-(key_[0-9a-f]{12})-/.exec(secret);
  return m ? m[1] : null;
}

function headerValue(v: string | string[] | undefined): string | null {
  if (v === undefined) return null;
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * How a stream goes to the caller: its events byte for byte when none changes for this caller (full reasoning,
 * no marks), usage read from the bytes, when the endpoint can; else through its transform.
 */
function streamRelay(res: ServerResponse, endpoint: Endpoint, visibility: ReasoningVisibility, parsed: ParsedRequest, marks: TextRewriterFactory | undefined): StreamRelay {
  const reader = visibility === 'full' && marks === undefined ? endpoint.createStreamUsageReader?.(parsed) : undefined;
  if (reader) return new ForwardingRelay(res, reader);
  return new TransformingRelay(res, endpoint.createStreamTransform!(visibility, parsed, marks));
}

function upstreamHeaders(dialect: Dialect, incoming: Record<string, string | string[] | undefined>, apiKey: string | undefined, hasBody: boolean, replayMode: boolean): Record<string, string> {
  const headers: Record<string, string> = dialect.upstreamAuthHeaders(apiKey);
  // replay mode: the logged answer's size travels on to the demo upstream, which answers with that usage
  if (replayMode && incoming[REPLAY_USAGE_HEADER] !== undefined) headers[REPLAY_USAGE_HEADER] = headerValue(incoming[REPLAY_USAGE_HEADER])!;
  if (hasBody) headers['content-type'] = 'application/json';
  headers.accept = headerValue(incoming.accept) ?? 'application/json';
  for (const name of dialect.forwardedHeaders) {
    const v = incoming[name];
    if (v !== undefined) headers[name] = headerValue(v)!;
  }
  return headers;
}

/** The raw body fastify's JSON parser read, kept so an unchanged request goes upstream as the caller's bytes. */
/** A request body as JSON, for both the fast path and fastify's parser; refused in the caller's dialect when it is not. */
function parseJsonBody(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new DgError(ERRORS.INVALID_JSON, 'We could not parse the JSON body of your request.');
  }
}

const RAW_BODY = Symbol('rawBody');
type RequestWithRawBody = FastifyRequest & { [RAW_BODY]?: Buffer };

function dialectOf(req: FastifyRequest): Dialect {
  const configured = (req.routeOptions?.config as { dialect?: DialectName } | undefined)?.dialect;
  if (configured === 'anthropic' && req.url.startsWith('/v1/messages')) return anthropic;
  if (configured === 'openai' && !req.url.startsWith('/v1/models')) return openai;
  return guessDialect(req.headers);
}

function guessDialect(headers: Record<string, string | string[] | undefined>): Dialect {
  return headers['x-api-key'] !== undefined || headers['anthropic-version'] !== undefined ? anthropic : openai;
}

function endpointFor(dialect: Dialect, req: FastifyRequest): Endpoint {
  const path = req.url.split('?')[0];
  return dialect.endpoints.find((e) => e.path === path) ?? { method: 'POST', path, upstreamPath: path };
}

function toDgError(err: unknown): DgError {
  if (err instanceof DgError) return err;
  const code = (err as { code?: string })?.code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new DgError(ERRORS.BODY_TOO_LARGE, 'The request body exceeds the size limit of this gateway.');
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
    return new DgError(ERRORS.UNSUPPORTED_MEDIA_TYPE, "Send the request body as JSON with 'Content-Type: application/json'.");
  }
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return new DgError(ERRORS.INVALID_REQUEST, 'The request body is empty.');
  return new DgError(ERRORS.INTERNAL, undefined, { cause: err });
}

function sendError(res: ServerResponse, dialect: Dialect, err: DgError, requestId: string, rateInfo: RateLimitInfo | null, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  const text = JSON.stringify(dialect.errorBody(err));
  res.writeHead(err.status, {
    ...extraHeaders,
    ...(rateInfo ? rateLimitHeaders(rateInfo) : {}),
    ...err.headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-request-id': requestId,
    'x-distillguard-error-code': err.code,
  });
  res.end(text);
}
