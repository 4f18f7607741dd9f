// What a caller whose tier sees reasoning only "in summary" gets in place of the raw trace:
// the opening of the reasoning, cut at a sentence end, so the answer's approach is visible but the
// step-by-step trace that distillers train on is not.

const MAX_SUMMARY_CHARS = 280;
/** Raw reasoning kept in memory per response while waiting to summarise it. */
export const MAX_BUFFERED_REASONING_CHARS = 4096;

export function summariseReasoning(reasoning: string): string {
  const text = reasoning.replace(/\s+/g, ' ').trim();
  if (text.length === 0) return '';
  let cut = text.slice(0, MAX_SUMMARY_CHARS);
  const sentenceEnd = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('。'), cut.lastIndexOf('? '), cut.lastIndexOf('! '));
  if (sentenceEnd > 40) cut = cut.slice(0, sentenceEnd + 1);
  const truncated = cut.length < text.length;
  return `[Reasoning summary] ${cut}${truncated ? ' …' : ''}`;
}

/** Collects streamed reasoning up to a bound, to summarise when the reasoning part ends. */
export class ReasoningBuffer {
  private text = '';
  /** Characters seen, including those beyond the bound. */
  seenChars = 0;
  add(delta: string): void {
    this.seenChars += delta.length;
    if (this.text.length < MAX_BUFFERED_REASONING_CHARS) this.text += delta.slice(0, MAX_BUFFERED_REASONING_CHARS - this.text.length);
  }
  takeSummary(): string {
    const s = summariseReasoning(this.text);
    this.text = '';
    return s;
  }
  get isEmpty(): boolean {
    return this.text.length === 0;
  }
}
