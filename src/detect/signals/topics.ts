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

const TOPIC_OF = new Map<number, number>();
LEXICON.forEach((words, topic) => {
  for (const w of words) TOPIC_OF.set(wordHash(w), topic);
});
if (LEXICON.length !== TOPICS) throw new Error('topic lexicon and TOPICS disagree');

export const topics: SignalFamily = {
  names: ['topic_breadth', 'topic_focus'],
  observe(view, acc) {
    // one vote per prompt: its first topical word (cheap, and stops long prompts outvoting short ones)
    for (let i = 0; i < view.tokenCount; i++) {
      const t = TOPIC_OF.get(view.tokens[i]!);
      if (t !== undefined) {
        acc.counters[C.topic0 + t]! += 1;
        acc.counters[C.topicN]! += 1;
        return;
      }
    }
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
