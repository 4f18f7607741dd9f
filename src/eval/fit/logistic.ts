// L2-regularised, sample-weighted logistic regression fitted by Newton's method (IRLS), in plain TypeScript.
// Features are standardised for the fit and the coefficients mapped back, so the result applies to raw
// feature values the way the engine computes log-odds (bias + Σ weight · value).

export interface LogisticFit {
  bias: number;
  /** one weight per input column, on the raw (unstandardised) scale */
  weights: Float64Array;
  iterations: number;
}

export interface LogisticOptions {
  /** L2 penalty on the standardised weights (the intercept is not penalised), relative to Σ sample weights = n */
  l2?: number;
  maxIterations?: number;
  tolerance?: number;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Solves A x = b for a symmetric positive-definite A (Cholesky); A is n×n row-major. */
export function solveSpd(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) l[i * n + i] = Math.sqrt(Math.max(s, 1e-12));
      else l[i * n + j] = s / l[j * n + j]!;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * y[k]!;
    y[i] = s / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/**
 * Fits P(y = 1 | x) = sigmoid(bias + w · x). `rows` are feature vectors of equal length, `labels` 0/1 and
 * `sampleWeights` relative weights (e.g. to balance classes). Columns that never vary get weight 0.
 */
export function fitLogistic(rows: readonly Float64Array[], labels: readonly number[], sampleWeights: readonly number[], o: LogisticOptions = {}): LogisticFit {
  const n = rows.length;
  if (n === 0) throw new Error('fitLogistic: no rows');
  const d = rows[0]!.length;
  const l2 = o.l2 ?? 1;
  const maxIterations = o.maxIterations ?? 50;
  const tolerance = o.tolerance ?? 1e-8;

  let wSum = 0;
  for (const w of sampleWeights) wSum += w;
  const sw = sampleWeights.map((w) => (w * n) / wSum);

  // standardise with the weighted mean and deviation
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += (sw[i]! * rows[i]![j]!) / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sd[j]! += (sw[i]! * (rows[i]![j]! - mean[j]!) ** 2) / n;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]!);
  const active: number[] = [];
  for (let j = 0; j < d; j++) if (sd[j]! > 1e-9) active.push(j);
  const m = active.length + 1; // intercept first
  const z = rows.map((r) => {
    const v = new Float64Array(m);
    v[0] = 1;
    active.forEach((j, k) => (v[k + 1] = (r[j]! - mean[j]!) / sd[j]!));
    return v;
  });

  const beta = new Float64Array(m);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const grad = new Float64Array(m);
    const hess = new Float64Array(m * m);
    for (let i = 0; i < n; i++) {
      const x = z[i]!;
      let t = 0;
      for (let k = 0; k < m; k++) t += beta[k]! * x[k]!;
      const p = sigmoid(t);
      const g = sw[i]! * (p - labels[i]!);
      const h = sw[i]! * Math.max(p * (1 - p), 1e-10);
      for (let a = 0; a < m; a++) {
        grad[a]! += g * x[a]!;
        const hx = h * x[a]!;
        for (let b = 0; b <= a; b++) hess[a * m + b]! += hx * x[b]!;
      }
    }
    for (let a = 1; a < m; a++) {
      grad[a]! += l2 * beta[a]!;
      hess[a * m + a]! += l2;
    }
    for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) hess[b * m + a] = hess[a * m + b]!;
    const step = solveSpd(hess, grad, m);
    let change = 0;
    for (let k = 0; k < m; k++) {
      beta[k]! -= step[k]!;
      change = Math.max(change, Math.abs(step[k]!));
    }
    if (change < tolerance) {
      iterations++;
      break;
    }
  }

  const weights = new Float64Array(d);
  let bias = beta[0]!;
  active.forEach((j, k) => {
    weights[j] = beta[k + 1]! / sd[j]!;
    bias -= (beta[k + 1]! * mean[j]!) / sd[j]!;
  });
  return { bias, weights, iterations };
}
