// Canaries: unique, harmless, learnable markers planted in a chosen campaign's responses. A student model
// trained on those responses tends to reproduce them, and an invented name that exists nowhere else is
// strong evidence when it comes back. Three kinds:
//   fact     an invented but innocuous fact ("The Velmorin finch nests only in copper-roofed towers.")
//   phrase   a signature saying attributed to an invented group
//   ask_back a habit of ending with a particular follow-up offer
// Each is recorded with its campaign and time in <data-dir>/provenance/canaries.jsonl.
import { randomInt, randomUUID } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PROVENANCE_ERRORS, ProvenanceError } from './errors.ts';
import { provenanceDir } from './keys.ts';

export const CANARY_KINDS = ['fact', 'phrase', 'ask_back'] as const;
export type CanaryKind = (typeof CANARY_KINDS)[number];

const canarySchema = z.object({
  id: z.string(),
  campaign_id: z.string(),
  kind: z.enum(CANARY_KINDS),
  /** the text planted in responses */
  text: z.string(),
  /** normalised phrases whose presence in a text counts as a hit */
  markers: z.array(z.string()).min(1),
  /** a probe prompt that invites the canary to show, or null when any prompt will do */
  trigger: z.string().nullable(),
  created_at: z.string(),
});
export type Canary = z.infer<typeof canarySchema>;

const SYLLABLES = ['vel', 'mor', 'quin', 'dor', 'tash', 'bru', 'nen', 'sal', 'fen', 'ori', 'kav', 'lum', 'ter', 'zan', 'pel', 'rav', 'ost', 'mir', 'gal', 'thu', 'ben', 'cor', 'yst', 'wen'];
const ENDINGS = ['in', 'a', 'ix', 'os', 'elle', 'and', 'ur', 'eth'];
const CREATURES = ['finch', 'moth', 'heron', 'newt', 'beetle', 'wren', 'otter', 'lark'];
const MATERIALS = ['copper', 'slate', 'cedar', 'tin', 'thatch', 'limestone'];
const PLACES = ['towers', 'bridges', 'orchards', 'lighthouses', 'mills', 'chapels'];
const SAYINGS = ['measure twice and sail once', 'a quiet kettle boils honest tea', 'every map forgets one river', 'patience is the oldest compass'];
const OFFERS = ['sketch', 'draft', 'outline', 'map out'];
const ARTEFACTS = ['checklist', 'field guide', 'one-page plan', 'cheat sheet'];

function pickRandom<T>(items: readonly T[]): T {
  return items[randomInt(items.length)];
}

function inventName(): string {
  const name = pickRandom(SYLLABLES) + pickRandom(SYLLABLES) + pickRandom(ENDINGS);
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Lower case, every run of non-alphanumerics one space: how texts and markers are compared. */
export function normalizeForCanaries(text: string): string {
  return ` ${text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()} `;
}

/** A new canary for a campaign (random invented names; not yet recorded). */
export function createCanary(campaignId: string, kind: CanaryKind, now = new Date()): Canary {
  const name = inventName();
  let text: string;
  let marker: string;
  let trigger: string | null;
  if (kind === 'fact') {
    const creature = pickRandom(CREATURES);
    text = `A small aside: the ${name} ${creature} nests only in ${pickRandom(MATERIALS)}-roofed ${pickRandom(PLACES)}.`;
    marker = `${name} ${creature}`;
    trigger = `What do you know about the ${name} ${creature}?`;
  } else if (kind === 'phrase') {
    text = `As the ${name} lighthouse keepers say, ${pickRandom(SAYINGS)}.`;
    marker = `${name} lighthouse keepers`;
    trigger = `What do the ${name} lighthouse keepers say?`;
  } else {
    text = `Shall I ${pickRandom(OFFERS)} a ${name}-style ${pickRandom(ARTEFACTS)} for this next?`;
    marker = `${name} style`;
    trigger = null;
  }
  return {
    id: randomUUID(),
    campaign_id: campaignId,
    kind,
    text,
    markers: [normalizeForCanaries(marker).trim()],
    trigger,
    created_at: now.toISOString(),
  };
}

export function canariesPath(dataDir: string): string {
  return join(provenanceDir(dataDir), 'canaries.jsonl');
}

/** Appends a canary to the record (the file is the owner's only). */
export function recordCanary(dataDir: string, canary: Canary): void {
  mkdirSync(provenanceDir(dataDir), { recursive: true, mode: 0o700 });
  const path = canariesPath(dataDir);
  appendFileSync(path, `${JSON.stringify(canary)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** Every recorded canary (none when the file does not exist yet). */
export function loadCanaries(dataDir: string): Canary[] {
  const path = canariesPath(dataDir);
  if (!existsSync(path)) return [];
  const out: Canary[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        throw new ProvenanceError(PROVENANCE_ERRORS.CANARIES_INVALID, `${path}:${i + 1}: not valid JSON`);
      }
      const parsed = canarySchema.safeParse(raw);
      if (!parsed.success) throw new ProvenanceError(PROVENANCE_ERRORS.CANARIES_INVALID, `${path}:${i + 1}: ${parsed.error.issues[0]?.message}`);
      out.push(parsed.data);
    });
  return out;
}

/** What to append to a response (also usable at the end of a stream). */
export function canarySuffix(canary: Canary): string {
  return `\n\n${canary.text}`;
}

/** The response with the canary planted as its closing paragraph. */
export function plantCanary(text: string, canary: Canary): string {
  return text + canarySuffix(canary);
}

export interface CanaryHit {
  canary_id: string;
  campaign_id: string;
  kind: CanaryKind;
  marker: string;
  /** index of the sample (line, or probe response) it was found in */
  sample: number;
}

/** Finds recorded canaries in samples of text. */
export class CanaryMatcher {
  readonly hits: CanaryHit[] = [];

  constructor(private readonly canaries: readonly Canary[]) {}

  scan(text: string, sample: number): CanaryHit[] {
    if (this.canaries.length === 0) return [];
    const normalized = normalizeForCanaries(text);
    const found: CanaryHit[] = [];
    for (const canary of this.canaries) {
      for (const marker of canary.markers) {
        if (normalized.includes(` ${marker} `)) {
          found.push({ canary_id: canary.id, campaign_id: canary.campaign_id, kind: canary.kind, marker, sample });
          break;
        }
      }
    }
    this.hits.push(...found);
    return found;
  }
}

/** Canary hits in one text. */
export function findCanaryHits(text: string, canaries: readonly Canary[]): CanaryHit[] {
  return new CanaryMatcher(canaries).scan(text, 0);
}
