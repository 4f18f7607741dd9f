// A minimal OpenAI-compatible chat-completions server around any prompt → answer function, so validation and
// tests probe a student over real HTTP exactly as `provenance test` probes a suspect model.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Answerer = (prompt: string, params: { maxTokens: number; temperature: number }) => string;

export interface RunningStudent {
  url: string;
  requests: () => number;
  close: () => Promise<void>;
}

export async function serveStudent(answer: Answerer, options: { apiKey?: string } = {}): Promise<RunningStudent> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return reply(404, { error: { message: 'not found' } });
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) return reply(401, { error: { message: 'bad key' } });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      let body: { model?: string; messages?: Array<{ content?: unknown }>; max_tokens?: number; temperature?: number };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(400, { error: { message: 'invalid JSON' } });
      }
      const last = body.messages?.[body.messages.length - 1]?.content;
      const prompt = typeof last === 'string' ? last : '';
      const content = answer(prompt, { maxTokens: body.max_tokens ?? 256, temperature: body.temperature ?? 1 });
      reply(200, {
        id: `chatcmpl-${requests}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model ?? 'student',
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
