// Accounts and API keys in the embedded SQLite store. Every writer (admin API, CLI, serve) goes
// through this class; the gateway reads through IdentityCache, which loads from here.
import { DgError, ERRORS } from '../errors.ts';
import { SIGNUP_FIELDS, signupDetails, VERIFICATION_TIERS, type AccountRecordV1, type AccountSignup, type VerificationTier } from '../events/types.ts';
import { migrate, type Database } from '../store/sqlite.ts';
import { generateKey, hashSecret, hmacSecret, isKeyId } from './keys.ts';
import type { Account, AccountStatus, ApiKeyRecord, Principal } from './types.ts';

export const IDENTITY_DB_FILE = 'distillguard.sqlite';
export const ACCOUNT_STATUSES: readonly AccountStatus[] = ['active', 'suspended'];

/** Change-log rows kept at least; pruning runs every CHANGE_LOG_PRUNE_EVERY rows. */
export const CHANGE_LOG_KEEP = 10_000;
export const CHANGE_LOG_PRUNE_EVERY = 1_000;

const MIGRATIONS = [
  `CREATE TABLE accounts (
     id TEXT PRIMARY KEY,
     org_id TEXT,
     tier TEXT NOT NULL,
     group_id TEXT,
     status TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE TABLE api_keys (
     id TEXT PRIMARY KEY,
     account_id TEXT NOT NULL REFERENCES accounts(id),
     hash TEXT NOT NULL,
     created_at TEXT NOT NULL,
     revoked_at TEXT
   );
   CREATE INDEX api_keys_account ON api_keys (account_id);`,
  // A change log, filled by triggers so no writer can forget it: which account's keys a cache must
  // refresh. It lets a cache reload only what changed instead of every key (tens of thousands on a
  // large deployment) each time one account moves. Only the latest CHANGE_LOG_KEEP rows are kept;
  // a cache further behind than that reloads everything.
  `CREATE TABLE identity_changes (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     account_id TEXT NOT NULL
   );
   CREATE TRIGGER identity_changes_account_insert AFTER INSERT ON accounts
     BEGIN INSERT INTO identity_changes (account_id) VALUES (NEW.id); END;
   CREATE TRIGGER identity_changes_account_update AFTER UPDATE ON accounts
     BEGIN INSERT INTO identity_changes (account_id) VALUES (NEW.id); END;
   CREATE TRIGGER identity_changes_key_insert AFTER INSERT ON api_keys
     BEGIN INSERT INTO identity_changes (account_id) VALUES (NEW.account_id); END;
   CREATE TRIGGER identity_changes_key_update AFTER UPDATE ON api_keys
     BEGIN INSERT INTO identity_changes (account_id) VALUES (NEW.account_id); END;
   CREATE TRIGGER identity_changes_prune AFTER INSERT ON identity_changes WHEN NEW.seq % ${CHANGE_LOG_PRUNE_EVERY} = 0
     BEGIN DELETE FROM identity_changes WHERE seq <= NEW.seq - ${CHANGE_LOG_KEEP}; END;`,
  // What the provider's sign-up knew (admin API `signup`), kept so that a detector starting afresh (a new
  // engine version, `analyze` over the gateway's own log) links accounts on it as the online one did. A
  // table of its own: the key lookups never read it.
  `CREATE TABLE account_signups (
     account_id TEXT PRIMARY KEY REFERENCES accounts(id),
     details TEXT NOT NULL
   );`,
];


/** Account ids, org ids and group ids: what fits in a log line and a URL path without escaping. */
const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

export interface NewAccount {
  id: string;
  orgId?: string | null;
  tier?: VerificationTier;
  /** the sign-up details to keep with the account (null fields are not kept) */
  signup?: AccountSignup;
}

export interface CreatedKey {
  record: ApiKeyRecord;
  /** The only time the secret exists outside the caller's hands: show it once, never store it. */
  secret: string;
}

/** What the cache needs per key to authenticate without touching the store. */
export interface PrincipalEntry {
  hash: string;
  principal: Principal;
  revoked: boolean;
}

interface AccountRow {
  id: string;
  org_id: string | null;
  tier: VerificationTier;
  group_id: string | null;
  status: AccountStatus;
  created_at: string;
}

interface RecordRow extends AccountRow {
  details: string | null;
}

interface KeyRow {
  id: string;
  account_id: string;
  created_at: string;
  revoked_at: string | null;
}

interface PrincipalRow {
  key_id: string;
  hash: string;
  revoked_at: string | null;
  account_id: string;
  org_id: string | null;
  tier: VerificationTier;
  group_id: string | null;
  status: AccountStatus;
}

export class IdentityStore {
  readonly db: Database;
  readonly #pepper: string;
  readonly #stmt;

  constructor(db: Database, pepper: string) {
    if (!pepper) throw new TypeError('IdentityStore needs a non-empty key pepper');
    this.db = db;
    this.#pepper = pepper;
    migrate(db, 'identity', MIGRATIONS);
    this.#stmt = {
      insertAccount: db.prepare('INSERT INTO accounts (id, org_id, tier, group_id, status, created_at) VALUES (?, ?, ?, NULL, ?, ?)'),
      getAccount: db.prepare('SELECT * FROM accounts WHERE id = ?'),
      listAccounts: db.prepare('SELECT * FROM accounts ORDER BY created_at, id'),
      insertSignup: db.prepare('INSERT INTO account_signups (account_id, details) VALUES (?, ?)'),
      accountRecords: db.prepare('SELECT a.*, s.details FROM accounts a LEFT JOIN account_signups s ON s.account_id = a.id ORDER BY a.created_at, a.id'),
      accountRecord: db.prepare('SELECT a.*, s.details FROM accounts a LEFT JOIN account_signups s ON s.account_id = a.id WHERE a.id = ?'),
      setTier: db.prepare('UPDATE accounts SET tier = ? WHERE id = ?'),
      setGroup: db.prepare('UPDATE accounts SET group_id = ? WHERE id = ?'),
      setStatus: db.prepare('UPDATE accounts SET status = ? WHERE id = ?'),
      insertKey: db.prepare('INSERT INTO api_keys (id, account_id, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, NULL)'),
      getKey: db.prepare('SELECT id, account_id, created_at, revoked_at FROM api_keys WHERE id = ?'),
      keyExists: db.prepare('SELECT 1 FROM api_keys WHERE id = ?'),
      listKeys: db.prepare('SELECT id, account_id, created_at, revoked_at FROM api_keys ORDER BY created_at, id'),
      listKeysOf: db.prepare('SELECT id, account_id, created_at, revoked_at FROM api_keys WHERE account_id = ? ORDER BY created_at, id'),
      revokeKey: db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      principals: db.prepare(
        `SELECT k.id AS key_id, k.hash, k.revoked_at, a.id AS account_id, a.org_id, a.tier, a.group_id, a.status
         FROM api_keys k JOIN accounts a ON a.id = k.account_id`,
      ),
      principalsChangedSince: db.prepare(
        `SELECT k.id AS key_id, k.hash, k.revoked_at, a.id AS account_id, a.org_id, a.tier, a.group_id, a.status
         FROM api_keys k JOIN accounts a ON a.id = k.account_id
         WHERE k.account_id IN (SELECT account_id FROM identity_changes WHERE seq > ?)`,
      ),
      changeWindow: db.prepare('SELECT MIN(seq) AS oldest, MAX(seq) AS latest FROM identity_changes'),
      dataVersion: db.prepare('PRAGMA data_version').pluck(),
    };
  }

  /** HMAC of a presented secret under this store's pepper (what `api_keys.hash` holds). */
  hashKeySecret(secret: string): string {
    return hashSecret(this.#pepper, secret);
  }

  /** The same HMAC as raw bytes, for constant-time comparison on the request path. */
  keyDigest(secret: string): Buffer {
    return hmacSecret(this.#pepper, secret);
  }

  createAccount(input: NewAccount): Account {
    checkId(input.id, 'id', 'account id');
    const orgId = input.orgId ?? null;
    if (orgId !== null) checkId(orgId, 'org_id', 'org id');
    const tier = input.tier ?? 'none';
    checkTier(tier);
    if (this.getAccount(input.id)) throw new DgError(ERRORS.CONFLICT, `Account '${input.id}' already exists.`, { param: 'id' });
    const signup = keptSignup(input.signup);
    try {
      this.db.transaction(() => {
        this.#stmt.insertAccount.run(input.id, orgId, tier, 'active', now());
        if (signup !== null) this.#stmt.insertSignup.run(input.id, JSON.stringify(signup));
      })();
    } catch (err) {
      // another process created it between our check and insert
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new DgError(ERRORS.CONFLICT, `Account '${input.id}' already exists.`, { param: 'id' });
      }
      throw err;
    }
    return this.#mustGetAccount(input.id);
  }

  getAccount(id: string): Account | null {
    const row = this.#stmt.getAccount.get(id) as AccountRow | undefined;
    return row ? toAccount(row) : null;
  }

  listAccounts(): Account[] {
    return (this.#stmt.listAccounts.all() as AccountRow[]).map(toAccount);
  }

  /**
   * Every account as a record of accounts.jsonl (log format v1), its sign-up details included: the gateway's
   * online detector starts from these, and `accounts export` writes them for `analyze` over the gateway's log.
   */
  accountRecords(): AccountRecordV1[] {
    return (this.#stmt.accountRecords.all() as RecordRow[]).map(toRecord);
  }

  /** One account's record (accountRecords), or null. */
  accountRecord(id: string): AccountRecordV1 | null {
    const row = this.#stmt.accountRecord.get(id) as RecordRow | undefined;
    return row ? toRecord(row) : null;
  }

  setTier(id: string, tier: VerificationTier): Account {
    checkTier(tier);
    return this.#update(id, () => this.#stmt.setTier.run(tier, id));
  }

  /** Puts the account in a rate-limit group (a campaign sharing one budget), or takes it out with null. */
  setGroup(accountId: string, groupId: string | null): Account {
    if (groupId !== null) checkId(groupId, 'group_id', 'group id');
    return this.#update(accountId, () => this.#stmt.setGroup.run(groupId, accountId));
  }

  setStatus(id: string, status: AccountStatus): Account {
    if (!ACCOUNT_STATUSES.includes(status)) {
      throw new DgError(ERRORS.INVALID_REQUEST, `status must be one of ${ACCOUNT_STATUSES.join(', ')}; got '${String(status)}'.`, { param: 'status' });
    }
    return this.#update(id, () => this.#stmt.setStatus.run(status, id));
  }

  /** A new key for the account. Only its HMAC is stored; the secret is returned this once. */
  createKey(accountId: string): CreatedKey {
    this.#mustGetAccount(accountId);
    let key = generateKey();
    // 48 random bits make a key id collision unlikely, not impossible
    while (this.#stmt.keyExists.get(key.keyId)) key = generateKey();
    const createdAt = now();
    this.#stmt.insertKey.run(key.keyId, accountId, this.hashKeySecret(key.secret), createdAt);
    return { record: { id: key.keyId, accountId, createdAt, revokedAt: null }, secret: key.secret };
  }

  /** Keys of one account (unknown account: NOT_FOUND), or of all accounts. */
  listKeys(accountId?: string): ApiKeyRecord[] {
    if (accountId === undefined) return (this.#stmt.listKeys.all() as KeyRow[]).map(toKeyRecord);
    this.#mustGetAccount(accountId);
    return (this.#stmt.listKeysOf.all(accountId) as KeyRow[]).map(toKeyRecord);
  }

  getKey(keyId: string): ApiKeyRecord | null {
    const row = this.#stmt.getKey.get(keyId) as KeyRow | undefined;
    return row ? toKeyRecord(row) : null;
  }

  /** Revokes a key for good. Revoking it again is a no-op that keeps the first revocation time. */
  revokeKey(keyId: string): ApiKeyRecord {
    if (!isKeyId(keyId) || !this.getKey(keyId)) {
      throw new DgError(ERRORS.NOT_FOUND, `API key '${keyId}' does not exist.`, { param: 'id' });
    }
    this.#stmt.revokeKey.run(now(), keyId);
    return this.getKey(keyId)!;
  }

  /** Every key with its account's current state, for IdentityCache. */
  loadPrincipals(): Map<string, PrincipalEntry> {
    return toPrincipalEntries(this.#stmt.principals.all() as PrincipalRow[]);
  }

  /** Keys of the accounts changed after change-log position `seq` (see changeWindow). */
  loadPrincipalsChangedSince(seq: number): Map<string, PrincipalEntry> {
    return toPrincipalEntries(this.#stmt.principalsChangedSince.all(seq) as PrincipalRow[]);
  }

  /**
   * The change log's span: `latest` is the position to remember after loading; a cache whose position
   * is below `oldest - 1` missed pruned changes and must load everything. Both 0 while the log is empty.
   */
  changeWindow(): { oldest: number; latest: number } {
    const row = this.#stmt.changeWindow.get() as { oldest: number | null; latest: number | null };
    return { oldest: row.oldest ?? 0, latest: row.latest ?? 0 };
  }

  /**
   * SQLite's `PRAGMA data_version` for this connection: it changes when another connection (another
   * process, e.g. the CLI) commits to the file, so a poller can reload only when something changed.
   */
  dataVersion(): number {
    return this.#stmt.dataVersion.get() as number;
  }

  #update(id: string, write: () => { changes: number }): Account {
    if (write().changes === 0) throw notFound(id);
    return this.#mustGetAccount(id);
  }

  #mustGetAccount(id: string): Account {
    const account = this.getAccount(id);
    if (!account) throw notFound(id);
    return account;
  }
}

function notFound(accountId: string): DgError {
  return new DgError(ERRORS.NOT_FOUND, `Account '${accountId}' does not exist.`, { param: 'account_id' });
}

function checkId(value: unknown, param: string, what: string): void {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    throw new DgError(ERRORS.INVALID_REQUEST, `${param}: ${what} must be 1-128 characters of A-Z a-z 0-9 _ . : -`, { param });
  }
}

function checkTier(tier: unknown): asserts tier is VerificationTier {
  if (!VERIFICATION_TIERS.includes(tier as VerificationTier)) {
    throw new DgError(ERRORS.INVALID_REQUEST, `tier must be one of ${VERIFICATION_TIERS.join(', ')}; got '${String(tier)}'.`, { param: 'tier' });
  }
}

function now(): string {
  return new Date().toISOString();
}

/** The sign-up details worth keeping: those with a value, or null when there are none. */
function keptSignup(signup: AccountSignup | undefined): AccountSignup | null {
  const kept = signupDetails(signup ?? {});
  return Object.keys(kept).length > 0 ? kept : null;
}

/**
 * An account row with its sign-up details as an accounts.jsonl record. The sign-up's own creation time wins
 * over the row's (an account made in the gateway after it was made at the provider).
 */
function toRecord(row: RecordRow): AccountRecordV1 {
  const signup = row.details === null ? {} : (JSON.parse(row.details) as AccountSignup);
  const record: AccountRecordV1 = { account_id: row.id, org_id: row.org_id, created_at: signup.created_at ?? row.created_at, verification: row.tier };
  for (const field of SIGNUP_FIELDS) if (field !== 'created_at' && signup[field] != null) record[field] = signup[field];
  return record;
}

/** An account in the wire form (snake_case) that the admin API and `--json` output share. */
export function accountJson(a: Account) {
  return { id: a.id, org_id: a.orgId, tier: a.tier, group_id: a.groupId, status: a.status, created_at: a.createdAt };
}

/** A key record in the same wire form; there is no secret in it to leak. */
export function keyJson(k: ApiKeyRecord) {
  return { id: k.id, account_id: k.accountId, created_at: k.createdAt, revoked_at: k.revokedAt };
}

function toPrincipalEntries(rows: PrincipalRow[]): Map<string, PrincipalEntry> {
  const out = new Map<string, PrincipalEntry>();
  for (const row of rows) {
    out.set(row.key_id, {
      hash: row.hash,
      revoked: row.revoked_at !== null,
      principal: {
        keyId: row.key_id,
        accountId: row.account_id,
        orgId: row.org_id,
        tier: row.tier,
        groupId: row.group_id,
        status: row.status,
      },
    });
  }
  return out;
}

function toAccount(row: AccountRow): Account {
  return { id: row.id, orgId: row.org_id, tier: row.tier, groupId: row.group_id, status: row.status, createdAt: row.created_at };
}

function toKeyRecord(row: KeyRow): ApiKeyRecord {
  return { id: row.id, accountId: row.account_id, createdAt: row.created_at, revokedAt: row.revoked_at };
}
