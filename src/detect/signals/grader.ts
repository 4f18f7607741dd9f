// The model as a grader or reward model. Why it indicates abuse: preference and reward data for training a
// student come from asking the teacher to score, rank or compare responses against rubrics, at volume.
// Who shares it: evaluation labs and essay-feedback tools grade too; they do it on narrower, labelled traffic
// from verified organisations, which the context signals carry.
import { C } from '../account-state.ts';
import { matches, share, SYS_GRADER, type SignalFamily } from './types.ts';
import { alternation } from '../text/alternation.ts';

export const GRADER = alternation(
  [
    String.raw`\brubric\b`, String.raw`on a scale (?:of|from) \d+ to \d+`, String.raw`\bscore (?:it|this|the (?:following )?(?:response|answer|output|completion|essay))`,
    String.raw`\b(?:rate|grade|evaluate|judge) (?:the|this|each|both)(?: following)? (?:response|answer|output|completion|candidate)s?\b`,
    String.raw`which (?:response|answer|completion|output) is better`, String.raw`\breward model\b`, String.raw`as an? (?:impartial )?(?:judge|grader|evaluator)\b`,
    String.raw`(?:output|return|give|respond with) (?:only )?(?:the|a|your) (?:final )?(?:score|rating|grade)`, String.raw`assign a (?:score|rating|grade)`,
    String.raw`\bresponse [ab]\b.*\bresponse [ab]\b`, String.raw`\bscore:\s*\[?\d`,
    '评分标准', '打分', 'оцени(?:те)? (?:ответ|по шкале)', 'califica (?:la|esta) respuesta', '採点', 'bewerte (?:die|diese) antwort', 'note (?:la|cette) réponse', '채점',
  ],
  'i',
);

export const grader: SignalFamily = {
  names: ['grader_share'],
  observe(view, acc) {
    if (matches(GRADER, SYS_GRADER, view)) acc.counters[C.grader]! += 1;
  },
  fill(src, out, at, shrink) {
    out[at] = share(src.counters[C.grader]!, src.counters[C.requests]!, shrink);
  },
};
