// What the admin routes share: the bearer-token check and body validation that names the field.
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { DgError, ERRORS } from '../errors.ts';
import { constantTimeEqual } from '../identity/keys.ts';

export function requireAdminToken(req: FastifyRequest, token: string): void {
  const header = req.headers.authorization;
  const presented = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
  if (!presented || !constantTimeEqual(presented, token)) {
    throw new DgError(ERRORS.ADMIN_UNAUTHORIZED, "A valid admin token is required: send 'Authorization: Bearer <admin token>'.");
  }
}

/** Validates a body or query; the first problem becomes a 400 naming its field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.code === 'unrecognized_keys' ? issue.keys[0]! : issue.path.join('.');
  if (!field) throw new DgError(ERRORS.INVALID_REQUEST, 'The request body must be a JSON object.');
  const problem = issue.code === 'unrecognized_keys' ? 'is not a known field' : issue.message;
  throw new DgError(ERRORS.INVALID_REQUEST, `${field}: ${problem}`, { param: field });
}
