// Helpers of the live capture tests: whether they can run here, a fresh network namespace to
// capture in, and `pakeana capture` started in it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pakeanaBin } from './helpers.mjs';

const root = new URL('..', import.meta.url).pathname;
const addonLoads = () => spawnSync(process.execPath, ['-e', "require('@pakeana/cap')"], { cwd: root }).status === 0;

/** Why live capture tests cannot run here (null: they can): root, `ip netns`, the addon. */
export function whyNotRunnable() {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, packet capture)';
  if (spawnSync('ip', ['netns', 'list']).status !== 0) return 'needs `ip netns` (iproute2)';
  if (!addonLoads()) return 'needs libpcap and the @pakeana/cap addon (apt-get install libpcap-dev; npm rebuild @pakeana/cap)';
  return null;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `body({ ns, dir, spawnIn })` (returning what it returns) with a fresh network namespace (loopback up) and a temp
 * directory; `spawnIn` starts a process in the namespace, killed at the end.
 */
export async function inNamespace(body) {
  const ns = `pakeana-live-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const dir = mkdtempSync(join(tmpdir(), 'pakeana-live-'));
  spawnSync('ip', ['netns', 'add', ns]);
  spawnSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  const children = [];
  const spawnIn = (args, options) => {
    const child = spawn('ip', ['netns', 'exec', ns, ...args], options);
    children.push(child);
    return child;
  };
  try {
    return await body({ ns, dir, spawnIn });
  } finally {
    for (const child of children) child.kill('SIGKILL');
    spawnSync('ip', ['netns', 'del', ns]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `pakeana capture ARGS` in the namespace: its output so far, and `exited(ms)`: its exit status
 * and time, or `{ code: 'still running' }` after `ms` (a hung capture fails the test, not its timeout).
 */
export function startCapture(spawnIn, args) {
  const child = spawnIn([process.execPath, pakeanaBin, 'capture', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const run = { child, stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (run.stdout += d));
  child.stderr.on('data', (d) => (run.stderr += d));
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  // The timer does not hold the test process once the capture has exited.
  const timeout = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());
  run.exited = (ms = 20_000) => Promise.race([exit, timeout(ms).then(() => ({ code: 'still running', at: Date.now() }))]);
  return run;
}

export const jsonRecords = (stdout) => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
