// The gateway's side of the online detector: events go to a worker thread through a bounded queue, decisions
// come back and are handed on. Requests never wait on it: when it is slow the lag grows (reported on /metrics
// and /readyz) and the gateway serves with the decisions it has; when it crashes it is restarted and
// restores its snapshot and the events stored since.
import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Decision, DetectorParams } from '../../detect/types.ts';
import type { EventBatch } from '../../events/batch.ts';
import type { AccountRecordV1 } from '../../events/types.ts';
import { spawnModuleWorker } from '../../util/spawn-worker.ts';
import type { CampaignInfo, DetectorWorkerData, FromWorker, ToWorker } from './protocol.ts';

export type DetectorState = 'starting' | 'running' | 'restarting' | 'stopped';

export interface DetectorHostOptions {
  dataDir: string | null;
  params: DetectorParams | null;
  onDecisions(decisions: Decision[], campaigns: CampaignInfo[]): void;
  log: Logger;
  /** Events sent but not yet processed, beyond which new batches are dropped (they stay in the store). */
  maxLagEvents?: number;
  snapshotEveryEvents?: number;
  snapshotEveryMs?: number;
  restartDelayMs?: number;
}

interface InFlight {
  count: number;
  sentAtMs: number;
}

export class DetectorHost {
  private worker: Worker | null = null;
  private stateValue: DetectorState = 'starting';
  private readonly inFlight: InFlight[] = [];
  private inFlightEvents = 0;
  /** Batches waiting while no worker runs (between a crash and its restart). */
  private readonly waiting: ToWorker[] = [];
  private droppedCount = 0;
  private restartCount = 0;
  private processedCount = 0;
  private lastEventTsValue: string | null = null;
  private restoredValue = { events: 0, replayed: 0 };
  private stopping: Promise<void> | null = null;
  private readonly maxLag: number;

  constructor(private readonly opts: DetectorHostOptions) {
    this.maxLag = opts.maxLagEvents ?? 200_000;
  }

  start(): void {
    const data: DetectorWorkerData = {
      params: this.opts.params,
      dataDir: this.opts.dataDir,
      snapshotEveryEvents: this.opts.snapshotEveryEvents ?? 50_000,
      snapshotEveryMs: this.opts.snapshotEveryMs ?? 60_000,
    };
    const worker = spawnModuleWorker(new URL('./worker.ts', import.meta.url).href.replace(/\.ts$/, extensionOfThisModule()), { role: 'detector', data });
    this.worker = worker;
    worker.on('message', (m: FromWorker) => this.onMessage(m));
    worker.on('error', (err) => this.opts.log.error({ err }, 'detector worker failed'));
    worker.on('exit', (code) => this.onExit(worker, code));
    for (const m of this.waiting.splice(0)) worker.postMessage(m);
  }

  /** Hands a batch of events to the detector (never blocks, never throws). */
  feed(batch: EventBatch): void {
    if (this.stateValue === 'stopped' || batch.length === 0) return;
    if (this.inFlightEvents + batch.length > this.maxLag) {
      this.droppedCount += batch.length;
      return;
    }
    this.inFlight.push({ count: batch.length, sentAtMs: Date.now() });
    this.inFlightEvents += batch.length;
    this.send({ type: 'events', bytes: batch.bytes, count: batch.length });
  }

  /** Asks for the current verdict of every flagged account again (they arrive through onDecisions). */
  resendFlagged(): void {
    this.send({ type: 'resend-flagged' });
  }

  /** Account metadata (accounts.jsonl records) for richer linkage. */
  feedAccounts(records: AccountRecordV1[]): void {
    this.send({ type: 'accounts', records });
  }

  get state(): DetectorState {
    return this.stateValue;
  }
  /** Events handed over and not yet processed. */
  get lagEvents(): number {
    return this.inFlightEvents;
  }
  /** Seconds since the oldest unprocessed batch was handed over (0 when caught up). */
  get lagSeconds(): number {
    return this.inFlight.length === 0 ? 0 : (Date.now() - this.inFlight[0].sentAtMs) / 1000;
  }
  get dropped(): number {
    return this.droppedCount;
  }
  get restarts(): number {
    return this.restartCount;
  }
  get processed(): number {
    return this.processedCount;
  }
  /** What the current worker started from: events in its snapshot and events replayed from the store. */
  get restored(): { events: number; replayed: number } {
    return this.restoredValue;
  }
  get lastEventTs(): string | null {
    return this.lastEventTsValue;
  }

  /** Takes a final snapshot and stops the worker. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const worker = this.worker;
      this.stateValue = 'stopped';
      if (!worker) return;
      const stopped = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        worker.on('message', (m: FromWorker) => {
          if (m.type === 'stopped') {
            clearTimeout(timer);
            resolve();
          }
        });
        worker.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      worker.postMessage({ type: 'stop' } satisfies ToWorker);
      await stopped;
      await worker.terminate();
    })();
    return this.stopping;
  }

  private send(m: ToWorker): void {
    if (this.worker && this.stateValue !== 'restarting') this.worker.postMessage(m);
    else this.waiting.push(m);
  }

  private onMessage(m: FromWorker): void {
    switch (m.type) {
      case 'ready':
        if (this.stateValue !== 'stopped') this.stateValue = 'running';
        this.restoredValue = { events: m.restoredEvents, replayed: m.replayedEvents };
        if (m.snapshotRejected) this.opts.log.warn({ reason: m.snapshotRejected }, 'detector snapshot not usable by this version: state rebuilt from the stored events');
        this.opts.log.info({ restoredEvents: m.restoredEvents, replayedEvents: m.replayedEvents, snapshotTs: m.snapshotTs }, 'detector ready');
        break;
      case 'processed': {
        let left = m.count;
        while (left > 0 && this.inFlight.length > 0) {
          const head = this.inFlight[0];
          const take = Math.min(left, head.count);
          head.count -= take;
          left -= take;
          this.inFlightEvents -= take;
          if (head.count === 0) this.inFlight.shift();
        }
        this.processedCount += m.count;
        if (m.lastTs) this.lastEventTsValue = m.lastTs;
        if (m.decisions.length > 0) {
          try {
            this.opts.onDecisions(m.decisions, m.campaigns);
          } catch (err) {
            this.opts.log.error({ err }, 'acting on detector decisions failed');
          }
        }
        break;
      }
      case 'error':
        this.opts.log.error({ detail: m.message }, 'detector error');
        break;
      default:
        break;
    }
  }

  private onExit(worker: Worker, code: number): void {
    if (worker !== this.worker) return;
    this.worker = null;
    if (this.stateValue === 'stopped') return;
    this.restartCount++;
    this.stateValue = 'restarting';
    this.opts.log.error({ code, restarts: this.restartCount }, 'detector worker exited; restarting from its snapshot');
    // Events in flight are lost with the worker; the restarted one replays them from the store.
    this.inFlight.length = 0;
    this.inFlightEvents = 0;
    const timer = setTimeout(() => {
      if (this.stateValue !== 'restarting') return;
      this.stateValue = 'starting';
      this.start();
    }, this.opts.restartDelayMs ?? 1000);
    timer.unref();
  }

  /** For tests: kills the worker as a crash would. */
  crashForTest(): Promise<number> {
    return this.worker ? this.worker.terminate() : Promise.resolve(0);
  }
}

/** `.ts` when running from sources, `.js` when built. */
function extensionOfThisModule(): string {
  return import.meta.url.endsWith('.ts') ? '.ts' : '.js';
}
