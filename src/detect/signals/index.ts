// The signal families, in the fixed order that defines the feature vector.
import { context } from './context.ts';
import { cotCoercion } from './cot-coercion.ts';
import { extractionProbe } from './extraction-probe.ts';
import { grader } from './grader.ts';
import { jailbreak } from './jailbreak.ts';
import { prada } from './prada.ts';
import { releasePivot } from './release-pivot.ts';
import { repetition } from './repetition.ts';
import { behaviourShift } from './shift.ts';
import { systemPrompt } from './system-prompt.ts';
import { timing } from './timing.ts';
import { tokenShape } from './tokens.ts';
import { topics } from './topics.ts';
import type { FeatureSource, SignalFamily } from './types.ts';

export const SIGNALS: readonly SignalFamily[] = [
  cotCoercion, grader, jailbreak, systemPrompt, extractionProbe,
  repetition, topics, prada, tokenShape, timing, releasePivot,
  context, behaviourShift,
];

/** Every request param a signal reads (analyze's engine thread receives these and no others). */
export const PARAMS_READ: readonly string[] = [...new Set(SIGNALS.flatMap((s) => s.params ?? []))];

export const FEATURE_NAMES: readonly string[] = SIGNALS.flatMap((s) => s.names);

/** Fills `out` (length FEATURE_NAMES.length) with the features of `src`. */
export function computeFeatures(src: FeatureSource, shrink: number, out: Float64Array): void {
  let at = 0;
  for (const s of SIGNALS) {
    s.fill(src, out, at, shrink);
    at += s.names.length;
  }
}
