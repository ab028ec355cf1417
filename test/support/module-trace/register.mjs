// `node --import <this file's URL>` with MODULE_TRACE_FILE set: appends the URL of every module
// the process loads to that file, one a line. ES modules are seen by the hooks in hooks.mjs;
// CommonJS modules required from CommonJS (which those hooks do not see on Node 20) are listed from
// the require cache when the process exits. Tests use it to show what a command does not load.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const file = process.env.MODULE_TRACE_FILE;
if (file) {
  register('./hooks.mjs', import.meta.url, { data: { file } });
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => {
    const urls = Object.keys(cache).map((path) => pathToFileURL(path).href);
    if (urls.length > 0) appendFileSync(file, `${urls.join('\n')}\n`);
  });
}
