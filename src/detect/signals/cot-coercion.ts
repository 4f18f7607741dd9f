// Reasoning (chain-of-thought) coercion. Why it indicates abuse: distillers want the teacher's reasoning, not
// just its answers, so their prompts demand the full, unabridged thought process, often in the student's
// language. Who shares it: tutoring apps and evaluation labs ask for "step by step" too, so a mild request
// counts apart from a demand for the complete/raw/internal trace; the fitted weights keep the mild one small,
// and the other signals (template repetition, volume, context) separate a tutor from a harvester.
import { C } from '../account-state.ts';
import { matches, share, SYS_COT_FULL, SYS_COT_MILD, type SignalFamily } from './types.ts';
import { alternation } from '../text/alternation.ts';

/** Asking for step-by-step reasoning (common and mostly benign). English, zh, ru, es, ja, de, fr, ko. */
export const COT_MILD = alternation(
  [
    String.raw`step[- ]by[- ]step`, String.raw`think (?:it )?through`, String.raw`explain your reasoning`, String.raw`show your work`,
    String.raw`reason(?:ing)? (?:it )?out loud`,
    '一步一步', '逐步', '分步', '一步步',
    'пошагово', 'шаг за шагом', String.raw`объясни(?:те)? (?:сво[её] )?рассуждени`,
    'paso a paso', String.raw`explica tu razonamiento`,
    'ステップバイステップ', '段階的に', '一歩ずつ', '順を追って',
    String.raw`schritt für schritt`, String.raw`erkläre deine (?:überlegung|begründung)`,
    String.raw`étape par étape`, String.raw`explique(?:z)? ton raisonnement`,
    '단계별로', '차근차근', '단계적으로',
  ],
  'i',
);

/** Demanding the whole reasoning trace (the distiller's phrasing). */
export const COT_FULL_TRACE = alternation(
  [
    String.raw`(?:full|complete|entire|whole|raw|internal|hidden|unabridged|detailed|verbatim)\s+(?:chain[- ]of[- ]thought|reasoning|thought process|thinking(?: process)?|reasoning trace|thoughts)`,
    String.raw`show (?:me )?(?:all|every(?:thing)?|each)(?: of)? (?:your |the )?(?:reasoning|thinking|thoughts|steps|intermediate steps|work(?:ings?)?|calculations|derivations?)`,
    String.raw`(?:every|each|all(?: of)?(?: the| your)?) (?:single )?intermediate (?:steps?|calculations?)`, String.raw`(?:whole|entire|full|complete) line of (?:reasoning|thought)`,
    String.raw`(?:do not|don't|never) (?:skip|omit|summari[sz]e|leave out|abbreviate)(?: any)?(?: of)?(?: the| your)? (?:steps?|reasoning|thinking|thoughts)`,
    String.raw`every (?:single )?(?:step|thought) of your (?:reasoning|thinking)`,
    String.raw`chain[- ]of[- ]thought`, String.raw`<think>`, String.raw`thinking tokens`,
    '完整的?(?:推理|思考|思维)(?:过程|链)', '详细的?(?:推理|思考)过程', '展示你的(?:全部|所有|完整)?(?:推理|思考)', '思维链', '不要省略', '(?:每一?个|所有|全部)中间步骤', '一步不落',
    String.raw`(?:полн|вес|цел)\S* (?:ход |цепочк\S* )?(?:рассуждени|мысл)`, String.raw`покажи(?:те)? (?:все |весь |сво[йиё]\S* )*(?:ход|рассуждени|мысл)`, String.raw`не пропуска`,
    String.raw`(?:все|каждый) (?:\S+ )?шаг\S* (?:сво\S+ )?рассуждени`, String.raw`(?:кажд|вс)\S* промежуточн\S* (?:шаг|вычислени)`, String.raw`(?:рассуждени|ход мысл)\S* целиком`,
    String.raw`razonamiento (?:completo|interno|detallado)`, String.raw`muestra(?:me)? (?:todo )?(?:tu|su) (?:razonamiento|proceso de pensamiento)`, String.raw`cadena de pensamiento`, String.raw`sin omitir`, String.raw`sin saltar(?:te|se)? nada`, String.raw`todo lo que piensas`,
    '思考過程', '推論過程', '考えをすべて', '省略せず', '(?:推論|思考)の過程', '思考の連鎖', '考えを最初から最後まで', '途中の(?:計算|過程|ステップ)(?:も|を)すべて',
    String.raw`(?:vollständig|gesamt|komplett)\S* (?:denkprozess|denkweg|gedankengang|gedankenkette|begründung|überlegungen)`, String.raw`(?:jeden|alle) zwischenschritte?`, String.raw`alle rechenwege`, String.raw`(?:überlegungen|gedanken|denkweg|lösungsweg)\S* lückenlos`, String.raw`zeige?n? (?:sie )?(?:deine|ihre|den|alle) (?:\S+ )?(?:denkprozess|gedankengang|überlegungen|denkschritte)`, String.raw`gedankenkette`,
    String.raw`raisonnement (?:complet|intégral|détaillé)`, String.raw`montre(?:z)?(?:-moi)? (?:tout )?(?:ton|votre) (?:raisonnement|processus de réflexion)`, String.raw`chaîne de pensée`, String.raw`sans (?:en )?omettre`, String.raw`(?:chaque|toutes les) étapes? intermédiaires?`, String.raw`montre(?:z)? tous les calculs`, String.raw`toute (?:ta|votre) réflexion`,
    '추론 과정', '사고 과정', '생각 과정', '생략하지', '빠짐없이', '중간 단계(?:를|들을)? 모두', '생각을 처음부터 끝까지',
  ],
  'i',
);

export const cotCoercion: SignalFamily = {
  names: ['cot_elicitation_share', 'cot_full_trace_share'],
  observe(view, acc) {
    const full = matches(COT_FULL_TRACE, SYS_COT_FULL, view);
    if (full || matches(COT_MILD, SYS_COT_MILD, view)) acc.counters[C.cot]! += 1;
    if (full) acc.counters[C.cotFullTrace]! += 1;
  },
  fill(src, out, at, shrink) {
    const c = src.counters;
    out[at] = share(c[C.cot]!, c[C.requests]!, shrink);
    out[at + 1] = share(c[C.cotFullTrace]!, c[C.requests]!, shrink);
  },
};
