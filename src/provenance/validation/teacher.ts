// A stand-in "teacher model" for validation: varied English explanatory answers generated from a small
// grammar (topics × sentence templates × word slots), written for this project. Lexicon words appear in
// slots where either member of their pair fits, each member chosen at random, so unmarked teacher text is
// independent of any watermark key (as real model text would be).
import { SYNONYM_PAIRS } from '../lexicon.ts';
import { pick, type Rng } from './rng.ts';

const TOPICS = [
  'rivers', 'gardens', 'bridges', 'volcanoes', 'libraries', 'bicycles', 'glaciers', 'markets', 'forests', 'harbors',
  'telescopes', 'bakeries', 'railways', 'deserts', 'orchestras', 'vaccines', 'satellites', 'museums', 'coral reefs',
  'windmills', 'honeybees', 'spreadsheets', 'compilers', 'databases', 'batteries', 'tides', 'clouds', 'earthquakes',
  'languages', 'elections', 'recipes', 'mountains', 'islands', 'lighthouses', 'textbooks', 'farms', 'airports',
  'hospitals', 'schools', 'cities', 'villages', 'oceans', 'planets', 'comets', 'mushrooms', 'whales', 'owls',
  'printers', 'keyboards', 'solar panels', 'wind farms', 'canals', 'castles', 'tunnels', 'highways', 'caves',
];
const AGENTS = [
  'researchers', 'engineers', 'farmers', 'teachers', 'historians', 'designers', 'travelers', 'doctors', 'builders',
  'writers', 'scientists', 'gardeners', 'sailors', 'planners', 'volunteers', 'programmers', 'artists', 'chefs',
  'pilots', 'geologists', 'librarians', 'nurses', 'merchants', 'musicians', 'analysts', 'visitors', 'residents',
];
const DETERMINERS = ['the', 'this', 'that', 'every', 'our', 'their', 'its', 'one', 'each', 'some', 'any', 'no'];
const PLAIN_NOUNS = [
  'process', 'system', 'design', 'season', 'project', 'pattern', 'structure', 'plan', 'question', 'change', 'model',
  'history', 'practice', 'story', 'tradition', 'balance', 'surface', 'layer', 'network', 'cycle', 'journey', 'detail',
];
const PLAIN_ADJECTIVES = ['green', 'warm', 'local', 'old', 'new', 'open', 'dry', 'long', 'early', 'late', 'bright', 'deep', 'steady', 'common', 'rare', 'young', 'quiet'];
const PLAIN_ADVERBS = ['also', 'still', 'now', 'then', 'soon', 'again', 'already', 'today', 'together', 'well'];

function lexiconWords(predicate: (word: string, pairId: number) => boolean): string[][] {
  const out: string[][] = [];
  SYNONYM_PAIRS.forEach((pair, pairId) => {
    if (predicate(pair[0], pairId)) out.push([pair[0], pair[1]]);
  });
  return out;
}
// Slot classes by the pair's position in the lexicon (adverbs, adjectives, verbs, nouns are grouped there).
const firstIndex = (word: string): number => SYNONYM_PAIRS.findIndex((p) => p[0] === word);
const ADVERB_PAIRS = lexiconWords((_w, id) => id < firstIndex('big') && !['thus', 'additionally', 'consequently', 'honestly'].includes(SYNONYM_PAIRS[id][0]));
const CONNECTIVE_PAIRS = [['additionally', 'moreover'], ['consequently', 'therefore'], ['thus', 'hence'], ['honestly', 'frankly']];
const ADJECTIVE_PAIRS = lexiconWords((_w, id) => id >= firstIndex('big') && id < firstIndex('begins'));
const VERB3_PAIRS = [['helps', 'assists'], ['demonstrates', 'illustrates'], ['produces', 'generates'], ['contains', 'includes'], ['allows', 'permits'], ['begins', 'starts']];
const VERB_PAST_PAIRS = [['examined', 'inspected'], ['revealed', 'disclosed'], ['constructed', 'built'], ['reduced', 'decreased'], ['obtained', 'acquired'], ['attempted', 'tried'], ['helped', 'assisted'], ['demonstrated', 'illustrated'], ['produced', 'generated']];
const VERB_BASE_PAIRS = [['examine', 'inspect'], ['obtain', 'acquire'], ['reveal', 'disclose'], ['understand', 'comprehend'], ['explore', 'investigate'], ['choose', 'select']];
const NOUN_PLURAL_PAIRS = [['examples', 'instances'], ['methods', 'techniques'], ['errors', 'mistakes'], ['ideas', 'notions'], ['aspects', 'facets'], ['areas', 'regions'], ['topics', 'subjects'], ['goals', 'objectives'], ['students', 'learners']];

/** How often a slot is filled with a lexicon word rather than a plain one (sets the candidate density). */
export interface TeacherOptions {
  lexiconShare?: number;
}

class Writer {
  constructor(
    private readonly rng: Rng,
    private readonly lexiconShare: number,
  ) {}
  private lex(pairs: string[][], plain: readonly string[]): string {
    if (plain.length > 0 && this.rng() >= this.lexiconShare) return pick(this.rng, plain);
    return pick(this.rng, pick(this.rng, pairs));
  }
  adv(): string { return this.lex(ADVERB_PAIRS, PLAIN_ADVERBS); }
  adj(): string { return this.lex(ADJECTIVE_PAIRS, PLAIN_ADJECTIVES); }
  v3(): string { return this.lex(VERB3_PAIRS, ['shapes', 'changes', 'supports', 'follows', 'needs', 'affects']); }
  vPast(): string { return this.lex(VERB_PAST_PAIRS, ['studied', 'measured', 'changed', 'mapped', 'described', 'recorded']); }
  vBase(): string { return this.lex(VERB_BASE_PAIRS, ['study', 'measure', 'describe', 'map', 'follow', 'record']); }
  nounPl(): string { return this.lex(NOUN_PLURAL_PAIRS, ['tools', 'plans', 'rules', 'maps', 'stories', 'records', 'results', 'parts']); }
  connective(): string { return this.rng() < 0.5 ? pick(this.rng, pick(this.rng, CONNECTIVE_PAIRS)) : pick(this.rng, ['Still', 'Also', 'Then', 'Later', 'Today', 'Overall']); }
  det(): string { return pick(this.rng, DETERMINERS); }
  noun(): string { return pick(this.rng, PLAIN_NOUNS); }
  agents(): string { return pick(this.rng, AGENTS); }
  plainAdj(): string { return pick(this.rng, PLAIN_ADJECTIVES); }
}

type Template = (w: Writer, topic: string) => string;

const TEMPLATES: Template[] = [
  (w, t) => `${cap(t)} are ${w.adv()} ${w.adj()} for ${w.agents()}.`,
  (w, t) => `${cap(w.agents())} ${w.adv()} ${w.vBase()} how ${t} change over time.`,
  (w, t) => `${cap(w.det())} ${w.adj()} ${w.noun()} of ${t} ${w.v3()} ${w.agents()} ${w.vBase()} the ${w.plainAdj()} ${w.nounPl()}.`,
  (w, t) => `In ${w.adj()} ${w.nounPl()}, ${t} ${w.adv()} follow a ${w.plainAdj()} ${w.noun()}.`,
  (w, t) => `${cap(w.connective())}, ${w.agents()} ${w.vPast()} ${w.det()} ${w.noun()} and ${w.adv()} ${w.vPast()} its ${w.nounPl()}.`,
  (w, t) => `A ${w.adj()} ${w.noun()} ${w.v3()} ${t} to stay ${w.adj()}.`,
  (w, t) => `For ${w.nounPl()} like these, ${w.agents()} ${w.adv()} ${w.vBase()} ${w.det()} ${w.noun()} first.`,
  (w, t) => `The ${w.nounPl()} of ${t} are ${w.adv()} ${w.adj()}, and ${w.agents()} ${w.adv()} agree.`,
  (w, t) => `${cap(w.det())} ${w.noun()} ${w.adv()} ${w.v3()} ${w.adj()} ${w.nounPl()} about ${t}.`,
  (w, t) => `When ${w.agents()} ${w.vPast()} ${t}, they ${w.adv()} found ${w.adj()} ${w.nounPl()}.`,
  (w, t) => `${cap(w.agents())} who ${w.vBase()} ${t} ${w.adv()} say the ${w.noun()} is ${w.adj()}.`,
  (w, t) => `${cap(w.connective())}, ${t} ${w.adv()} depend on ${w.adj()} ${w.nounPl()} and ${w.plainAdj()} ${w.nounPl()}.`,
  (w, t) => `Many ${w.agents()} ${w.vPast()} ${w.nounPl()} from ${t} and ${w.adv()} shared them.`,
  (w, t) => `Over a ${w.plainAdj()} ${w.noun()}, ${t} become ${w.adv()} ${w.adj()}.`,
  (w, t) => `It is ${w.adv()} ${w.adj()} to ${w.vBase()} ${t} without ${w.adj()} ${w.nounPl()}.`,
  (w, t) => `${cap(w.det())} ${w.plainAdj()} ${w.noun()} ${w.v3()} ${w.agents()}, ${w.adv()} in ${w.adj()} ${w.nounPl()}.`,
];

const PROMPT_FORMS = [
  (t: string) => `Tell me about ${t}.`,
  (t: string) => `Explain how ${t} work.`,
  (t: string) => `Write a short overview of ${t}.`,
  (t: string) => `What should a beginner know about ${t}?`,
  (t: string) => `Describe ${t} in a few paragraphs.`,
];

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export interface TeacherSample {
  prompt: string;
  response: string;
}

export const TEACHER_TOPICS: readonly string[] = TOPICS;

/** One prompt and the teacher's answer to it. */
export function teacherSample(rng: Rng, options: TeacherOptions = {}, topic = pick(rng, TOPICS)): TeacherSample {
  const writer = new Writer(rng, options.lexiconShare ?? 0.2);
  const prompt = pick(rng, PROMPT_FORMS)(topic);
  const sentences: string[] = [];
  const count = 5 + Math.floor(rng() * 5);
  for (let i = 0; i < count; i++) sentences.push(pick(rng, TEMPLATES)(writer, topic));
  return { prompt, response: sentences.join(' ') };
}

/** The teacher's answer to a given prompt (its topic is looked up in the prompt). */
export function teacherAnswer(rng: Rng, prompt: string, options: TeacherOptions = {}): string {
  const lower = prompt.toLowerCase();
  const topic = TOPICS.find((t) => lower.includes(t)) ?? pick(rng, TOPICS);
  return teacherSample(rng, options, topic).response;
}
