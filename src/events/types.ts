// Log format v1 (specs/event-log-v1.md): the one input of analysis and the output of the gateway.
// Optional fields are optional here too; readers treat a missing field as null.

export type VerificationTier = 'none' | 'email' | 'phone' | 'id' | 'org';
export const VERIFICATION_TIERS: readonly VerificationTier[] = ['none', 'email', 'phone', 'id', 'org'];

export interface ChatMessage {
  role: string;
  content: string;
}

export interface LogEventV1 {
  ts: string;
  request_id: string;
  account_id: string;
  org_id?: string | null;
  key_id?: string | null;
  client: {
    ip: string;
    asn?: number | null;
    user_agent?: string | null;
    ja4?: string | null;
  };
  endpoint: string;
  model: string;
  params: Record<string, unknown>;
  messages: ChatMessage[];
  response: {
    status: number;
    input_tokens?: number | null;
    output_tokens?: number | null;
    reasoning_tokens?: number | null;
    finish_reason?: string | null;
    latency_ms?: number | null;
  };
}

export interface AccountRecordV1 {
  account_id: string;
  org_id?: string | null;
  created_at?: string | null;
  email_domain?: string | null;
  email_hash?: string | null;
  email_local_shape?: string | null;
  payment_fingerprint?: string | null;
  signup_ip?: string | null;
  verification?: VerificationTier | null;
  declared_use_case?: string | null;
}

/** The fields of an account record that only the provider's sign-up knows (the admin API takes them as `signup`). */
export const SIGNUP_FIELDS = ['created_at', 'email_domain', 'email_hash', 'email_local_shape', 'payment_fingerprint', 'signup_ip', 'declared_use_case'] as const;

/** What the provider's sign-up knew about an account. */
export type AccountSignup = { [F in (typeof SIGNUP_FIELDS)[number]]?: string | null };

/** The sign-up details of `source` (an account record, say) that carry a value. */
export function signupDetails(source: AccountSignup): AccountSignup {
  const details: AccountSignup = {};
  for (const field of SIGNUP_FIELDS) {
    const value = source[field];
    if (value !== undefined && value !== null) details[field] = value;
  }
  return details;
}
