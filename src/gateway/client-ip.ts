// The caller's address: the socket's peer, or, when that peer is a trusted proxy, the last
// address in X-Forwarded-For that is not itself a trusted proxy.
import { BlockList, isIP } from 'node:net';

export type ClientIpResolver = (remote: string | undefined, forwardedFor: string | string[] | undefined) => string;

function normalise(ip: string): string {
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}

function family(ip: string): 'ipv4' | 'ipv6' {
  return isIP(ip) === 6 ? 'ipv6' : 'ipv4';
}

export function createClientIpResolver(trustedProxies: readonly string[]): ClientIpResolver {
  if (trustedProxies.length === 0) return (remote) => normalise(remote ?? '0.0.0.0');
  const trusted = new BlockList();
  for (const entry of trustedProxies) {
    const [addr, bits] = entry.split('/');
    if (isIP(addr) === 0) throw new Error(`server.trusted_proxies: '${entry}' is not an IP address or CIDR block`);
    if (bits === undefined) trusted.addAddress(addr, family(addr));
    else trusted.addSubnet(addr, Number(bits), family(addr));
  }
  const isTrusted = (ip: string) => isIP(ip) !== 0 && trusted.check(ip, family(ip));
  return (remote, forwardedFor) => {
    const peer = normalise(remote ?? '0.0.0.0');
    if (!isTrusted(peer) || forwardedFor === undefined) return peer;
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = normalise(hops[i].trim());
      if (isIP(hop) === 0) return peer;
      if (!isTrusted(hop)) return hop;
    }
    return peer;
  };
}
