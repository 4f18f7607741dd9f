// Every decision says what the account is suspected of (the class behind its risk), so enforcement rules can act
// on suspicion of distillation without touching accounts suspicious of something a degrade does not address.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Detector } from '../../src/detect/detector.ts';
import { FLAGGED_VERDICTS, isFlagged, type Decision } from '../../src/detect/types.ts';
import { simulate } from '../../src/sim/simulate.ts';

test('decisions carry the class the account is suspected of; a suspicious distiller is suspected of distillation', () => {
  const sim = simulate({ scenario: 'small', seed: 1, scale: 0.2, dataDir: null });
  const detector = new Detector();
  for (const account of sim.accounts) detector.ingestAccount(account);
  const decisions: Decision[] = [];
  for (const ev of sim.events) decisions.push(...detector.ingest(ev));
  assert.ok(decisions.length > 0);
  for (const d of decisions) assert.ok(d.suspected && FLAGGED_VERDICTS.includes(d.suspected), `${d.account_id} ${d.verdict}`);
  for (const d of decisions) if (isFlagged(d.verdict)) assert.equal(d.suspected, d.verdict, 'a flagged account is suspected of its verdict');
  const distillers = new Set(Object.entries(sim.labels.accounts).filter(([, l]) => l.class === 'distillation').map(([id]) => id));
  assert.ok(decisions.some((d) => d.verdict === 'suspicious' && distillers.has(d.account_id) && d.suspected === 'distillation'));
});
