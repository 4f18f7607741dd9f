// Watermark micro-benchmark (issue 5: "watermarking adds ≤ 10 % CPU to the gateway's handling of a response").
// Measures, for a typical 500-word response, the CPU time of
//   - the watermark alone (batch, and streamed in ~4-word deltas),
//   - a stand-in for the gateway's own per-response work without the watermark: parsing the upstream's JSON
//     body and serialising it again (non-streaming), or parsing and re-framing each SSE chunk (streaming),
//   - the same with the watermark applied,
// and prints ops/s and the added CPU in percent. The stand-in leaves out the gateway's network I/O, auth,
// policy and event writing, so the real relative cost is lower than the percentage printed here.
//
//   node --import tsx bench/watermark-bench.ts [--quick] [--seconds=S]
import { parseArgs } from 'node:util';
import { seedFromSecret } from '../src/provenance/keyed-hash.ts';
import { StreamWatermarker } from '../src/provenance/stream-watermark.ts';
import { watermarkText } from '../src/provenance/watermark.ts';
import { mulberry32 } from '../src/provenance/validation/rng.ts';
import { teacherSample } from '../src/provenance/validation/teacher.ts';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, seconds: { type: 'string' } }, strict: false });
const seconds = Number(values.seconds ?? (values.quick ? 0.5 : 2));

// a 500-word answer in paragraphs, with a code block as real answers often have
const rng = mulberry32(1);
const words: string[] = [];
while (words.length < 500) words.push(...teacherSample(rng, { lexiconShare: 0.12 }).response.split(' '));
const paragraphs: string[] = [];
for (let i = 0; i < 500; i += 100) paragraphs.push(words.slice(i, i + 100).join(' '));
const RESPONSE = `${paragraphs.slice(0, 2).join('\n\n')}\n\n\`\`\`python\nfor item in items:\n    print(item)\n\`\`\`\n\n${paragraphs.slice(2).join('\n\n')}`;
const DELTAS: string[] = [];
for (let i = 0; i < RESPONSE.length; ) {
  const n = 18 + (i % 7); // ~4 words a delta, cut anywhere (mid-word too)
  DELTAS.push(RESPONSE.slice(i, i + n));
  i += n;
}
const seed = seedFromSecret('bench-key');
const completion = (content: string): string =>
  JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 20, completion_tokens: 650, total_tokens: 670 } });
const BODY = completion(RESPONSE);
const SSE = DELTAS.map((d) => JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: d }, finish_reason: null }] }));

let sink = 0;
const cases: Record<string, () => void> = {
  'watermark only (batch)': () => {
    sink += watermarkText(RESPONSE, seed).text.length;
  },
  'watermark only (stream)': () => {
    const s = new StreamWatermarker(seed);
    for (const d of DELTAS) sink += s.push(d).length;
    sink += s.end().length;
  },
  'json response, no watermark': () => {
    const body = JSON.parse(BODY);
    sink += JSON.stringify(body).length;
  },
  'json response, watermark': () => {
    const body = JSON.parse(BODY);
    body.choices[0].message.content = watermarkText(body.choices[0].message.content, seed).text;
    sink += JSON.stringify(body).length;
  },
  'sse response, no watermark': () => {
    for (const line of SSE) {
      const chunk = JSON.parse(line);
      sink += `data: ${JSON.stringify(chunk)}\n\n`.length;
    }
  },
  'sse response, watermark': () => {
    const s = new StreamWatermarker(seed);
    for (const line of SSE) {
      const chunk = JSON.parse(line);
      chunk.choices[0].delta.content = s.push(chunk.choices[0].delta.content);
      sink += `data: ${JSON.stringify(chunk)}\n\n`.length;
    }
    sink += s.end().length;
  },
};

function measure(fn: () => void): { opsPerSec: number; cpuUsPerOp: number } {
  for (let i = 0; i < 200; i++) fn(); // warm-up
  const start = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let ops = 0;
  const deadline = t0 + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < deadline) {
    for (let i = 0; i < 50; i++) fn();
    ops += 50;
  }
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(start);
  return { opsPerSec: ops / wallS, cpuUsPerOp: (cpu.user + cpu.system) / ops };
}

const stats = watermarkText(RESPONSE, seed).stats;
console.log(`watermark bench: ${stats.words}-word response, ${DELTAS.length} stream deltas, ${stats.candidates} candidates, ${stats.changes} words changed (${((stats.changes / stats.words) * 100).toFixed(1)} %)`);
const results: Record<string, { opsPerSec: number; cpuUsPerOp: number }> = {};
for (const [name, fn] of Object.entries(cases)) {
  results[name] = measure(fn);
  console.log(`${name.padEnd(30)} ${results[name].opsPerSec.toFixed(0).padStart(9)} ops/s   ${results[name].cpuUsPerOp.toFixed(1).padStart(7)} µs CPU/response`);
}
const added = (base: string, marked: string): string => `${(((results[marked].cpuUsPerOp - results[base].cpuUsPerOp) / results[base].cpuUsPerOp) * 100).toFixed(1)} %`;
console.log(`added CPU vs parse+serialise only: json ${added('json response, no watermark', 'json response, watermark')}, sse ${added('sse response, no watermark', 'sse response, watermark')}`);
console.log(`(the gateway's full per-response work also includes network I/O, auth, policy and events, so its relative increase is smaller)`);
if (sink === 42) console.log('');
