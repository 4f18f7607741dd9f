// Resident set size of another process, from the kernel's own accounting.
import { readFileSync } from 'node:fs';

/** VmRSS of `pid` in MB (from /proc/PID/status, reported in kB). */
export function readRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no VmRSS line`);
  return Number(match[1]) / 1024;
}
