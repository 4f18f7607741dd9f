// A streamed answer's end goes out in the same socket write as its last chunk when the upstream's last chunk
// and end come together: a write of its own costs a system call per stream. Counted on the gateway's sockets
// to its callers (this test file runs in a process of its own).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { startTestGateway } from '../helpers/gateway.ts';

const CHUNKS = [
  'data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}\n\n',
  'data: {"choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}],"usage":null}\n\n',
  'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}\n\n',
  'data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}\n\n',
  'data: [DONE]\n\n',
];

/** Records the bytes of every socket write made on sockets whose local port is `port()`. */
function recordWrites(port: () => number): Buffer[] {
  const writes: Buffer[] = [];
  const proto = net.Socket.prototype as unknown as { _writeGeneric(writev: boolean, data: unknown, encoding: string, cb: unknown): void };
  const original = proto._writeGeneric;
  proto._writeGeneric = function (this: net.Socket, writev, data, encoding, cb) {
    if (this.localPort === port()) {
      const parts = writev ? (data as { chunk: Buffer | string; encoding: BufferEncoding }[]) : [{ chunk: data as Buffer | string, encoding: encoding as BufferEncoding }];
      writes.push(Buffer.concat(parts.map((p) => (typeof p.chunk === 'string' ? Buffer.from(p.chunk, p.encoding === ('buffer' as BufferEncoding) ? 'utf8' : p.encoding) : p.chunk))));
    }
    return original.call(this, writev, data, encoding, cb);
  };
  return writes;
}

test("a stream's end leaves in the write of its last chunk", async () => {
  // each chunk a turn after the previous one; the last one and the end together, as most servers send them
  const upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let next = 0;
      const write = () => {
        res.write(CHUNKS[next++]);
        if (next < CHUNKS.length) setImmediate(write);
        else res.end();
      };
      write();
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const t = await startTestGateway({ upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
  const gatewayPort = Number(new URL(t.gw.url).port);
  const writes = recordWrites(() => gatewayPort);
  try {
    const answer = await fetch(`${t.gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.keyFor('acct_end', 'org')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] }),
    }).then((r) => r.text());
    assert.equal(answer, CHUNKS.join(''));
    const last = writes[writes.length - 1].toString('latin1');
    assert.ok(last.endsWith('0\r\n\r\n'), 'the last write ends the chunked answer');
    assert.ok(last.includes('data: [DONE]\n\n'), `the last write also holds the last chunk (it held ${JSON.stringify(last)})`);
  } finally {
    await t.close();
    await new Promise<void>((r) => upstream.close(() => r()));
  }
});
