#!/usr/bin/env node
// pakeana's command line (oclif). Commands live in dist/commands.
// oclif is loaded by its subpath entry points (@oclif/core/execute, /command, /flags, /args),
// not by '@oclif/core', whose index loads every part of oclif and semver at startup.
require('reflect-metadata');
try {
  process.cwd();
} catch {
  // the warning that '@oclif/core' gives when loaded; its subpath entry points do not check
  process.stderr.write('WARNING: current directory does not exist\n');
}
const { normalizeShortcutArgv } = require('../dist/trigger-setup.js');
require('@oclif/core/execute')
  .execute({ dir: __dirname, args: normalizeShortcutArgv(process.argv.slice(2)) })
  .catch((error) => {
    process.stderr.write(`pakeana: ${error && error.message ? error.message : error}\n`);
    process.exitCode = 2;
  });
