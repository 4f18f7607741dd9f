// `distillguard provenance test|scan`: was a suspect model (or a corpus) trained on our watermarked outputs?
// Reads the watermark keys and canary records where `serve` keeps them (--data-dir), scores the text, prints
// the result (or one JSON object with --json) and writes the JSON + HTML evidence report to --out.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfigFile } from '../config/load.ts';
import { ConfigError } from '../errors.ts';
import { loadCanaries } from '../provenance/canaries.ts';
import { PROVENANCE_ERRORS, ProvenanceError } from '../provenance/errors.ts';
import { EvidenceCollector, type ProvenanceResult } from '../provenance/evidence.ts';
import { allKeys, readKeys } from '../provenance/keys.ts';
import { formatPValue, writeReport } from '../provenance/report.ts';
import { probeSuspect } from '../provenance/suspect.ts';

interface CommonFlags {
  dataDir: string;
  config?: string;
  out?: string;
  json?: boolean;
}
interface TestFlags extends CommonFlags {
  endpoint: string;
  model: string;
  apiKey?: string;
  queries: string;
  concurrency: string;
  maxTokens: string;
  temperature: string;
}
interface ScanFlags extends CommonFlags {
  text: string;
}

export function register(program: Command): void {
  const provenance = program.command('provenance').description('Test whether a model or a corpus learned from our watermarked outputs.');
  provenance
    .command('test')
    .description('Probe a suspect OpenAI-compatible model and score its answers for our watermark and canaries.')
    .requiredOption('--endpoint <url>', 'base URL of the suspect API (…/v1/chat/completions is appended)')
    .requiredOption('--model <name>', 'model name to ask for')
    .option('--api-key <key>', 'bearer token for the suspect API (or env DISTILLGUARD_SUSPECT_API_KEY)')
    .option('--queries <n>', 'number of probe prompts', '500')
    .option('--concurrency <n>', 'parallel requests', '4')
    .option('--max-tokens <n>', 'max_tokens asked per answer', '600')
    .option('--temperature <t>', 'sampling temperature asked of the suspect', '0.7')
    .option('--out <dir>', 'where to write provenance-report.json and .html')
    .option('--data-dir <dir>', 'data directory of `serve` (keys and canaries)', './data')
    .option('--config <file>', 'configuration file (JSON or YAML), validated as for serve')
    .option('--json', 'print the result as one JSON object')
    .action(async (flags: TestFlags) => {
      await run(flags, async () => {
        const { keys, canaries } = loadMarks(flags);
        return probeSuspect({
          endpoint: flags.endpoint,
          model: flags.model,
          apiKey: flags.apiKey ?? process.env.DISTILLGUARD_SUSPECT_API_KEY,
          queries: positiveInt(flags.queries, '--queries'),
          concurrency: positiveInt(flags.concurrency, '--concurrency'),
          maxTokens: positiveInt(flags.maxTokens, '--max-tokens'),
          temperature: nonNegative(flags.temperature, '--temperature'),
          keys,
          canaries,
        });
      });
    });
  provenance
    .command('scan')
    .description('Score a corpus (a text file, one sample a line) for our watermark and canaries.')
    .requiredOption('--text <file>', 'the corpus, one sample a line')
    .option('--out <dir>', 'where to write provenance-report.json and .html')
    .option('--data-dir <dir>', 'data directory of `serve` (keys and canaries)', './data')
    .option('--config <file>', 'configuration file (JSON or YAML), validated as for serve')
    .option('--json', 'print the result as one JSON object')
    .action(async (flags: ScanFlags) => {
      await run(flags, async () => {
        const { keys, canaries } = loadMarks(flags);
        let text: string;
        try {
          text = readFileSync(flags.text, 'utf8');
        } catch (err) {
          throw new ProvenanceError(PROVENANCE_ERRORS.INPUT_INVALID, `cannot read --text ${flags.text}: ${(err as Error).message}`);
        }
        const collector = new EvidenceCollector(keys, canaries);
        let samples = 0;
        for (const line of text.split('\n')) {
          if (line.trim() === '') continue;
          collector.add(line);
          samples++;
        }
        return collector.result('scan', { file: resolve(flags.text), samples });
      });
    });
}

function loadMarks(flags: CommonFlags) {
  // --config is validated so a broken file is reported; the marks themselves live in the data dir
  if (flags.config) loadConfigFile(flags.config);
  const dataDir = resolve(flags.dataDir);
  return { keys: allKeys(readKeys(dataDir)), canaries: loadCanaries(dataDir) };
}

async function run(flags: CommonFlags, produce: () => Promise<ProvenanceResult>): Promise<void> {
  let result: ProvenanceResult;
  try {
    result = await produce();
  } catch (err) {
    if (err instanceof ProvenanceError || err instanceof ConfigError) {
      if (flags.json) console.log(JSON.stringify({ error: { code: err.code, message: err.message } }));
      else console.error(`distillguard provenance: ${err.message} [${err.code}]`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
  const written = flags.out ? writeReport(resolve(flags.out), result) : null;
  if (flags.json) {
    console.log(JSON.stringify(written ? { ...result, report: written } : result));
    return;
  }
  const lines = [
    `p-value            ${formatPValue(result.p_value, result.log10_p_value)}`,
    `test               ${result.test}`,
    `scored             ${result.tokens_scored} observations, match rate ${result.watermark.match_rate.toFixed(4)} (0.5 expected)`,
    `effect size        excess ${result.effect_size.excess_match_rate.toFixed(4)}, Cohen's h ${result.effect_size.cohens_h.toFixed(3)}`,
    `canary hits        ${result.canary_hits} (of ${result.canaries_checked} canaries)`,
  ];
  if (result.implicated_campaigns.length) lines.push(`campaigns          ${result.implicated_campaigns.join(', ')}`);
  if (written) lines.push(`report             ${written.html}`, `                   ${written.json}`);
  console.log(lines.join('\n'));
}

function positiveInt(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new ProvenanceError(PROVENANCE_ERRORS.INPUT_INVALID, `${name} must be a positive integer, got ${v}`);
  return n;
}

function nonNegative(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new ProvenanceError(PROVENANCE_ERRORS.INPUT_INVALID, `${name} must be a number ≥ 0, got ${v}`);
  return n;
}
