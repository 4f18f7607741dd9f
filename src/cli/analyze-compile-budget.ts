// V8 flags for analyze, set before the command's modules load (flags are process-wide, the engine thread's
// isolate included, and only apply to code compiled after they are set: analyze.ts imports this module first).
//
// The inlining budget. V8's optimizing compiler runs beside analyze's two threads on helper threads, and on a
// two-core machine it competes with them: with V8's default inlining budget it spent about as much CPU as a fifth
// of the whole run (perf: three quarters of the helper threads' time), compiling the engine's large linking and
// scoring functions with everything they call inlined. An eighth of the budget compiles smaller code for about
// the same speed (docs/analyze.md, "Compiling": 920 → 460 → 230 → 115, each step measured on interleaved runs).
//
// Regexes compiled to machine code at once. By default V8 first runs a regex in its bytecode interpreter and
// compiles it to machine code on the next run. The content patterns are alternations of hundreds of
// case-insensitive phrases, run on almost every prompt: their one interpreted run costs more than compiling
// them (the harmful-request pattern: ~80 ms interpreted on one short prompt, then ~9 ms to compile, against
// ~12 ms compiled at once), and each thread pays it for each pattern.
import { setFlagsFromString } from 'node:v8';

/** Bytecode bytes inlined into one optimized function (V8's default: 920). */
const MAX_INLINED_BYTECODE_CUMULATIVE = 115;

setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${MAX_INLINED_BYTECODE_CUMULATIVE}`);
setFlagsFromString('--no-regexp-tier-up');
