// Watermarking for streamed responses: feed each text delta as it arrives, emit what comes back.
// Holds back only the token (run of non-whitespace) still being written, so a word split across chunks is
// seen whole, and the concatenated output equals `watermarkText` of the concatenated input.
import type { WatermarkSeed } from './keyed-hash.ts';
import { TokenSegmenter } from './segmenter.ts';
import { WatermarkSink, type WatermarkOptions, type WatermarkStats } from './watermark.ts';

export class StreamWatermarker {
  private readonly sink: WatermarkSink;
  private readonly segmenter: TokenSegmenter;

  constructor(seed: WatermarkSeed, options?: WatermarkOptions) {
    this.sink = new WatermarkSink(seed, options);
    this.segmenter = new TokenSegmenter(this.sink);
  }

  /** Text to emit for this delta (possibly empty while a word is incomplete). */
  push(textDelta: string): string {
    return this.segmenter.push(textDelta);
  }

  /** The held-back remainder; call once when the response's text ends. */
  end(): string {
    return this.segmenter.end();
  }

  stats(): WatermarkStats {
    return this.sink.stats();
  }
}
