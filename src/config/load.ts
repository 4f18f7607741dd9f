// Reads a config file (JSON or YAML), merges it over the shipped defaults and validates it.
// An invalid file stops start-up with a message that names the field.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors.ts';
import { DEFAULT_CONFIG } from './defaults.ts';
import { configSchema, type GatewayConfig } from './schema.ts';

type Json = unknown;

function isPlainObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge where objects merge key by key and anything else in `over` replaces `base`. */
export function deepMerge(base: Json, over: Json): Json {
  // A YAML section left empty (only comments) reads as null: it means "no changes here".
  if (isPlainObject(base) && over === null) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, Json> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (k in base) out[k] = deepMerge(base[k], v);
    else if (v !== null) out[k] = v;
  }
  return out;
}

/** Validates raw config input (already parsed) merged over the defaults. */
export function resolveConfig(raw: Json = {}, source = 'config'): GatewayConfig {
  if (raw === null || raw === undefined) raw = {};
  if (!isPlainObject(raw)) throw new ConfigError(`${source}: the top level must be an object`);
  const merged = deepMerge(DEFAULT_CONFIG, raw);
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const lines = result.error.issues.map((i) => {
      const field = i.path.length ? i.path.join('.') : '(top level)';
      return `  ${field}: ${i.message}`;
    });
    throw new ConfigError(`${source} is invalid:\n${lines.join('\n')}`);
  }
  return result.data;
}

export function loadConfigFile(path: string | undefined): GatewayConfig {
  if (!path) return resolveConfig({});
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  let raw: Json;
  try {
    raw = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`config file ${path} does not parse: ${(err as Error).message}`);
  }
  return resolveConfig(raw, `config file ${path}`);
}
