// Jailbreak and prompt-injection likelihood. Why it indicates abuse: campaigns mix in jailbreaks to reach
// refused capabilities, and injections to override a deployment's instructions; the upstream's content
// filter firing is the other side of the same attempt. Who shares it: red-teamers and security researchers
// (usually verified) and users quoting an attack they saw; one hit is weak, a share of traffic is not.
import { C } from '../account-state.ts';
import { hasAdversarialSuffix } from '../text/adversarial-suffix.ts';
import { matches, share, SYS_JAILBREAK, userMatches, type SignalFamily } from './types.ts';
import { alternation } from '../text/alternation.ts';

/** Attempts at which the saturating count reaches 1 − 1/e. */
const ATTEMPT_SCALE = 4;

export const JAILBREAK = alternation(
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
    // policies declared off, claimed overrides, two-faced answers, obeying a decoded or translated request, refusal
    // suppression (the families of public jailbreak taxonomies beyond the named personas)
    String.raw`\b(?:polic(?:y|ies)|guidelines|rules|filters?|restrictions|safeguards|guardrails|safety (?:layer|filters?|protocols?|measures)|content polic(?:y|ies)) (?:are|is|have been|has been) (?:now )?(?:suspended|disabled|lifted|removed|deactivated|turned off|switched off|off|no longer (?:apply|active|in effect))\b`,
    String.raw`\b(?:system|admin(?:istrator)?|developer|root) override\b`, String.raw`\bgod mode\b`,
    String.raw`\brespond (?:twice|in two ways|with two (?:responses|answers))\b`,
    String.raw`\b(?:answer|respond to|follow|execute|carry out) the (?:translated|decoded|hidden) (?:request|instructions?|question|text|prompt)\b`,
    String.raw`\b(?:do not|don't|never) (?:refuse|say (?:that )?you can(?:not|'t))\b`, String.raw`\bno (?:warnings?|disclaimers?|caveats|moralizing|lectures?)\b`,
    '越狱', 'без (?:ограничений|цензуры)', 'sin (?:restricciones|censura)', '制限なし', 'ohne (?:einschränkungen|zensur)', 'sans (?:restrictions|censure)', '제한 없이',
  ],
  'i',
);

// `### System` opens a forged turn; `### Instruction` is the Alpaca prompt format (datasets and harvest
// templates alike), not an injection, so it is not matched.
export const INJECTION = alternation(
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
  ],
  'i',
);

// Requests for plainly harmful help, asked outright: what a jailbreak is for, and what jailbreakers also try
// without one. Ordinary users touch these topics in passing; a share of an account's traffic is another matter.
// Grouped by the harm taxonomies of public red-team sets (crime and fraud, cyber, weapons and violence, drugs,
// hate and harassment, deception, privacy, self-harm). Written against the fitting half of the prompt sets
// (scripts/pattern-coverage.ts measures both halves and the benign sets' false matches).
export const HARMFUL_REQUEST = alternation(
  [
    // crime and fraud
    String.raw`\bcommit(?:s|ting)? (?:\w+ ){0,3}(?:fraud|crimes?|arson|murder|robbery|burglary|theft|vandalism|violence|terrorism|terrorist attacks?|acts of \w+)\b`,
    String.raw`\b(?:mail|wire|insurance|tax|credit card|bank|voter|election|securities|benefits) fraud\b`, String.raw`\bfraudulent(?:ly)? (?:activities|purposes|charges|claims?|transactions?)\b`,
    String.raw`\bget away with (?:it|murder|a crime|stealing|cheating|fraud)\b`, String.raw`\bwithout (?:getting caught|being caught|being detected|leaving (?:a |any )?(?:trace|evidence))\b`,
    String.raw`\b(?:evad|escap|outrun|avoid)\w* (?:detection|law enforcement|(?:a |the )?(?:police|cops|traffic stop|airport security|border control))\b`,
    String.raw`\bescap\w* (?:from )?(?:a |the )?(?:prison|jail|correctional facility)\b`, String.raw`\brob(?:bing)? (?:a |the )?(?:bank|store|house|person)\b`,
    String.raw`\bsteal(?:s|ing)? (?:from\b|(?:\w+ ){0,2}(?:money|sensitive|personal|confidential|credit card|identit\w*|passwords?|credentials|data|information|records|merchandise))`,
    String.raw`\bsteal(?:ing)? (?:someone'?s |their |people'?s |a |an )`, String.raw`\bidentity theft\b`,
    String.raw`\b(?:vandali[sz]e|shoplift\w*|embezzl\w*|extort\w*|blackmail\w*|bribe|bribing|counterfeit\w*|money laundering)\b`, String.raw`\blaunder\w* (?:money|cash|funds|the proceeds)\b`,
    String.raw`\b(?:fake|forged|false) (?:\w+ )?(?:ids?|identit(?:y|ies)|passports?|driver'?s licen[cs]es?|documents?|reviews)\b`,
    String.raw`\bforg(?:e|es|ing|ery) (?:a |an |the )?(?:signatures?|documents?|checks?|cheques?|passports?|ids?|currency|money)\b`,
    String.raw`\bphishing (?:e-?mails?|websites?|sites?|pages?|kits?|schemes?|campaigns?|attacks?|scam)\b`, String.raw`\b(?:write|create|craft|design|send|conduct|launch|draft)\w* (?:a |an )?(?:convincing |realistic )?(?:spear-?)?phishing\b`,
    String.raw`\b(?:phone|romance|lottery|investment|crypto|mail|tech support|ponzi|pyramid) (?:scams?|schemes?)\b`, String.raw`\bscam(?:s|ming)? (?:people|someone|victims|the elderly|users|customers)\b`,
    String.raw`\b(?:insider trading|tax evasion)\b`, String.raw`\b(?:cheat on|evade) (?:taxes|a test|an exam|the police|law enforcement)\b`, String.raw`\bavoid paying taxes\b`,
    String.raw`\bmanipulat\w* (?:stock prices|(?:the )?(?:financial|stock) markets?|elections?)\b`, String.raw`\b(?:tamper|rig|interfer)\w* (?:with )?(?:voting machines|an election|elections|the election|ballots)\b`,
    String.raw`\billegally\b`, String.raw`\billegal(?:ly)? (?:drugs|firearms|guns|weapons|obtain|acquire|purchase|buy)\b`,
    String.raw`\bpirat(?:ed|ing|e) (?:content|software|movies|music|games)\b`,
    String.raw`\b(?:bypass|circumvent|defeat|disabl)\w* (?:\w+ ){0,3}(?:licen[cs]e (?:checks?|keys?|verification|activation)|drm|digital rights management|copy ?protection|copyright protections?|security (?:measures|systems?|checks?)|anti-?virus)\b`,
    // cyber
    String.raw`\b(?:hack|break)(?:s|ing|ed)? into\b`, String.raw`\bhack(?:s|ing)? (?:someone'?s?|(?:a |an |the |my \w+'?s? )?(?:government|bank'?s?|website|database|account|computer|network|server|phone|wifi|e-?mail)s?)\b`,
    String.raw`\bexploit(?:s|ing)? (?:\w+ ){0,3}vulnerabilit(?:y|ies)\b`, String.raw`\bunauthori[sz]ed access\b`,
    String.raw`\b(?:malware|ransomware|spyware|keyloggers?|rootkits?|botnets?|a virus that)\b`, String.raw`\b(?:launch|perform|conduct|carry out|execut)\w* (?:a |an )?(?:ddos|denial[- ]of[- ]service|cyber ?attack)`,
    String.raw`\b(?:creat|writ|distribut|spread|develop)\w* (?:and distribut\w* )?(?:a |an )?(?:computer )?virus(?:es)?\b`,
    String.raw`\bcrack(?:s|ing)? (?:\w+ )?(?:passwords?|software|licen[cs]es?|wifi|wi-fi)\b`, String.raw`\bhijack\w* (?:\w+ ){0,2}(?:car|computer|webcam|account|system|plane|vehicle)s?\b`,
    String.raw`\bwithout (?:their|the user'?s?|users'?|his|her|someone'?s) (?:consent|knowledge|permission)\b`,
    // weapons and violence
    String.raw`\b(?:make|making|build|building|construct\w*|assembl\w*|creat\w*|manufactur\w*|produc\w*|synthesi[sz]\w*|detonat\w*|plant\w*)\b (?:\w+ ){0,4}(?:bombs?|explosives?|explosive devices?|grenades?|molotov|chemical weapons?|biological weapons?|bioweapons?|nerve agents?|nuclear weapons?|weapons? of mass)\b`,
    String.raw`\b(?:homemade|pipe) (?:bombs?|explosives?)\b`, String.raw`\b(?:untraceable|ghost|unregistered|3d[- ]printed) (?:guns?|firearms?|weapons?|rifles?|pistols?)\b`,
    String.raw`\b(?:kill|murder|poison|kidnap|abduct|torture|stalk|harass|assault|strangle|stab|shoot)(?:s|ing|ed)? (?:someone|somebody|a person|people|others|my \w+|him|her|them|a child|children|kids|individuals|animals|passengers)\b`,
    String.raw`\b(?:stalking|stalker(?:ware)?)\b`, String.raw`\bphysically (?:assault|harm|hurt|attack)\b`, String.raw`\bbeat (?:\w+ )?up\b`, String.raw`\bharm animals\b`,
    String.raw`\b(?:incit|encourag|promot|glorif|romantici[sz])\w* (?:\w+ ){0,3}(?:violence|hatred|terrorism|self-harm|suicide|eating disorders?|racism|bullying|harassment|drug use|crimes?|radicali[sz]ation|sexual assault|genocide|hate speech)\b`,
    String.raw`\bterror(?:ist|ism) (?:organi[sz]ations?|plots?|cells?)\b`, String.raw`\bacts? of (?:terrorism|violence)\b`, String.raw`\b(?:mass shootings?|maximum casualties)\b`,
    String.raw`\b(?:sabotag|disrupt)\w* (?:\w+ ){0,3}(?:transportation|power grid|water supply|railway|airport)\b`,
    // drugs
    String.raw`\b(?:synthesi[sz]|cook|manufactur|produc|mak|grow)\w* (?:\w+ ){0,2}(?:methamphetamine|crystal meth|crack cocaine|cocaine|heroin|fentanyl|controlled substances?|illegal drugs)\b`,
    String.raw`\bsynthesi[sz]ed at home\b`, String.raw`\bmake (?:a |an |some )?(?:homemade |chemical |biological )?(?:poison|nerve agent|meth)\b`,
    // hate, harassment and deception
    String.raw`\b(?:racist|sexist|hateful|homophobic|antisemitic|transphobic|bigoted) (?:jokes?|content|speech|remarks?|messages?|posts?|comments?|rhetoric)\b`,
    String.raw`\bcyberbull\w*\b`, String.raw`\bbull(?:y|ying) (?:someone|others|people|them|a )`, String.raw`\b(?:threatening|harassing|defamatory) (?:letters?|messages?|e-?mails?|posts?|articles?)\b`,
    String.raw`\bdefam\w*\b`, String.raw`\bfalse accusations?\b`,
    String.raw`\b(?:spread|creat|writ|generat|distribut|publish)\w* (?:\w+ ){0,3}(?:misinformation|disinformation|propaganda|fake news|conspiracy theor\w+)\b`,
    String.raw`\bspread(?:s|ing)? (?:false|fake|misleading) (?:\w+ )?(?:information|claims|rumou?rs)\b`,
    String.raw`\b(?:fake news|disinformation|propaganda) (?:article|campaign|about|story|website)\b`,
    // privacy and minors
    String.raw`\b(?:home|residential) address (?:of|for)\b`, String.raw`\bspy(?:ing)? on\b`, String.raw`\btrack (?:someone|a person|people|my (?:ex|wife|husband|girlfriend|boyfriend|partner))\b`,
    String.raw`\bchild (?:pornography|sexual abuse)\b`, String.raw`\bgroom(?:ing)? (?:minors|children|kids|a child|other users)\b`, String.raw`\b(?:revenge porn|sexual assault|solicit\w* sexual)\b`,
    String.raw`\b(?:human|sex) trafficking\b`,
    // physical security
    String.raw`\bpick (?:a |the |someone'?s )?(?:\w+(?:-\w+)? )?locks?\b`, String.raw`\bhot-?wir\w*\b`,
    // self-harm
    String.raw`\b(?:kill (?:myself|yourself|themselves)|commit(?:ting)? suicide|suicide (?:with|methods?|by)|self-harm)\b`,
    String.raw`\b(?:manipulat|encourag|convinc|pressur)\w* (?:someone|a person|people|them|him|her|others|individuals) (?:into|to) (?:commit\w* suicide|kill|self-harm|harm)`,
  ],
  'i',
);

// Framings that wrap a harmful request to get it answered: role-play, fiction, hypotheticals, claimed
// authority or purpose (the families of public jailbreak taxonomies). Harmless on their own (writers and
// teachers use them every day); with a harmful request in the same turn they are a jailbreak.
export const FRAMING = alternation(
  [
    String.raw`\b(?:imagine|pretend|suppose) (?:that )?(?:you(?:'re| are)|you were|we(?:'re| are)|i(?:'m| am))\b`,
    String.raw`\byou are (?:a|an) (?:\w+ ){0,4}(?:writer|author|novelist|screenwriter|character|historian|researcher|consultant|expert|hacker|journalist|detective|villain|scientist|professor|chemist)\b`,
    String.raw`\b(?:act|acting|role-?play(?:ing)?|respond|speak) as (?:if you were )?(?:a |an |my )?`,
    String.raw`\b(?:for|in|writing) (?:a |my |the |this )?(?:novel|story|screenplay|movie|film|script|book|game|play)\b`,
    String.raw`\b(?:fictional|hypothetical|imaginary|alternate) (?:scenario|world|universe|story|setting|situation|character)\b`, String.raw`\bhypothetically\b`,
    String.raw`\b(?:purely|strictly|just|only) (?:for )?(?:academic|educational|research|hypothetical|fictional|informational)\b`, String.raw`\bfor (?:academic|educational|research) purposes\b`,
    String.raw`\b(?:i(?:'m| am)) (?:a |an |the )?(?:developer|security researcher|red team\w*|penetration tester|police officer|law enforcement)\b`,
    String.raw`\b(?:late|deceased|dead) (?:grand(?:mother|ma|father|pa)|mother|father)\b`,
  ],
  'i',
);

export const jailbreak: SignalFamily = {
  names: ['jailbreak_share', 'injection_share', 'content_filter_share', 'jailbreak_attempts', 'harmful_request_share'],
  observe(view, acc) {
    const harmful = userMatches(HARMFUL_REQUEST, view);
    // the framing is tested only on the rare harmful asks, not gated and tested on every text
    if (matches(JAILBREAK, SYS_JAILBREAK, view) || hasAdversarialSuffix(view.userScan) || (harmful && FRAMING.test(view.userScan))) acc.counters[C.jailbreak]! += 1;
    if (harmful) acc.counters[C.harmfulRequest]! += 1;
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
