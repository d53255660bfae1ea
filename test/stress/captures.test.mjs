// The stress generators at a small size: pakeana reads each capture as the attack intends
// (sessions, bytes, fragments), so the stress run measures what it says it measures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPakeana } from '../helpers.mjs';
import * as captures from './captures.mjs';
import { countPcapFrames } from './pcap-writer.mjs';

const dir = mkdtempSync(join(tmpdir(), 'pakeana-stress-test-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes the capture, checks its frame count, and reads it with `pakeana read --all --format json`. */
function read(generate, size, args = []) {
  const file = join(dir, `${generate.name}-${size}.pcap`);
  const packets = captures.writeCapture(file, generate, size);
  assert.equal(countPcapFrames(readFileSync(file)), packets);
  const run = runPakeana(['read', file, '--format', 'json', '--plugin', 'http', '--all', ...args]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.summary.packets, packets);
  return run;
}

test('normal: complete HTTP/1.1 connections of nine packets', () => {
  const { sessions, summary } = read(captures.normal, 90);
  assert.equal(summary.packets, 10 * captures.HTTP_PACKETS);
  assert.equal(sessions.length, 10);
  for (const s of sessions) {
    assert.equal(s.endReason, 'fin');
    assert.equal(s.tcp.missingBytes, 0);
    assert.deepEqual(
      s.http.map((x) => [x.method, x.uri, x.status, x.responseBodyBytes]),
      [['GET', '/index.html', 200, 1000]],
    );
  }
});

test('SYN flood: one session of one SYN per packet', () => {
  const { sessions } = read(captures.synFlood, 50);
  assert.equal(sessions.length, 50);
  assert.ok(sessions.every((s) => s.packets === 1 && s.server.port === 80 && s.bytes.client === 0));
});

test('fragment duplicates: one datagram, reassembled once the first and last fragments come', () => {
  const { sessions, summary } = read(captures.fragmentDuplicates, 10);
  assert.equal(summary.fragments, 12);
  assert.equal(summary.fragmentsReassembled, 1);
  assert.equal(sessions.length, 1);
  assert.equal(sessions[0].bytes.client, 20);
});

test('fragments missing: no datagram completes', () => {
  const { sessions, summary } = read(captures.fragmentsMissing, 10);
  assert.equal(summary.fragments, 20);
  assert.equal(summary.fragmentsReassembled, 0);
  assert.equal(sessions.length, 0);
});

test('fragment beyond the end: three fragments a datagram', () => {
  const file = join(dir, 'beyond.pcap');
  assert.equal(captures.writeCapture(file, captures.fragmentBeyondEnd, 4), 12);
  assert.equal(countPcapFrames(readFileSync(file)), 12);
});

test('one-byte segments ahead of a hole: every byte delivered once the hole fills', () => {
  const { sessions } = read(captures.outOfOrderOneByte, 50);
  assert.equal(sessions.length, 1);
  assert.equal(sessions[0].bytes.client, 51);
  assert.equal(sessions[0].tcp.missingBytes, 0);
  assert.equal(sessions[0].endReason, 'fin');
});

test('out-of-order connections: each holds 3000 bytes behind a 1000-byte hole', () => {
  const { sessions } = read(captures.outOfOrderConnections, 10);
  assert.equal(sessions.length, 10);
  assert.ok(sessions.every((s) => s.bytes.client === 3000 && s.tcp.missingBytes === 1000 && s.state === 'open'));
});

test('long export: short sessions and one open from the first packet to the last, every frame exported', () => {
  const out = join(dir, 'long.export.pcap');
  const { sessions, summary } = read(captures.longExport, 150, ['--export', out]);
  assert.equal(sessions.length, 151);
  const long = sessions.find((s) => s.client.port === 50000);
  assert.equal(long.endReason, 'fin');
  assert.equal(long.bytes.client, 100 * Math.floor((150 * captures.HTTP_PACKETS) / 100));
  assert.equal(countPcapFrames(readFileSync(out)), summary.packets);
});
