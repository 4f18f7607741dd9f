// The gateway's view of identity: every key in memory, so authenticating a request costs a Map lookup
// (plus one HMAC the first time a secret is seen after a reload), never I/O. Writers change the store and call reload(); changes made by another
// process (the CLI) are noticed by polling SQLite's data_version, which costs next to nothing.
import { Poller } from '../store/poller.ts';
import { timingSafeEqual } from 'node:crypto';
import type { IdentityStore } from './identity-store.ts';
import { parseKeyId } from './keys.ts';
import type { AuthResult } from './types.ts';

interface CachedKey {
  /** The stored HMAC, decoded once here instead of on every request. */
  hash: Buffer;
  /** What a correct secret gets: the key's principal, or revoked. One object per key, built at reload. */
  result: AuthResult;
}

/** Bound on remembered secrets: beyond it the memo starts over (it is only a shortcut). */
const MAX_VERIFIED = 100_000;
/** HMAC-SHA256 in hex. */
const HASH_HEX_CHARS = 64;
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
  /**
   * Secrets already verified against the current view, so a client's repeated requests skip the HMAC.
   * Only exact secrets that passed the HMAC get in; the map is emptied on every reload, so a revocation
   * or account change is never served from it.
   */
  #verified = new Map<string, AuthResult>();
  #dataVersion = -1;
  /** Position in the store's change log this view reflects; -1 before the first load. */
  #changeSeq = -1;
  readonly #poller = new Poller();

  constructor(store: IdentityStore, opts: IdentityCacheOptions = {}) {
    this.#store = store;
    this.#onReloadError = opts.onReloadError ?? (() => {});
  }

  /** Number of keys in the current view (revoked ones included). */
  get size(): number {
    return this.#keys.size;
  }

  authenticate(secret: string): AuthResult {
    const known = this.#verified.get(secret);
    if (known !== undefined) return known;
    const keyId = parseKeyId(secret);
    if (keyId === null) return INVALID;
    const entry = this.#keys.get(keyId);
    if (entry === undefined) return INVALID;
    const presented = this.#store.keyDigest(secret);
    if (!timingSafeEqual(presented, entry.hash)) return INVALID;
    // only a holder of the real secret learns that it was revoked
    const result = entry.result;
    if (!result.ok) return result;
    if (this.#verified.size >= MAX_VERIFIED) this.#verified.clear();
    this.#verified.set(secret, result);
    return result;
  }

  /**
   * Brings the view up to date with the store: only the keys of accounts changed since the last load
   * (from the store's change log), or everything on the first load or when this view fell behind the log.
   */
  reload(): void {
    // read the versions first: a change committed during the load is then picked up by the next poll
    const version = this.#store.dataVersion();
    const window = this.#store.changeWindow();
    // incremental only from a known position still inside the log (a position past its end means the
    // file was replaced under us)
    const incremental = this.#changeSeq >= 0 && this.#changeSeq >= window.oldest - 1 && this.#changeSeq <= window.latest;
    if (incremental && this.#changeSeq === window.latest) {
      this.#dataVersion = version;
      return;
    }
    const entries = incremental ? this.#store.loadPrincipalsChangedSince(this.#changeSeq) : this.#store.loadPrincipals();
    const keys = incremental ? this.#keys : new Map<string, CachedKey>();
    for (const [keyId, entry] of entries) {
      // a hash that is not 32 bytes can match no secret (and would make timingSafeEqual throw)
      if (entry.hash.length !== HASH_HEX_CHARS) continue;
      const result: AuthResult = entry.revoked ? REVOKED : { ok: true, principal: entry.principal };
      keys.set(keyId, { hash: Buffer.from(entry.hash, 'hex'), result });
    }
    this.#keys = keys;
    // remembered secrets may belong to a changed account: verify them afresh
    this.#verified = new Map();
    this.#dataVersion = version;
    this.#changeSeq = window.latest;
  }

  /** Rebuilds the whole view from the store, whatever changed. */
  reloadAll(): void {
    this.#changeSeq = -1;
    this.reload();
  }

  /** Polls the store every intervalMs and reloads when another connection changed it. */
  startWatching(intervalMs = 1000): void {
    this.#poller.start(intervalMs, () => this.#poll());
  }

  stop(): void {
    this.#poller.stop();
  }

  #poll(): void {
    try {
      if (this.#store.dataVersion() !== this.#dataVersion) this.reload();
    } catch (err) {
      this.#onReloadError(err);
    }
  }
}
