// Admin routes of the enforcement engine: the review queue, manual actions, approve/undo/reject, the audit
// log and its verification, and the shadow/enforce mode. Registered beside the admin server's /admin
// routes (through extraRoutes), so they check the admin token themselves, the same way.
import { parseBody, requireAdminToken } from './admin-common.ts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actionJson } from '../enforce/action-store.ts';
import { auditEntryJson } from '../enforce/audit-log.ts';
import type { Enforcer } from '../enforce/enforcer.ts';
import { ACTION_STRENGTH, type ActionKind, type ActionStatus } from '../enforce/types.ts';
import { DgError, ERRORS } from '../errors.ts';

export interface EnforcementRoutesOptions {
  /** The admin server's bearer token: every route here requires it. */
  adminToken: string;
}

const ACTION_KINDS = Object.keys(ACTION_STRENGTH) as [ActionKind, ...ActionKind[]];
const ACTION_STATUSES: [ActionStatus, ...ActionStatus[]] = ['active', 'pending_review', 'undone', 'rejected'];
/** Who did it, when the caller does not say. */
const DEFAULT_ACTOR = 'admin-api';

const createBody = z.strictObject({
  kind: z.enum(ACTION_KINDS),
  target: z.strictObject({ type: z.enum(['account', 'campaign']), id: z.string().min(1) }),
  reason: z.string().min(1),
  accounts: z.array(z.string().min(1)).optional(),
  by: z.string().min(1).optional(),
});
const reviewBody = z.strictObject({ by: z.string().min(1).optional(), reason: z.string().optional() }).optional();
const modeBody = z.strictObject({ mode: z.enum(['shadow', 'enforce']), by: z.string().min(1).optional() });
const listQuery = z.object({ status: z.enum(ACTION_STATUSES).optional(), account: z.string().min(1).optional() });
const auditQuery = z.object({ since_seq: z.coerce.number().int().min(0).optional(), limit: z.coerce.number().int().positive().optional() });

type IdParams = { Params: { id: string } };

export function registerEnforcementRoutes(app: FastifyInstance, enforcer: Enforcer, opts: EnforcementRoutesOptions): void {
  if (!opts.adminToken) throw new TypeError('registerEnforcementRoutes needs a non-empty admin token');
  app.register(
    async (admin) => {
      admin.addHook('onRequest', async (req) => requireAdminToken(req, opts.adminToken));

      admin.get('/actions', async (req) => {
        const q = parseBody(listQuery, req.query);
        const filter = { ...(q.status && { status: q.status }), ...(q.account && { accountId: q.account }) };
        return { data: enforcer.list(filter).map(actionJson) };
      });
      admin.get<IdParams>('/actions/:id', async (req) => {
        const action = enforcer.get(req.params.id);
        if (!action) throw new DgError(ERRORS.NOT_FOUND, `Action '${req.params.id}' does not exist.`, { param: 'id' });
        return actionJson(action);
      });
      admin.post('/actions', async (req, reply) => {
        const body = parseBody(createBody, req.body);
        const action = enforcer.createManual(
          { kind: body.kind, target: body.target, reason: body.reason, ...(body.accounts && { accounts: body.accounts }) },
          body.by ?? DEFAULT_ACTOR,
        );
        return reply.code(201).send(actionJson(action));
      });
      admin.post<IdParams>('/actions/:id/approve', async (req) => {
        const body = parseBody(reviewBody, req.body);
        return actionJson(enforcer.approve(req.params.id, body?.by ?? DEFAULT_ACTOR, body?.reason));
      });
      admin.post<IdParams>('/actions/:id/undo', async (req) => {
        const body = parseBody(reviewBody, req.body);
        return actionJson(enforcer.undo(req.params.id, body?.by ?? DEFAULT_ACTOR, body?.reason));
      });
      admin.post<IdParams>('/actions/:id/reject', async (req) => {
        const body = parseBody(reviewBody, req.body);
        return actionJson(enforcer.reject(req.params.id, body?.by ?? DEFAULT_ACTOR, body?.reason));
      });

      admin.get('/audit', async (req) => {
        const q = parseBody(auditQuery, req.query);
        return { data: enforcer.auditLog.list({ sinceSeq: q.since_seq ?? 0, limit: q.limit ?? 1000 }).map(auditEntryJson) };
      });
      admin.get('/audit/verify', async () => {
        const result = enforcer.verifyAudit();
        return result.ok ? { ok: true, entries: result.entries } : { ok: false, first_broken: result.firstBroken, reason: result.reason };
      });

      admin.get('/enforcement/mode', async () => ({ mode: enforcer.mode }));
      admin.post('/enforcement/mode', async (req) => {
        const body = parseBody(modeBody, req.body);
        enforcer.setMode(body.mode, body.by ?? DEFAULT_ACTOR);
        return { mode: enforcer.mode };
      });
    },
    { prefix: '/admin' },
  );
}

