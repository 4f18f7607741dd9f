// Output- and reasoning-token share, max_tokens and n. Why it indicates abuse: a harvest is short prompts
// buying long answers with long reasoning, at the largest max_tokens and several completions per prompt
// (n > 1) for sampling diversity. Who shares it: long-form writing and coding agents also buy long outputs;
// RAG and translation apps send long inputs, so their output share is low.
import { C } from '../account-state.ts';
import { MAX_TOKENS_PARAMS, maxTokensOf, share, type SignalFamily } from './types.ts';

/** log2 of the largest max_tokens we scale to (131072). */
const LOG_MAX_TOKENS_SCALE = 17;

export const tokenShape: SignalFamily = {
  names: ['output_token_share', 'reasoning_token_share', 'max_tokens_log', 'multi_completion_share'],
  params: [...MAX_TOKENS_PARAMS, 'n'],
  observe(view, acc) {
    const c = acc.counters;
    const r = view.ev.response;
    const input = typeof r.input_tokens === 'number' ? r.input_tokens : 0;
    const output = typeof r.output_tokens === 'number' ? r.output_tokens : 0;
    const reasoning = typeof r.reasoning_tokens === 'number' ? r.reasoning_tokens : 0;
    if (input + output + reasoning > 0) {
      c[C.tokN]! += 1;
      c[C.inTok]! += input;
      c[C.outTok]! += output;
      c[C.reasTok]! += reasoning;
    }
    const p = view.ev.params;
    const maxTokens = maxTokensOf(p);
    if (typeof maxTokens === 'number' && maxTokens > 0) {
      c[C.maxTokN]! += 1;
      c[C.logMaxTok]! += Math.log2(maxTokens);
    }
    if (typeof p.n === 'number' && p.n > 1) c[C.multiCompletion]! += 1;
  },
  fill(src, out, at, shrink) {
    const c = src.counters;
    const out_ = c[C.outTok]!;
    const reasoning = c[C.reasTok]!;
    const totalOut = out_ + reasoning;
    out[at] = c[C.tokN]! > 0 ? totalOut / (totalOut + c[C.inTok]! + 1) : 0;
    out[at + 1] = totalOut > 0 ? reasoning / (totalOut + 1) : 0;
    out[at + 2] = c[C.maxTokN]! > 0 ? Math.min(1, c[C.logMaxTok]! / c[C.maxTokN]! / LOG_MAX_TOKENS_SCALE) : 0;
    out[at + 3] = share(c[C.multiCompletion]!, c[C.requests]!, shrink);
  },
};
