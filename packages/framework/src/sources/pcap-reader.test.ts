import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CaptureFormatError } from './capture-parser.js';
import type { Frame } from './frame.js';
import { PcapParser } from './pcap-reader.js';

interface Seen {
  bytes: string;
  sec: number;
  nsec: number;
  wire: number;
  link: number;
  index: number;
}

/** A pcap file with the given byte order and resolution; frames are [sec, fraction, bytes]. */
function pcap(littleEndian: boolean, nano: boolean, frames: [number, number, Buffer][], linkType = 1): Buffer {
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    if (littleEndian) b.writeUInt32LE(v >>> 0);
    else b.writeUInt32BE(v >>> 0);
    return b;
  };
  const u16 = (v: number) => {
    const b = Buffer.alloc(2);
    if (littleEndian) b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    return b;
  };
  const header = Buffer.concat([u32(nano ? 0xa1b23c4d : 0xa1b2c3d4), u16(2), u16(4), u32(0), u32(0), u32(65535), u32(linkType)]);
  const records = frames.map(([sec, fraction, data]) => Buffer.concat([u32(sec), u32(fraction), u32(data.length), u32(data.length + 4), data]));
  return Buffer.concat([header, ...records]);
}

function parse(chunks: Buffer[]): { seen: Seen[]; parser: PcapParser } {
  const seen: Seen[] = [];
  const parser = new PcapParser((f: Frame) =>
    seen.push({
      bytes: f.data.toString('latin1', f.offset, f.offset + f.caplen),
      sec: f.tsSec,
      nsec: f.tsNsec,
      wire: f.wireLen,
      link: f.linkType,
      index: f.index,
    }),
  );
  for (const c of chunks) parser.push(c);
  parser.finish();
  return { seen, parser };
}

const FRAMES: [number, number, Buffer][] = [
  [1700000000, 123456, Buffer.from('first')],
  [1700000001, 999999, Buffer.from('second frame')],
  [1700000002, 0, Buffer.from('')],
];

test('both byte orders, microseconds', () => {
  for (const le of [true, false]) {
    const { seen } = parse([pcap(le, false, FRAMES, 113)]);
    assert.deepEqual(
      seen.map((s) => [s.bytes, s.sec, s.nsec, s.wire, s.link, s.index]),
      [
        ['first', 1700000000, 123456000, 9, 113, 1],
        ['second frame', 1700000001, 999999000, 16, 113, 2],
        ['', 1700000002, 0, 4, 113, 3],
      ],
    );
  }
});

test('nanosecond magic keeps nanoseconds', () => {
  const { seen } = parse([pcap(false, true, [[1, 999999999, Buffer.from('x')]])]);
  assert.equal(seen[0]!.nsec, 999999999);
});

test('FCS bits in the link-type field are masked off', () => {
  const { seen } = parse([pcap(true, false, [[1, 0, Buffer.from('x')]], 0x10000001)]);
  assert.equal(seen[0]!.link, 1);
});

test('records split across chunks at every position give the same frames', () => {
  const file = pcap(true, false, FRAMES);
  const whole = parse([file]).seen;
  for (let cut = 1; cut < file.length; cut++) {
    assert.deepEqual(parse([file.subarray(0, cut), file.subarray(cut)]).seen, whole, `cut at ${cut}`);
  }
  const bytes = [...file].map((b) => Buffer.from([b]));
  assert.deepEqual(parse(bytes).seen, whole, 'one byte at a time');
});

test('a file cut in a record: frames before it, then a clear error', () => {
  const file = pcap(true, false, FRAMES);
  const seen: string[] = [];
  const parser = new PcapParser((f) => seen.push(f.data.toString('latin1', f.offset, f.offset + f.caplen)));
  parser.push(file.subarray(0, file.length - 20));
  assert.throws(() => parser.finish(), (e: unknown) => e instanceof CaptureFormatError && /truncated record 2/.test(e.message));
  assert.deepEqual(seen, ['first']);
});

test('an absurd captured length is damage, found without buffering it', () => {
  const file = pcap(true, false, FRAMES);
  file.writeUInt32LE(0x7fffffff, 24 + 8 + 16 + 5); // caplen of the second record
  const parser = new PcapParser(() => {});
  assert.throws(() => parser.push(file), (e: unknown) => e instanceof CaptureFormatError && /exceeds/.test(e.message));
  const split = new PcapParser(() => {});
  split.push(file.subarray(0, 24 + 16 + 5 + 12));
  assert.throws(() => split.push(file.subarray(24 + 16 + 5 + 12)), CaptureFormatError);
});

test('a header claiming snaplen 0xFFFFFFFF and a lying record length: damage at the record, nothing buffered', () => {
  const file = pcap(true, false, FRAMES.slice(0, 1));
  file.writeUInt32LE(0xffffffff, 16); // snaplen
  const lying = Buffer.alloc(16);
  lying.writeUInt32LE(400_000_000, 8);
  lying.writeUInt32LE(400_000_000, 12);
  const parser = new PcapParser(() => {});
  parser.push(file);
  const at = file.length;
  const start = performance.now();
  const chunk = Buffer.alloc(65536);
  assert.throws(
    () => {
      parser.push(lying.subarray(0, 10)); // the length arrives split, as from a pipe
      parser.push(lying.subarray(10));
      for (let i = 0; i < 128; i++) parser.push(chunk); // 8 MB of the claimed 400: none of it gathered
    },
    (e: unknown) => e instanceof CaptureFormatError && e.byteOffset === at && e.message === `damaged record 2 at byte ${at}: captured length 400000000 exceeds 1048576`,
  );
  assert.ok(performance.now() - start < 50, 'found at the record header');
});

test('not a pcap: the magic is named', () => {
  assert.throws(() => new PcapParser(() => {}).push(Buffer.from('GET / HTTP/1.1\r\n\r\nxxxxxxxxxx')), /not a pcap file \(magic 0x47455420\)/);
});

test('each frame says where its bytes are in the file, however the file is cut into chunks', () => {
  const file = pcap(true, false, FRAMES);
  for (const cut of [1, 30, 45, 60, file.length - 3]) {
    const found: string[] = [];
    const parser = new PcapParser((f: Frame) => void found.push(file.toString('latin1', f.fileOffset, f.fileOffset + f.caplen)));
    parser.push(file.subarray(0, cut));
    parser.push(file.subarray(cut));
    assert.deepEqual(found, ['first', 'second frame', ''], `cut at ${cut}`);
  }
});
