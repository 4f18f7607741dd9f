// The content patterns are long alternations of phrases, most of them starting at a word boundary. Written
// `\bA|\bB|…`, V8's regex engine tries every alternative (and its `\b`) at every position of a text; written
// `\b(?:A|B|…)`, it tests the boundary once per position and, past it, picks alternatives by their first
// characters. Both match at exactly the same positions, so `test` gives the same answer: the harmful-request
// pattern on the bench log's prompts that reach it ran about 3x faster (docs/analyze.md, Speed).

/** Whether `source` has a `|` outside every group and character class (more than one alternative). */
function hasTopLevelBar(source: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
    } else if (c === '|' && depth === 0) {
      return true;
    }
  }
  return false;
}

/**
 * The regex matching any of `alternatives` (regex sources), with the alternatives that start with `\b` (and are
 * one alternative each) grouped behind a single `\b`; the others follow as they are.
 */
export function alternation(alternatives: readonly string[], flags: string): RegExp {
  const bounded: string[] = [];
  const rest: string[] = [];
  for (const a of alternatives) {
    if (a.startsWith('\\b') && !hasTopLevelBar(a)) bounded.push(a.slice(2));
    else rest.push(a);
  }
  const parts = bounded.length > 0 ? [`\\b(?:${bounded.join('|')})`, ...rest] : rest;
  return new RegExp(parts.join('|'), flags);
}
