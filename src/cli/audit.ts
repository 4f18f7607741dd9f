// `distillguard audit verify|list`: the enforcement audit log of the data dir's store.
import type { Command } from 'commander';
import { auditEntryJson } from '../enforce/audit-log.ts';
import { withEnforcer } from './actions.ts';
import { type CliIo, DEFAULT_DATA_DIR, fail, formatTable, processIo } from './data-dir.ts';

export function register(program: Command, io: CliIo = processIo): void {
  const audit = program.command('audit').description('Check and read the append-only, hash-chained audit log of enforcement.');

  audit
    .command('verify')
    .description('Check the hash chain; exit 1 naming the first broken entry.')
    .option('--data-dir <dir>', 'data dir of the embedded store', DEFAULT_DATA_DIR)
    .action((flags: { dataDir: string }) =>
      withEnforcer(io, 'audit verify', flags, {}, (enforcer) => {
        const result = enforcer.verifyAudit();
        if (result.ok) io.out(`audit log intact: ${result.entries} entries\n`);
        else fail(io, 'audit verify', `audit log broken at entry ${result.firstBroken}: ${result.reason}`);
      }),
    );

  audit
    .command('list')
    .description('Print the audit log, oldest first.')
    .option('--since <seq>', 'only entries after this sequence number', '0')
    .option('--json', 'print JSON (one array) instead of a table')
    .option('--data-dir <dir>', 'data dir of the embedded store', DEFAULT_DATA_DIR)
    .action((flags: { dataDir: string; since: string; json?: boolean }) => {
      const since = Number(flags.since);
      if (!Number.isInteger(since) || since < 0) {
        fail(io, 'audit list', `'${flags.since}' is not a sequence number (--since)`);
        return;
      }
      return withEnforcer(io, 'audit list', flags, {}, (enforcer) => {
        const entries = enforcer.auditLog.list({ sinceSeq: since });
        if (flags.json) {
          io.out(JSON.stringify(entries.map(auditEntryJson), null, 2) + '\n');
          return;
        }
        const rows = entries.map((e) => [String(e.seq), e.ts, e.actor, e.event, e.actionId ?? '-', e.hash.slice(0, 12)]);
        io.out(formatTable(['SEQ', 'TS', 'ACTOR', 'EVENT', 'ACTION', 'HASH'], rows));
      });
    });
}
