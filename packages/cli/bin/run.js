#!/usr/bin/env node
// pakeana's command line (oclif): commands in dist/commands, started as bin/start.js says.
const { join } = require('node:path');
const { loadBundle, runCli } = require('./start.js');

const root = join(__dirname, '..');
runCli(root, process.argv.slice(2), loadBundle(root)).catch((error) => {
  process.stderr.write(`pakeana: ${error && error.message ? error.message : error}\n`);
  process.exitCode = 2;
});
