// `distillguard accounts create|list|export|set-tier|set-group`: accounts in the data dir's identity store.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { VERIFICATION_TIERS, type VerificationTier } from '../events/types.ts';
import { accountJson } from '../identity/identity-store.ts';
import { type CliIo, DEFAULT_DATA_DIR, processIo, fail, formatTable, withIdentityStore } from './data-dir.ts';
import { outputFile } from './paths.ts';

const TIERS = VERIFICATION_TIERS.join('|');

export function register(program: Command, io: CliIo = processIo): void {
  const accounts = program.command('accounts').description('Create, list and export accounts, set their verification tier and rate-limit group.');

  accounts
    .command('create')
    .description('Create an account.')
    .requiredOption('--id <id>', 'account id (1-128 chars of A-Z a-z 0-9 _ . : -)')
    .option('--org <org>', 'organisation the account belongs to')
    .option('--tier <tier>', `verification tier: ${TIERS}`, 'none')
    .option('--data-dir <dir>', 'data dir of the embedded store', DEFAULT_DATA_DIR)
    .action((flags: { id: string; org?: string; tier: string; dataDir: string }) =>
      withIdentityStore(io, 'accounts create', flags.dataDir, { id: '--id', org_id: '--org', tier: '--tier' }, (store) => {
        const account = store.createAccount({ id: flags.id, orgId: flags.org ?? null, tier: flags.tier as VerificationTier });
        io.out(`created account ${account.id} (tier ${account.tier}${account.orgId ? `, org ${account.orgId}` : ''})\n`);
      }),
    );

  accounts
    .command('list')
    .description('List accounts.')
    .option('--json', 'print JSON (one array) instead of a table')
    .option('--data-dir <dir>', 'data dir of the embedded store', DEFAULT_DATA_DIR)
    .action((flags: { json?: boolean; dataDir: string }) =>
      withIdentityStore(io, 'accounts list', flags.dataDir, {}, (store) => {
        const all = store.listAccounts();
        if (flags.json) {
          io.out(JSON.stringify(all.map(accountJson), null, 2) + '\n');
          return;
        }
        const rows = all.map((a) => [a.id, a.orgId ?? '-', a.tier, a.groupId ?? '-', a.status, a.createdAt]);
        io.out(formatTable(['ID', 'ORG', 'TIER', 'GROUP', 'STATUS', 'CREATED'], rows));
      }),
    );

  accounts
    .command('export')
    .description('Write the accounts as accounts.jsonl (log format v1) for `analyze --accounts`, as the gateway\'s own detector sees them.')
    .option('--out <file>', 'where to write (default: standard output)')
    .option('--data-dir <dir>', 'data dir of the embedded store', DEFAULT_DATA_DIR)
    .action((flags: { out?: string; dataDir: string }) =>
      withIdentityStore(io, 'accounts export', flags.dataDir, {}, (store) => {
        const lines = store.accountRecords().map((r) => JSON.stringify(r) + '\n').join('');
        if (flags.out === undefined) io.out(lines);
        else writeFileSync(outputFile('--out', flags.out), lines);
      }),
    );

  accounts
    .command('set-tier')
    .description("Set an account's verification tier.")
    .requiredOption('--id <id>', 'account id')
    .requiredOption('--tier <tier>', `verification tier: ${TIERS}`)
    .option('--data-dir <dir>', 'data dir of the embedded store', DEFAULT_DATA_DIR)
    .action((flags: { id: string; tier: string; dataDir: string }) =>
      withIdentityStore(io, 'accounts set-tier', flags.dataDir, { account_id: '--id', tier: '--tier' }, (store) => {
        const account = store.setTier(flags.id, flags.tier as VerificationTier);
        io.out(`account ${account.id}: tier ${account.tier}\n`);
      }),
    );

  accounts
    .command('set-group')
    .description('Put an account in a rate-limit group (a campaign sharing one budget), or take it out with --clear.')
    .requiredOption('--id <id>', 'account id')
    .option('--group <group>', 'group id')
    .option('--clear', 'take the account out of its group')
    .option('--data-dir <dir>', 'data dir of the embedded store', DEFAULT_DATA_DIR)
    .action(async (flags: { id: string; group?: string; clear?: boolean; dataDir: string }) => {
      if ((flags.group === undefined) === !flags.clear) {
        fail(io, 'accounts set-group', 'give either --group <group> or --clear');
        return;
      }
      await withIdentityStore(io, 'accounts set-group', flags.dataDir, { account_id: '--id', group_id: '--group' }, (store) => {
        const account = store.setGroup(flags.id, flags.clear ? null : flags.group!);
        io.out(`account ${account.id}: ${account.groupId ? `group ${account.groupId}` : 'no group'}\n`);
      });
    });
}
