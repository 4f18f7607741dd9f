// Breadth vs narrowness of topics. Why it indicates abuse: capability-targeted harvests stay inside one
// domain (all code, all maths), while coverage harvests sweep every domain evenly; a person's or an app's
// traffic sits between. Topics are coarse categories from a small lexicon matched on token hashes (no regex).
// Who shares it: a coding assistant is narrow too; narrowness weighs only with the other signals.
import { C, TOPICS } from '../account-state.ts';
import { wordHash } from '../text/normalize.ts';
import { normalisedEntropy, share, type SignalFamily } from './types.ts';

const LEXICON: readonly string[][] = [
  /* code */ ['code', 'function', 'python', 'javascript', 'typescript', 'bug', 'compile', 'api', 'sql', 'algorithm', 'class', 'regex', 'rust', 'java', 'debug', 'array', 'database', 'implement'],
  /* math */ ['math', 'equation', 'integral', 'derivative', 'prove', 'proof', 'theorem', 'matrix', 'probability', 'calculate', 'solve', 'algebra', 'geometry', 'polynomial'],
  /* science */ ['physics', 'chemistry', 'biology', 'molecule', 'quantum', 'energy', 'cell', 'protein', 'reaction', 'atom', 'gravity', 'evolution'],
  /* health */ ['health', 'medical', 'disease', 'symptom', 'symptoms', 'doctor', 'drug', 'treatment', 'diagnosis', 'patient', 'diet'],
  /* law & finance */ ['law', 'legal', 'contract', 'court', 'tax', 'finance', 'invest', 'investment', 'stock', 'market', 'loan', 'budget', 'accounting'],
  /* writing */ ['write', 'essay', 'story', 'poem', 'blog', 'email', 'letter', 'rewrite', 'summarize', 'summary', 'article', 'copy', 'slogan', 'headline'],
  /* language */ ['translate', 'translation', 'english', 'spanish', 'french', 'german', 'chinese', 'japanese', 'grammar', 'language'],
  /* history & society */ ['history', 'war', 'century', 'empire', 'politics', 'culture', 'philosophy', 'religion', 'economy', 'society'],
  /* everyday */ ['recipe', 'travel', 'plan', 'gift', 'movie', 'book', 'music', 'game', 'workout', 'hobby', 'weekend'],
  /* business */ ['business', 'marketing', 'customer', 'product', 'sales', 'strategy', 'startup', 'meeting', 'team', 'manager'],
];

/**
 * Topic of each lexicon word's hash, in an open-addressing table (a later word of the same hash wins, as a Map
 * would have it): topicOf looks up every token of a prompt until one is topical, and a typed table costs a
 * fraction of a Map lookup on int32 keys (half of which are not small integers).
 */
const TABLE_BITS = 9;
const TABLE_MASK = (1 << TABLE_BITS) - 1;
const TOPIC_KEYS = new Int32Array(1 << TABLE_BITS);
/** -1: empty slot */
const TOPIC_VALUES = new Int8Array(1 << TABLE_BITS).fill(-1);

function slotOf(hash: number): number {
  let slot = Math.imul(hash, 0x9e3779b1) >>> (32 - TABLE_BITS);
  while (TOPIC_VALUES[slot] !== -1 && TOPIC_KEYS[slot] !== hash) slot = (slot + 1) & TABLE_MASK;
  return slot;
}

LEXICON.forEach((words, topic) => {
  for (const w of words) {
    const hash = wordHash(w);
    const slot = slotOf(hash);
    TOPIC_KEYS[slot] = hash;
    TOPIC_VALUES[slot] = topic;
  }
});
if (LEXICON.length !== TOPICS) throw new Error('topic lexicon and TOPICS disagree');

/**
 * The topic of a prompt, from its masked token hashes (text/normalize.ts): that of its first topical word, -1
 * when none is. One vote per prompt (cheap, and stops long prompts outvoting short ones). Computed with the
 * rest of the prompt's text work (text/prepare.ts), so analyze's engine thread gets one number, not the tokens.
 */
export function topicOf(tokens: Int32Array, count: number): number {
  for (let i = 0; i < count; i++) {
    const topic = TOPIC_VALUES[slotOf(tokens[i]!)]!;
    if (topic >= 0) return topic;
  }
  return -1;
}

export const topics: SignalFamily = {
  names: ['topic_breadth', 'topic_focus'],
  observe(view, acc) {
    if (view.topic < 0) return;
    acc.counters[C.topic0 + view.topic]! += 1;
    acc.counters[C.topicN]! += 1;
  },
  fill(src, out, at, shrink) {
    const c = src.counters;
    const n = c[C.topicN]!;
    // breadth needs several topical prompts to mean anything: scale by confidence
    out[at] = normalisedEntropy(c, C.topic0, TOPICS) * (n / (n + shrink));
    let max = 0;
    for (let i = 0; i < TOPICS; i++) if (c[C.topic0 + i]! > max) max = c[C.topic0 + i]!;
    out[at + 1] = share(max, n, shrink);
  },
};
