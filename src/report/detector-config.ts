// Detector parameters for `analyze` and `eval`: the shipped, fitted set (src/detect/params.json), optionally
// overridden by the `detector:` section of a distillguard config file (JSON or YAML), e.g.
//   detector: { thresholds: { flagged: 0.9 } }
// The rest of the file is validated as the gateway configuration, so one file serves both commands.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { deepMerge, resolveConfig } from '../config/load.ts';
import { DetectorParamsError } from '../detect/errors.ts';
import { defaultParams, validateParams } from '../detect/params.ts';
import type { DetectorParams } from '../detect/types.ts';
import { ConfigError } from '../errors.ts';

type Json = Record<string, unknown>;

export function loadDetectorParams(configPath: string | undefined): DetectorParams {
  const shipped = defaultParams();
  if (!configPath) return shipped;
  let raw: unknown;
  try {
    const text = readFileSync(configPath, 'utf8');
    raw = /\.json$/i.test(configPath) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`cannot read config file ${configPath}: ${(err as Error).message}`);
  }
  if (raw === null || raw === undefined) return shipped;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`config file ${configPath}: the top level must be an object`);
  const { detector, ...gateway } = raw as Json;
  resolveConfig(gateway, `config file ${configPath}`);
  if (detector === undefined || detector === null) return shipped;
  if (typeof detector !== 'object' || Array.isArray(detector)) throw new ConfigError(`config file ${configPath}: detector must be an object`);
  try {
    return validateParams(deepMerge(shipped as unknown as Json, detector as Json) as unknown as DetectorParams);
  } catch (err) {
    if (err instanceof DetectorParamsError) throw new ConfigError(`config file ${configPath}: ${err.message}`);
    throw err;
  }
}
