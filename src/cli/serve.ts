// `distillguard serve`: the gateway in front of a model API, with the embedded store under --data-dir.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfigFile } from '../config/load.ts';
import { ConfigError } from '../errors.ts';
import { startGateway, type RunningGateway } from '../gateway/runtime.ts';
import type { IdentityStore } from '../identity/identity-store.ts';
import { parseKeyId } from '../identity/keys.ts';

const DEMO_ACCOUNT = 'demo';
const DEMO_KEY_FILE = 'demo-api-key';

interface ServeFlags {
  port: string;
  adminPort: string;
  host: string;
  upstream?: string;
  dataDir: string;
  config?: string;
  demoDelayMs: string;
  replayMode?: boolean;
  watermark?: string;
  detector: boolean;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('Run the gateway in front of a model API (the built-in demo upstream when --upstream is not given).')
    .option('--port <port>', 'port of the API', '8080')
    .option('--admin-port <port>', 'port of the admin API, /metrics and health', '8081')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--upstream <url>', 'base URL of the model API (OpenAI- and Anthropic-compatible), e.g. https://api.example.com')
    .option('--data-dir <dir>', 'where the embedded store, secrets and event logs live', './data')
    .option('--config <file>', 'configuration file (JSON or YAML)')
    .option('--demo-delay-ms <ms>', 'pause between the demo upstream\'s streamed chunks', '30')
    .option('--watermark <policy>', 'which responses carry the provenance watermark: all | flagged | off (default: config, else flagged)')
    .option('--no-detector', 'do not run the online detector (analyse the event logs offline instead)')
    .option('--replay-mode', 'for `distillguard replay` only: request time from x-distillguard-replay-ts, action in x-distillguard-action')
    .action(async (flags: ServeFlags) => {
      await serve(flags);
    });
}

async function serve(flags: ServeFlags): Promise<void> {
  let gateway: RunningGateway;
  try {
    const config = loadConfigFile(flags.config);
    gateway = await startGateway({
      config,
      dataDir: resolve(flags.dataDir),
      host: flags.host,
      port: parsePort(flags.port, '--port'),
      adminPort: parsePort(flags.adminPort, '--admin-port'),
      upstream: flags.upstream ?? null,
      demoChunkDelayMs: Number(flags.demoDelayMs),
      replayMode: flags.replayMode === true,
      watermark: parseWatermark(flags.watermark),
      detector: flags.detector,
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`distillguard serve: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }

  const lines = [
    `distillguard gateway  ${gateway.url}`,
    `admin API             ${gateway.adminUrl}  (also /metrics, /healthz, /readyz)`,
    `upstream              ${gateway.demoUpstreamUrl ? `DEMO upstream at ${gateway.demoUpstreamUrl} (a stand-in, not a real model; use --upstream URL)` : flags.upstream ?? 'from the config file'}`,
    `data dir              ${resolve(flags.dataDir)}`,
    `admin token           ${gateway.adminToken}`,
    `enforcement           ${gateway.enforcer.mode}${gateway.enforcer.mode === 'shadow' ? ' (decisions are recorded, nothing is changed; set enforcement.mode: enforce to act)' : ''}`,
  ];
  if (flags.replayMode) lines.push('replay mode           ON: request times come from x-distillguard-replay-ts (never use in production)');
  if (gateway.demoUpstreamUrl) {
    const key = ensureDemoKey(gateway.store, resolve(flags.dataDir));
    gateway.cache.reload();
    lines.push(
      `demo API key          ${key}   (account '${DEMO_ACCOUNT}', tier email)`,
      '',
      'Try it:',
      `  curl ${gateway.url}/v1/chat/completions -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" \\`,
      `    -d '{"model":"demo-small","messages":[{"role":"user","content":"Hello"}]}'`,
      `  curl -N ${gateway.url}/v1/chat/completions -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" \\`,
      `    -d '{"model":"demo-reasoner","stream":true,"messages":[{"role":"user","content":"Why is the sky blue?"}]}'`,
    );
  }
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: finishing requests in flight and writing queued events…`);
    gateway
      .close()
      .then(() => process.exit(0))
      .catch((err) => {
        console.error(err);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** The demo account and a key for it, kept in the data dir so every `npm start` prints the same key. */
function ensureDemoKey(store: IdentityStore, dataDir: string): string {
  if (!store.getAccount(DEMO_ACCOUNT)) store.createAccount({ id: DEMO_ACCOUNT, tier: 'email' });
  const file = join(dataDir, DEMO_KEY_FILE);
  if (existsSync(file)) {
    const saved = readFileSync(file, 'utf8').trim();
    const keyId = parseKeyId(saved);
    if (keyId && store.listKeys(DEMO_ACCOUNT).some((k) => k.id === keyId && k.revokedAt === null)) return saved;
  }
  const { secret } = store.createKey(DEMO_ACCOUNT);
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

function parseWatermark(value: string | undefined): 'all' | 'flagged' | 'off' | undefined {
  if (value === undefined) return undefined;
  if (value === 'all' || value === 'flagged' || value === 'off') return value;
  throw new ConfigError(`--watermark must be all, flagged or off, got '${value}'`);
}

function parsePort(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`${flag} must be a port number (0-65535), got '${value}'`);
  return n;
}
