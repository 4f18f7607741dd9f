// Reads a V8 .cpuprofile (node --cpu-prof) and ranks functions by self time: where the process spends its CPU.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTimeEntry {
  function: string;
  /** file:line, shortened to the part after node_modules/ or the repository */
  location: string;
  selfMs: number;
  /** share of all sampled busy (non-idle) time, % */
  share: number;
}

function shortLocation(url: string, line: number): string {
  if (!url) return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  const short = nm >= 0 ? path.slice(nm + 'node_modules/'.length) : path.replace(/^.*?\/(dist|src|bench)\//, '$1/');
  return `${short}:${line + 1}`;
}

export interface ProfileSummary {
  /** CPU time sampled outside (idle), ms */
  busyMs: number;
  /** functions with the most self time, most first */
  top: SelfTimeEntry[];
}

export function summarizeProfile(profilePath: string, limit = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile;
  const nodeById = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, { entry: Omit<SelfTimeEntry, 'selfMs' | 'share'>; us: number }>();
  let totalUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = nodeById.get(profile.samples[i]);
    const delta = profile.timeDeltas[i] ?? 0;
    // Idle time is the process waiting for I/O: not a cost, and it would swamp the shares.
    if (!node || delta <= 0 || node.callFrame.functionName === '(idle)') continue;
    totalUs += delta;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName}\u0000${url}\u0000${lineNumber}`;
    const slot = selfUs.get(key);
    if (slot) slot.us += delta;
    else selfUs.set(key, { entry: { function: functionName || '(anonymous)', location: shortLocation(url, lineNumber) }, us: delta });
  }
  const top = [...selfUs.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, limit)
    .map(({ entry, us }) => ({ ...entry, selfMs: us / 1000, share: totalUs ? (100 * us) / totalUs : 0 }));
  return { busyMs: totalUs / 1000, top };
}
