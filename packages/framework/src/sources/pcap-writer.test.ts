import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredFrame } from './frame.js';
import { PcapParser } from './pcap-reader.js';
import { PcapWriter } from './pcap-writer.js';

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
