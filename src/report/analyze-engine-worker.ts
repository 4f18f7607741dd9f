// The engine thread of the two-thread analyze pipeline (analyze-pipeline.ts): holds the Detector, ingests the
// events the reader thread parsed and prepared, in file order, and returns the results at the end.
import { parentPort, workerData } from 'node:worker_threads';
import type { Detector } from '../detect/detector.ts';
import { gateUserPatterns, newPreparedText, TextUnpacker, type PackedTexts, type PreparedText } from '../detect/text/prepare.ts';
import type { AccountRecordV1 } from '../events/types.ts';
import { EventDecoder, type EncodedEvents } from './event-wire.ts';
import { startingDetector } from './state-detector.ts';
import { writeStateFile } from './state-file.ts';
import type { EngineReply, EngineRequest } from './engine-thread.ts';

const port = parentPort!;
/** chunks of events finished (read by the reader thread without a message) */
const progress = new Int32Array((workerData as { progress: SharedArrayBuffer }).progress);
// made by the first message: the thread starts before the reader has read the configuration
let detector: Detector;
let text: PreparedText;
let statePath: string | undefined;

function reply(m: EngineReply): void {
  port.postMessage(m);
}

/** `gate`: run the literal gate on texts that arrive ungated (false: leave their patterns to the signals) */
function ingestEvents(events: EncodedEvents, texts: PackedTexts, gate: boolean): void {
  const decoder = new EventDecoder(events);
  const unpacker = new TextUnpacker(texts);
  for (let i = 0; i < decoder.count; i++) {
    const ev = decoder.event(i);
    unpacker.next(text);
    // the reader thread leaves the gate to this one when it is the busier of the two
    if (gate) gateUserPatterns(text);
    detector.ingest(ev, text);
  }
}

port.on('message', (m: EngineRequest) => {
  try {
    if (m.type === 'params') {
      statePath = m.statePath;
      detector = startingDetector(statePath, m.params);
      text = newPreparedText(detector.hasher.k);
    } else if (m.type === 'accounts') {
      for (const rec of m.records as AccountRecordV1[]) detector.ingestAccount(rec);
    } else if (m.type === 'events') {
      ingestEvents(m.events, m.texts, m.gate);
      Atomics.add(progress, 0, 1);
      Atomics.notify(progress, 0);
    } else {
      // the state before the final relink, as the one-thread path writes it
      if (statePath) writeStateFile(statePath, detector.snapshot());
      detector.flush();
      reply({ type: 'done', results: detector.results(), accountsWithoutRecord: detector.accountsWithoutRecord() });
    }
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    reply({ type: 'error', name: e.name, message: e.message, stack: e.stack ?? '' });
  }
});
