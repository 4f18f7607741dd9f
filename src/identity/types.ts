// Accounts, organisations and API keys. Secrets are shown once and stored only as a keyed hash.
import type { VerificationTier } from '../events/types.ts';

export type AccountStatus = 'active' | 'suspended';

export interface Account {
  id: string;
  orgId: string | null;
  tier: VerificationTier;
  /** Rate-limit group (a campaign) whose shared budget this account draws on; null for none. */
  groupId: string | null;
  status: AccountStatus;
  createdAt: string;
}

export interface ApiKeyRecord {
  /** Visible id, also the secret's prefix, e.g. `key_3f9a1c0b`. */
  id: string;
  accountId: string;
  createdAt: string;
  revokedAt: string | null;
}

/** Who is calling, resolved from an API key without I/O on the request path. */
export interface Principal {
  keyId: string;
  accountId: string;
  orgId: string | null;
  tier: VerificationTier;
  groupId: string | null;
  status: AccountStatus;
}

export type AuthResult =
  | { ok: true; principal: Principal }
  | { ok: false; reason: 'invalid' | 'revoked' };
