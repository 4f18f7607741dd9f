// Account (and campaign) scoring: one logistic head per flagged class over the feature vector; risk is the
// strongest head's probability, and the verdict follows from risk and the thresholds. Contributions
// (weight × value) say which signals pushed the winning head.
import { FEATURE_NAMES } from './signals/index.ts';
import { FLAGGED_VERDICTS, type DetectorParams, type FlaggedVerdict, type SignalValue, type Verdict } from './types.ts';

export interface Score {
  cls: FlaggedVerdict;
  risk: number;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export class Scorer {
  private readonly weights: Float64Array[];
  private readonly biases: number[];
  private readonly params: DetectorParams;

  constructor(params: DetectorParams) {
    this.params = params;
    this.weights = FLAGGED_VERDICTS.map((cls) => {
      const w = new Float64Array(FEATURE_NAMES.length);
      const given = params.heads[cls].weights;
      FEATURE_NAMES.forEach((name, i) => {
        w[i] = given[name] ?? 0;
      });
      return w;
    });
    this.biases = FLAGGED_VERDICTS.map((cls) => params.heads[cls].bias);
  }

  /** Log-odds of head `h` for `f`, plus `extra`. */
  private logit(h: number, f: Float64Array): number {
    const w = this.weights[h]!;
    let z = this.biases[h]!;
    for (let i = 0; i < w.length; i++) z += w[i]! * f[i]!;
    return z;
  }

  /** The strongest head; `bonus` is added to every head's log-odds (campaign evidence). */
  score(f: Float64Array, bonus = 0): Score {
    let best = 0;
    let bestZ = -Infinity;
    for (let h = 0; h < this.weights.length; h++) {
      const z = this.logit(h, f);
      if (z > bestZ) {
        bestZ = z;
        best = h;
      }
    }
    return { cls: FLAGGED_VERDICTS[best]!, risk: sigmoid(bestZ + bonus) };
  }

  verdictOf(s: Score): Verdict {
    if (s.risk >= this.params.thresholds.flagged) return s.cls;
    if (s.risk >= this.params.thresholds.suspicious) return 'suspicious';
    return 'benign';
  }

  /** Signals of head `cls` on `f`, strongest contribution first, zero contributions left out. */
  explain(f: Float64Array, cls: FlaggedVerdict, limit = 8): SignalValue[] {
    const w = this.weights[FLAGGED_VERDICTS.indexOf(cls)]!;
    const out: SignalValue[] = [];
    for (let i = 0; i < w.length; i++) {
      const contribution = w[i]! * f[i]!;
      if (contribution !== 0) out.push({ name: FEATURE_NAMES[i]!, value: round(f[i]!), contribution: round(contribution) });
    }
    out.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || (a.name < b.name ? -1 : 1));
    return out.slice(0, limit);
  }
}

export function round(x: number, digits = 4): number {
  const m = 10 ** digits;
  return Math.round(x * m) / m;
}
