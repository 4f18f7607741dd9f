// Validates the provenance watermark end to end and prints the measured numbers (see docs/provenance.md).
// Usage: node --import tsx scripts/validate-provenance.ts [--quick] [--train=N] [--queries=N] [--clean=N] [--json]
// Targets: the 100 % and 10 % students detected at p < 1e-6 with ≤ 500 queries; false-positive rate at
// α = 0.01 over ≥ 100 clean students ≤ 1.5 %; ≤ 5 % of words changed.
import { runValidation } from '../src/provenance/validation/run.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.slice(name.length + 3)) : fallback;
};
const quick = args.includes('--quick');

const started = Date.now();
const result = await runValidation({
  trainSamples: flag('train', quick ? 8000 : 60000),
  shares: [1, 0.1, 0],
  queries: flag('queries', quick ? 200 : 500),
  cleanStudents: flag('clean', quick ? 20 : 100),
  cleanTrainSamples: flag('clean-train', quick ? 1500 : 3000),
  cleanQueries: flag('clean-queries', quick ? 40 : 100),
  maxTokens: flag('max-tokens', 600),
  temperature: flag('temperature', 0.7),
  seed: flag('seed', 20261127),
  log: (line) => console.error(line),
});

if (args.includes('--json')) {
  console.log(JSON.stringify(result));
} else {
  const byShare = (s: number) => result.students.find((x) => x.share === s);
  const fmt = (s: number): string => {
    const o = byShare(s);
    return o ? `p = ${o.p_value.toExponential(2)} (log10 ${o.log10_p_value.toFixed(1)}), ${o.tokens_scored} scored, match ${o.match_rate.toFixed(3)}, canary hits ${o.canary_hits}, ${o.queries} queries` : 'not run';
  };
  console.log(
    [
      `words changed by the watermark      ${(result.change_rate * 100).toFixed(2)} % of ${result.teacher_words} teacher words (target ≤ 5 %)`,
      `student, 100 % watermarked data     ${fmt(1)}`,
      `student,  10 % watermarked data     ${fmt(0.1)}`,
      `student,   0 % watermarked data     ${fmt(0)}`,
      `clean students                      ${result.clean.students}, false positives at α = ${result.clean.alpha}: ${result.clean.false_positives} (${(result.clean.false_positive_rate * 100).toFixed(1)} %, target ≤ 1.5 %)`,
      `clean p-values below t              ${Object.entries(result.clean.share_below).map(([t, v]) => `${t}: ${(v * 100).toFixed(0)} %`).join(', ')}`,
      `elapsed                             ${((Date.now() - started) / 1000).toFixed(0)} s`,
    ].join('\n'),
  );
}
