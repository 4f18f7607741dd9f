// Jailbreak and prompt-injection likelihood. Why it indicates abuse: campaigns mix in jailbreaks to reach
// refused capabilities, and injections to override a deployment's instructions; the upstream's content
// filter firing is the other side of the same attempt. Who shares it: red-teamers and security researchers
// (usually verified) and users quoting an attack they saw; one hit is weak, a share of traffic is not.
import { C } from '../account-state.ts';
import { matches, share, SYS_JAILBREAK, userMatches, type SignalFamily } from './types.ts';

/** Attempts at which the saturating count reaches 1 − 1/e. */
const ATTEMPT_SCALE = 4;

export const JAILBREAK = new RegExp(
  [
    String.raw`\bdo anything now\b`, String.raw`\bDAN mode\b`, String.raw`\bdeveloper mode\b`, String.raw`\bjailbr(?:eak|oken)\b`,
    String.raw`\b(?:no|without(?: any)?) (?:restrictions|filters|limitations|guidelines|censorship|rules|ethical constraints)\b`,
    String.raw`\b(?:unfiltered|uncensored|unrestricted|amoral) (?:ai|assistant|model|mode|version|response)`,
    String.raw`\bpretend (?:you are|to be|you're) (?:an? )?(?:evil|unfiltered|uncensored|unrestricted|ai without)`,
    String.raw`\byou are no longer (?:bound|restricted|an ai)`, String.raw`\bstay in character\b`, String.raw`\bopposite mode\b`,
    String.raw`\bhypothetically,? how (?:would|could) (?:one|i|someone) (?:make|build|synthesi[sz]e)`,
    String.raw`\b(?:bypass|evade|disable) (?:your |the )?(?:safety|content) (?:filters?|guidelines|policy|policies)`,
    String.raw`\bfor (?:purely )?educational purposes only\b.*\b(?:weapon|explosive|malware|meth|poison)`,
    '越狱', 'без (?:ограничений|цензуры)', 'sin (?:restricciones|censura)', '制限なし', 'ohne (?:einschränkungen|zensur)', 'sans (?:restrictions|censure)', '제한 없이',
  ].join('|'),
  'i',
);

// `### System` opens a forged turn; `### Instruction` is the Alpaca prompt format (datasets and harvest
// templates alike), not an injection, so it is not matched.
export const INJECTION = new RegExp(
  [
    String.raw`\b(?:ignore|disregard|forget|override) (?:all |any )?(?:(?:the|your|my) )?(?:previous|prior|above|earlier|preceding|system) (?:instructions|prompts?|rules|messages|directions)`,
    String.raw`\bnew (?:system )?instructions:`, String.raw`</?system>`, String.raw`\[/?(?:system|inst)\]`, String.raw`###\s*(?:system|new instructions?)\b`,
    String.raw`\byour new (?:task|role|instructions?) (?:is|are)\b`,
    '忽略(?:之前|以上|所有)的?(?:指令|说明)', 'игнорируй(?:те)? (?:все )?(?:предыдущие|прошлые) инструкции', 'ignora (?:todas )?las instrucciones anteriores',
    '以前の指示を無視', 'ignoriere (?:alle )?(?:vorherigen|bisherigen) anweisungen', 'ignore[zr]? (?:toutes )?les instructions précédentes', '이전 지시를 무시',
  ].join('|'),
  'i',
);

export const jailbreak: SignalFamily = {
  names: ['jailbreak_share', 'injection_share', 'content_filter_share', 'jailbreak_attempts'],
  observe(view, acc) {
    if (matches(JAILBREAK, SYS_JAILBREAK, view)) acc.counters[C.jailbreak]! += 1;
    if (userMatches(INJECTION, view)) acc.counters[C.injection]! += 1;
    if (view.ev.response.finish_reason === 'content_filter') acc.counters[C.contentFilter]! += 1;
  },
  fill(src, out, at, shrink) {
    const c = src.counters;
    const n = c[C.requests]!;
    out[at] = share(c[C.jailbreak]!, n, shrink);
    out[at + 1] = share(c[C.injection]!, n, shrink);
    out[at + 2] = share(c[C.contentFilter]!, n, shrink);
    // attempts, not only their share: a few jailbreaks hidden among ordinary requests are still jailbreaks
    out[at + 3] = 1 - Math.exp(-(c[C.jailbreak]! + c[C.injection]! + c[C.systemPrompt]!) / ATTEMPT_SCALE);
  },
};
