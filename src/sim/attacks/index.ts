// Every attack by name. Each call spawns one campaign of `size` accounts.
import type { Spawner } from '../personas/index.ts';
import * as agenticSweep from './agentic-sweep.ts';
import * as hydra from './hydra.ts';
import * as jailbreaker from './jailbreaker.ts';
import * as laundering from './laundering.ts';
import * as logprobExtraction from './logprob-extraction.ts';
import * as lowAndSlow from './low-and-slow.ts';
import * as multilingual from './multilingual.ts';
import * as releasePivot from './release-pivot.ts';
import * as rubricGrading from './rubric-grading.ts';
import * as sleeper from './sleeper.ts';

export const ATTACKS: Readonly<Record<string, Spawner>> = Object.fromEntries(
  [hydra, lowAndSlow, agenticSweep, logprobExtraction, jailbreaker, laundering, sleeper, multilingual, rubricGrading, releasePivot].map((m) => [m.NAME, m.spawn]),
);
