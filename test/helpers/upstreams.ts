// Small real HTTP upstreams for the gateway's tests: one that records what it was sent,
// and ones that fail in the ways real upstreams fail.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestUpstream {
  url: string;
  /** Bodies and headers of the requests received, in order. */
  received: { path: string; headers: IncomingMessage['headers']; body: any }[];
  close(): Promise<void>;
}

export async function startUpstream(handler: (req: IncomingMessage, body: any, res: ServerResponse) => void | Promise<void>): Promise<TestUpstream> {
  const received: TestUpstream['received'] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? JSON.parse(text) : null;
    received.push({ path: req.url ?? '', headers: req.headers, body });
    await handler(req, body, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** An upstream that answers an event stream written in the given pieces, each in an event-loop turn of its own. */
export function startSseUpstream(pieces: Buffer[]): Promise<TestUpstream> {
  return startUpstream((_req, _body, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let next = 0;
    const write = () => {
      if (next === pieces.length) return void res.end();
      res.write(pieces[next++]);
      setImmediate(write);
    };
    write();
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export const chatCompletionBody = (model: string, content = 'ok') => ({
  id: 'chatcmpl-test',
  object: 'chat.completion',
  created: 1,
  model,
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
});
