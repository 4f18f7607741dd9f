// V8's optimizing compiler runs beside analyze's two threads on helper threads, and on a two-core machine it
// competes with them: with V8's default inlining budget it spent about as much CPU as a fifth of the whole run
// (perf: three quarters of the helper threads' time), compiling the engine's large linking and scoring
// functions with everything they call inlined. An eighth of the budget compiles smaller code for about the same
// speed (docs/analyze.md, "Compiling": 920 → 460 → 230 → 115, each step measured on interleaved runs).
// V8 flags are process-wide and only apply to code compiled after they are set, so analyze.ts imports this
// module first, before the modules whose start-up code already runs hot.
import { setFlagsFromString } from 'node:v8';

/** Bytecode bytes inlined into one optimized function (V8's default: 920). */
const MAX_INLINED_BYTECODE_CUMULATIVE = 115;

setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${MAX_INLINED_BYTECODE_CUMULATIVE}`);
