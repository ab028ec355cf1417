// Preloaded into a child (`node --import ./bench/support/memory-log.mjs ...`, or through
// bench/fleet.ts --worker-node-args): its process.memoryUsage() on stderr every 5 s, so an RSS
// read from /proc can be split into the JS heap (used and committed) and what lies outside it.
// With `--expose-gc` as well: every 30 s a full GC first, and the heap that survives it (`live`):
// what the process holds, apart from what V8 has not collected yet.
const started = Date.now();
const mib = (bytes) => Math.round(bytes / 1048576);
let ticks = 0;
globalThis
  .setInterval(() => {
    ticks += 1;
    const collect = typeof globalThis.gc === 'function' && ticks % 6 === 0;
    const before = collect ? process.memoryUsage() : undefined;
    if (collect) globalThis.gc();
    const m = process.memoryUsage();
    process.stderr.write(
      `memory t=${Math.round((Date.now() - started) / 1000)}s rss=${mib((before ?? m).rss)} heapTotal=${mib((before ?? m).heapTotal)} ` +
        `heapUsed=${mib((before ?? m).heapUsed)} external=${mib(m.external)} arrayBuffers=${mib(m.arrayBuffers)}` +
        (collect ? ` live=${mib(m.heapUsed)} rssAfterGc=${mib(m.rss)}` : '') +
        ' MiB\n',
    );
  }, 5_000)
  .unref();
