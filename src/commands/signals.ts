// How every command ends when asked to, and when nobody reads its output any more. The first
// SIGINT/SIGTERM asks for the graceful stop (finish or hand back what is in flight, flush); a
// second one ends the process at once with 130 — nothing is lost by that either, because a
// watermark moves only after its points are written, so a rerun fetches again what was cut off.

/** The exit code of a command ended by a second signal (the shell's code for SIGINT). */
export const SECOND_SIGNAL_EXIT_CODE = 130;

/**
 * Calls `onFirst` on the first SIGINT or SIGTERM, exits 130 at once on the second. Returns the
 * function that removes the handlers (call it only when the command has nothing left to do).
 */
export function onStopSignals(onFirst: (signal: NodeJS.Signals) => void): () => void {
  let received = false;
  const on = (signal: NodeJS.Signals): void => {
    if (!received) {
      received = true;
      onFirst(signal);
      return;
    }
    process.stderr.write(
      `enphase-etl: ${signal} again: stopped at once; nothing unwritten was committed, run it again to resume\n`,
    );
    process.exit(SECOND_SIGNAL_EXIT_CODE);
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return () => {
    process.off('SIGINT', on);
    process.off('SIGTERM', on);
  };
}

/** How long a command whose work is done may linger before it is ended (see endSoon). */
export const LINGER_MS = 2_000;

/**
 * Ends the process `ms` from now unless it has ended by itself: called when a command's work is
 * done and everything was closed within its bounds. What may be left is BullMQ's own timers of a
 * worker whose close never completed because Redis was gone; they would keep it alive for ever.
 * The exit code is the one the command set.
 */
export function endSoon(ms = LINGER_MS): void {
  setTimeout(() => process.exit(), ms).unref();
}

/** A promise of the first stop signal, and the remover of the handlers (see onStopSignals). */
export function firstStopSignal(): { signal: Promise<NodeJS.Signals>; remove: () => void } {
  let resolve!: (signal: NodeJS.Signals) => void;
  const signal = new Promise<NodeJS.Signals>((r) => (resolve = r));
  return { signal, remove: onStopSignals(resolve) };
}

/**
 * A closed pipe on stdout (`enphase-etl status | head -1`) ends the command quietly with the exit
 * code it has so far, as a SIGPIPE would end a C program; on stderr it is ignored (there is no one
 * left to tell). Without this, Node reports an unhandled 'error' event with a stack trace.
 */
let pipesWatched = false;
export function endQuietlyOnClosedPipe(): void {
  if (pipesWatched) return; // main() may run more than once in one process (tests)
  pipesWatched = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw error;
  });
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
