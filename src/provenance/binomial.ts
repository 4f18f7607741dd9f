// Exact one-sided binomial test with success probability 1/2, in log space so that p-values far below
// 1e-308 are still reported (as log10).

function logFactorials(n: number): Float64Array {
  const table = new Float64Array(n + 1);
  for (let i = 2; i <= n; i++) table[i] = table[i - 1] + Math.log(i);
  return table;
}

export interface TailProbability {
  p: number;
  log10p: number;
}

/** P(X ≥ k) for X ~ Binomial(n, 1/2). */
export function binomialUpperTailHalf(k: number, n: number): TailProbability {
  if (!Number.isInteger(k) || !Number.isInteger(n) || n < 0) throw new RangeError(`binomial tail needs integers, got k=${k} n=${n}`);
  if (k <= 0) return { p: 1, log10p: 0 };
  if (k > n) return { p: 0, log10p: -Infinity };
  const lf = logFactorials(n);
  const logHalfN = n * Math.log(0.5);
  // terms C(n,i)/2^n for i = k..n; log-sum-exp around the largest one
  let maxLog = -Infinity;
  for (let i = k; i <= n; i++) {
    const t = lf[n] - lf[i] - lf[n - i] + logHalfN;
    if (t > maxLog) maxLog = t;
  }
  let sum = 0;
  for (let i = k; i <= n; i++) sum += Math.exp(lf[n] - lf[i] - lf[n - i] + logHalfN - maxLog);
  const logP = Math.min(0, maxLog + Math.log(sum));
  return { p: Math.exp(logP), log10p: logP / Math.LN10 };
}
