// Bad input lines named by file: what both analyze paths (one thread, analyze-log.ts; two threads,
// analyze-pipeline.ts) report, kept apart from the detector so that the two-thread reader does not load the
// engine's modules (the engine thread runs it) just to name a line.
import { LogParseError, STDIN } from '../events/reader.ts';

/** A bad line in --strict mode (or an unreadable gzip stream), naming the file, line and field. */
export class InputLineError extends Error {
  readonly code = 'DG_ERR_LOG_PARSE';
  constructor(
    readonly path: string,
    readonly lineNo: number,
    readonly field: string | null,
    readonly detail: string,
  ) {
    super(`${path === STDIN ? 'standard input' : path} line ${lineNo}${field ? `, field ${field}` : ''}: ${detail}`);
    this.name = 'InputLineError';
  }
}

/** Runs `run`, turning a LogParseError into an InputLineError naming its file (`path`, or the one it carries). */
export async function naming<T>(path: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof LogParseError) throw new InputLineError(err.path ?? path, err.lineNo, err.field, err.message.replace(/^line \d+: /, ''));
    throw err;
  }
}

/** The events files of an analyze run (`AnalyzeLogOptions.eventsPath`), as a list. */
export function eventFiles(eventsPath: string | readonly string[]): readonly string[] {
  return typeof eventsPath === 'string' ? [eventsPath] : eventsPath;
}
