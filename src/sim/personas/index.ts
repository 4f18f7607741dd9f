// Every benign persona by name. Each spawns `count` accounts (university and enterprise group them).
import type { Rng } from '../rng.ts';
import type { Population, World } from '../world.ts';
import * as casual from './casual.ts';
import * as codingApp from './coding-app.ts';
import * as copywriting from './copywriting.ts';
import * as enterprise from './enterprise.ts';
import * as evalLab from './eval-lab.ts';
import * as powerUser from './power-user.ts';
import * as ragApp from './rag-app.ts';
import * as reseller from './reseller.ts';
import * as translation from './translation.ts';
import * as tutoring from './tutoring.ts';
import * as university from './university.ts';

export type Spawner = (world: World, rng: Rng, count: number) => Population;

export const PERSONAS: Readonly<Record<string, Spawner>> = Object.fromEntries(
  [casual, codingApp, ragApp, evalLab, tutoring, university, enterprise, reseller, translation, copywriting, powerUser].map((m) => [m.NAME, m.spawn]),
);
