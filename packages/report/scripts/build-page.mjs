// Builds the report's page assets after `tsc -b` (which type-checks page/): page/main.ts with
// uPlot bundled in, as one minified script, and page/style.css with uPlot's styles, into
// dist/page/page.js and dist/page/page.css, which the report inlines (src/report-page.ts).
// Usage: node scripts/build-page.mjs
import { build } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const common = { absWorkingDir: root, bundle: true, minify: true, legalComments: 'none', logLevel: 'warning', target: ['chrome100', 'firefox100', 'safari15'] };
await build({ ...common, entryPoints: ['page/main.ts'], outfile: join(root, 'dist/page/page.js'), format: 'iife' });
await build({ ...common, entryPoints: ['page/style.css'], outfile: join(root, 'dist/page/page.css') });
