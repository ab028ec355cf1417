// Summarises V8 heap snapshots (node --heapsnapshot-signal, v8.writeHeapSnapshot: a snapshot is
// taken after a full GC, so it holds only what is still reachable) by what the objects are: the
// node's type and name (a constructor, a closure's function name, "(string)", "(array)" ...),
// with count and self size. Given two snapshots, the difference: what grew between them.
//
//   node bench/support/heap-summary.mjs a.heapsnapshot [b.heapsnapshot] [--top 40]
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 40;
const files = args.filter((a, i) => !a.startsWith('--') && i !== topAt + 1);

/** Group key → { count, size } of one snapshot. */
function summarise(file) {
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  const meta = snapshot.snapshot.meta;
  const fields = meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const types = meta.node_types[typeAt];
  const { nodes, strings } = snapshot;
  const groups = new Map();
  let total = 0;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]];
    const size = nodes[i + sizeAt];
    // Strings and numbers by type only: their names are their contents.
    const name =
      type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'number'
        ? ''
        : String(strings[nodes[i + nameAt]]).slice(0, 80);
    const key = `${type}\t${name}`;
    const g = groups.get(key) ?? { count: 0, size: 0 };
    g.count += 1;
    g.size += size;
    total += size;
    groups.set(key, g);
  }
  return { groups, total, nodes: nodes.length / width };
}

const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
const row = (key, g) =>
  `${String(g.count).padStart(9)}  ${kib(g.size).padStart(11)}  ${key.replace('\t', '  ')}`;

const [a, b] = files.map(summarise);
if (!a) throw new Error('usage: heap-summary.mjs a.heapsnapshot [b.heapsnapshot] [--top n]');
console.log(`${files[0]}: ${a.nodes} objects, ${kib(a.total)}`);
if (!b) {
  console.log('    count    self size  type  name');
  for (const [key, g] of [...a.groups].sort((x, y) => y[1].size - x[1].size).slice(0, top))
    console.log(row(key, g));
} else {
  console.log(`${files[1]}: ${b.nodes} objects, ${kib(b.total)} (${kib(b.total - a.total)} more)`);
  const diff = [];
  for (const [key, g] of b.groups) {
    const before = a.groups.get(key) ?? { count: 0, size: 0 };
    diff.push([key, { count: g.count - before.count, size: g.size - before.size }]);
  }
  for (const [key, g] of a.groups)
    if (!b.groups.has(key)) diff.push([key, { count: -g.count, size: -g.size }]);
  console.log('grown by size:\n    count    self size  type  name');
  for (const [key, g] of diff.sort((x, y) => y[1].size - x[1].size).slice(0, top)) console.log(row(key, g));
  console.log('grown by count:');
  for (const [key, g] of diff.sort((x, y) => y[1].count - x[1].count).slice(0, top)) console.log(row(key, g));
}
