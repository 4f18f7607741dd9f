// The gateway's configuration file (JSON or YAML), validated with zod.
// Every field has a default, so an empty file (or none) is a working configuration.
import { z } from 'zod';

/** A ceiling on a numeric request parameter and what happens above it. */
const ceiling = z.object({
  /** null means no ceiling */
  max: z.number().int().nonnegative().nullable(),
  /** reject: 403 naming the feature; cap: lower the value to the ceiling and forward */
  over: z.enum(['reject', 'cap']).default('reject'),
});

const rate = z.object({
  /** requests per minute; null = unlimited */
  rpm: z.number().int().positive().nullable().default(null),
  /** tokens (input estimate + max output) per minute; null = unlimited */
  tpm: z.number().int().positive().nullable().default(null),
});

export const tierPolicySchema = z.object({
  key: rate.default({ rpm: null, tpm: null }),
  account: rate.default({ rpm: null, tpm: null }),
  max_tokens: ceiling.default({ max: null, over: 'reject' }),
  n: ceiling.default({ max: null, over: 'reject' }),
  logprobs: z.boolean().default(true),
  top_logprobs: ceiling.default({ max: null, over: 'reject' }),
  logit_bias: z.boolean().default(true),
  reasoning: z.enum(['full', 'summary', 'none']).default('full'),
  tools: z.boolean().default(true),
});
export type TierPolicy = z.infer<typeof tierPolicySchema>;

const tiersSchema = z.object({
  none: tierPolicySchema,
  email: tierPolicySchema,
  phone: tierPolicySchema,
  id: tierPolicySchema,
  org: tierPolicySchema,
});

export const configSchema = z
  .object({
    server: z
      .object({
        body_limit_bytes: z.number().int().positive().default(10 * 1024 * 1024),
        /** Addresses or CIDR blocks of proxies whose X-Forwarded-For is believed. */
        trusted_proxies: z.array(z.string()).default([]),
        /** Header in which the edge passes the client's JA4 TLS fingerprint. */
        ja4_header: z.string().default('x-ja4'),
        /** Milliseconds to wait for the upstream's response headers. */
        upstream_headers_timeout_ms: z.number().int().positive().default(60_000),
        /** Milliseconds of silence allowed between upstream body chunks. */
        upstream_body_timeout_ms: z.number().int().positive().default(300_000),
        upstream_connections: z.number().int().positive().default(128),
      })
      .prefault({}),
    upstream: z
      .object({
        /** Base URL of the OpenAI-compatible upstream (…/v1 is appended by route). */
        openai: z.string().url().optional(),
        /** Base URL of the Anthropic-compatible upstream. */
        anthropic: z.string().url().optional(),
        /** Credentials the gateway sends upstream (never the caller's key). Env DISTILLGUARD_UPSTREAM_API_KEY overrides. */
        openai_api_key: z.string().optional(),
        anthropic_api_key: z.string().optional(),
      })
      .prefault({}),
    /** Models served; empty means any model is passed through. */
    models: z.array(z.string()).default([]),
    tiers: tiersSchema,
    /** Shared budget of every rate-limit group (campaign). */
    group: rate.default({ rpm: null, tpm: null }),
    events: z
      .object({
        jsonl: z.boolean().default(true),
        sqlite: z.boolean().default(true),
        /** Rotate the JSONL file when it reaches this size. */
        rotate_bytes: z.number().int().positive().default(256 * 1024 * 1024),
        batch_size: z.number().int().positive().default(512),
        flush_interval_ms: z.number().int().positive().default(250),
        /** Events held in memory at most; beyond it events are dropped and counted. */
        queue_max: z.number().int().positive().default(100_000),
      })
      .prefault({}),
  })
  .strict();

export type GatewayConfig = z.infer<typeof configSchema>;
