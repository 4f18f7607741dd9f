import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/config/load.ts';
import { DgError, ERRORS } from '../../src/errors.ts';
import { applyTierGates, compileGates, type GateOutcome, type RequestedFeatures } from '../../src/policy/gates.ts';

const plain: RequestedFeatures = {
  maxTokens: 100,
  n: null,
  logprobs: false,
  topLogprobs: null,
  logitBias: false,
  tools: false,
  reasoningRequested: false,
};

function ask(over: Partial<RequestedFeatures>): RequestedFeatures {
  return { ...plain, ...over };
}

function rejection(outcome: GateOutcome): DgError {
  assert.equal(outcome.ok, false, 'expected a rejection');
  if (outcome.ok) throw new Error('unreachable');
  assert.ok(outcome.error instanceof DgError);
  assert.equal(outcome.error.def, ERRORS.FEATURE_NOT_ALLOWED);
  assert.equal(outcome.error.status, 403);
  return outcome.error;
}

function accepted(outcome: GateOutcome): Extract<GateOutcome, { ok: true }> {
  assert.equal(outcome.ok, true, outcome.ok ? '' : outcome.error.message);
  if (!outcome.ok) throw new Error('unreachable');
  return outcome;
}

const defaults = resolveConfig({});
const gates = compileGates(defaults.tiers);

test('logprobs at tier none is rejected naming the feature, the tier and the lowest tier allowing it', () => {
  const error = rejection(gates.apply(ask({ logprobs: true }), 'none'));
  assert.equal(error.param, 'logprobs');
  assert.equal(error.message, "logprobs is not available at verification tier 'none'; it requires tier 'email' or higher.");
});

test('top_logprobs without logprobs is gated as logprobs', () => {
  const error = rejection(gates.apply(ask({ topLogprobs: 3 }), 'none'));
  assert.equal(error.param, 'top_logprobs');
  assert.match(error.message, /^logprobs is not available at verification tier 'none'/);
});

test('logit_bias below tier id names tier id', () => {
  const error = rejection(gates.apply(ask({ logitBias: true }), 'email'));
  assert.equal(error.param, 'logit_bias');
  assert.equal(error.message, "logit_bias is not available at verification tier 'email'; it requires tier 'id' or higher.");
  accepted(gates.apply(ask({ logitBias: true }), 'id'));
});

test('a feature no tier allows says so', () => {
  const config = resolveConfig({ tiers: { none: { tools: false }, email: { tools: false }, phone: { tools: false }, id: { tools: false }, org: { tools: false } } });
  const error = rejection(compileGates(config.tiers).apply(ask({ tools: true }), 'phone'));
  assert.equal(error.param, 'tools');
  assert.equal(error.message, "tools is not available at verification tier 'phone'; no verification tier allows it.");
});

test('n above a reject ceiling names the ceiling, the tier and the lowest tier whose ceiling admits it', () => {
  // defaults: n ceilings none 1, email 2, phone 4, id 8, org 16
  const error = rejection(gates.apply(ask({ n: 3 }), 'none'));
  assert.equal(error.param, 'n');
  assert.equal(error.message, "n=3 exceeds the ceiling of 1 at verification tier 'none'; it requires tier 'phone' or higher.");
  const tooMany = rejection(gates.apply(ask({ n: 50 }), 'id'));
  assert.equal(tooMany.message, "n=50 exceeds the ceiling of 8 at verification tier 'id'; no verification tier allows it.");
});

test('n at or below the ceiling passes untouched', () => {
  const outcome = accepted(gates.apply(ask({ n: 2 }), 'email'));
  assert.deepEqual(outcome.caps, {});
});

test('max_tokens above a cap ceiling is capped, not rejected', () => {
  const outcome = accepted(gates.apply(ask({ maxTokens: 100_000 }), 'none'));
  assert.deepEqual(outcome.caps, { maxTokens: 4096 });
});

test('missing max_tokens is set to the tier ceiling so the upstream never generates past it', () => {
  const outcome = accepted(gates.apply(ask({ maxTokens: null }), 'email'));
  assert.deepEqual(outcome.caps, { maxTokens: 8192 });
});

test('missing max_tokens stays missing when the tier has no ceiling', () => {
  const outcome = accepted(gates.apply(ask({ maxTokens: null }), 'org'));
  assert.deepEqual(outcome.caps, {});
});

test('max_tokens above a reject ceiling is rejected with the tier whose ceiling admits it', () => {
  const config = resolveConfig({
    tiers: {
      none: { max_tokens: { max: 1000, over: 'reject' } },
      email: { max_tokens: { max: 2000, over: 'reject' } },
      phone: { max_tokens: { max: 5000, over: 'reject' } },
    },
  });
  const error = rejection(compileGates(config.tiers).apply(ask({ maxTokens: 4000 }), 'none'));
  assert.equal(error.param, 'max_tokens');
  assert.equal(error.message, "max_tokens=4000 exceeds the ceiling of 1000 at verification tier 'none'; it requires tier 'phone' or higher.");
});

test('top_logprobs above a cap ceiling is capped alongside other caps', () => {
  const outcome = accepted(gates.apply(ask({ logprobs: true, topLogprobs: 20, maxTokens: 9000 }), 'email'));
  assert.deepEqual(outcome.caps, { maxTokens: 8192, topLogprobs: 5 });
});

test('top_logprobs over a reject ceiling is rejected', () => {
  const config = resolveConfig({ tiers: { email: { top_logprobs: { max: 2, over: 'reject' } } } });
  const error = rejection(compileGates(config.tiers).apply(ask({ logprobs: true, topLogprobs: 4 }), 'email'));
  assert.equal(error.param, 'top_logprobs');
  assert.equal(error.message, "top_logprobs=4 exceeds the ceiling of 2 at verification tier 'email'; it requires tier 'phone' or higher.");
});

test('n above a cap ceiling is capped', () => {
  const config = resolveConfig({ tiers: { none: { n: { max: 1, over: 'cap' } } } });
  const outcome = accepted(compileGates(config.tiers).apply(ask({ n: 5 }), 'none'));
  assert.deepEqual(outcome.caps, { n: 1 });
});

test('a null ceiling means no ceiling', () => {
  const config = resolveConfig({ tiers: { none: { n: { max: null, over: 'reject' } } } });
  accepted(compileGates(config.tiers).apply(ask({ n: 1000 }), 'none'));
});

test('the outcome carries the tier reasoning visibility', () => {
  assert.equal(accepted(gates.apply(plain, 'none')).reasoning, 'none');
  assert.equal(accepted(gates.apply(ask({ reasoningRequested: true }), 'email')).reasoning, 'summary');
  assert.equal(accepted(gates.apply(plain, 'org')).reasoning, 'full');
});

test('a request needing no cap reuses one shared outcome (no allocation on the common path)', () => {
  assert.equal(gates.apply(plain, 'phone'), gates.apply(ask({ maxTokens: 10 }), 'phone'));
});

test('applyTierGates compiles once per tiers object and agrees with compileGates', () => {
  const first = applyTierGates(plain, 'phone', defaults.tiers);
  assert.equal(applyTierGates(plain, 'phone', defaults.tiers), first);
  assert.deepEqual(applyTierGates(ask({ maxTokens: null }), 'phone', defaults.tiers), gates.apply(ask({ maxTokens: null }), 'phone'));
});
