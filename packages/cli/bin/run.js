#!/usr/bin/env node
// pakeana's command line (oclif). Commands live in dist/commands.
require('reflect-metadata');
const { normalizeShortcutArgv } = require('../dist/trigger-setup.js');
require('@oclif/core')
  .execute({ dir: __dirname, args: normalizeShortcutArgv(process.argv.slice(2)) })
  .catch((error) => {
    process.stderr.write(`pakeana: ${error && error.message ? error.message : error}\n`);
    process.exitCode = 2;
  });
