// Lines that analyze and eval both print under their results.

/** "1 account", "1,503 accounts" */
export function counted(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * What it means that `unrecorded` of the run's `accounts` had no account record (`accountsFile`: the --accounts
 * given, if any). The fitted weights have only seen accounts with a tier and an age: without them a verified
 * heavy user looks like an unverified harvester.
 */
export function unrecordedNote(unrecorded: number, accounts: number, accountsFile: string | undefined): string {
  const which = unrecorded === accounts ? (unrecorded === 1 ? 'the account' : `all ${counted(unrecorded, 'account')}`) : `${unrecorded.toLocaleString('en-US')} of ${counted(accounts, 'account')}`;
  const where = accountsFile ? `in ${accountsFile}` : '(no --accounts)';
  return `${which} ${unrecorded === 1 ? 'has' : 'have'} no record ${where}: their verification tier and age are unknown, so verified heavy users among them can be flagged. \`distillguard accounts export\` writes the records from the gateway's store.`;
}
