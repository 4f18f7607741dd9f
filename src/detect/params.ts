// The shipped parameters (params.json, written by the fitting script) and their validation.
import shipped from './params.json' with { type: 'json' };
import { DetectorParamsError } from './errors.ts';
import { CAMPAIGN_FEATURE_NAMES } from './scoring.ts';
import { FEATURE_NAMES } from './signals/index.ts';
import { FLAGGED_VERDICTS, type DetectorParams } from './types.ts';

/** A deep copy of the shipped parameters (callers may change their copy). */
export function defaultParams(): DetectorParams {
  return structuredClone(shipped) as DetectorParams;
}

/** Throws DetectorParamsError when `p` cannot drive the engine; returns it otherwise. */
export function validateParams(p: DetectorParams): DetectorParams {
  const fail = (msg: string): never => {
    throw new DetectorParamsError(`detector params: ${msg}`);
  };
  if (p.version !== 1) fail(`version must be 1, got ${String(p.version)}`);
  const { suspicious, flagged, campaign } = p.thresholds;
  if (!(suspicious > 0 && suspicious <= flagged && flagged <= 1)) fail('thresholds must satisfy 0 < suspicious ≤ flagged ≤ 1');
  if (!(campaign > 0 && campaign <= 1)) fail('thresholds.campaign must be in (0, 1]');
  const known = new Set(FEATURE_NAMES);
  for (const cls of FLAGGED_VERDICTS) {
    const head = p.heads[cls];
    if (!head || typeof head.bias !== 'number') fail(`heads.${cls}.bias is missing`);
    for (const name of Object.keys(head.weights)) if (!known.has(name)) fail(`heads.${cls}.weights.${name} is not a feature`);
  }
  const est = p.established_head;
  if (est) {
    if (typeof est.bias !== 'number') fail('established_head.bias is missing');
    if (!(est.max_account_new > 0 && est.max_account_new <= 1)) fail('established_head.max_account_new must be in (0, 1]');
    for (const name of Object.keys(est.weights)) if (!known.has(name)) fail(`established_head.weights.${name} is not a feature`);
  }
  const campaignHead = p.campaign_head;
  if (!campaignHead || typeof campaignHead.bias !== 'number') fail('campaign_head.bias is missing');
  const campaignKnown = new Set(CAMPAIGN_FEATURE_NAMES);
  for (const name of Object.keys(campaignHead.weights)) if (!campaignKnown.has(name)) fail(`campaign_head.weights.${name} is not a campaign feature`);
  const { k, bands } = p.minhash;
  if (k < 2 || (k & (k - 1)) !== 0 || k % bands !== 0) fail('minhash.k must be a power of two divisible by minhash.bands');
  if (!(p.min_own_requests >= 1)) fail('min_own_requests must be at least 1');
  if (!(p.decay_half_life_hours > 0)) fail('decay_half_life_hours must be positive');
  return p;
}
