// Runs every compiled unit test (packages/*/dist/**/*.test.js), the integration tests
// (test/**/*.test.mjs) and the example plugins' tests (examples/**/*.test.js) with node's
// test runner; extra arguments are passed to `node --test`.
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const found = [];
const walk = (dir, pattern) => {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, pattern);
    else if (pattern.test(name)) found.push(path);
  }
};
for (const pkg of readdirSync(join(root, 'packages'))) walk(join(root, 'packages', pkg, 'dist'), /\.test\.js$/);
walk(join(root, 'test'), /\.test\.mjs$/);
walk(join(root, 'examples'), /\.test\.m?js$/);
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = only.length ? found.filter((f) => only.some((o) => f.includes(o))) : found;
const flags = process.argv.slice(2).filter((a) => a.startsWith('-'));
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...flags, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
