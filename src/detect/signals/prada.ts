// PRADA-style distance test (Juuti et al. 2019, "PRADA: Protecting against DNN Model Stealing Attacks"):
// natural query streams have distances between successive queries that look normally distributed; synthetic
// probing and harvesting sets do not (too concentrated, or bimodal when templates alternate). We keep the
// first four moments of 1 − Jaccard between successive prompts and score their departure from normality with
// the Jarque–Bera statistic per observation. Who shares it: scripted benign batch jobs (evaluation sweeps), which the context
// and content signals separate.
import { C } from '../account-state.ts';
import type { SignalFamily } from './types.ts';

/** Fewer successive pairs than this say nothing about a distribution. */
const MIN_PAIRS = 4;

export const prada: SignalFamily = {
  names: ['prada_nonnormality', 'successive_distance'],
  observe(view, acc, env) {
    if (!view.hasSignature) return;
    const off = acc.latestSignatureOffset(env.hasher.k);
    if (off < 0) return;
    const d = 1 - env.hasher.similarity(view.signature, 0, acc.ring, off);
    const c = acc.counters;
    c[C.distN]! += 1;
    c[C.distSum]! += d;
    const d2 = d * d;
    c[C.distSum2]! += d2;
    c[C.distSum3]! += d2 * d;
    c[C.distSum4]! += d2 * d2;
  },
  fill(src, out, at) {
    const c = src.counters;
    const n = c[C.distN]!;
    if (n < MIN_PAIRS) {
      out[at] = 0;
      out[at + 1] = n > 0 ? c[C.distSum]! / n : 1;
      return;
    }
    const m = c[C.distSum]! / n;
    const e2 = c[C.distSum2]! / n;
    const e3 = c[C.distSum3]! / n;
    const e4 = c[C.distSum4]! / n;
    const variance = Math.max(0, e2 - m * m);
    let departure: number;
    if (variance < 1e-4) {
      departure = Infinity; // (near-)constant distances: no natural stream looks like this
    } else {
      const sd = Math.sqrt(variance);
      const m3 = e3 - 3 * m * e2 + 2 * m * m * m;
      const m4 = e4 - 4 * m * e3 + 6 * m * m * e2 - 3 * m * m * m * m;
      const skew = m3 / (sd * sd * sd);
      const kurt = m4 / (variance * variance) - 3;
      // the Jarque–Bera statistic per observation: an effect size, so long natural streams do not drift to 1
      departure = skew * skew + (kurt * kurt) / 4;
    }
    out[at] = 1 - Math.exp(-departure / 4);
    out[at + 1] = m;
  },
};
