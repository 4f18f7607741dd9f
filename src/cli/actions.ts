// `distillguard actions list|approve|undo|reject|create` and `distillguard enforcement mode [shadow|enforce]`:
// the enforcement engine's review queue and actions on the data dir's store. A gateway running on the same
// data dir picks every change up within its watch interval (~1 s).
import type { Command } from 'commander';
import { loadConfigFile } from '../config/load.ts';
import { actionJson } from '../enforce/action-store.ts';
import { Enforcer } from '../enforce/enforcer.ts';
import { ACTION_STRENGTH, type ActionKind, type ActionStatus, type EnforcementAction } from '../enforce/types.ts';
import type { Database } from '../store/sqlite.ts';
import { type CliIo, DEFAULT_DATA_DIR, type FlagNames, fail, formatTable, processIo, withIdentityDatabase } from './data-dir.ts';

const KINDS = Object.keys(ACTION_STRENGTH) as ActionKind[];
const STATUSES: readonly ActionStatus[] = ['active', 'pending_review', 'undone', 'rejected'];
const DATA_DIR_HELP = 'data dir of the embedded store';
const CONFIG_HELP = 'configuration file (JSON or YAML) whose enforcement section applies';
/** Who a change is recorded as when --by is not given. */
const defaultActor = () => process.env.USER || 'cli';

interface StoreFlags {
  dataDir: string;
  config?: string;
}

/**
 * Opens `<dataDir>/distillguard.sqlite` with an Enforcer on it, runs the command and closes it. User errors
 * (unknown action, wrong status, bad value) become one line naming the flag, and exit code 1.
 */
export async function withEnforcer(
  io: CliIo,
  command: string,
  flags: StoreFlags,
  names: FlagNames,
  run: (enforcer: Enforcer, db: Database) => void | Promise<void>,
): Promise<void> {
  await withIdentityDatabase(io, command, flags.dataDir, names, async (db, identity) => {
    const enforcer = new Enforcer({
      db,
      config: loadConfigFile(flags.config).enforcement,
      detectorVersion: 'cli',
      accountInfo: (id) => {
        const account = identity.getAccount(id);
        return account ? { tier: account.tier, orgId: account.orgId } : null;
      },
    });
    await run(enforcer, db);
  });
}

export function register(program: Command, io: CliIo = processIo): void {
  const actions = program
    .command('actions')
    .description('List enforcement actions, approve or reject those waiting for review, undo, or act by hand.');

  actions
    .command('list')
    .description('List actions, newest last.')
    .option('--status <status>', `only actions in this status: ${STATUSES.join('|')}`)
    .option('--account <id>', 'only actions covering this account')
    .option('--json', 'print JSON (one array) instead of a table')
    .option('--data-dir <dir>', DATA_DIR_HELP, DEFAULT_DATA_DIR)
    .option('--config <file>', CONFIG_HELP)
    .action((flags: StoreFlags & { status?: string; account?: string; json?: boolean }) => {
      if (flags.status !== undefined && !STATUSES.includes(flags.status as ActionStatus)) {
        fail(io, 'actions list', `unknown status '${flags.status}': ${STATUSES.join(', ')} (--status)`);
        return;
      }
      return withEnforcer(io, 'actions list', flags, {}, (enforcer) => {
        const filter = { ...(flags.status && { status: flags.status as ActionStatus }), ...(flags.account && { accountId: flags.account }) };
        const list = enforcer.list(filter);
        if (flags.json) {
          io.out(JSON.stringify(list.map(actionJson), null, 2) + '\n');
          return;
        }
        const rows = list.map((a) => [a.id, a.kind + (a.shadow ? ' (shadow)' : ''), a.status, `${a.target.type}:${a.target.id}`, String(a.accounts.length), a.actor, a.createdAt, a.reason]);
        io.out(formatTable(['ID', 'KIND', 'STATUS', 'TARGET', 'ACCOUNTS', 'BY', 'CREATED', 'REASON'], rows));
      });
    });

  const review = (name: 'approve' | 'undo' | 'reject', description: string) =>
    actions
      .command(name)
      .description(description)
      .requiredOption('--id <id>', 'action id (act_…)')
      .option('--by <name>', 'who does it (recorded in the audit log); default $USER')
      .option('--reason <text>', 'why (recorded in the audit log)')
      .option('--data-dir <dir>', DATA_DIR_HELP, DEFAULT_DATA_DIR)
      .option('--config <file>', CONFIG_HELP)
      .action((flags: StoreFlags & { id: string; by?: string; reason?: string }) =>
        withEnforcer(io, `actions ${name}`, flags, { id: '--id', reason: '--reason' }, (enforcer) => {
          const action = enforcer[name](flags.id, flags.by ?? defaultActor(), flags.reason);
          io.out(`${action.id}: ${action.status} (${describe(action)})\n`);
        }),
      );
  review('approve', 'Approve an action waiting for review: it applies at once.');
  review('undo', 'Undo an active action: it stops applying and stays in history.');
  review('reject', 'Reject an action waiting for review: it never applies.');

  actions
    .command('create')
    .description("An analyst's action on one account or a whole campaign (applies at once, in either mode).")
    .requiredOption('--kind <kind>', `action: ${KINDS.join('|')}`)
    .option('--account <id>', 'target one account')
    .option('--campaign <id>', 'target a campaign')
    .option('--accounts <ids>', "the campaign's members, comma-separated (joined with those already known)")
    .requiredOption('--reason <text>', 'why (recorded in the audit log)')
    .option('--by <name>', 'who does it; default $USER')
    .option('--data-dir <dir>', DATA_DIR_HELP, DEFAULT_DATA_DIR)
    .option('--config <file>', CONFIG_HELP)
    .action((flags: StoreFlags & { kind: string; account?: string; campaign?: string; accounts?: string; reason: string; by?: string }) => {
      if (!KINDS.includes(flags.kind as ActionKind)) {
        fail(io, 'actions create', `unknown kind '${flags.kind}': ${KINDS.join(', ')} (--kind)`);
        return;
      }
      if ((flags.account === undefined) === (flags.campaign === undefined)) {
        fail(io, 'actions create', 'give either --account <id> or --campaign <id>');
        return;
      }
      if (flags.accounts !== undefined && flags.campaign === undefined) {
        fail(io, 'actions create', '--accounts lists the members of a --campaign');
        return;
      }
      const target = flags.campaign !== undefined ? { type: 'campaign' as const, id: flags.campaign } : { type: 'account' as const, id: flags.account! };
      const accounts = flags.accounts?.split(',').map((s) => s.trim()).filter(Boolean);
      const names = { kind: '--kind', reason: '--reason', target: target.type === 'campaign' ? '--campaign' : '--account', accounts: '--accounts' };
      return withEnforcer(io, 'actions create', flags, names, (enforcer) => {
        const action = enforcer.createManual({ kind: flags.kind as ActionKind, target, reason: flags.reason, ...(accounts && { accounts }) }, flags.by ?? defaultActor());
        io.out(`created ${action.id}: ${describe(action)}\n`);
      });
    });

  program
    .command('enforcement')
    .description('Enforcement settings.')
    .command('mode')
    .description('Show the enforcement mode, or set it: shadow (record only) or enforce (act). Audited; a running gateway follows within ~1 s.')
    .argument('[mode]', 'shadow|enforce')
    .option('--by <name>', 'who changes it; default $USER')
    .option('--data-dir <dir>', DATA_DIR_HELP, DEFAULT_DATA_DIR)
    .option('--config <file>', CONFIG_HELP)
    .action((mode: string | undefined, flags: StoreFlags & { by?: string }) => {
      if (mode !== undefined && mode !== 'shadow' && mode !== 'enforce') {
        fail(io, 'enforcement mode', `unknown mode '${mode}': shadow or enforce`);
        return;
      }
      return withEnforcer(io, 'enforcement mode', flags, {}, (enforcer) => {
        if (mode !== undefined && (mode !== enforcer.mode || enforcer.modeSource === 'config')) enforcer.setMode(mode, flags.by ?? defaultActor());
        const source = enforcer.modeSource === 'config' ? ' (from the configuration: not set on this data dir)' : '';
        io.out(`enforcement mode: ${enforcer.mode}${source}\n`);
      });
    });
}

function describe(a: EnforcementAction): string {
  const who = a.accounts.length === 1 ? a.accounts[0] : `${a.accounts.length} accounts`;
  return `${a.kind} ${a.target.type} ${a.target.id}${a.target.type === 'campaign' ? ` (${who})` : ''}`;
}
