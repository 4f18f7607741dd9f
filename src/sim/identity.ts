// Sign-up records: ids, e-mail addresses (kept only as domain, shape and keyed hash), payment fingerprints.
import { createHash } from 'node:crypto';
import type { AccountRecordV1, VerificationTier } from '../events/types.ts';
import type { Rng } from './rng.ts';
import { isoMs } from './time.ts';

export function newId(rng: Rng, prefix: string, hexLength = 12): string {
  return `${prefix}_${rng.hex(hexLength)}`;
}

/** Letters become `a`, digits `9`, everything else stays (spec: email_local_shape). */
export function emailLocalShape(local: string): string {
  return local.replace(/[A-Za-z]/g, 'a').replace(/[0-9]/g, '9');
}

const EMAIL_HASH_KEY = 'distillguard-sim-email-key';

/** Keyed hash of the full address, as a provider would store instead of the address itself. */
export function emailHash(local: string, domain: string): string {
  return createHash('sha256').update(`${EMAIL_HASH_KEY}:${local.toLowerCase()}@${domain}`).digest('hex').slice(0, 32);
}

const FIRST = ['james', 'maria', 'wei', 'anna', 'lucas', 'sofia', 'liam', 'emma', 'noah', 'mia', 'yuki', 'hana', 'minjun', 'jiwoo',
  'ivan', 'olga', 'pierre', 'camille', 'jonas', 'lena', 'carlos', 'lucia', 'arjun', 'priya', 'omar', 'fatima', 'chen', 'li', 'tom',
  'sara', 'david', 'julia', 'alex', 'kate', 'mateo', 'elena', 'felix', 'nora', 'hugo', 'ines', 'raj', 'aisha', 'ben', 'zoe'];
const LAST = ['smith', 'garcia', 'wang', 'mueller', 'tanaka', 'kim', 'ivanov', 'martin', 'rossi', 'silva', 'nguyen', 'patel',
  'johnson', 'brown', 'lopez', 'schmidt', 'dubois', 'sato', 'park', 'zhang', 'liu', 'novak', 'kowalski', 'jensen', 'moreau',
  'fischer', 'suzuki', 'lee', 'chen', 'wilson', 'taylor', 'khan', 'ali', 'costa', 'weber', 'yamamoto', 'choi', 'hughes'];
const NICK = ['pixel', 'nova', 'cosmo', 'dev', 'coder', 'ghost', 'lynx', 'sunny', 'echo', 'blue', 'atlas', 'zen', 'kiwi', 'maple'];

/** A person's e-mail local part, in one of the styles people pick. */
export function personalLocal(rng: Rng): string {
  const f = rng.pick(FIRST);
  const l = rng.pick(LAST);
  switch (rng.weighted([0, 1, 2, 3, 4, 5, 6], [30, 15, 12, 12, 10, 11, 10])) {
    case 0: return `${f}.${l}`;
    case 1: return `${f}${l}`;
    case 2: return `${f[0]}${l}`;
    case 3: return `${f}.${l}${rng.int(1, 99)}`;
    case 4: return `${f}_${l}`;
    case 5: return `${f}${rng.int(1970, 2006)}`;
    default: return `${rng.pick(NICK)}${rng.pick(NICK)}${rng.int(1, 999)}`;
  }
}

export const CONSUMER_DOMAINS = ['gmail.com', 'outlook.com', 'hotmail.com', 'yahoo.com', 'icloud.com', 'proton.me', 'qq.com',
  '163.com', 'mail.ru', 'yandex.ru', 'gmx.de', 'web.de', 'orange.fr', 'naver.com', 'yahoo.co.jp'];
const CONSUMER_WEIGHTS = [42, 12, 6, 6, 7, 4, 4, 2, 2, 2, 3, 2, 2, 3, 3];

export function consumerDomain(rng: Rng): string {
  return rng.weighted(CONSUMER_DOMAINS, CONSUMER_WEIGHTS);
}

export interface SignupSpec {
  accountId: string;
  orgId: string | null;
  createdAt: number;
  emailLocal: string;
  emailDomain: string;
  paymentFingerprint: string | null;
  signupIp: string;
  verification: VerificationTier;
  declaredUseCase: string | null;
}

export function accountRecord(s: SignupSpec): AccountRecordV1 {
  return {
    account_id: s.accountId,
    org_id: s.orgId,
    created_at: isoMs(s.createdAt),
    email_domain: s.emailDomain,
    email_hash: emailHash(s.emailLocal, s.emailDomain),
    email_local_shape: emailLocalShape(s.emailLocal),
    payment_fingerprint: s.paymentFingerprint,
    signup_ip: s.signupIp,
    verification: s.verification,
    declared_use_case: s.declaredUseCase,
  };
}

export function paymentFingerprint(rng: Rng): string {
  return newId(rng, 'pf', 16);
}
