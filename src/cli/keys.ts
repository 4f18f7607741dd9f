// `distillguard keys create|list|revoke`: API keys in the data dir's identity store.
import type { Command } from 'commander';
import { keyJson } from '../identity/identity-store.ts';
import { type CliIo, DEFAULT_DATA_DIR, processIo, formatTable, withIdentityStore } from './data-dir.ts';

export function register(program: Command, io: CliIo = processIo): void {
  const keys = program.command('keys').description('Create, list and revoke API keys.');

  keys
    .command('create')
    .description('Create an API key for an account; the secret is printed once, as the last line.')
    .requiredOption('--account <id>', 'account id')
    .option('--data-dir <dir>', 'data dir of the embedded store', DEFAULT_DATA_DIR)
    .action((flags: { account: string; dataDir: string }) =>
      withIdentityStore(io, 'keys create', flags.dataDir, { account_id: '--account' }, (store) => {
        const { record, secret } = store.createKey(flags.account);
        // the secret goes last and alone on its line, so scripts can take it with `tail -n 1`
        io.out(`created key ${record.id} for account ${record.accountId}; the secret below is shown only this once:\n${secret}\n`);
      }),
    );

  keys
    .command('list')
    .description('List API keys (ids and state, never secrets).')
    .option('--account <id>', 'only this account\'s keys')
    .option('--json', 'print JSON (one array) instead of a table')
    .option('--data-dir <dir>', 'data dir of the embedded store', DEFAULT_DATA_DIR)
    .action((flags: { account?: string; json?: boolean; dataDir: string }) =>
      withIdentityStore(io, 'keys list', flags.dataDir, { account_id: '--account' }, (store) => {
        const all = store.listKeys(flags.account);
        if (flags.json) {
          io.out(JSON.stringify(all.map(keyJson), null, 2) + '\n');
          return;
        }
        const rows = all.map((k) => [k.id, k.accountId, k.createdAt, k.revokedAt ?? '-']);
        io.out(formatTable(['ID', 'ACCOUNT', 'CREATED', 'REVOKED'], rows));
      }),
    );

  keys
    .command('revoke')
    .description('Revoke an API key for good (a running gateway stops accepting it within a second).')
    .requiredOption('--id <keyId>', 'key id, e.g. key_3f9a1c0b2d4e')
    .option('--data-dir <dir>', 'data dir of the embedded store', DEFAULT_DATA_DIR)
    .action((flags: { id: string; dataDir: string }) =>
      withIdentityStore(io, 'keys revoke', flags.dataDir, { id: '--id' }, (store) => {
        const record = store.revokeKey(flags.id);
        io.out(`revoked key ${record.id} (account ${record.accountId}) at ${record.revokedAt}\n`);
      }),
    );
}
