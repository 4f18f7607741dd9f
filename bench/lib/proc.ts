// Another process's memory and CPU time, from the kernel's own accounting in /proc (Linux).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** VmRSS of `pid` in MB (from /proc/PID/status, reported in kB). */
export function readRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no VmRSS line`);
  return Number(match[1]) / 1024;
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100; // the Linux value on every common architecture
    }
  }
  return clockTicks;
}

/** User + system CPU seconds `pid` has used so far (fields 14 and 15 of /proc/PID/stat). */
export function readCpuSeconds(pid: number): number {
  return cpuSecondsOf(`/proc/${pid}/stat`);
}

/**
 * User + system CPU seconds of one thread of `pid` (/proc/PID/task/TID/stat); a process's main thread has
 * TID = PID, so `readThreadCpuSeconds(pid)` is the CPU of the thread that runs its event loop.
 */
export function readThreadCpuSeconds(pid: number, tid = pid): number {
  return cpuSecondsOf(`/proc/${pid}/task/${tid}/stat`);
}

function cpuSecondsOf(statFile: string): number {
  const stat = readFileSync(statFile, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`cannot read CPU times from ${statFile}`);
  return (utime + stime) / ticksPerSecond();
}
