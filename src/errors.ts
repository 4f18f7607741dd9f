// One catalogue of every error distillguard returns, with stable codes.
// Each entry knows its HTTP status and how each API dialect names its kind,
// so a dialect renders any error in the shape its own SDK expects.

export interface ErrorDef {
  code: string;
  status: number;
  /** OpenAI `error.type` */
  openaiType: string;
  /** Anthropic `error.type` */
  anthropicType: string;
  message: string;
}

function def(code: string, status: number, openaiType: string, anthropicType: string, message: string): ErrorDef {
  return { code, status, openaiType, anthropicType, message };
}

export const ERRORS = {
  INVALID_JSON: def('DG_ERR_INVALID_JSON', 400, 'invalid_request_error', 'invalid_request_error', 'The request body is not valid JSON.'),
  INVALID_REQUEST: def('DG_ERR_INVALID_REQUEST', 400, 'invalid_request_error', 'invalid_request_error', 'The request is invalid.'),
  BODY_TOO_LARGE: def('DG_ERR_BODY_TOO_LARGE', 413, 'invalid_request_error', 'request_too_large', 'The request body exceeds the size limit.'),
  UNSUPPORTED_MEDIA_TYPE: def('DG_ERR_UNSUPPORTED_MEDIA_TYPE', 415, 'invalid_request_error', 'invalid_request_error', 'The request body must be application/json.'),
  MISSING_API_KEY: def('DG_ERR_MISSING_API_KEY', 401, 'invalid_request_error', 'authentication_error', 'No API key was provided.'),
  INVALID_API_KEY: def('DG_ERR_INVALID_API_KEY', 401, 'invalid_request_error', 'authentication_error', 'The API key is not valid.'),
  REVOKED_API_KEY: def('DG_ERR_REVOKED_API_KEY', 401, 'invalid_request_error', 'authentication_error', 'The API key has been revoked.'),
  FEATURE_NOT_ALLOWED: def('DG_ERR_FEATURE_NOT_ALLOWED', 403, 'permission_error', 'permission_error', 'This feature is not available at your verification tier.'),
  ACCOUNT_SUSPENDED: def('DG_ERR_ACCOUNT_SUSPENDED', 403, 'permission_error', 'permission_error', 'This account is suspended.'),
  VERIFICATION_REQUIRED: def('DG_ERR_VERIFICATION_REQUIRED', 403, 'permission_error', 'permission_error', 'Further verification is required for this account.'),
  RATE_LIMITED: def('DG_ERR_RATE_LIMITED', 429, 'rate_limit_error', 'rate_limit_error', 'Rate limit reached.'),
  UNKNOWN_MODEL: def('DG_ERR_UNKNOWN_MODEL', 404, 'invalid_request_error', 'not_found_error', 'The model does not exist or is not served here.'),
  NOT_FOUND: def('DG_ERR_NOT_FOUND', 404, 'invalid_request_error', 'not_found_error', 'Unknown route.'),
  METHOD_NOT_ALLOWED: def('DG_ERR_METHOD_NOT_ALLOWED', 405, 'invalid_request_error', 'invalid_request_error', 'Method not allowed on this route.'),
  UPSTREAM_UNREACHABLE: def('DG_ERR_UPSTREAM_UNREACHABLE', 502, 'api_error', 'api_error', 'The upstream model API could not be reached.'),
  UPSTREAM_TIMEOUT: def('DG_ERR_UPSTREAM_TIMEOUT', 504, 'api_error', 'timeout_error', 'The upstream model API did not answer in time.'),
  UPSTREAM_ERROR: def('DG_ERR_UPSTREAM_ERROR', 502, 'api_error', 'api_error', 'The upstream model API returned an error.'),
  CLIENT_CLOSED: def('DG_ERR_CLIENT_CLOSED', 499, 'api_error', 'api_error', 'The client closed the connection before the response ended.'),
  ADMIN_UNAUTHORIZED: def('DG_ERR_ADMIN_UNAUTHORIZED', 401, 'invalid_request_error', 'authentication_error', 'A valid admin token is required.'),
  CONFLICT: def('DG_ERR_CONFLICT', 409, 'invalid_request_error', 'invalid_request_error', 'The resource already exists.'),
  INTERNAL: def('DG_ERR_INTERNAL', 500, 'api_error', 'api_error', 'Internal error in the gateway.'),
} as const satisfies Record<string, ErrorDef>;

export type ErrorName = keyof typeof ERRORS;

/** A typed error carrying a catalogue entry, an optional offending parameter and a specific message. */
export class DgError extends Error {
  readonly def: ErrorDef;
  readonly param: string | null;
  /** Extra response headers (e.g. retry-after on 429). */
  readonly headers: Record<string, string>;
  constructor(d: ErrorDef, message?: string, opts: { param?: string | null; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(message ?? d.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'DgError';
    this.def = d;
    this.param = opts.param ?? null;
    this.headers = opts.headers ?? {};
  }
  get code(): string {
    return this.def.code;
  }
  get status(): number {
    return this.def.status;
  }
}

/** Errors that are not about HTTP (configuration, CLI input). */
export class ConfigError extends Error {
  readonly code = 'DG_ERR_CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
