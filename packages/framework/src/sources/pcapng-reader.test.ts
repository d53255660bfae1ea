import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CaptureFormatError } from './capture-parser.js';
import { PcapngParser } from './pcapng-reader.js';
import { growth, LINEAR_RATIO } from '../testing/growth.js';

/** Builds pcapng blocks in one byte order. */
class Builder {
  constructor(readonly le: boolean) {}

  u16(v: number): Buffer {
    const b = Buffer.alloc(2);
    if (this.le) b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    return b;
  }

  u32(v: number): Buffer {
    const b = Buffer.alloc(4);
    if (this.le) b.writeUInt32LE(v >>> 0);
    else b.writeUInt32BE(v >>> 0);
    return b;
  }

  pad(b: Buffer): Buffer {
    return Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
  }

  block(type: number, body: Buffer): Buffer {
    const length = 12 + body.length;
    return Buffer.concat([this.u32(type), this.u32(length), body, this.u32(length)]);
  }

  option(code: number, value: Buffer): Buffer {
    return Buffer.concat([this.u16(code), this.u16(value.length), this.pad(value)]);
  }

  shb(): Buffer {
    const body = Buffer.concat([this.u32(0x1a2b3c4d), this.u16(1), this.u16(0), Buffer.alloc(8, 0xff)]);
    return this.block(0x0a0d0d0a, body);
  }

  idb(linkType: number, options: Buffer[] = []): Buffer {
    const opts = options.length ? Buffer.concat([...options, this.u32(0)]) : Buffer.alloc(0);
    return this.block(1, Buffer.concat([this.u16(linkType), this.u16(0), this.u32(65535), opts]));
  }

  epb(iface: number, timestamp: bigint, data: Buffer, wire = data.length): Buffer {
    const high = Number(timestamp >> 32n);
    const low = Number(timestamp & 0xffffffffn);
    const body = Buffer.concat([this.u32(iface), this.u32(high), this.u32(low), this.u32(data.length), this.u32(wire), this.pad(data)]);
    return this.block(6, body);
  }

  spb(data: Buffer): Buffer {
    return this.block(3, Buffer.concat([this.u32(data.length), this.pad(data)]));
  }

  pb(iface: number, timestamp: bigint, data: Buffer): Buffer {
    const high = Number(timestamp >> 32n);
    const low = Number(timestamp & 0xffffffffn);
    const body = Buffer.concat([this.u16(iface), this.u16(0), this.u32(high), this.u32(low), this.u32(data.length), this.u32(data.length), this.pad(data)]);
    return this.block(2, body);
  }
}

function read(file: Buffer, chunk = file.length) {
  const seen: { bytes: string; sec: number; nsec: number; link: number; wire: number }[] = [];
  const parser = new PcapngParser((f) =>
    seen.push({ bytes: f.data.toString('latin1', f.offset, f.offset + f.caplen), sec: f.tsSec, nsec: f.tsNsec, link: f.linkType, wire: f.wireLen }),
  );
  for (let at = 0; at < file.length; at += chunk) parser.push(file.subarray(at, at + chunk));
  parser.finish();
  return { seen, packets: parser.packets };
}

test('two interfaces with their own link type, if_tsresol and if_tsoffset', () => {
  const b = new Builder(true);
  const file = Buffer.concat([
    b.shb(),
    b.idb(1), // microseconds by default
    b.idb(101, [b.option(9, Buffer.from([9])), b.option(14, Buffer.from([10, 0, 0, 0, 0, 0, 0, 0]))]), // ns, +10 s
    b.idb(113, [b.option(9, Buffer.from([0x80 | 10]))]), // 2^-10 s
    b.epb(0, 1_700_000_000_123_456n, Buffer.from('eth')),
    b.epb(1, 1_700_000_000_987_654_321n, Buffer.from('raw')),
    b.epb(2, 1024n * 5n + 512n, Buffer.from('sll')),
  ]);
  assert.deepEqual(read(file).seen, [
    { bytes: 'eth', sec: 1_700_000_000, nsec: 123_456_000, link: 1, wire: 3 },
    { bytes: 'raw', sec: 1_700_000_010, nsec: 987_654_321, link: 101, wire: 3 },
    { bytes: 'sll', sec: 5, nsec: 500_000_000, link: 113, wire: 3 },
  ]);
});

test('simple and obsolete packet blocks count; unknown blocks are skipped', () => {
  const b = new Builder(false);
  const file = Buffer.concat([
    b.shb(),
    b.idb(1),
    b.block(0x0bad, Buffer.alloc(8, 7)),
    b.pb(0, 2_000_000n, Buffer.from('old')),
    b.spb(Buffer.from('simple')),
    b.block(5, Buffer.alloc(16)), // interface statistics
  ]);
  const { seen, packets } = read(file);
  assert.equal(packets, 2);
  assert.deepEqual(seen.map((s) => [s.bytes, s.sec]), [['old', 2], ['simple', 2]]);
});

test('several sections, each with its byte order and interfaces', () => {
  const le = new Builder(true);
  const be = new Builder(false);
  const file = Buffer.concat([
    le.shb(), le.idb(1), le.epb(0, 1_000_000n, Buffer.from('a')),
    be.shb(), be.idb(228), be.epb(0, 3_000_000n, Buffer.from('b')),
  ]);
  for (const chunk of [file.length, 7, 1]) {
    assert.deepEqual(read(file, chunk).seen.map((s) => [s.bytes, s.link, s.sec]), [['a', 1, 1], ['b', 228, 3]], `chunk ${chunk}`);
  }
});

test('damage: bad block length, lengths that disagree, an unknown interface, a cut block', () => {
  const b = new Builder(true);
  const good = Buffer.concat([b.shb(), b.idb(1), b.epb(0, 0n, Buffer.from('x'))]);
  const badLength = Buffer.from(good);
  badLength.writeUInt32LE(13, good.length - 36 + 4);
  assert.throws(() => read(badLength), (e: unknown) => e instanceof CaptureFormatError && /bad block length 13/.test(e.message));
  const disagree = Buffer.from(good);
  disagree.writeUInt32LE(40, good.length - 4);
  assert.throws(() => read(disagree), /disagree/);
  assert.throws(() => read(Buffer.concat([b.shb(), b.idb(1), b.epb(3, 0n, Buffer.from('x'))])), /interface 3/);
  assert.throws(() => read(good.subarray(0, good.length - 5)), /truncated block/);
  assert.throws(() => read(Buffer.concat([b.idb(1)])), /not a pcapng file/);
});

test('large blocks arriving in 64 KiB chunks (stdin) cost time linear in the block size', () => {
  const b = new Builder(true);
  const files = new Map<number, Buffer>();
  const file = (blockBytes: number) => {
    const blocks = [b.shb(), b.idb(1)];
    for (let i = 0; i < 4; i++) blocks.push(b.epb(0, 0n, Buffer.alloc(blockBytes, i)));
    return files.get(blockBytes) ?? files.set(blockBytes, Buffer.concat(blocks)).get(blockBytes)!;
  };
  // 8 and 16 MB blocks: both sizes well past the caches, so that only the algorithm differs.
  const { ratio, small, large } = growth(
    (size) => {
      const bytes = file(size);
      for (let pass = 0; pass < 16; pass++) {
        const lengths: number[] = [];
        const parser = new PcapngParser((f) => lengths.push(f.caplen));
        for (let at = 0; at < bytes.length; at += 65536) parser.push(bytes.subarray(at, at + 65536));
        parser.finish();
        assert.deepEqual(lengths, [size, size, size, size]);
      }
    },
    7_900_000,
    5,
  );
  assert.ok(ratio <= LINEAR_RATIO, `8 MB blocks: ${small.toFixed(1)} ms, 16 MB: ${large.toFixed(1)} ms (x${ratio.toFixed(2)})`);
});

test('each frame says where its bytes are in the file, also after a handler was cut off in the middle of a block', () => {
  const b = new Builder(true);
  const packets = [Buffer.from('first packet'), Buffer.from('second'), Buffer.from('third one')];
  const file = Buffer.concat([b.shb(), b.idb(1), ...packets.map((p, i) => b.epb(0, BigInt(i), p))]);
  const seen: string[] = [];
  let cut = true;
  const parser = new PcapngParser((frame) => {
    // The bytes at the frame's file offset are the frame's.
    seen.push(file.subarray(frame.fileOffset, frame.fileOffset + frame.caplen).toString());
    if (cut && frame.index === 1) {
      cut = false;
      throw new Error('cut off'); // as the watchdog stops a plugin call
    }
  });
  assert.throws(() => parser.push(file), /cut off/);
  parser.push(file.subarray(parser.unitEnd));
  assert.deepEqual(seen, ['first packet', 'second', 'third one']);
  assert.equal(parser.bytesRead, file.length);
});
