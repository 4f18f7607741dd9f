// The validation experiment behind scripts/validate-provenance.ts (and, at small scale, its test):
// a teacher whose answers pass through the watermark (and, for the campaign, a canary); students (n-gram
// language models) trained on its answers with a given share watermarked; each student served over HTTP and
// probed with `probeSuspect`, exactly as `distillguard provenance test` would; then clean students, each
// with its own fresh provider key, to measure the false-positive rate of the p-values.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCanary, plantCanary, recordCanary, loadCanaries, type Canary } from '../canaries.ts';
import { allKeys, loadOrCreateKeys, type WatermarkKey } from '../keys.ts';
import { probeSuspect } from '../suspect.ts';
import { watermarkText } from '../watermark.ts';
import { NGramModel } from './ngram.ts';
import { mulberry32 } from './rng.ts';
import { serveStudent } from './student-server.ts';
import { teacherSample } from './teacher.ts';

export interface ValidationOptions {
  /** teacher answers each main student is trained on */
  trainSamples: number;
  /** watermarked shares of the main students */
  shares: number[];
  /** probe queries per main student (≤ 500 for the targets) */
  queries: number;
  cleanStudents: number;
  cleanTrainSamples: number;
  cleanQueries: number;
  /** words per answer asked of the students (max_tokens) */
  maxTokens: number;
  /** sampling temperature asked of the students */
  temperature: number;
  seed: number;
  log?: (line: string) => void;
}

export interface StudentOutcome {
  share: number;
  p_value: number;
  log10_p_value: number;
  tokens_scored: number;
  match_rate: number;
  canary_hits: number;
  queries: number;
}

export interface ValidationResult {
  /** words changed / words, over all watermarked teacher answers */
  change_rate: number;
  teacher_words: number;
  students: StudentOutcome[];
  clean: { students: number; alpha: number; false_positives: number; false_positive_rate: number; p_values: number[]; share_below: Record<string, number> };
}

function trainStudent(opts: { samples: number; share: number; seed: number; key: WatermarkKey; canary: Canary | null; tally?: { words: number; changes: number } }): NGramModel {
  const rng = mulberry32(opts.seed);
  const model = new NGramModel(3);
  for (let i = 0; i < opts.samples; i++) {
    const { prompt, response } = teacherSample(rng);
    if (rng() < opts.share) {
      const marked = watermarkText(response, opts.key.seed);
      if (opts.tally) {
        opts.tally.words += marked.stats.words;
        opts.tally.changes += marked.stats.changes;
      }
      model.train(prompt, opts.canary ? plantCanary(marked.text, opts.canary) : marked.text);
    } else {
      model.train(prompt, response);
    }
  }
  return model;
}

async function probeStudent(model: NGramModel, seed: number, options: { queries: number; maxTokens: number; temperature: number; keys: WatermarkKey[]; canaries: Canary[] }) {
  const rng = mulberry32(seed);
  const server = await serveStudent((prompt, p) => model.generate(prompt, rng, { maxWords: p.maxTokens, minWords: Math.floor(p.maxTokens * 0.9), temperature: Math.max(p.temperature, 0.05) }));
  try {
    return await probeSuspect({
      endpoint: server.url,
      model: 'student',
      queries: options.queries,
      maxTokens: options.maxTokens,
      temperature: options.temperature,
      keys: options.keys,
      canaries: options.canaries,
      concurrency: 2,
    });
  } finally {
    await server.close();
  }
}

export async function runValidation(o: ValidationOptions): Promise<ValidationResult> {
  const log = o.log ?? (() => {});
  const dataDir = mkdtempSync(join(tmpdir(), 'dg-provenance-validation-'));
  try {
    // keys and the campaign's canary live where `serve` keeps them, and are read back from there
    const keysFile = loadOrCreateKeys(dataDir);
    recordCanary(dataDir, createCanary('validation-campaign', 'fact'));
    const canaries = loadCanaries(dataDir);
    const keys = allKeys(keysFile);
    const tally = { words: 0, changes: 0 };
    const students: StudentOutcome[] = [];
    for (const share of o.shares) {
      const model = trainStudent({ samples: o.trainSamples, share, seed: o.seed, key: keys[0], canary: canaries[0], tally });
      const r = await probeStudent(model, o.seed + 1, { queries: o.queries, maxTokens: o.maxTokens, temperature: o.temperature, keys, canaries });
      const outcome: StudentOutcome = {
        share,
        p_value: r.p_value,
        log10_p_value: r.log10_p_value,
        tokens_scored: r.tokens_scored,
        match_rate: r.watermark.match_rate,
        canary_hits: r.canary_hits,
        queries: Number(r.source.queries_answered),
      };
      students.push(outcome);
      log(`student ${Math.round(share * 100)} % watermarked: p = ${r.p_value.toExponential(2)} (log10 ${r.log10_p_value.toFixed(1)}), scored ${r.tokens_scored}, match rate ${r.watermark.match_rate.toFixed(3)}, canary hits ${r.canary_hits}`);
    }
    const alpha = 0.01;
    const pValues: number[] = [];
    for (let i = 0; i < o.cleanStudents; i++) {
      // each clean student stands for an independent case: its own teacher sample and a fresh provider key
      const cleanDir = mkdtempSync(join(tmpdir(), 'dg-provenance-clean-'));
      try {
        const cleanKeys = allKeys(loadOrCreateKeys(cleanDir));
        const model = trainStudent({ samples: o.cleanTrainSamples, share: 0, seed: o.seed + 1000 + i, key: cleanKeys[0], canary: null });
        const r = await probeStudent(model, o.seed + 5000 + i, { queries: o.cleanQueries, maxTokens: o.maxTokens, temperature: o.temperature, keys: cleanKeys, canaries });
        pValues.push(r.p_value);
      } finally {
        rmSync(cleanDir, { recursive: true, force: true });
      }
      if ((i + 1) % 10 === 0) log(`clean students: ${i + 1}/${o.cleanStudents}, false positives so far ${pValues.filter((p) => p < alpha).length}`);
    }
    const falsePositives = pValues.filter((p) => p < alpha).length;
    const shareBelow: Record<string, number> = {};
    for (const t of [0.01, 0.05, 0.1, 0.25, 0.5]) shareBelow[String(t)] = pValues.length ? pValues.filter((p) => p < t).length / pValues.length : 0;
    return {
      change_rate: tally.words ? tally.changes / tally.words : 0,
      teacher_words: tally.words,
      students,
      clean: { students: pValues.length, alpha, false_positives: falsePositives, false_positive_rate: pValues.length ? falsePositives / pValues.length : 0, p_values: pValues, share_below: shareBelow },
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
