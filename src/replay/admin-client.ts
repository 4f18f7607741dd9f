// The slice of the gateway's admin API a replay needs: create each account (tier from the accounts file) and a
// key for it, on first use, and read statuses at the end. An account that already exists (409 DG_ERR_CONFLICT,
// e.g. a second replay against the same data dir) just gets a fresh key.
import { Pool } from 'undici';
import type { VerificationTier } from '../events/types.ts';

export class ReplayAdminError extends Error {
  readonly code = 'DG_ERR_REPLAY_ADMIN';
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'ReplayAdminError';
  }
}

export interface AccountSpec {
  orgId: string | null;
  tier: VerificationTier;
  /** sign-up details from the accounts file, passed on so the gateway's detector can link on them */
  signup?: Record<string, string | null>;
}

export class ReplayAdminClient {
  private readonly pool: Pool;
  /** One provisioning per account, shared by every request that waits for it. */
  private readonly secrets = new Map<string, Promise<string>>();

  constructor(
    adminUrl: string,
    private readonly token: string,
  ) {
    this.pool = new Pool(new URL(adminUrl).origin, { connections: 4 });
  }

  /** The account's key secret, creating the account and a key the first time it is asked for. */
  secretFor(accountId: string, spec: AccountSpec): Promise<string> {
    let p = this.secrets.get(accountId);
    if (!p) {
      p = this.provision(accountId, spec);
      this.secrets.set(accountId, p);
    }
    return p;
  }

  async accountStatuses(): Promise<Map<string, string>> {
    const body = (await this.call('GET', '/admin/accounts', undefined, [200])) as { data: { id: string; status: string }[] };
    return new Map(body.data.map((a) => [a.id, a.status]));
  }

  /** The whole audit log, oldest first (paged through GET /admin/audit). */
  async auditLog(): Promise<{ seq: number; event: string; action_id: string | null; payload: Record<string, unknown> }[]> {
    const out: { seq: number; event: string; action_id: string | null; payload: Record<string, unknown> }[] = [];
    for (;;) {
      const since = out.length > 0 ? out[out.length - 1]!.seq : 0;
      const body = (await this.call('GET', `/admin/audit?since_seq=${since}&limit=1000`, undefined, [200])) as { data: typeof out };
      out.push(...body.data);
      if (body.data.length < 1000) return out;
    }
  }

  /** The gateway's detector, as /readyz reports it: events processed so far (null when it runs none). */
  async detectorProcessed(): Promise<number | null> {
    const body = (await this.call('GET', '/readyz', undefined, [200])) as { detector?: { processed_events?: number } };
    return body.detector?.processed_events ?? null;
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async provision(accountId: string, spec: AccountSpec): Promise<string> {
    const account: Record<string, unknown> = { id: accountId, tier: spec.tier };
    if (spec.orgId) account.org_id = spec.orgId;
    if (spec.signup) account.signup = spec.signup;
    await this.call('POST', '/admin/accounts', account, [201, 409]);
    const key = (await this.call('POST', `/admin/accounts/${encodeURIComponent(accountId)}/keys`, undefined, [201])) as { secret: string };
    return key.secret;
  }

  private async call(method: 'GET' | 'POST', path: string, body: unknown, expected: number[]): Promise<unknown> {
    let res;
    try {
      res = await this.pool.request({
        method,
        path,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new ReplayAdminError(`admin API unreachable (${method} ${path}): ${(err as Error).message}`, null);
    }
    const text = await res.body.text();
    if (!expected.includes(res.statusCode)) {
      throw new ReplayAdminError(`admin API answered ${res.statusCode} to ${method} ${path}: ${text.slice(0, 300)}`, res.statusCode);
    }
    return text ? JSON.parse(text) : null;
  }
}
