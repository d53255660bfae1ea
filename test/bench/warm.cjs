#!/usr/bin/env node
// `node test/bench/warm.cjs RUNS FILE ARGS...`: runs `pakeana read FILE ARGS...` RUNS times in
// one process (stdout dropped) and prints each run's wall time in ms as a JSON array. The
// first run pays for module loading and the JIT's warm-up; the later ones show the pipeline's
// steady speed, which is what a long capture or a live one gets.
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const cli = join(__dirname, '../../packages/cli');
require(require.resolve('reflect-metadata', { paths: [cli] }));
const { run } = require(require.resolve('@oclif/core', { paths: [cli] }));
const { normalizeShortcutArgv } = require(join(cli, 'dist/trigger-setup.js'));

(async () => {
  const [runs, ...args] = process.argv.slice(2);
  const write = process.stdout.write.bind(process.stdout);
  const times = [];
  for (let i = 0; i < Number(runs); i++) {
    const start = performance.now();
    process.stdout.write = () => true;
    try {
      await run(['read', ...normalizeShortcutArgv(args)], join(cli, 'bin/run.js'));
    } finally {
      process.stdout.write = write;
    }
    times.push(Math.round(performance.now() - start));
  }
  write(`${JSON.stringify(times)}\n`);
})().catch((error) => {
  process.stderr.write(`warm.cjs: ${error && error.message ? error.message : error}\n`);
  process.exitCode = 1;
});
