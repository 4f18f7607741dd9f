// Template repetition inside the account. Why it indicates abuse: harvests are generated from a handful of
// templates filled with topics, so an account's prompts are near-duplicates of its recent ones once the
// variable parts are masked. Who shares it: RAG apps and tutoring apps also wrap users' questions in one
// template; their user turns vary, and their system prompt is not part of this comparison.
import { C } from '../account-state.ts';
import { share, type SignalFamily } from './types.ts';

export const repetition: SignalFamily = {
  names: ['template_repetition'],
  observe(view, acc, env) {
    if (!view.hasSignature || acc.ringFill === 0) return;
    const { hasher } = env;
    const k = hasher.k;
    const minEqual = hasher.minEqualSlots(env.params.minhash.near_dup);
    const c = acc.counters;
    c[C.sigCompared]! += 1;
    for (let i = 0; i < acc.ringFill; i++) {
      if (hasher.hasEqualSlots(view.signature, 0, acc.ring, i * k, minEqual)) {
        c[C.nearDup]! += 1;
        return;
      }
    }
  },
  fill(src, out, at, shrink) {
    out[at] = share(src.counters[C.nearDup]!, src.counters[C.sigCompared]!, shrink);
  },
};
