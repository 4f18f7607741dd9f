// System-prompt extraction. Why it indicates abuse: a deployment's system prompt is its product; asking the
// model to repeat its hidden instructions is an attempt to steal them (and a first step of many jailbreaks).
// Who shares it: developers debugging their own prompt, occasionally; not as a share of their traffic.
import { C } from '../account-state.ts';
import { share, userMatches, type SignalFamily } from './types.ts';
import { alternation } from '../text/alternation.ts';

export const SYSTEM_PROMPT_EXTRACTION = alternation(
  [
    String.raw`\b(?:repeat|print|output|reveal|show|display|write out|recite|dump|leak)(?: me)? (?:all of |back )?(?:the|your)(?: full| entire| exact| original| hidden| initial)? (?:system (?:prompt|message)|initial prompt|hidden prompt|pre-?prompt|(?:text|words|instructions|prompt) (?:above|before this))`,
    String.raw`\b(?:repeat|print|output|reveal|show|display|write out|recite|dump|leak)(?: me)? (?:all of )?your(?: full| entire| exact| original| hidden| initial)? (?:instructions|prompt|rules)\b`,
    String.raw`\bwhat (?:is|are|were) your (?:system prompt|(?:initial |original |hidden )?instructions)`,
    String.raw`\beverything (?:above|before) (?:this line|this message|here)\b`, String.raw`\bstart(?:ing)? (?:your (?:answer|response) )?with ["']?you are\b`,
    String.raw`\bverbatim\b.*\b(?:instructions|system prompt|above)\b`,
    String.raw`\bwhat (?:instructions|rules|guidelines) were you given\b`, String.raw`\byour (?:hidden|secret|initial|original|system) (?:instructions|prompt|rules)\b`,
    String.raw`\b(?:quote|list|summari[sz]e) (?:them|your instructions|your rules) (?:exactly|word for word|verbatim)\b`,
    // dumping the context, echoing the configuration, or getting the instructions back in another language
    String.raw`\b(?:everything|all|the text|what(?:'s| is)) (?:in|of) your context(?: window)?\b`, String.raw`\b(?:before|above) my first message\b`,
    String.raw`\b(?:echo|print|dump|output|reveal|repeat) (?:\w+ ){0,4}(?:system (?:message|prompt)|configuration you are running)\b`,
    String.raw`\btranslate your (?:initial |original |system |hidden )?(?:instructions|prompt|rules)\b`,
    '系统提示词?', '(?:покажи|выведи|повтори) (?:свой |свои |весь )?(?:системн|инструкци)', '(?:muestra|repite) (?:tu|el) (?:prompt del sistema|mensaje del sistema|instrucciones)',
    'システムプロンプト', '(?:zeige|wiederhole) (?:deinen |den )?system-?prompt', '(?:affiche|répète) (?:ton|le|votre) (?:prompt système|message système)', '시스템 프롬프트',
  ],
  'i',
);

export const systemPrompt: SignalFamily = {
  names: ['system_prompt_extraction_share'],
  observe(view, acc) {
    if (userMatches(SYSTEM_PROMPT_EXTRACTION, view)) acc.counters[C.systemPrompt]! += 1;
  },
  fill(src, out, at, shrink) {
    out[at] = share(src.counters[C.systemPrompt]!, src.counters[C.requests]!, shrink);
  },
};
