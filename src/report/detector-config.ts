// Detector parameters for `analyze` and `eval`: the shipped, fitted set (src/detect/params.json), optionally
// overridden by the `detector:` section of a distillguard config file (JSON or YAML), e.g.
//   detector: { thresholds: { flagged: 0.9 } }
// The rest of the file is validated as the gateway configuration, so one file serves both commands.
import { deepMerge, loadConfigFile } from '../config/load.ts';
import { DetectorParamsError } from '../detect/errors.ts';
import { defaultParams, validateParams } from '../detect/params.ts';
import type { DetectorParams } from '../detect/types.ts';
import { ConfigError } from '../errors.ts';

type Json = Record<string, unknown>;

export function loadDetectorParams(configPath: string | undefined): DetectorParams {
  if (!configPath) return defaultParams();
  // The whole file is validated as the gateway's configuration; its detector section is checked here.
  return resolveDetectorParams(loadConfigFile(configPath).detector, `config file ${configPath}`);
}

/** The shipped, fitted parameters with a config's `detector:` overrides merged over them and validated. */
export function resolveDetectorParams(overrides: Json | undefined, source = 'config'): DetectorParams {
  const shipped = defaultParams();
  if (!overrides) return shipped;
  try {
    return validateParams(deepMerge(shipped as unknown as Json, overrides) as unknown as DetectorParams);
  } catch (err) {
    if (err instanceof DetectorParamsError) throw new ConfigError(`${source}: ${err.message}`);
    throw err;
  }
}
