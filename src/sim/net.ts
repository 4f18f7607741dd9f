// Where requests come from: networks (ASN + address prefixes), client software (User-Agent + JA4).
// Prefixes are plausible for each operator; they only need to look like real traffic, not be a geo database.
import type { Rng } from './rng.ts';

export type NetKind = 'residential' | 'mobile' | 'cloud' | 'hosting' | 'university' | 'corporate';

export interface Network {
  asn: number;
  name: string;
  kind: NetKind;
  country: string;
  /** IPv4 /16 prefixes as "a.b". */
  v4: readonly string[];
  /** IPv6 /32 prefixes as "2601:1c0" style, for operators with IPv6 rollout. */
  v6?: readonly string[];
}

export const NETWORKS: readonly Network[] = [
  { asn: 7922, name: 'Comcast', kind: 'residential', country: 'US', v4: ['73.15', '73.162', '98.207', '24.6', '67.180'], v6: ['2601:1c0', '2601:646'] },
  { asn: 20115, name: 'Charter', kind: 'residential', country: 'US', v4: ['47.14', '47.35', '75.85', '97.94'], v6: ['2603:8000'] },
  { asn: 7018, name: 'AT&T', kind: 'residential', country: 'US', v4: ['99.47', '107.129', '76.200', '108.220'], v6: ['2600:1700'] },
  { asn: 701, name: 'Verizon', kind: 'residential', country: 'US', v4: ['71.163', '108.28', '96.255', '100.36'] },
  { asn: 22773, name: 'Cox', kind: 'residential', country: 'US', v4: ['68.4', '70.190', '72.211'] },
  { asn: 3320, name: 'Deutsche Telekom', kind: 'residential', country: 'DE', v4: ['79.200', '91.54', '87.150', '93.220'], v6: ['2003:e6'] },
  { asn: 3215, name: 'Orange', kind: 'residential', country: 'FR', v4: ['90.12', '86.246', '92.184', '83.199'], v6: ['2a01:cb00'] },
  { asn: 2856, name: 'BT', kind: 'residential', country: 'GB', v4: ['81.129', '86.150', '109.145'] },
  { asn: 3352, name: 'Telefonica', kind: 'residential', country: 'ES', v4: ['83.43', '88.12', '80.28'] },
  { asn: 4713, name: 'NTT OCN', kind: 'residential', country: 'JP', v4: ['153.206', '114.150', '180.14'] },
  { asn: 4766, name: 'Korea Telecom', kind: 'residential', country: 'KR', v4: ['175.193', '211.234', '121.134'] },
  { asn: 4134, name: 'China Telecom', kind: 'residential', country: 'CN', v4: ['113.87', '116.231', '183.14', '59.41'] },
  { asn: 4837, name: 'China Unicom', kind: 'residential', country: 'CN', v4: ['123.118', '60.24', '221.218'] },
  { asn: 12389, name: 'Rostelecom', kind: 'residential', country: 'RU', v4: ['95.24', '178.46', '188.162'] },
  { asn: 9829, name: 'BSNL', kind: 'residential', country: 'IN', v4: ['117.199', '59.92', '61.1'] },
  { asn: 28573, name: 'Claro BR', kind: 'residential', country: 'BR', v4: ['177.96', '179.111', '189.40'] },
  { asn: 8151, name: 'Telmex', kind: 'residential', country: 'MX', v4: ['187.189', '189.203', '201.141'] },
  { asn: 9009, name: 'M247', kind: 'hosting', country: 'RO', v4: ['185.156', '89.46', '146.70'] },
  { asn: 21928, name: 'T-Mobile US', kind: 'mobile', country: 'US', v4: ['172.56', '172.58'], v6: ['2607:fb90'] },
  { asn: 3209, name: 'Vodafone DE', kind: 'mobile', country: 'DE', v4: ['94.134', '109.42'] },
  { asn: 16509, name: 'Amazon AWS', kind: 'cloud', country: 'US', v4: ['3.91', '18.208', '52.14', '54.172', '44.192'] },
  { asn: 15169, name: 'Google', kind: 'cloud', country: 'US', v4: ['34.82', '35.199', '34.145'] },
  { asn: 8075, name: 'Microsoft Azure', kind: 'cloud', country: 'US', v4: ['20.84', '40.76', '52.160', '13.64'] },
  { asn: 14061, name: 'DigitalOcean', kind: 'hosting', country: 'US', v4: ['159.89', '167.99', '138.68', '164.90'] },
  { asn: 24940, name: 'Hetzner', kind: 'hosting', country: 'DE', v4: ['95.216', '116.202', '49.12', '65.108'] },
  { asn: 16276, name: 'OVH', kind: 'hosting', country: 'FR', v4: ['51.68', '54.36', '147.135'] },
  { asn: 45102, name: 'Alibaba Cloud', kind: 'cloud', country: 'SG', v4: ['47.88', '8.219', '47.245'] },
  { asn: 3, name: 'MIT', kind: 'university', country: 'US', v4: ['18.27', '18.29'] },
  { asn: 32, name: 'Stanford', kind: 'university', country: 'US', v4: ['171.64', '171.66'] },
  { asn: 786, name: 'Jisc (UK universities)', kind: 'university', country: 'GB', v4: ['129.67', '131.111'] },
  { asn: 680, name: 'DFN (German research net)', kind: 'university', country: 'DE', v4: ['141.20', '134.96'] },
  { asn: 2497, name: 'IIJ', kind: 'corporate', country: 'JP', v4: ['210.130', '202.232'] },
  { asn: 3356, name: 'Lumen', kind: 'corporate', country: 'US', v4: ['4.14', '8.39', '63.145'] },
  { asn: 1299, name: 'Arelion', kind: 'corporate', country: 'SE', v4: ['62.115', '80.91'] },
];

export function networksOf(kind: NetKind, country?: string): Network[] {
  return NETWORKS.filter((n) => n.kind === kind && (country === undefined || n.country === country));
}

export const TZ_BY_COUNTRY: Record<string, number> = {
  US: -5, DE: 1, FR: 1, GB: 0, ES: 1, JP: 9, KR: 9, CN: 8, RU: 3, IN: 5.5, BR: -3, MX: -6, RO: 2, SG: 8, SE: 1,
};

export interface Address {
  ip: string;
  asn: number;
}

/** A host address in one of the network's prefixes (IPv6 with probability v6Share when the operator has it). */
export function addressIn(rng: Rng, net: Network, v6Share = 0): Address {
  if (net.v6 && rng.chance(v6Share)) {
    const p = rng.pick(net.v6);
    const groups = [rng.hex(4), rng.hex(4), rng.hex(4), rng.hex(4), rng.hex(4), rng.hex(4)].map((g) => g.replace(/^0+(?=.)/, ''));
    return { ip: `${p}:${groups.join(':')}`, asn: net.asn };
  }
  return { ip: `${rng.pick(net.v4)}.${rng.int(0, 255)}.${rng.int(1, 254)}`, asn: net.asn };
}

/** A client software stack: what the User-Agent says and what the TLS handshake (JA4) looks like. */
export interface ClientStack {
  name: string;
  userAgents: readonly string[];
  ja4: readonly string[];
}

// JA4 = protocol+version+SNI+cipher count+extension count+ALPN _ cipher hash _ extension hash.
// Each TLS library has a few fingerprints across versions; the SDKs above them share their runtime's.
const JA4_PYTHON = ['t13d1812h1_85036bcba153_b26ce05bbdd6', 't13d1813h1_85036bcba153_ec84e2d2e5b4', 't13d1712h2_5b57614c22b0_3d5424432f57'];
const JA4_NODE = ['t13d1516h2_8daaf6152771_02713d6af862', 't13d1517h2_8daaf6152771_b1ff8ab2d16f'];
const JA4_GO = ['t13d1311h2_f57a46bbacb6_ab7e3b40a677', 't13d1312h2_f57a46bbacb6_e7c285222651'];
const JA4_CURL = ['t13d3112h2_e8f1e7e78f70_6bebaf5329ac'];
const JA4_CHROME = ['t13d1517h2_8daaf6152771_b0da82dd1658', 't13d1516h2_8daaf6152771_e5627efa2ab1'];
const JA4_JAVA = ['t13d4907h2_0d8feac7bc37_7395dae3b2f3'];

export const STACKS = {
  openaiPython: { name: 'openai-python', userAgents: ['OpenAI/Python 1.54.3', 'OpenAI/Python 1.57.0', 'OpenAI/Python 1.51.2', 'OpenAI/Python 1.59.7', 'openai-python/1.54.3'], ja4: JA4_PYTHON },
  openaiNode: { name: 'openai-node', userAgents: ['OpenAI/JS 4.73.1', 'OpenAI/JS 4.77.0', 'OpenAI/JS 4.68.4'], ja4: JA4_NODE },
  anthropicPython: { name: 'anthropic-python', userAgents: ['Anthropic/Python 0.39.0', 'Anthropic/Python 0.42.0'], ja4: JA4_PYTHON },
  anthropicNode: { name: 'anthropic-node', userAgents: ['Anthropic/JS 0.32.1', 'Anthropic/JS 0.33.1'], ja4: JA4_NODE },
  requests: { name: 'python-requests', userAgents: ['python-requests/2.32.3', 'python-requests/2.31.0'], ja4: JA4_PYTHON },
  httpx: { name: 'python-httpx', userAgents: ['python-httpx/0.27.2', 'python-httpx/0.28.1'], ja4: JA4_PYTHON },
  aiohttp: { name: 'aiohttp', userAgents: ['Python/3.11 aiohttp/3.10.10', 'Python/3.12 aiohttp/3.11.9'], ja4: JA4_PYTHON },
  langchain: { name: 'langchain', userAgents: ['OpenAI/Python 1.54.3 langchain-openai/0.2.9', 'OpenAI/Python 1.57.0 langchain-openai/0.2.14'], ja4: JA4_PYTHON },
  go: { name: 'go', userAgents: ['Go-http-client/2.0', 'go-openai/1.36.0'], ja4: JA4_GO },
  curl: { name: 'curl', userAgents: ['curl/8.5.0', 'curl/7.88.1', 'curl/8.10.1'], ja4: JA4_CURL },
  java: { name: 'java', userAgents: ['Java-http-client/21.0.5', 'okhttp/4.12.0'], ja4: JA4_JAVA },
  browser: {
    name: 'browser',
    userAgents: [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36',
    ],
    ja4: JA4_CHROME,
  },
} as const satisfies Record<string, ClientStack>;

export interface ClientIdentity {
  userAgent: string;
  ja4: string;
}

export function clientOf(rng: Rng, stack: ClientStack): ClientIdentity {
  return { userAgent: rng.pick(stack.userAgents), ja4: rng.pick(stack.ja4) };
}
