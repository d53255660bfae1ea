// A worker thread of `read --workers N`: the start-up bundle as bin/run.js loads it, then the worker.
const { join } = require('node:path');
const { loadBundle } = require('./start.js');

loadBundle(join(__dirname, '..'));
require('../dist/shard-worker.js');
