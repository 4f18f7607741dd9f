// The gateway's view of identity: every key in memory, so authenticating a request costs one HMAC
// and one Map lookup, never I/O. Writers change the store and call reload(); changes made by another
// process (the CLI) are noticed by polling SQLite's data_version, which costs next to nothing.
import { timingSafeEqual } from 'node:crypto';
import type { IdentityStore } from './identity-store.ts';
import { parseKeyId } from './keys.ts';
import type { AuthResult, Principal } from './types.ts';

interface CachedKey {
  /** The stored HMAC, decoded once here instead of on every request. */
  hash: Buffer;
  principal: Principal;
  revoked: boolean;
}

const INVALID: AuthResult = Object.freeze({ ok: false, reason: 'invalid' });
const REVOKED: AuthResult = Object.freeze({ ok: false, reason: 'revoked' });

export interface IdentityCacheOptions {
  /** Called when a background reload fails; the previous view stays in use. */
  onReloadError?: (err: unknown) => void;
}

export class IdentityCache {
  readonly #store: IdentityStore;
  readonly #onReloadError: (err: unknown) => void;
  #keys = new Map<string, CachedKey>();
  /** Successful results, one frozen object per key, so a request allocates no result. */
  #okResults = new Map<string, AuthResult>();
  #dataVersion = -1;
  #timer: NodeJS.Timeout | null = null;

  constructor(store: IdentityStore, opts: IdentityCacheOptions = {}) {
    this.#store = store;
    this.#onReloadError = opts.onReloadError ?? (() => {});
  }

  /** Number of keys in the current view (revoked ones included). */
  get size(): number {
    return this.#keys.size;
  }

  authenticate(secret: string): AuthResult {
    const keyId = parseKeyId(secret);
    if (keyId === null) return INVALID;
    const entry = this.#keys.get(keyId);
    if (entry === undefined) return INVALID;
    const presented = this.#store.keyDigest(secret);
    if (!timingSafeEqual(presented, entry.hash)) return INVALID;
    // only a holder of the real secret learns that it was revoked
    if (entry.revoked) return REVOKED;
    return this.#okResults.get(keyId)!;
  }

  /** Rebuilds the view from the store and swaps it in at once. */
  reload(): void {
    // read the version first: a change committed during the load is then picked up by the next poll
    const version = this.#store.dataVersion();
    const keys = new Map<string, CachedKey>();
    const okResults = new Map<string, AuthResult>();
    for (const [keyId, entry] of this.#store.loadPrincipals()) {
      keys.set(keyId, { hash: Buffer.from(entry.hash, 'hex'), principal: Object.freeze(entry.principal), revoked: entry.revoked });
      if (!entry.revoked) okResults.set(keyId, Object.freeze({ ok: true, principal: entry.principal }));
    }
    this.#keys = keys;
    this.#okResults = okResults;
    this.#dataVersion = version;
  }

  /** Polls the store every intervalMs and reloads when another connection changed it. */
  startWatching(intervalMs = 1000): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.#poll(), intervalMs);
    // watching must not keep a process alive on its own
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #poll(): void {
    try {
      if (this.#store.dataVersion() !== this.#dataVersion) this.reload();
    } catch (err) {
      this.#onReloadError(err);
    }
  }
}
