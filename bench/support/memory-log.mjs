// Preloaded into a child (`node --import ./bench/support/memory-log.mjs ...`, or through
// bench/fleet.ts --worker-node-args): its process.memoryUsage() on stderr every 5 s, so an RSS
// read from /proc can be split into the JS heap (used and committed) and what lies outside it.
const started = Date.now();
const mib = (bytes) => Math.round(bytes / 1048576);
globalThis
  .setInterval(() => {
    const m = process.memoryUsage();
    process.stderr.write(
      `memory t=${Math.round((Date.now() - started) / 1000)}s rss=${mib(m.rss)} heapTotal=${mib(m.heapTotal)} ` +
        `heapUsed=${mib(m.heapUsed)} external=${mib(m.external)} arrayBuffers=${mib(m.arrayBuffers)} MiB\n`,
    );
  }, 5_000)
  .unref();
