// The "student" of the validation: a word-level n-gram language model (order 3 by default) trained on
// (prompt, answer) pairs, as a distiller would train on harvested API outputs. It continues a prompt
// by sampling the next word from the longest context it has seen (backing off to shorter ones), with a
// temperature, so what it learned from its training data (including any watermark) shows in its output.
import type { Rng } from './rng.ts';

const SEPARATOR = '<answer>';
const END = '<end>';

/** continuation word id -> count */
type Continuations = Map<number, number>;

const ID_SPACE = 1 << 21;

/** A context of up to two word ids as one exact number key (orders above 3 are not needed here). */
function contextKey(seq: ArrayLike<number>, from: number, to: number): number {
  let key = to - from;
  for (let i = from; i < to; i++) key = key * ID_SPACE + seq[i] + 1;
  return key;
}

export class NGramModel {
  private readonly vocab = new Map<string, number>();
  private readonly words: string[] = [];
  /** tables[k] maps a context of k words to its continuations */
  private readonly tables: Map<number, Continuations>[];

  constructor(readonly order = 3) {
    if (order < 1 || order > 3) throw new RangeError('NGramModel supports orders 1 to 3');
    this.tables = Array.from({ length: order }, () => new Map());
  }

  private id(word: string): number {
    let id = this.vocab.get(word);
    if (id === undefined) {
      id = this.words.length;
      this.vocab.set(word, id);
      this.words.push(word);
    }
    return id;
  }

  private static split(text: string): string[] {
    return text.split(/\s+/).filter((w) => w.length > 0);
  }

  /** Learns from one prompt and its answer. */
  train(prompt: string, answer: string): void {
    const promptWords = NGramModel.split(prompt);
    const seq = [...promptWords, SEPARATOR, ...NGramModel.split(answer), END].map((w) => this.id(w));
    for (let i = promptWords.length + 1; i < seq.length; i++) {
      for (let k = 0; k < this.order && i - k >= 0; k++) {
        const key = contextKey(seq, i - k, i);
        const table = this.tables[k];
        let c = table.get(key);
        if (c === undefined) {
          c = new Map();
          table.set(key, c);
        }
        c.set(seq[i], (c.get(seq[i]) ?? 0) + 1);
      }
    }
  }

  /**
   * Samples an answer to `prompt` of at most `maxWords` words. An answer that ends before `minWords`
   * words goes on with a new paragraph (as a model does when asked for a long answer).
   */
  generate(prompt: string, rng: Rng, options: { maxWords?: number; minWords?: number; temperature?: number } = {}): string {
    const maxWords = options.maxWords ?? 200;
    const minWords = Math.min(options.minWords ?? 0, maxWords);
    const temperature = options.temperature ?? 1;
    const separator = this.vocab.get(SEPARATOR) ?? -1;
    const history: number[] = [...NGramModel.split(prompt).map((w) => this.vocab.get(w) ?? -1), separator];
    const out: string[] = [];
    const end = this.vocab.get(END);
    while (out.length < maxWords) {
      const next = this.sampleNext(history, rng, temperature);
      if (next === undefined || next === end) {
        if (out.length >= minWords || separator < 0) break;
        out.push('\n\n');
        history.push(separator);
        continue;
      }
      out.push(this.words[next]);
      history.push(next);
    }
    return out.join(' ').replace(/ ?\n\n ?/g, '\n\n');
  }

  private sampleNext(history: number[], rng: Rng, temperature: number): number | undefined {
    for (let k = this.order - 1; k >= 0; k--) {
      if (history.length < k) continue;
      let known = true;
      for (let i = history.length - k; i < history.length; i++) if (history[i] < 0) known = false;
      if (!known) continue;
      const c = this.tables[k].get(contextKey(history, history.length - k, history.length));
      if (c === undefined) continue;
      return sample(c, rng, temperature);
    }
    return undefined;
  }
}

function sample(c: Continuations, rng: Rng, temperature: number): number {
  const exponent = 1 / temperature;
  let total = 0;
  for (const n of c.values()) total += Math.pow(n, exponent);
  let r = rng() * total;
  let last = -1;
  for (const [id, n] of c) {
    r -= Math.pow(n, exponent);
    last = id;
    if (r <= 0) return id;
  }
  return last;
}
