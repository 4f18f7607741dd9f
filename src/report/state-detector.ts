// The engine an analyze run starts with (analyze --state): restored from the state file when there is one. Apart
// from state-file.ts so that analyze's reader thread can read a state's head without loading the detector.
import { Detector } from '../detect/detector.ts';
import { DetectorInputError } from '../detect/errors.ts';
import type { DetectorParams } from '../detect/types.ts';
import { readStateFile } from './state-file.ts';

/** The engine a run starts with: restored from `statePath` when that file exists, else a fresh one. */
export function startingDetector(statePath: string | undefined, params: DetectorParams | undefined): Detector {
  const state = statePath ? readStateFile(statePath) : null;
  if (state === null) return new Detector(params);
  try {
    return Detector.restore(state, params);
  } catch (err) {
    if (err instanceof DetectorInputError) throw new DetectorInputError(`--state ${statePath}: ${err.message}; not a state this version of analyze wrote`);
    throw err;
  }
}
