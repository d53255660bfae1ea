import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredFrame } from './frame.js';
import { PcapParser } from './pcap-reader.js';
import { ExportTargetError, PcapWriter } from './pcap-writer.js';

const frame = (text: string, tsSec: number, tsNsec: number, linkType = 1): StoredFrame => ({
  data: Buffer.from(text),
  wireLen: text.length + 10,
  tsSec,
  tsNsec,
  linkType,
  index: 0,
});

test('round trip: bytes, lengths and nanosecond timestamps survive; the file appears only on close', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pcap-writer-'));
  const path = join(dir, 'out.pcap');
  const writer = new PcapWriter(path);
  writer.write(frame('first', 1700000000, 123456789));
  writer.write(frame('other link', 1700000001, 0, 101));
  writer.write(frame('second', 1700000002, 999999999));
  assert.equal(existsSync(path), false, 'not there before close');
  writer.close();
  assert.deepEqual(readdirSync(dir), ['out.pcap'], 'the temporary file is gone');
  assert.equal(writer.skippedLinkTypeMismatch, 1);
  const seen: [string, number, number, number, number][] = [];
  const parser = new PcapParser((f) => seen.push([f.data.toString('latin1', f.offset, f.offset + f.caplen), f.tsSec, f.tsNsec, f.wireLen, f.linkType]));
  parser.push(readFileSync(path));
  parser.finish();
  assert.deepEqual(seen, [
    ['first', 1700000000, 123456789, 15, 1],
    ['second', 1700000002, 999999999, 16, 1],
  ]);
});

test('abort leaves nothing behind; an empty export is still a valid pcap', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pcap-writer-'));
  const aborted = new PcapWriter(join(dir, 'a.pcap'));
  aborted.write(frame('x', 1, 0));
  aborted.abort();
  assert.deepEqual(readdirSync(dir), []);
  const empty = new PcapWriter(join(dir, 'e.pcap'), 113);
  empty.close();
  const bytes = readFileSync(join(dir, 'e.pcap'));
  assert.deepEqual([bytes.length, bytes.readUInt32LE(0), bytes.readUInt32LE(20)], [24, 0xa1b23c4d, 113]);
});

test('a target that cannot be written is refused when the writer is made, with a code and one line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pcap-writer-'));
  mkdirSync(join(dir, 'sub'));
  const refused = (path: string, code: string, reason: string) => (e: unknown) =>
    e instanceof ExportTargetError && e.code === code && e.message === `cannot export to ${path}: ${reason}`;
  assert.throws(() => new PcapWriter(join(dir, 'sub')), refused(join(dir, 'sub'), 'EISDIR', 'is a directory'));
  assert.throws(() => new PcapWriter(join(dir, 'nope', 'out.pcap')), refused(join(dir, 'nope', 'out.pcap'), 'ENOENT', 'no such directory'));
  if (process.getuid?.() !== 0) {
    chmodSync(join(dir, 'sub'), 0o500);
    assert.throws(() => new PcapWriter(join(dir, 'sub', 'out.pcap')), refused(join(dir, 'sub', 'out.pcap'), 'EACCES', 'permission denied'));
    chmodSync(join(dir, 'sub'), 0o700);
  }
  assert.deepEqual(readdirSync(dir), ['sub'], 'no temporary file left');
  assert.deepEqual(readdirSync(join(dir, 'sub')), []);
});

test('temporary files of runs killed mid-export are removed; those of running processes are kept', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pcap-writer-'));
  const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  const stale = `.out.pcap.${exited}.tmp`;
  const running = `.out.pcap.${process.ppid}.tmp`;
  const others = ['.other.pcap.1.tmp', '.out.pcap.x.tmp', 'out.pcap.1.tmp'];
  for (const name of [stale, running, ...others]) writeFileSync(join(dir, name), 'partial');
  const writer = new PcapWriter(join(dir, 'out.pcap'));
  writer.close();
  assert.deepEqual(readdirSync(dir).sort(), [running, ...others, 'out.pcap'].sort());
});

test('a FIFO (or a device such as /dev/null) is written in place, not replaced by a renamed file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pcap-writer-fifo-'));
  const fifo = join(dir, 'out.pcap');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const reader = spawn('cat', [fifo]);
  const chunks: Buffer[] = [];
  reader.stdout.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => reader.on('close', resolve));
  const writer = new PcapWriter(fifo);
  writer.write(frame('through the pipe', 1, 0));
  writer.close();
  await done;
  assert.ok(statSync(fifo).isFIFO(), 'still a FIFO');
  const parsed: string[] = [];
  const parser = new PcapParser((f) => parsed.push(f.data.toString('latin1', f.offset, f.offset + f.caplen)));
  parser.push(Buffer.concat(chunks));
  parser.finish();
  assert.deepEqual(parsed, ['through the pipe']);
  assert.deepEqual(readdirSync(dir), ['out.pcap'], 'no temporary file');
});
