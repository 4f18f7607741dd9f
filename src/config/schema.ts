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

const actionKind = z.enum(['observe', 'throttle', 'degrade', 'verify', 'suspend']);

/**
 * A rule's risk floor: a number, or one of the detector's thresholds by name (`suspicious`, `flagged`), resolved
 * against the parameters the detector runs with, so that a refit that moves the risk scale moves the rule too.
 */
const riskFloor = z.union([z.number().min(0).max(1), z.enum(['suspicious', 'flagged'])]);
export type RiskFloor = z.infer<typeof riskFloor>;

/** What the gateway does with the detector's verdicts (issue: closed loop). */
export const enforcementSchema = z.object({
  /** shadow: decide and record, change nothing (a new install starts here); enforce: act. */
  mode: z.enum(['shadow', 'enforce']).default('shadow'),
  /** Rules in order; the first whose verdict, risk and tiers match gives the action. */
  rules: z
    .array(
      z
        .object({
          verdict: z.enum(['suspicious', 'distillation', 'extraction', 'jailbreak']),
          min_risk: riskFloor.default(0),
          /** tiers the rule applies to; empty = all */
          tiers: z.array(z.enum(['none', 'email', 'phone', 'id', 'org'])).default([]),
          /**
           * classes the account must be suspected of (the class whose score gives the risk: for `suspicious`, the
           * head that came closest to flagging it); empty = any. A decision that does not say (an older detector)
           * counts as suspected of its verdict when that is flagged, of nothing otherwise.
           */
          suspected: z.array(z.enum(['distillation', 'extraction', 'jailbreak'])).default([]),
          action: actionKind,
          /** apply to the whole campaign when the account belongs to one */
          campaign: z.boolean().default(true),
          /**
           * Lift the action (status undone, by the detector) when the detector later clears the account (a benign
           * decision). For verdicts that are often transient, such as `suspicious`: the action holds while the
           * verdict does. Account actions only: one member's verdict does not lift a campaign's action.
           */
          lift_when_cleared: z.boolean().default(false),
          /**
           * Act only once the account has sent this many requests, in all, while a decision matching this rule
           * stood (counted from when each decision reaches the enforcer; requests sent under another verdict do
           * not count, nor reset the count). A verdict that a benign account reaches by chance rarely survives a
           * few more of its requests; an attacker hovering around a threshold keeps coming back to it.
           */
          after_requests: z.number().int().nonnegative().default(0),
        })
        .refine((rule) => !(rule.lift_when_cleared && rule.campaign), {
          message: 'lift_when_cleared applies to account actions only: set campaign: false',
          path: ['lift_when_cleared'],
        }),
    )
    .default([]),
  /**
   * Requests an account must send after the detector clears it before its lift_when_cleared actions are lifted
   * (0: at once). An attacker hovering around the suspicious threshold is cleared and suspected again within a
   * few requests; a benign account that was suspected by chance stays cleared.
   */
  lift_after_requests: z.number().int().nonnegative().default(0),
  /** Accounts at these tiers are never suspended without an analyst's approval (the action waits in review). */
  review_tiers: z.array(z.enum(['none', 'email', 'phone', 'id', 'org'])).default(['id', 'org']),
  /** Accounts and organisations never acted on automatically. */
  allowlist: z.object({ accounts: z.array(z.string()).default([]), orgs: z.array(z.string()).default([]) }).prefault({}),
  /** Where a caller told to verify is sent (in the 403 body). */
  verification_url: z.string().url().default('https://example.com/verify'),
  /** A throttled account's limits are its tier's limits times this factor. */
  throttle_factor: z.number().positive().max(1).default(0.1),
  degrade: z
    .object({
      reasoning: z.enum(['summary', 'none']).default('none'),
      max_tokens: z.number().int().positive().default(1024),
    })
    .prefault({}),
});
export type EnforcementConfig = z.infer<typeof enforcementSchema>;
export type ActionKind = z.infer<typeof actionKind>;

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
        /** Events per batch at most; a batch also ends at 128 KiB of JSON Lines (BATCH_TEXT_LIMIT in events/queue.ts). */
        batch_size: z.number().int().positive().default(512),
        flush_interval_ms: z.number().int().positive().default(250),
        /** Events held in memory at most; beyond it events are dropped and counted. */
        queue_max: z.number().int().positive().default(100_000),
      })
      .prefault({}),
    enforcement: enforcementSchema.prefault({}),
    provenance: z
      .object({
        /** Which responses carry the keyed watermark: all, those to flagged accounts, or none. `serve --watermark` overrides. */
        watermark: z.enum(['all', 'flagged', 'off']).default('flagged'),
        /** Campaigns whose responses are always watermarked (with the campaign's own key). */
        watermark_campaigns: z.array(z.string()).default([]),
        /** Campaigns whose responses carry a planted canary (recorded with campaign and time). */
        canary_campaigns: z.array(z.string()).default([]),
      })
      .prefault({}),
    /** Overrides of the detector's fitted parameters (validated by the detector, see src/detect/params.ts). */
    detector: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type GatewayConfig = z.infer<typeof configSchema>;
