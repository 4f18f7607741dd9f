// Which literal strings a regular expression cannot match without: a set such that every match contains at
// least one of them (compared case-insensitively). The content patterns are large alternations of phrases;
// a text that holds none of a pattern's required literals cannot match it, so the regex need not run there
// (literal-gate.ts). Derived from the pattern source rather than written beside it, so a pattern edit cannot
// leave its prefilter behind. Anything the analysis does not understand yields "no requirement", which makes
// the gate always run the regex: the gate can only skip regexes that cannot match.

/** A literal set larger than this stops growing (its run is cut and a new one starts). */
const MAX_SET = 64;

/** Code units case-mapped per call when building FOLD (one call per block rather than one per code unit). */
const FOLD_BLOCK = 256;

/**
 * Case classes of UTF-16 code units: two units are in one class when one is the other's single-unit upper or
 * lower case mapping, closed transitively. Coarser than any case-insensitive regex semantics (Unicode or
 * not), so "equal after folding" includes every pair an `i` regex treats as equal.
 *
 * Built at start-up on both of analyze's threads, so it does little per code unit (most map to themselves,
 * and this code runs before it is optimized) and maps a block of 256 code units per call: mapping
 * never deletes a unit, so a mapped block of the same length maps each unit to one unit in place; a block
 * where some unit maps to several (ß → SS) is mapped unit by unit. Blocks never pair surrogates (high and low
 * ones lie in different blocks). test/detect/text/literal-gate.test.ts compares it with the unit-by-unit table.
 */
export const FOLD: Uint16Array = (() => {
  const parent = new Uint32Array(0x10000);
  for (let c = 0; c < parent.length; c++) parent[c] = c;
  const find = (c: number): number => {
    while (parent[c] !== c) c = parent[c] = parent[parent[c]!]!;
    return c;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const units = new Uint16Array(FOLD_BLOCK);
  const mappings = [(s: string) => s.toUpperCase(), (s: string) => s.toLowerCase()];
  for (let base = 0; base < 0x10000; base += FOLD_BLOCK) {
    for (let i = 0; i < FOLD_BLOCK; i++) units[i] = base + i;
    const block = String.fromCharCode.apply(null, units as unknown as number[]);
    for (const map of mappings) {
      const mapped = map(block);
      if (mapped.length === FOLD_BLOCK) {
        for (let i = 0; i < FOLD_BLOCK; i++) {
          const m = mapped.charCodeAt(i);
          if (m !== base + i) union(base + i, m);
        }
      } else {
        for (let c = base; c < base + FOLD_BLOCK; c++) {
          const one = map(String.fromCharCode(c));
          if (one.length === 1) union(c, one.charCodeAt(0));
        }
      }
    }
  }
  const fold = new Uint16Array(0x10000);
  for (let c = 0; c < fold.length; c++) fold[c] = parent[c] === c ? c : find(c);
  return fold;
})();

export function foldString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += String.fromCharCode(FOLD[s.charCodeAt(i)]!);
  return out;
}

/** What a regex node can match: its exact (folded) strings when few and known; else literals it requires. */
interface Info {
  /** every string the node can match (folded), or null when unknown, unbounded or too many */
  exact: string[] | null;
  /** one of these occurs in every match (folded), or null when nothing is required */
  required: string[] | null;
}

const ANYTHING: Info = { exact: null, required: null };
const EMPTY: Info = { exact: [''], required: null };

class Unsupported extends Error {}

/**
 * The literals (case-folded with FOLD) one of which every match of `re` contains, or null when the analysis
 * finds none or meets syntax it does not handle (lookarounds, back references, …).
 */
export function requiredLiterals(re: RegExp): string[] | null {
  if (re.sticky || re.global) return null; // test() would depend on lastIndex
  if (re.unicode || (re as { unicodeSets?: boolean }).unicodeSets) return null; // other escapes, code-point folding
  try {
    const parser = new Parser(re.source);
    const info = parser.alternation();
    if (!parser.done()) throw new Unsupported();
    return info.required ?? asRequired(info.exact);
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
}

function asRequired(exact: string[] | null): string[] | null {
  if (exact === null || exact.length === 0 || exact.includes('')) return null;
  // a literal that contains another one of the set adds nothing: the shorter occurs wherever it does. Only
  // the literals kept so far need comparing (one left out contains a kept one), and without copying them per
  // literal: sets of a thousand literals are filtered at start-up on both of analyze's threads.
  const sorted = [...new Set(exact)].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const s of sorted) if (!kept.some((t) => s.includes(t))) kept.push(s);
  return kept;
}

/** The more selective of two requirements: the longer shortest literal, then fewer literals. */
function better(a: string[] | null, b: string[] | null): string[] | null {
  if (a === null) return b;
  if (b === null) return a;
  const score = (s: string[]) => Math.min(...s.map((x) => x.length));
  const sa = score(a);
  const sb = score(b);
  if (sa !== sb) return sa > sb ? a : b;
  return b.length < a.length ? b : a;
}

function cross(a: string[], b: string[]): string[] {
  const out: string[] = [];
  for (const x of a) for (const y of b) out.push(x + y);
  return [...new Set(out)];
}

/** Recursive descent over the regex syntax the content patterns use. */
class Parser {
  private at = 0;

  constructor(private readonly src: string) {}

  done(): boolean {
    return this.at === this.src.length;
  }

  alternation(): Info {
    const branches = [this.sequence()];
    while (this.src[this.at] === '|') {
      this.at++;
      branches.push(this.sequence());
    }
    if (branches.length === 1) return branches[0]!;
    let exact: string[] | null = [];
    let required: string[] | null = [];
    for (const b of branches) {
      exact = exact !== null && b.exact !== null ? [...exact, ...b.exact] : null;
      const r = b.required ?? asRequired(b.exact);
      required = required !== null && r !== null ? [...required, ...r] : null;
    }
    if (exact !== null && exact.length > MAX_SET) exact = null;
    return { exact: exact === null ? null : [...new Set(exact)], required: required === null ? null : asRequired(required) };
  }

  private sequence(): Info {
    let run: string[] | null = [''];
    let broken = false;
    let best: string[] | null = null;
    while (this.at < this.src.length && this.src[this.at] !== '|' && this.src[this.at] !== ')') {
      const item = this.quantified();
      if (item.exact !== null && run !== null && run.length * item.exact.length <= MAX_SET) {
        run = cross(run, item.exact);
        continue;
      }
      broken = true;
      best = better(best, asRequired(run));
      best = better(best, item.required ?? asRequired(item.exact));
      run = item.exact;
    }
    best = better(best, asRequired(run));
    return { exact: broken ? null : run, required: best };
  }

  private quantified(): Info {
    const atom = this.atom();
    const q = this.src[this.at];
    if (q === '{') return this.counted(atom);
    if (q !== '?' && q !== '*' && q !== '+') return atom;
    this.at++;
    if (this.src[this.at] === '?') this.at++; // lazy: same strings
    if (q === '+') return { exact: null, required: atom.required ?? asRequired(atom.exact) };
    if (q === '*' || atom.exact === null) return ANYTHING;
    return { exact: [...new Set([...atom.exact, ''])], required: null };
  }

  /**
   * `{m}`, `{m,}`, `{m,n}`: at least one repeat requires what the atom requires (like `+`); none allowed
   * requires nothing (like `*`). Coarser than the exact strings, never wrong.
   */
  private counted(atom: Info): Info {
    const close = this.src.indexOf('}', this.at);
    const body = close < 0 ? '' : this.src.slice(this.at + 1, close);
    const m = /^(\d+)(?:,(\d*))?$/.exec(body);
    if (m === null) throw new Unsupported();
    this.at = close + 1;
    if (this.src[this.at] === '?') this.at++; // lazy: same strings
    if (Number(m[1]) === 0) return ANYTHING;
    return { exact: null, required: atom.required ?? asRequired(atom.exact) };
  }

  private atom(): Info {
    const c = this.src[this.at++]!;
    switch (c) {
      case '(': {
        if (this.src[this.at] === '?') {
          if (this.src[this.at + 1] !== ':') throw new Unsupported(); // lookarounds, named groups
          this.at += 2;
        }
        const inner = this.alternation();
        if (this.src[this.at++] !== ')') throw new Unsupported();
        return inner;
      }
      case '[':
        return this.charClass();
      case '.':
        return ANYTHING;
      case '^':
      case '$':
        return EMPTY;
      case '\\':
        return this.escape();
      case ')':
      case '|':
      case '?':
      case '*':
      case '+':
      case '{':
        throw new Unsupported();
      default:
        return { exact: [foldString(c)], required: null };
    }
  }

  private escape(): Info {
    const c = this.src[this.at++];
    if (c === undefined) throw new Unsupported();
    if (c === 'b' || c === 'B') return EMPTY;
    if ('sSdDwW'.includes(c)) return ANYTHING;
    if (c === 'n') return { exact: ['\n'], required: null };
    if (c === 't') return { exact: ['\t'], required: null };
    // an escaped punctuation character stands for itself; letters and digits mean something else
    if (/[A-Za-z0-9]/.test(c)) throw new Unsupported();
    return { exact: [foldString(c)], required: null };
  }

  private charClass(): Info {
    if (this.src[this.at] === '^') throw new Unsupported();
    const members: string[] = [];
    while (this.src[this.at] !== ']') {
      let c = this.src[this.at++];
      if (c === undefined) throw new Unsupported();
      if (c === '\\') {
        c = this.src[this.at++];
        if (c === undefined || /[A-Za-z0-9]/.test(c)) throw new Unsupported(); // \s, \d, \u… inside a class
      }
      if (this.src[this.at] === '-' && this.src[this.at + 1] !== ']') throw new Unsupported(); // ranges
      members.push(foldString(c));
    }
    this.at++;
    if (members.length === 0) throw new Unsupported();
    return { exact: [...new Set(members)], required: null };
  }
}
