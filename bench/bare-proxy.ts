// The honest lower bound for the gateway benchmark: a pass-through proxy with the same stack as the gateway
// (fastify 5 + an undici 7 Pool) that streams request and response bodies and does nothing else:
// no auth, no parsing, no limits, no events.
// Run alone: `node --import tsx bench/bare-proxy.ts --upstream URL [--port N]`.
import Fastify, { type FastifyInstance } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { Pool } from 'undici';

/** Hop-by-hop headers (RFC 9110 §7.6.1) are per connection and never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
]);

function forwardableHeaders(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

export interface BareProxyOptions {
  upstream: string;
  /** Upstream connections kept in the pool (the gateway's bench config uses the same number). */
  connections?: number;
}

export function createBareProxy({ upstream, connections = 128 }: BareProxyOptions): FastifyInstance {
  const pool = new Pool(upstream, { connections, pipelining: 1 });
  const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
  // Bodies stay streams: whatever the content type, hand the raw request stream to the route.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

  app.all('/*', async (request, reply) => {
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    const upstreamResponse = await pool.request({
      path: request.url,
      method: request.method as 'GET',
      headers: forwardableHeaders(request.headers),
      body: hasBody ? (request.body as Readable) : undefined,
    });
    reply.code(upstreamResponse.statusCode);
    reply.headers(forwardableHeaders(upstreamResponse.headers));
    return reply.send(upstreamResponse.body);
  });
  app.addHook('onClose', async () => {
    await pool.close();
  });
  return app;
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const upstream = argValue('--upstream');
  if (!upstream) {
    process.stderr.write('usage: bare-proxy.ts --upstream URL [--port N]\n');
    process.exit(2);
  }
  const app = createBareProxy({ upstream });
  await app.listen({ port: Number(argValue('--port') ?? 0), host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ listening: `http://127.0.0.1:${port}` })}\n`);
  const stop = (): void => {
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
