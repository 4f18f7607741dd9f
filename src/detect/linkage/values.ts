// Linkage values: the strings two accounts of one actor tend to share, one kind of evidence each.
// Keys are prefixed by kind so values of different kinds never collide in the index.

export type EvidenceKind =
  | 'payment' // same card fingerprint
  | 'signup_network' // signup address block, within one creation burst
  | 'asn_burst' // first traffic from one ASN, accounts created within one burst
  | 'email_shape' // e-mail local-part shape + domain, within one creation burst
  | 'client_fingerprint' // JA4 + user agent
  | 'client_network' // request address block
  | 'template' // prompt template (MinHash LSH band of masked prompts) repeated in the account
  | 'phrase' // opening or closing sentence repeated in the account (paraphrased harvests keep their wrappers)
  | 'sync_activity' // first activity in the same few minutes
  | 'sync_pivot'; // moved to a new release in the same hour

/**
 * Kinds that come from the same underlying fact count once toward "several independent kinds": a NAT
 * address, its signup block and its ASN are one piece of evidence (a shared network), not three.
 */
export const KIND_FAMILY: Record<EvidenceKind, string> = {
  payment: 'payment',
  signup_network: 'network',
  asn_burst: 'network',
  client_network: 'network',
  email_shape: 'identity',
  client_fingerprint: 'tooling',
  template: 'content',
  phrase: 'content',
  sync_activity: 'timing',
  sync_pivot: 'timing',
};

/** Kinds whose values carry a time bucket (creation, first activity): evidence only when several share one. */
export const BURST_KINDS: ReadonlySet<EvidenceKind> = new Set<EvidenceKind>(['signup_network', 'email_shape', 'asn_burst', 'sync_activity']);

/**
 * Families that say something about who holds the account (how it pays, signs up, connects from). Behaviour
 * (shared templates, synchronised timing) and tooling (an SDK version is shared by strangers) corroborate
 * only: an account needs at least one of these to join a campaign, and campaigns are held together by them.
 */
export const ACCOUNT_FAMILIES: ReadonlySet<string> = new Set(['payment', 'network', 'identity']);

/**
 * Kinds that bind accounts into one holder's group: values the holder chose or was given at signup (card,
 * signup block within a creation burst, e-mail shape within a burst). Request addresses and the first ASN
 * seen come from whatever exit the traffic used: residential proxy pools hand the same /24 or ISP to
 * unrelated customers, so two hydras (or a hydra and a home user on that ISP) share them by chance. Those
 * kinds still corroborate membership (step 5 of linking) but never join two groups.
 */
export const BINDING_KINDS: ReadonlySet<EvidenceKind> = new Set<EvidenceKind>(['payment', 'signup_network', 'email_shape']);

/** Values of one kind an account may register at most (residential proxies rotate through many blocks). */
export const VALUES_PER_KIND: Record<EvidenceKind, number> = {
  payment: 1,
  signup_network: 1,
  asn_burst: 1,
  email_shape: 1,
  client_fingerprint: 3,
  client_network: 4,
  template: 16,
  phrase: 16,
  sync_activity: 1,
  sync_pivot: 8,
};

/** The /24 of an IPv4 address or the /48 of an IPv6 address. */
export function addressBlock(ip: string): string {
  if (ip.includes(':')) {
    const groups = ip.split(':');
    return `${groups[0] ?? ''}:${groups[1] ?? ''}:${groups[2] ?? ''}::/48`;
  }
  const dot = ip.lastIndexOf('.');
  return dot > 0 ? `${ip.slice(0, dot)}.0/24` : ip;
}

/** Bucket index of `ms` in buckets of `sizeMs`. */
export function bucket(ms: number, sizeMs: number): number {
  return Math.floor(ms / sizeMs);
}

/** Turns a key back into words an analyst can check ("card pm_9", "signup block 1.2.3.0/24 ..."). */
export function describeValue(key: string, creationBurstHours: number, activityBucketMinutes: number): string {
  const colon = key.indexOf(':');
  const prefix = key.slice(0, colon);
  const body = key.slice(colon + 1);
  const bar = body.lastIndexOf('|');
  const head = bar >= 0 ? body.slice(0, bar) : body;
  const tail = bar >= 0 ? body.slice(bar + 1) : '';
  const burst = tail === '-' || tail === '' ? '' : `, created within the ${creationBurstHours} h from ${iso(Number(tail) * creationBurstHours * 3_600_000)}`;
  switch (prefix) {
    case 'pay': return `card ${body}`;
    case 'signup': return `signup block ${head}${burst}`;
    case 'mail': return `e-mail shape ${head}${burst}`;
    case 'asn': return `first requests from ASN ${head}${burst}`;
    case 'tls': return `client JA4 ${head || '-'} with user agent "${tail}"`;
    case 'net': return `client address block ${body}`;
    case 'tpl': return `prompt template (LSH band ${body})`;
    case 'phr': return `opening or closing sentence (hash ${body})`;
    case 'act': return `first active within the ${activityBucketMinutes} min from ${iso(Number(body) * activityBucketMinutes * 60_000)}`;
    case 'pivot': return `moved to new model ${head} in the hour from ${iso(Number(tail) * 3_600_000)}`;
    default: return body;
  }
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '?';
}
