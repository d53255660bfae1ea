/**
 * The package README's commands and display lines, run through the CLI as a process on Zeek's
 * traces (and a crafted HelloRetryRequest).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { Conversation, pcapFile } from '@pakeana/framework/testing';
import { HRR_RANDOM, TLS13, clientHello, ext, record, serverHello } from './crafted.test.helpers.js';

const cli = resolve(__dirname, '..', '..', 'cli', 'bin', 'run.js');
// Zeek's TLS traces, as committed with their tshark views for the agreement test.
const traces = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'tls-tshark');
const readme = readFileSync(resolve(__dirname, '..', 'README.md'), 'utf8');

function pakeana(...args: string[]): string {
  const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}

const dpiLines = (output: string) => output.split('\n').filter((line) => line.startsWith('DPI:TLS:'));

test('the README\'s display lines are what the pretty output prints', () => {
  const shown = [
    ...dpiLines(pakeana('read', join(traces, 'client-certificate.pcap'), '--plugin', 'tls', '--all')),
    ...dpiLines(pakeana('read', join(traces, 'tls-1.2-handshake-failure.pcap'), '--plugin', 'tls', '--all')),
    ...dpiLines(pakeana('read', join(traces, 'heartbleed.pcap'), '--plugin', 'tls', '--all')),
  ];
  const dir = mkdtempSync(join(tmpdir(), 'pakeana-tls-'));
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:443').handshake();
  c.send('client', record(22, clientHello({ extensions: [ext.supportedVersions([TLS13]), ext.clientKeyShare(0x1d)] })));
  c.send('server', record(22, serverHello({ random: HRR_RANDOM, cipher: 0x1301, extensions: [ext.selectedVersion(TLS13), ext.retryKeyShare(0x18)] })));
  writeFileSync(join(dir, 'hrr.pcap'), pcapFile(c.close().frames));
  shown.push(...dpiLines(pakeana('read', join(dir, 'hrr.pcap'), '--plugin', 'tls', '--all')));
  const documented = readme.split('\n').filter((line) => line.startsWith('DPI:TLS:'));
  assert.equal(documented.length, 6);
  for (const line of documented) assert.ok(shown.includes(line), `not printed: ${line}`);
});

test('the README\'s commands run: --plugin http --plugin tls as JSON, an option on the command line', () => {
  const json = pakeana('read', join(traces, 'tls1.2.pcap'), '--plugin', 'http', '--plugin', 'tls', '--all', '--format', 'json');
  const session = JSON.parse(json.split('\n')[0]);
  assert.equal(session.tls[0].version, 'TLSv12');
  const bounded = JSON.parse(pakeana('read', join(traces, 'tls1.2.pcap'), '--plugin', 'tls', '--option', 'tls.maxHandshakeMessage=256KiB', '--all', '--format', 'json').split('\n')[0]);
  assert.equal(bounded.tls[0].certificates.length, 3);
  const tiny = JSON.parse(pakeana('read', join(traces, 'tls1.2.pcap'), '--plugin', 'tls', '--option', 'tls.maxHandshakeMessage=1KiB', '--all', '--format', 'json').split('\n')[0]);
  assert.deepEqual(tiny.marks, ['tls.handshake-too-large']);
  assert.match(readme, /--option tls\.maxHandshakeMessage=256KiB/);
});
