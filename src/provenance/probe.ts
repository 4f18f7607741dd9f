// Chooses the prompts sent to a suspect model. The watermark can only show in prose that uses words of the
// lexicon in many different contexts, so the prompts ask for explanatory, descriptive prose (no code, no
// lists) on many different topics; canary triggers are asked first. Prompt families compete: after each
// answer the planner is told how many new de-duplicated observations it brought, and picks the next family
// by UCB1 on that yield, so the queries go where the marks show most.
import type { Canary } from './canaries.ts';

export interface ProbePrompt {
  /** family name, or "canary" */
  family: string;
  text: string;
  canaryId: string | null;
}

const FAMILIES: Record<string, (topic: string) => string> = {
  explain: (t) => `Explain in plain prose, without lists or code, how ${t} work and why they matter.`,
  compare: (t) => `Compare the main advantages and drawbacks of ${t} in a few paragraphs of prose.`,
  advise: (t) => `What practical advice would you give someone getting started with ${t}? Answer in prose.`,
  history: (t) => `Describe how ${t} have changed over time, in several paragraphs.`,
  overview: (t) => `Write a short overview of ${t} for a curious reader.`,
  about: (t) => `Tell me about ${t}.`,
};

export const PROBE_TOPICS: readonly string[] = [
  'rivers', 'gardens', 'bridges', 'volcanoes', 'libraries', 'bicycles', 'glaciers', 'markets', 'forests', 'harbors',
  'telescopes', 'bakeries', 'railways', 'deserts', 'orchestras', 'vaccines', 'satellites', 'museums', 'coral reefs',
  'windmills', 'honeybees', 'spreadsheets', 'compilers', 'databases', 'batteries', 'tides', 'clouds', 'earthquakes',
  'languages', 'elections', 'recipes', 'mountains', 'islands', 'lighthouses', 'textbooks', 'farms', 'airports',
  'hospitals', 'schools', 'cities', 'villages', 'oceans', 'planets', 'comets', 'mushrooms', 'whales', 'owls',
  'printers', 'keyboards', 'solar panels', 'wind farms', 'canals', 'castles', 'tunnels', 'highways', 'caves',
  'newspapers', 'vineyards', 'submarines', 'greenhouses', 'hiking trails', 'board games', 'musical instruments',
  'weather forecasts', 'public parks', 'fishing boats', 'night markets', 'sports teams', 'small businesses',
];

export interface ProbePlannerOptions {
  /** how many prompts in total */
  queries: number;
  /** times each canary trigger is asked (default 2) */
  canaryRepeats?: number;
}

interface FamilyStats {
  uses: number;
  totalYield: number;
}

export class ProbePlanner {
  private readonly canaryQueue: ProbePrompt[] = [];
  private readonly stats = new Map<string, FamilyStats>();
  private topicCursor = 0;
  private issued = 0;
  private recorded = 0;

  constructor(
    canaries: readonly Canary[],
    private readonly options: ProbePlannerOptions,
  ) {
    const repeats = options.canaryRepeats ?? 2;
    for (const c of canaries) {
      if (c.trigger === null) continue;
      for (let r = 0; r < repeats; r++) this.canaryQueue.push({ family: 'canary', text: c.trigger, canaryId: c.id });
    }
    for (const family of Object.keys(FAMILIES)) this.stats.set(family, { uses: 0, totalYield: 0 });
  }

  /** The next prompt, or null when the budget is spent. */
  next(): ProbePrompt | null {
    if (this.issued >= this.options.queries) return null;
    this.issued++;
    const canary = this.canaryQueue.shift();
    if (canary) return canary;
    const family = this.chooseFamily();
    const topic = PROBE_TOPICS[this.topicCursor++ % PROBE_TOPICS.length];
    return { family, text: FAMILIES[family](topic), canaryId: null };
  }

  /** Reports how many new scored observations an answer to `prompt` brought. */
  record(prompt: ProbePrompt, newObservations: number): void {
    this.recorded++;
    const s = this.stats.get(prompt.family);
    if (!s) return;
    s.uses++;
    s.totalYield += newObservations;
  }

  /** UCB1 over families; untried ones first. Yields are scaled by the best mean so far. */
  private chooseFamily(): string {
    let best = '';
    let bestScore = -Infinity;
    let maxMean = 1e-9;
    for (const s of this.stats.values()) if (s.uses > 0) maxMean = Math.max(maxMean, s.totalYield / s.uses);
    const total = Math.max(1, this.recorded);
    for (const [family, s] of this.stats) {
      // a family handed out but not yet recorded counts as tried, so concurrent callers spread out
      const pending = s.uses === 0 && this.pendingOf(family);
      if (s.uses === 0 && !pending) return this.markPending(family);
      const uses = Math.max(1, s.uses);
      const score = s.totalYield / uses / maxMean + Math.sqrt((2 * Math.log(total + 1)) / uses);
      if (score > bestScore) {
        bestScore = score;
        best = family;
      }
    }
    return best;
  }

  private readonly pendingFamilies = new Set<string>();
  private pendingOf(family: string): boolean {
    return this.pendingFamilies.has(family);
  }
  private markPending(family: string): string {
    this.pendingFamilies.add(family);
    return family;
  }

  /** Mean new observations per answer, by family (for the report). */
  yields(): Record<string, { queries: number; mean_new_observations: number }> {
    const out: Record<string, { queries: number; mean_new_observations: number }> = {};
    for (const [family, s] of this.stats) out[family] = { queries: s.uses, mean_new_observations: s.uses === 0 ? 0 : s.totalYield / s.uses };
    return out;
  }
}
