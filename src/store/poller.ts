// A repeating check that never keeps the process alive on its own (used to follow changes that other
// processes make to a SQLite file, through PRAGMA data_version).
export class Poller {
  #timer: NodeJS.Timeout | null = null;

  /** Starts calling `check` every `intervalMs`; a second start while running does nothing. */
  start(intervalMs: number, check: () => void): void {
    if (this.#timer) return;
    this.#timer = setInterval(check, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
