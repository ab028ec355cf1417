// A process's resident memory from /proc (Linux), sampled from outside: what the kernel charges
// the process, not what it says of itself. Shared by the benchmarks that run the CLI as a child.
import { readFileSync } from 'node:fs';

/** VmRSS and VmHWM (peak) of a process in KiB, or undefined once it has gone. */
export function readRss(pid: number): { rssKiB: number; hwmKiB: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'latin1');
  } catch {
    return undefined;
  }
  const field = (name: string): number =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rssKiB: field('VmRSS'), hwmKiB: field('VmHWM') };
}

export interface RssSample {
  /** ms since the sampler started. */
  atMs: number;
  rssKiB: number;
}

export interface RssSampler {
  /** The samples so far (every `intervalMs`). */
  samples(): readonly RssSample[];
  /** Highest VmHWM seen (the kernel's own peak, which catches what falls between samples). */
  hwmKiB(): number;
  /** Highest VmRSS sampled. */
  peakKiB(): number;
  /** Stops sampling (reads once more first) and returns the peak. */
  stop(): { peakKiB: number; hwmKiB: number; samples: readonly RssSample[] };
}

/** Samples a process's VmRSS every `intervalMs` until stopped or the process is gone. */
export function sampleRss(pid: number, intervalMs = 50): RssSampler {
  const started = Date.now();
  const samples: RssSample[] = [];
  let hwm = 0;
  let peak = 0;
  const read = (): void => {
    const now = readRss(pid);
    if (!now) return;
    samples.push({ atMs: Date.now() - started, rssKiB: now.rssKiB });
    peak = Math.max(peak, now.rssKiB);
    hwm = Math.max(hwm, now.hwmKiB);
  };
  read();
  const timer = setInterval(read, intervalMs);
  timer.unref();
  return {
    samples: () => samples,
    hwmKiB: () => hwm,
    peakKiB: () => peak,
    stop() {
      read();
      clearInterval(timer);
      return { peakKiB: peak, hwmKiB: hwm, samples };
    },
  };
}

/** The median VmRSS of the samples taken from `fromMs` on (a steady state's level). */
export function medianRssKiB(samples: readonly RssSample[], fromMs = 0): number {
  const values = samples
    .filter((s) => s.atMs >= fromMs)
    .map((s) => s.rssKiB)
    .sort((a, b) => a - b);
  return values.length === 0 ? NaN : values[Math.floor(values.length / 2)]!;
}

export const mib = (kib: number): number => Math.round(kib / 1024);
