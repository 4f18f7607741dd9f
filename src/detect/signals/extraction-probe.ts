// Extraction probing. Why it indicates abuse: stealing a model's parameters or its output distribution
// (logit/logprob extraction attacks) needs logprobs and top_logprobs, logit_bias to steer single tokens, and
// many max_tokens=1 requests that each return one token. Who shares it: calibration and classification apps
// use logprobs, and a classifier may ask for one token; they do not also bias logits across the vocabulary.
import { C } from '../account-state.ts';
import { MAX_TOKENS_PARAMS, maxTokensOf, share, type SignalFamily } from './types.ts';

function positive(v: unknown): boolean {
  return typeof v === 'number' && v > 0;
}

export const extractionProbe: SignalFamily = {
  names: ['logprobs_share', 'logit_bias_share', 'max_tokens_1_share', 'single_token_output_share'],
  params: ['logprobs', 'top_logprobs', 'logit_bias', ...MAX_TOKENS_PARAMS],
  observe(view, acc) {
    const p = view.ev.params;
    const c = acc.counters;
    if (p.logprobs === true || positive(p.top_logprobs) || positive(p.logprobs)) c[C.logprobs]! += 1;
    const bias = p.logit_bias;
    if (bias !== null && typeof bias === 'object') {
      for (const _ in bias as object) {
        c[C.logitBias]! += 1;
        break;
      }
    }
    const maxTokens = maxTokensOf(p);
    if (typeof maxTokens === 'number' && maxTokens <= 1) c[C.tinyMaxTokens]! += 1;
    const out = view.ev.response.output_tokens;
    if (typeof out === 'number' && out <= 1 && view.ev.response.status < 400) c[C.singleTokenOutput]! += 1;
  },
  fill(src, out, at, shrink) {
    const c = src.counters;
    const n = c[C.requests]!;
    out[at] = share(c[C.logprobs]!, n, shrink);
    out[at + 1] = share(c[C.logitBias]!, n, shrink);
    out[at + 2] = share(c[C.tinyMaxTokens]!, n, shrink);
    out[at + 3] = share(c[C.singleTokenOutput]!, n, shrink);
  },
};
