// `distillguard replay`: sends a request log through a running gateway (`serve --replay-mode`) as real requests,
// with each account's own key, and measures what the closed loop withheld from attackers and cost benign users.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { ConfigError } from '../errors.ts';
import { readLabels } from '../eval/labels.ts';
import { ReplayAdminError } from '../replay/admin-client.ts';
import { renderReplayHtml } from '../replay/html.ts';
import { DEFAULT_CONCURRENCY, runReplay } from '../replay/run-replay.ts';
import { renderSummaryText } from '../replay/summary-text.ts';

interface ReplayFlags {
  events: string;
  accounts?: string;
  labels?: string;
  gateway: string;
  admin: string;
  adminToken: string;
  speed?: string;
  concurrency: string;
  detectorLag?: string;
  limit?: string;
  out: string;
  html?: string;
}

export function register(program: Command): void {
  program
    .command('replay')
    .description('Send a request log through a gateway started with `serve --replay-mode` and measure what enforcement withheld.')
    .requiredOption('--events <file>', 'events.jsonl or events.jsonl.gz (log format v1, in time order)')
    .option('--accounts <file>', 'accounts.jsonl: tier (verification) and org of each account created')
    .option('--labels <file>', 'labels.json from `simulate`: classes, personas and campaigns for the summary and targets')
    .requiredOption('--gateway <url>', 'the gateway, e.g. http://127.0.0.1:8080')
    .requiredOption('--admin <url>', 'its admin API, e.g. http://127.0.0.1:8081')
    .requiredOption('--admin-token <token>', 'the admin token `serve` printed')
    .option('--speed <x>', 'seconds of log time per wall second (default: as fast as possible, in log order)')
    .option('--concurrency <n>', 'requests in flight at most', String(DEFAULT_CONCURRENCY))
    .option('--detector-lag <s>', "wait for the gateway's detector so it lags at most this many log seconds (e.g. 1, the loop's design)")
    .option('--limit <n>', 'replay only the first N events')
    .requiredOption('--out <file>', 'where to write replay.json')
    .option('--html <file>', 'also write a self-contained HTML summary')
    .action(async (flags: ReplayFlags) => {
      process.exitCode = await replay(flags);
    });
}

/** Runs the command; returns the process exit code (0 done, 1 bad input or unreachable gateway). */
export async function replay(flags: ReplayFlags): Promise<number> {
  const bar = process.stderr.isTTY ? new SingleBar({ format: 'replay [{bar}] {percentage}% of the log | {sent} sent, {answered} answered', stream: process.stderr, hideCursor: true }) : null;
  let barStarted = false;
  try {
    const speed = flags.speed === undefined ? null : positiveNumber(flags.speed, '--speed');
    const concurrency = positiveInteger(flags.concurrency, '--concurrency');
    const limit = flags.limit === undefined ? undefined : positiveInteger(flags.limit, '--limit');
    const labels = flags.labels ? readLabels(flags.labels) : null;
    const report = await runReplay({
      eventsPath: flags.events,
      accountsPath: flags.accounts,
      labels,
      gatewayUrl: flags.gateway,
      adminUrl: flags.admin,
      adminToken: flags.adminToken,
      speed,
      concurrency,
      detectorLagSeconds: flags.detectorLag === undefined ? null : positiveNumber(flags.detectorLag, '--detector-lag'),
      limit,
      onProgress: bar
        ? ({ sent, answered, bytesRead, totalBytes }) => {
            if (!barStarted) {
              bar.start(Math.max(1, totalBytes), 0, { sent: 0, answered: 0 });
              barStarted = true;
            }
            if (sent % 64 === 0) bar.update(bytesRead, { sent: sent.toLocaleString('en-US'), answered: answered.toLocaleString('en-US') });
          }
        : undefined,
    });
    if (barStarted) {
      bar!.update(bar!.getTotal(), { sent: report.requests.toLocaleString('en-US'), answered: report.answered.toLocaleString('en-US') });
      bar!.stop();
    }
    writeFileSync(flags.out, JSON.stringify(report, null, 2) + '\n');
    if (flags.html) writeFileSync(flags.html, renderReplayHtml(report));
    console.log(renderSummaryText(report));
    console.log(`replay: ${flags.out}${flags.html ? `  html: ${flags.html}` : ''}`);
    return 0;
  } catch (err) {
    if (barStarted) bar!.stop();
    if (err instanceof ConfigError || err instanceof ReplayAdminError || err instanceof RangeError || (err as NodeJS.ErrnoException).code === 'ENOENT') {
      console.error(`distillguard replay: ${(err as Error).message}`);
      return 1;
    }
    throw err;
  }
}

function positiveNumber(value: string, flag: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0) || !Number.isFinite(n)) throw new ConfigError(`${flag} must be a positive number, got "${value}"`);
  return n;
}

function positiveInteger(value: string, flag: string): number {
  const n = positiveNumber(value, flag);
  if (!Number.isInteger(n)) throw new ConfigError(`${flag} must be a whole number, got "${value}"`);
  return n;
}
