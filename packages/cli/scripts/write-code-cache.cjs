// Writes V8's code cache of dist/bundle.js (run by scripts/bundle.mjs): runs the commands a
// start-up mostly runs, in this process, then saves what V8 compiled for them.
// Usage: node scripts/write-code-cache.cjs CACHE_FILE CAPTURE
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { loadBundle, runCli } = require('../bin/start.js');

const [cacheFile, capture] = process.argv.slice(2);
const root = join(__dirname, '..');
const bundle = loadBundle(root, { codeCache: false });
if (!bundle) throw new Error('dist/bundle.js was not loaded');

const RUNS = [['read', capture], ['read', capture, '--plugin', 'http', '--all'], ['--help']];

(async () => {
  for (const args of RUNS) await runCli(root, args, bundle);
  writeFileSync(cacheFile, bundle.script.createCachedData());
})();
