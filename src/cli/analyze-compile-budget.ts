// V8 flags for analyze, set before the command's modules load (flags are process-wide, the engine thread's
// isolate included, and only apply to code compiled after they are set: analyze.ts imports this module first).
//
// The inlining budget. V8's optimizing compiler runs beside analyze's two threads on helper threads, and on a
// two-core machine it competes with them: with V8's default inlining budget it spent about as much CPU as a fifth
// of the whole run (perf: three quarters of the helper threads' time), compiling the engine's large linking and
// scoring functions with everything they call inlined. An eighth of the budget compiles smaller code for about
// the same speed (docs/analyze.md, "Compiling": 920 → 460 → 230 → 115, each step measured on interleaved runs).
//
// The interrupt budget: how much bytecode a function runs before V8 considers optimizing it. Five times V8's
// default leaves the functions that are only warm in a run of a few hundred thousand events to the baseline
// compiler, and those that stay hot are optimized a little later with more feedback: on the bench log the helper
// threads' CPU fell 0.68 → ~0.48 s and wall time ~2 % (docs/analyze.md, "Compiling"); on a log three times as
// long and on a small one it made no difference.
//
// Not set: `--no-regexp-tier-up` (regexes compiled to machine code at their first run; 0.1 s less CPU at
// start-up): full test runs twice saw analyze exit without a word while it was set, and Node does not support
// changing V8 flags once code runs (docs/analyze.md, "Start-up").
import { setFlagsFromString } from 'node:v8';

/** Bytecode bytes inlined into one optimized function (V8's default: 920). */
const MAX_INLINED_BYTECODE_CUMULATIVE = 115;

/** Bytecode run before a function is considered for optimization (V8's default: 67,584). */
const INTERRUPT_BUDGET = 5 * 67_584;

setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${MAX_INLINED_BYTECODE_CUMULATIVE}`);
setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
