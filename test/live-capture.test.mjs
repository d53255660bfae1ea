// Live capture end to end: an HTTP server on the loopback of a fresh network namespace,
// `pakeana capture -i lo` in the same namespace, three requests (a normal one, one answered
// 500, one reset by the server), then SIGINT. Exactly the 500 and the reset sessions must be
// printed and exported, and the summary must come out on stderr after the signal.
// Needs root (ip netns), libpcap and the built `cap` addon: skipped with the reason otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pakeanaBin, runPakeana } from './helpers.mjs';

function whyNotRunnable() {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, packet capture)';
  if (spawnSync('ip', ['netns', 'list']).status !== 0) return 'needs `ip netns` (iproute2)';
  const cap = spawnSync(process.execPath, ['-e', "require('cap')"], { cwd: new URL('..', import.meta.url).pathname });
  if (cap.status !== 0) return "needs libpcap and the 'cap' addon (apt-get install libpcap-dev; npm rebuild cap)";
  return null;
}

const SERVER = `
const http = require('http');
http.createServer((req, res) => {
  if (req.url === '/fail') { res.statusCode = 500; res.end('boom\\n'); }
  else if (req.url === '/reset') { res.write('partial'); setTimeout(() => req.socket.resetAndDestroy(), 20); }
  else res.end('ok\\n');
}).listen(8080, '127.0.0.1', () => console.log('listening'));
`;

const CLIENT = `
const http = require('http');
const get = (path) => new Promise((resolve) => {
  const req = http.get({ host: '127.0.0.1', port: 8080, path, agent: false }, (res) => { res.resume(); res.on('end', resolve); res.on('error', resolve); });
  req.on('error', resolve);
});
(async () => { await get('/ok'); await get('/fail'); await get('/reset'); })();
`;

const CONFIG = `triggers:
  - tcp.reset
  - http.status: { min: 500 }
`;

const reason = whyNotRunnable();

test('live capture on loopback: reported sessions, export, SIGINT and summary', { skip: reason ?? false, timeout: 60_000 }, async () => {
  const ns = `pakeana-live-${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'pakeana-live-'));
  const exportFile = join(dir, 'reported.pcap');
  writeFileSync(join(dir, 'server.js'), SERVER);
  writeFileSync(join(dir, 'client.js'), CLIENT);
  writeFileSync(join(dir, 'triggers.yaml'), CONFIG);
  spawnSync('ip', ['netns', 'add', ns]);
  spawnSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  const children = [];
  try {
    const server = spawn('ip', ['netns', 'exec', ns, process.execPath, join(dir, 'server.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(server);
    await new Promise((resolve) => server.stdout.once('data', resolve));
    const pakeana = spawn(
      'ip',
      ['netns', 'exec', ns, process.execPath, pakeanaBin, 'capture', '-i', 'lo', '--plugin', 'http', '--filter', 'tcp port 8080',
        '--config', join(dir, 'triggers.yaml'), '--format', 'json', '--export', exportFile],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(pakeana);
    let stdout = '';
    let stderr = '';
    pakeana.stdout.on('data', (d) => (stdout += d));
    pakeana.stderr.on('data', (d) => (stderr += d));
    await new Promise((resolve) => setTimeout(resolve, 1500)); // libpcap is open by then
    const client = spawnSync('ip', ['netns', 'exec', ns, process.execPath, join(dir, 'client.js')], { timeout: 20_000 });
    assert.equal(client.status, 0, 'the client ran');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const exited = new Promise((resolve) => pakeana.once('exit', (code, signal) => resolve({ code, signal })));
    pakeana.kill('SIGINT');
    const { code } = await exited;
    assert.equal(code, 0, `pakeana exits 0 after SIGINT (stderr: ${stderr})`);

    const sessions = stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.type === 'session');
    const byPath = (path) => sessions.filter((s) => (s.http ?? []).some((h) => h.uri === path));
    assert.equal(byPath('/ok').length, 0, 'the healthy session is not reported');
    assert.equal(byPath('/fail').length, 1, 'the 500 is reported');
    assert.deepEqual(byPath('/fail')[0].triggers, ['http.status']);
    assert.equal(byPath('/fail')[0].http[0].status, 500);
    assert.equal(byPath('/reset').length, 1, 'the reset session is reported');
    assert.ok(byPath('/reset')[0].triggers.includes('tcp.reset'));
    assert.match(stderr, /packets/i, 'a summary on stderr');

    assert.ok(existsSync(exportFile), 'the export was written');
    const reread = runPakeana(['read', exportFile, '--plugin', 'http', '--all', '--format', 'json']);
    assert.equal(reread.status, 0);
    const uris = reread.sessions.flatMap((s) => (s.http ?? []).map((h) => h.uri)).sort();
    assert.deepEqual(uris, ['/fail', '/reset'], 'the export holds exactly the reported sessions');
  } finally {
    for (const child of children) child.kill('SIGKILL');
    spawnSync('ip', ['netns', 'del', ns]);
    rmSync(dir, { recursive: true, force: true });
  }
});
