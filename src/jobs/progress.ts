// Progress of a one-shot command (backfill, sync): a cli-progress bar on a terminal (systems,
// windows, points, hits, ETA), plain lines every few seconds otherwise (logs, CI, pipes).
import cliProgress from 'cli-progress';

export interface ProgressFigures {
  done: number;
  windows: number;
  points: number;
  hits: number;
}

export interface ProgressReporter {
  start(total: number): void;
  update(figures: ProgressFigures): void;
  stop(): void;
}

const PLAIN_PROGRESS_EVERY_MS = 5_000;

function formatProgressLine(label: string, total: number, f: ProgressFigures, elapsedMs: number): string {
  const rate = f.done > 0 ? elapsedMs / f.done : undefined;
  const eta = rate === undefined ? '?' : `${Math.round(((total - f.done) * rate) / 1_000)}s`;
  return `${label}: ${f.done}/${total} systems, ${f.windows} windows, ${f.points} points, ${f.hits} hits, ETA ${eta}`;
}

export function createProgressReporter(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
  now: () => number = Date.now,
): ProgressReporter {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{total} systems | {windows} windows | {points} points | {hits} hits | ETA {eta_formatted}`,
        stream,
        hideCursor: true,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    return {
      start: (total) => bar.start(total, 0, { windows: 0, points: 0, hits: 0 }),
      update: (f) => bar.update(f.done, { windows: f.windows, points: f.points, hits: f.hits }),
      stop: () => bar.stop(),
    };
  }
  let total = 0;
  let started = 0;
  let lastLine = 0;
  let last: ProgressFigures = { done: 0, windows: 0, points: 0, hits: 0 };
  const write = (): void => {
    stream.write(`${formatProgressLine(label, total, last, now() - started)}\n`);
    lastLine = now();
  };
  return {
    start(n) {
      total = n;
      started = now();
      lastLine = started;
    },
    update(f) {
      const changed = f.done !== last.done;
      last = f;
      if (now() - lastLine >= PLAIN_PROGRESS_EVERY_MS || (changed && f.done === total)) write();
    },
    stop: () => write(),
  };
}
