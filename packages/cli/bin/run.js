#!/usr/bin/env node
// pakeana's command line (oclif). Commands live in dist/commands.
require('reflect-metadata');
require('@oclif/core')
  .execute({ dir: __dirname })
  .catch((error) => {
    process.stderr.write(`pakeana: ${error && error.message ? error.message : error}\n`);
    process.exitCode = 2;
  });
