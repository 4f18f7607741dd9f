// Building blocks shared by personas and attacks: sign-up, model choice around a release, session timing.
import type { AccountRecordV1, VerificationTier } from '../events/types.ts';
import { accountRecord, consumerDomain, newId, paymentFingerprint, personalLocal } from './identity.ts';
import { addressIn, clientOf, networksOf, NETWORKS, STACKS, TZ_BY_COUNTRY, type Address, type ClientStack, type NetKind, type Network } from './net.ts';
import type { Caller, Endpoint } from './request.ts';
import type { Rng } from './rng.ts';
import { DAY_MS, HOUR_MS, sessionArrivals, type SessionProcess } from './time.ts';
import type { World } from './world.ts';

export function pickNetwork(rng: Rng, kind: NetKind, country?: string): Network {
  const nets = networksOf(kind, country);
  return rng.pick(nets.length > 0 ? nets : networksOf(kind));
}

export function networkByAsn(asn: number): Network {
  const n = NETWORKS.find((x) => x.asn === asn);
  if (!n) throw new RangeError(`unknown ASN ${asn}`);
  return n;
}

export function tzOf(net: Network): number {
  return TZ_BY_COUNTRY[net.country] ?? 0;
}

const MAX_ACCOUNT_AGE_DAYS = 1100;

/** Sign-up some time before the run: account age drawn log-normally (days). */
export function createdBefore(world: World, rng: Rng, medianDays: number, sigma = 0.9): number {
  // Clamped to the API's plausible lifetime: no account is older than about three years.
  const days = Math.min(MAX_ACCOUNT_AGE_DAYS, Math.max(1, rng.lognormal(medianDays, sigma)));
  return world.start - Math.round(days * DAY_MS) - rng.int(0, DAY_MS - 1);
}

/** When an actor first uses the released model: releaseAt + log-normal delay (hours). */
export function adoption(world: World, rng: Rng, medianHours: number, sigma: number): number {
  return world.releaseAt + Math.round(rng.lognormal(medianHours, sigma) * HOUR_MS);
}

/** The large model an actor asks for at time t: the new one once it has adopted it (mostly, not always). */
export function largeModel(world: World, rng: Rng, t: number, adoptAt: number): string {
  if (t >= adoptAt && t >= world.releaseAt) return rng.chance(0.9) ? world.newModel : world.baseModel;
  return world.baseModel;
}

export interface AccountSetup {
  rng: Rng;
  orgId?: string | null;
  createdAt: number;
  verification: VerificationTier;
  useCase: string | null;
  emailLocal?: string;
  emailDomain?: string;
  payment?: string | null;
  signupAddress: Address;
  endpoint: Endpoint;
  stack: ClientStack;
  /** Where requests come from: one home address, or a rotation. */
  address: (rng: Rng) => Address;
  keys?: number;
}

export interface NewAccount {
  record: AccountRecordV1;
  caller: Caller;
}

export function newAccount(s: AccountSetup): NewAccount {
  const rng = s.rng;
  const accountId = newId(rng, 'acct');
  const keyIds = Array.from({ length: s.keys ?? 1 }, () => newId(rng, 'key', 10));
  const record = accountRecord({
    accountId,
    orgId: s.orgId ?? null,
    createdAt: s.createdAt,
    emailLocal: s.emailLocal ?? personalLocal(rng),
    emailDomain: s.emailDomain ?? consumerDomain(rng),
    paymentFingerprint: s.payment === undefined ? paymentFingerprint(rng) : s.payment,
    signupIp: s.signupAddress.ip,
    verification: s.verification,
    declaredUseCase: s.useCase,
  });
  const caller: Caller = {
    accountId,
    orgId: s.orgId ?? null,
    keyIds,
    tier: s.verification,
    endpoint: s.endpoint,
    client: clientOf(rng, s.stack),
    address: s.address,
    rng,
  };
  return { record, caller };
}

/** A fixed home address (optionally changing now and then, as DHCP leases do). */
export function homeAddress(rng: Rng, net: Network, v6Share = 0.2): (r: Rng) => Address {
  let current = addressIn(rng, net, v6Share);
  return (r) => {
    if (r.chance(0.004)) current = addressIn(r, net, v6Share);
    return current;
  };
}

/** A small fixed set of egress addresses (a service's NAT gateways). */
export function egressPool(rng: Rng, net: Network, size: number): (r: Rng) => Address {
  const pool = Array.from({ length: size }, () => addressIn(rng, net, 0));
  return (r) => r.pick(pool);
}

export function sdkStack(rng: Rng, endpoint: Endpoint): ClientStack {
  if (endpoint === '/v1/messages') return rng.chance(0.6) ? STACKS.anthropicPython : STACKS.anthropicNode;
  return rng.weighted([STACKS.openaiPython, STACKS.openaiNode, STACKS.langchain, STACKS.httpx, STACKS.requests, STACKS.go],
    [45, 25, 10, 7, 8, 5]);
}

/** Request times for one account, clipped to the part of the run after sign-up. */
export function arrivals(world: World, rng: Rng, from: number, p: Omit<SessionProcess, 'from' | 'to'> & { to?: number }): Generator<number> {
  return sessionArrivals(rng, { ...p, from: Math.max(from, world.start), to: Math.min(p.to ?? world.end, world.end) });
}
