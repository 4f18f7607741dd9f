// Jailbreak and prompt-injection likelihood. Why it indicates abuse: campaigns mix in jailbreaks to reach
// refused capabilities, and injections to override a deployment's instructions; the upstream's content
// filter firing is the other side of the same attempt. Who shares it: red-teamers and security researchers
// (usually verified) and users quoting an attack they saw; one hit is weak, a share of traffic is not.
import { C } from '../account-state.ts';
import { hasAdversarialSuffix } from '../text/adversarial-suffix.ts';
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
    // forcing the answer's opening or dropping its caveats (PAIR-style and hand-written framings)
    String.raw`\b(?:begin|start) (?:your |the )?(?:reply|response|answer) with:? ["'“]?sure\b`, String.raw`\bsure, here is\b`,
    String.raw`\bdo not (?:include|add|give) (?:any )?(?:warnings?|disclaimers?|caveats)\b`, String.raw`\bwithout (?:any )?(?:warnings?|disclaimers?|moral(?:izing)?|ethical)\b`,
    String.raw`\balways (?:fulfills?|complies with|answers) the user'?s requests?\b`,
    String.raw`\b(?:even if|regardless of whether) (?:the request|it) is (?:a bit )?(?:questionable|unethical|illegal|harmful|dangerous)\b`,
    String.raw`\bnever refuses?\b`, String.raw`\byou (?:can(?:not|'t)|must not|will not|won't) refuse\b`, String.raw`\bhypothetically speaking\b`,
    String.raw`\bfor a (?:novel|story|screenplay|movie script) i(?:'m| am) writing\b`, String.raw`\bfull technical (?:accuracy|detail)\b`,
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
    // indirect injections planted in content the user asks to process (a page, a review, an e-mail)
    String.raw`\bignore (?:all |any )?(?:of )?(?:your|the|my|these|those) (?:instructions|rules|guidelines|system prompt)\b`,
    String.raw`\bnew instructions? (?:to|for) the (?:ai|assistant|model)\b`, String.raw`\b(?:ai|assistant|chatbot|llm):? (?:ignore|disregard)\b`,
    String.raw`<!--\s*(?:(?:ai|assistant|chatbot|llm)\b|(?:note|instructions?) (?:to|for) (?:the )?(?:ai|assistant|model)\b)`,
    '忽略(?:之前|以上|所有)的?(?:指令|说明)', 'игнорируй(?:те)? (?:все )?(?:предыдущие|прошлые) инструкции', 'ignora (?:todas )?las instrucciones anteriores',
    '以前の指示を無視', 'ignoriere (?:alle )?(?:vorherigen|bisherigen) anweisungen', 'ignore[zr]? (?:toutes )?les instructions précédentes', '이전 지시를 무시',
  ].join('|'),
  'i',
);

// Requests for plainly harmful help (weapons, malware, fraud, abuse, self-harm), asked outright: what a
// jailbreak is for, and what jailbreakers also try without one. Ordinary users touch these topics in passing;
// a share of an account's traffic is another matter.
export const HARMFUL_REQUEST = new RegExp(
  [
    String.raw`\b(?:make|build|create|synthesi[sz]e|manufacture|produce|assemble) (?:a |an |some )?(?:homemade |pipe |nuclear |chemical |biological )?(?:bomb|explosive|bioweapon|nerve agent|weapon of mass|meth(?:amphetamine)?|poison)`,
    String.raw`\b(?:hack|break) into\b`, String.raw`\bsteal(?:ing)? (?:someone'?s |personal |credit card |their |people'?s |a )`,
    String.raw`\b(?:malware|ransomware|keylogger|botnet|a virus that)\b`, String.raw`\bidentity theft\b`, String.raw`\bchild (?:pornography|sexual abuse)\b`,
    String.raw`\b(?:human|sex) trafficking\b`, String.raw`\blaunder(?:ing)? money\b`, String.raw`\bmoney laundering\b`, String.raw`\bcounterfeit (?:money|currency|goods|products)\b`,
    String.raw`\b(?:kill|murder|poison|kidnap|stalk|harass) (?:someone|a person|my|people|him|her|them|a child|children|kids)\b`,
    String.raw`\b(?:self-harm|commit suicide|suicide with)\b`, String.raw`\b(?:fake news|disinformation|propaganda) (?:article|campaign|about)\b`,
    String.raw`\b(?:phishing|scam) (?:email|emails|website|scheme)\b`, String.raw`\bwithout (?:getting caught|being caught|being detected|leaving (?:a )?trace)\b`,
    String.raw`\b(?:cheat on|evade) (?:taxes|a test|an exam|the police|law enforcement)\b`, String.raw`\b(?:insider trading|tax evasion)\b`,
    String.raw`\billegal(?:ly)? (?:drugs|firearms|guns|weapons|obtain|acquire|purchase|buy)\b`,
    String.raw`\b(?:incite|promotes?|glorif(?:y|ies)) (?:violence|hatred|terrorism|self-harm|eating disorders)\b`,
    String.raw`\b(?:racist|sexist|hateful) (?:joke|jokes|slur|slurs|content|speech)\b`,
  ].join('|'),
  'i',
);

export const jailbreak: SignalFamily = {
  names: ['jailbreak_share', 'injection_share', 'content_filter_share', 'jailbreak_attempts', 'harmful_request_share'],
  observe(view, acc) {
    if (matches(JAILBREAK, SYS_JAILBREAK, view) || hasAdversarialSuffix(view.userScan)) acc.counters[C.jailbreak]! += 1;
    if (userMatches(HARMFUL_REQUEST, view)) acc.counters[C.harmfulRequest]! += 1;
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
    out[at + 4] = share(c[C.harmfulRequest]!, n, shrink);
  },
};
