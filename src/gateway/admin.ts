// The admin HTTP API (its own port, default 127.0.0.1:8081): accounts, tiers, groups and API keys,
// behind a bearer admin token. Every change goes to the store, then the gateway's identity cache is
// reloaded so the very next request sees it. Routes outside /admin (health, metrics) come from
// extraRoutes and are not behind the token.
import { isIP } from 'node:net';
import { parseBody, requireAdminToken } from './admin-common.ts';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { z } from 'zod';
import { DgError, ERRORS } from '../errors.ts';
import { VERIFICATION_TIERS, type AccountRecordV1, type VerificationTier } from '../events/types.ts';
import type { IdentityCache } from '../identity/identity-cache.ts';
import { ACCOUNT_STATUSES, accountJson, keyJson, type IdentityStore } from '../identity/identity-store.ts';
import type { AccountStatus } from '../identity/types.ts';

export interface AdminServerOptions {
  store: IdentityStore;
  cache: IdentityCache;
  adminToken: string;
  /** Registers routes beside /admin that need no token (health, readiness, metrics). */
  extraRoutes?: (app: FastifyInstance) => void;
  /** Told about errors that are bugs, not the caller's fault (answered 500 without details). */
  onInternalError?: (err: unknown) => void;
  /** Told about each account created here, with its signup details (the online detector links accounts on them). */
  onAccountCreated?: (record: AccountRecordV1) => void;
}

const tierSchema = z.enum(VERIFICATION_TIERS as [VerificationTier, ...VerificationTier[]]);
const statusSchema = z.enum(ACCOUNT_STATUSES as [AccountStatus, ...AccountStatus[]]);
const optionalText = z.string().nullable().optional();
/** What the provider's sign-up knew about the account (log format v1's account record); the detector links on it. */
const signupSchema = z.strictObject({
  created_at: z.iso.datetime({ offset: true }).nullable().optional(),
  email_domain: optionalText,
  email_hash: optionalText,
  email_local_shape: optionalText,
  payment_fingerprint: optionalText,
  // as analyze reads accounts.jsonl: a stored address that is not one would make the exported file fail there
  signup_ip: z.string().refine((v) => isIP(v) !== 0, 'expected an IPv4 or IPv6 address').nullable().optional(),
  declared_use_case: optionalText,
});
const createAccountBody = z.strictObject({ id: z.string(), org_id: z.string().nullable().optional(), tier: tierSchema.optional(), signup: signupSchema.optional() });
const setTierBody = z.strictObject({ tier: tierSchema });
const setGroupBody = z.strictObject({ group_id: z.string().nullable() });
const setStatusBody = z.strictObject({ status: statusSchema });

type IdParams = { Params: { id: string } };

export function buildAdminServer(opts: AdminServerOptions): FastifyInstance {
  const { store, cache } = opts;
  if (!opts.adminToken) throw new TypeError('buildAdminServer needs a non-empty admin token');
  const app = Fastify();

  // An empty body is no body (POST .../keys and .../revoke take none, whatever the client's content-type).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new DgError(ERRORS.INVALID_JSON), undefined);
    }
  });
  app.setErrorHandler((err, _req, reply) => {
    const dgErr = toDgError(err);
    if (dgErr.status >= 500) opts.onInternalError?.(err);
    sendError(reply, dgErr);
  });
  app.setNotFoundHandler((req, reply) => {
    sendError(reply, new DgError(ERRORS.NOT_FOUND, `Unknown route: ${req.method} ${req.url.split('?')[0]}.`));
  });

  app.register(
    async (admin) => {
      admin.addHook('onRequest', async (req) => requireAdminToken(req, opts.adminToken));

      admin.post('/accounts', async (req, reply) => {
        const body = parseBody(createAccountBody, req.body);
        const account = store.createAccount({ id: body.id, orgId: body.org_id ?? null, tier: body.tier, signup: body.signup });
        cache.reload();
        opts.onAccountCreated?.(store.accountRecord(account.id)!);
        return reply.code(201).send(accountJson(account));
      });
      admin.get('/accounts', async () => ({ data: store.listAccounts().map(accountJson) }));
      admin.get<IdParams>('/accounts/:id', async (req) => {
        const account = store.getAccount(req.params.id);
        if (!account) throw new DgError(ERRORS.NOT_FOUND, `Account '${req.params.id}' does not exist.`, { param: 'id' });
        return accountJson(account);
      });
      admin.post<IdParams>('/accounts/:id/tier', async (req) => {
        const { tier } = parseBody(setTierBody, req.body);
        return changed(accountJson(store.setTier(req.params.id, tier)));
      });
      admin.post<IdParams>('/accounts/:id/group', async (req) => {
        const { group_id } = parseBody(setGroupBody, req.body);
        return changed(accountJson(store.setGroup(req.params.id, group_id)));
      });
      admin.post<IdParams>('/accounts/:id/status', async (req) => {
        const { status } = parseBody(setStatusBody, req.body);
        return changed(accountJson(store.setStatus(req.params.id, status)));
      });
      admin.post<IdParams>('/accounts/:id/keys', async (req, reply) => {
        const { record, secret } = store.createKey(req.params.id);
        cache.reload();
        return reply.code(201).send({ id: record.id, account_id: record.accountId, created_at: record.createdAt, secret });
      });
      admin.get<{ Querystring: { account?: string } }>('/keys', async (req) => ({
        data: store.listKeys(req.query.account || undefined).map(keyJson),
      }));
      admin.post<IdParams>('/keys/:id/revoke', async (req) => changed(keyJson(store.revokeKey(req.params.id))));
    },
    { prefix: '/admin' },
  );

  opts.extraRoutes?.(app);
  return app;

  function changed<T>(result: T): T {
    cache.reload();
    return result;
  }
}

function toDgError(err: unknown): DgError {
  if (err instanceof DgError) return err;
  const status = (err as { statusCode?: number }).statusCode;
  if (status === 413) return new DgError(ERRORS.BODY_TOO_LARGE);
  if (status === 415) return new DgError(ERRORS.UNSUPPORTED_MEDIA_TYPE);
  if (status === 400) return new DgError(ERRORS.INVALID_REQUEST, (err as Error).message);
  return new DgError(ERRORS.INTERNAL, undefined, { cause: err });
}

function sendError(reply: FastifyReply, err: DgError): void {
  reply
    .code(err.status)
    .headers(err.headers)
    .send({ error: { code: err.code, message: err.message, param: err.param } });
}
