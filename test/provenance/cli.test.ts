import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCanary, plantCanary, recordCanary } from '../../src/provenance/canaries.ts';
import { allKeys, loadOrCreateKeys } from '../../src/provenance/keys.ts';
import { watermarkText } from '../../src/provenance/watermark.ts';
import { mulberry32 } from '../../src/provenance/validation/rng.ts';
import { serveStudent, type RunningStudent } from '../../src/provenance/validation/student-server.ts';
import { teacherAnswer, teacherSample } from '../../src/provenance/validation/teacher.ts';
import { runCli } from './helpers.ts';

describe('provenance CLI', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dg-prov-cli-'));
  const keys = allKeys(loadOrCreateKeys(dataDir));
  const canary = createCanary('camp-cli', 'fact');
  recordCanary(dataDir, canary);
  let student: RunningStudent;

  before(async () => {
    // a "student" that answers like a model trained on our watermarked, canaried outputs
    const rng = mulberry32(9);
    student = await serveStudent(
      (prompt) => {
        const answer = watermarkText(teacherAnswer(rng, prompt) + ' ' + teacherAnswer(rng, prompt), keys[0].seed).text;
        return prompt.includes(canary.markers[0].split(' ')[0].replace(/^./, (c) => c.toUpperCase())) ? plantCanary(answer, canary) : answer;
      },
      { apiKey: 'suspect-key' },
    );
  });
  after(async () => {
    await student.close();
  });

  it('scan --json scores a corpus file and prints one JSON object', async () => {
    const rng = mulberry32(5);
    const lines = Array.from({ length: 40 }, (_, i) => {
      const text = teacherSample(rng).response;
      return i % 5 !== 0 ? watermarkText(text, keys[0].seed).text : text;
    });
    lines.push(plantCanary('A line that carries the canary.', canary).replace(/\n/g, ' '));
    const file = join(dataDir, 'corpus.txt');
    writeFileSync(file, lines.join('\n'));
    const out = join(dataDir, 'scan-report');
    const run = await runCli(['provenance', 'scan', '--text', file, '--data-dir', dataDir, '--out', out, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assert.ok(result.p_value < 1e-6, `p = ${result.p_value}`);
    assert.match(result.test, /binomial/);
    assert.ok(result.tokens_scored > 50);
    assert.equal(result.canary_hits, 1);
    assert.deepEqual(result.implicated_campaigns, ['camp-cli']);
    assert.ok(existsSync(join(out, 'provenance-report.json')));
    assert.match(readFileSync(join(out, 'provenance-report.html'), 'utf8'), /<!doctype html>[\s\S]*p-value/);
  });

  it('scan on clean text does not flag it', async () => {
    const rng = mulberry32(6);
    const file = join(dataDir, 'clean.txt');
    writeFileSync(file, Array.from({ length: 30 }, () => teacherSample(rng).response).join('\n'));
    const run = await runCli(['provenance', 'scan', '--text', file, '--data-dir', dataDir, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assert.equal(result.canary_hits, 0);
    assert.ok(result.tokens_scored > 50);
  });

  it('test probes a suspect model over HTTP and detects the watermark and the canary', async () => {
    const out = join(dataDir, 'test-report');
    const run = await runCli([
      'provenance', 'test', '--endpoint', student.url, '--model', 'student-1', '--api-key', 'suspect-key',
      '--queries', '30', '--concurrency', '2', '--data-dir', dataDir, '--out', out, '--json',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assert.ok(result.p_value < 1e-6, `p = ${result.p_value}`);
    assert.ok(result.canary_hits >= 1, 'the canary trigger prompt brings the canary back');
    assert.equal(result.source.queries_answered, 30);
    assert.ok(existsSync(join(out, 'provenance-report.html')));
  });

  it('fails with a typed error when the data dir has no keys', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'dg-prov-empty-'));
    const file = join(empty, 'x.txt');
    writeFileSync(file, 'hello\n');
    const run = await runCli(['provenance', 'scan', '--text', file, '--data-dir', empty, '--json']);
    assert.equal(run.code, 1);
    assert.equal(JSON.parse(run.stdout).error.code, 'DG_ERR_PROVENANCE_KEYS_MISSING');
  });

  it('test reports an unreachable endpoint as a probe failure', async () => {
    const run = await runCli(['provenance', 'test', '--endpoint', 'http://127.0.0.1:9', '--model', 'm', '--queries', '2', '--data-dir', dataDir, '--json']);
    assert.equal(run.code, 1);
    assert.equal(JSON.parse(run.stdout).error.code, 'DG_ERR_PROVENANCE_PROBE_FAILED');
  });
});
