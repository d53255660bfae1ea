import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeLink, LinkType } from '../decode/link.js';
import { DecodedPacket } from '../decode/packet.js';
import { MemoryAccount, MemoryKind } from '../memory/memory-account.js';
import { Statistics } from '../pipeline/statistics.js';
import { newFrame } from '../sources/frame.js';
import { ipv4Header, ipv6Header, tcpFrame } from '../testing/packet-builder.js';
import { IpDefragmenter, type DefragmenterLimits } from './ip-defragmenter.js';
import { growth, LINEAR_RATIO } from '../testing/growth.js';

const PAYLOAD = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV'); // 58 bytes

/** IPv4 fragment [offset, offset+data.length) of datagram `id`. */
function v4Fragment(offset: number, data: Buffer, more: boolean, id = 7): Buffer {
  const ip = ipv4Header({ src: '10.0.0.1', dst: '10.0.0.2', ipId: id }, data.length);
  ip.writeUInt16BE((more ? 0x2000 : 0) | (offset / 8), 6);
  return Buffer.concat([ip, data]);
}

/** IPv6 fragment of datagram 99; `next`: the first header of the fragmentable part. */
function v6Fragment(offset: number, data: Buffer, more: boolean, next = 6): Buffer {
  const frag = Buffer.from([next, 0, 0, 0, 0, 0, 0, 99]);
  frag.writeUInt16BE(offset | (more ? 1 : 0), 2);
  return Buffer.concat([ipv6Header({ src: 'fd00::1', dst: 'fd00::2' }, 8 + data.length, 44), frag, data]);
}

/** The decoded fragment in `raw` (raw IPv4 or IPv6). */
function decodeFragment(raw: Buffer): DecodedPacket {
  const frame = newFrame();
  Object.assign(frame, { data: raw, offset: 0, caplen: raw.length, wireLen: raw.length, linkType: raw[0]! >> 4 === 6 ? LinkType.IPV6 : LinkType.IPV4 });
  const pkt = new DecodedPacket();
  decodeLink(frame, pkt);
  assert.ok(pkt.isFragment);
  return pkt;
}

function setUp(limits: Partial<DefragmenterLimits> = {}) {
  const stats = new Statistics();
  const account = new MemoryAccount();
  const defrag = new IpDefragmenter<number>({ timeoutSec: 30, maxBytes: 1 << 20, maxDatagrams: 100, ...limits }, stats, account);
  const feed = (raw: Buffer, tag = 0, time = 1): DecodedPacket | null => {
    const pkt = decodeFragment(raw);
    return defrag.add(pkt, time, tag) ? pkt : null;
  };
  const held = () => account.byKind[MemoryKind.Fragments];
  return { stats, account, defrag, feed, held };
}

const transport = (pkt: DecodedPacket) => pkt.buf.toString('latin1', pkt.l4Offset, pkt.l4Offset + pkt.l4Length);
const pieces = (order: number[]) => order.map((i) => [i * 16, PAYLOAD.subarray(i * 16, i * 16 + 16), i < 3] as const);

test('in order, reverse order, with a duplicate: the datagram, and its fragments in arrival order', () => {
  for (const order of [[0, 1, 2, 3], [3, 2, 1, 0], [1, 1, 3, 0, 2]]) {
    const { stats, defrag, feed, held } = setUp();
    let done: DecodedPacket | null = null;
    pieces(order).forEach(([offset, data, more], i) => {
      const r = feed(v4Fragment(offset, data, more), i);
      if (r) done = r;
    });
    assert.ok(done, `order ${order}`);
    const pkt = done as DecodedPacket;
    assert.equal(transport(pkt), PAYLOAD.toString('latin1'));
    assert.deepEqual([pkt.reassembled, pkt.protocol, pkt.addrLen, pkt.buf.readUInt32BE(pkt.srcOffset)], [true, 6, 4, 0x0a000001]);
    assert.deepEqual(defrag.takeAttachments(), order.map((_, i) => i));
    assert.equal(stats.fragmentsReassembled, 1);
    assert.equal(stats.fragmentOverlaps, 0);
    assert.equal(defrag.completedWithConflict, false, 'a duplicate is no conflict');
    assert.equal(held(), 0, 'all released on completion');
  }
});

test('overlaps with different data: the bytes that arrived first win, each is counted, and the completion says so', () => {
  const { stats, defrag, feed } = setUp();
  feed(v4Fragment(0, PAYLOAD.subarray(0, 32), true));
  feed(v4Fragment(16, Buffer.alloc(24, 'X'), true));
  const pkt = feed(v4Fragment(32, PAYLOAD.subarray(32), false))!;
  // 16..32 came first with the first fragment; 32..40 came first with the X fragment.
  assert.equal(transport(pkt), `${PAYLOAD.toString('latin1', 0, 32)}XXXXXXXX${PAYLOAD.toString('latin1', 40)}`);
  assert.equal(stats.fragmentOverlaps, 2);
  assert.equal(defrag.completedWithConflict, true);
  // The next datagram is clean again.
  feed(v4Fragment(0, PAYLOAD.subarray(0, 32), true, 8));
  assert.ok(feed(v4Fragment(32, PAYLOAD.subarray(32), false, 8)));
  assert.equal(defrag.completedWithConflict, false);
});

test('a fragment beyond the end the last fragment set: no throw, its bytes ignored, a conflict (was a RangeError)', () => {
  // Either order of the first two: the end is set before or after the fragment beyond it arrived.
  for (const [first, second] of [[0, 1], [1, 0]]) {
    const { stats, defrag, feed, held } = setUp();
    const early = [v4Fragment(16, PAYLOAD.subarray(16, 24), false), v4Fragment(32, PAYLOAD.subarray(32, 48), true)];
    assert.equal(feed(early[first]!), null);
    assert.equal(feed(early[second]!), null);
    const pkt = feed(v4Fragment(0, PAYLOAD.subarray(0, 16), true));
    assert.ok(pkt, `order ${first}${second}`);
    assert.equal(transport(pkt), PAYLOAD.toString('latin1', 0, 24));
    assert.equal(defrag.completedWithConflict, true);
    assert.deepEqual([stats.fragmentOverlaps, stats.fragmentsReassembled], [1, 1]);
    assert.equal(held(), 0);
  }
});

test('two last fragments that disagree on the length: the first one wins, counted as a conflict', () => {
  const { stats, defrag, feed } = setUp();
  feed(v4Fragment(16, PAYLOAD.subarray(16, 24), false));
  feed(v4Fragment(16, PAYLOAD.subarray(16, 40), false));
  const pkt = feed(v4Fragment(0, PAYLOAD.subarray(0, 16), true))!;
  assert.equal(transport(pkt), PAYLOAD.toString('latin1', 0, 24));
  assert.deepEqual([defrag.completedWithConflict, stats.fragmentOverlaps], [true, 1]);
});

test('a missing fragment: nothing, then the timeout drops the datagram and releases its memory', () => {
  const { stats, feed, defrag, held } = setUp();
  assert.equal(feed(v4Fragment(0, PAYLOAD.subarray(0, 16), true), 0, 100), null);
  assert.equal(feed(v4Fragment(32, PAYLOAD.subarray(32), false), 1, 100), null);
  assert.ok(held() > 16 + 26, 'the held bytes and their overhead are charged');
  defrag.expire(129);
  assert.equal(stats.fragmentTimeouts, 0);
  defrag.expire(131);
  assert.deepEqual([stats.fragmentTimeouts, held()], [1, 0]);
  assert.equal(feed(v4Fragment(16, PAYLOAD.subarray(16, 32), true), 2, 131), null, 'the rest is gone');
});

test('the byte bound evicts the oldest datagram, counted as an eviction', () => {
  const { stats, feed } = setUp({ maxBytes: 40 });
  feed(v4Fragment(0, PAYLOAD.subarray(0, 32), true, 1));
  feed(v4Fragment(0, PAYLOAD.subarray(0, 32), true, 2));
  assert.deepEqual([stats.fragmentEvictions, stats.fragmentTimeouts], [1, 0]);
  assert.ok(feed(v4Fragment(32, PAYLOAD.subarray(32), false, 2)), 'datagram 2 completes');
  assert.equal(feed(v4Fragment(32, PAYLOAD.subarray(32), false, 1)), null, 'datagram 1 was evicted');
});

test('the per-datagram fragment limit drops a datagram that takes too many fragments, counted', () => {
  const { stats, feed, held } = setUp({ fragmentsPerDatagram: 4 });
  for (let i = 0; i < 4; i++) assert.equal(feed(v4Fragment(0, PAYLOAD.subarray(0, 16), true)), null);
  assert.deepEqual([stats.fragmentsPerDatagramDrops, held()], [1, 0]);
  assert.equal(feed(v4Fragment(16, PAYLOAD.subarray(16), false)), null, 'the first fragment was dropped with its datagram');
  // The default (128) lets the largest datagram through at IPv4's 576-byte minimum MTU: 119 fragments.
  const big = Buffer.alloc(65515 - 20, 'z');
  const { stats: s2, feed: feed2 } = setUp({ maxBytes: 1 << 20 });
  let done: DecodedPacket | null = null;
  for (let offset = 0; offset < big.length; offset += 552) {
    done = feed2(v4Fragment(offset, big.subarray(offset, offset + 552), offset + 552 < big.length, 9));
  }
  assert.ok(done);
  assert.deepEqual([done.l4Length, s2.fragmentsPerDatagramDrops], [big.length, 0]);
});

test('shedOldest drops the oldest datagram for the memory account, and says when none is left', () => {
  const { account, defrag, feed, held } = setUp();
  feed(v4Fragment(0, PAYLOAD.subarray(0, 16), true, 1));
  feed(v4Fragment(0, PAYLOAD.subarray(0, 16), true, 2));
  const both = held();
  assert.equal(defrag.shedOldest(), true);
  assert.ok(held() > 0 && held() < both);
  assert.equal(feed(v4Fragment(16, PAYLOAD.subarray(16), false, 1)), null, 'datagram 1 was shed');
  assert.ok(feed(v4Fragment(16, PAYLOAD.subarray(16), false, 2)), 'datagram 2 was kept');
  assert.equal(defrag.shedOldest(), true, 'the new datagram 1');
  assert.equal(defrag.shedOldest(), false);
  assert.deepEqual([held(), account.shed[MemoryKind.Fragments]], [0, 2]);
});

test('attachments are charged while held', () => {
  const stats = new Statistics();
  const account = new MemoryAccount();
  const defrag = new IpDefragmenter<Buffer>({}, stats, account, (frame) => frame.length);
  defrag.add(decodeFragment(v4Fragment(0, PAYLOAD.subarray(0, 16), true)), 1, Buffer.alloc(1000));
  assert.ok(account.byKind[MemoryKind.Fragments]! > 1016);
  assert.ok(defrag.add(decodeFragment(v4Fragment(16, PAYLOAD.subarray(16), false)), 1, Buffer.alloc(1000)));
  assert.equal(account.used, 0);
});

test('IPv6 fragments', () => {
  const { feed } = setUp();
  assert.equal(feed(v6Fragment(24, PAYLOAD.subarray(24), false)), null);
  const pkt = feed(v6Fragment(0, PAYLOAD.subarray(0, 24), true))!;
  assert.deepEqual([pkt.addrLen, pkt.protocol, pkt.l4Length], [16, 6, PAYLOAD.length]);
  assert.equal(pkt.buf.toString('latin1', pkt.l4Offset), PAYLOAD.toString('latin1'));
});

test('IPv6: a destination options header after the fragment header, then TCP: the TCP segment', () => {
  const segment = tcpFrame({ src: 'fd00::1', dst: 'fd00::2', srcPort: 1234, dstPort: 80, seq: 1, payload: 'hello, fragments' }).subarray(14 + 40);
  const destination = Buffer.from([6, 0, 1, 4, 0, 0, 0, 0]); // next: TCP, a PadN option
  const fragmentable = Buffer.concat([destination, segment]);
  const { stats, feed } = setUp();
  assert.equal(feed(v6Fragment(24, fragmentable.subarray(24), false, 60)), null);
  const pkt = feed(v6Fragment(0, fragmentable.subarray(0, 24), true, 60))!;
  assert.ok(pkt);
  assert.deepEqual([pkt.protocol, pkt.l4Length, pkt.isFragment], [6, segment.length, false]);
  assert.deepEqual(pkt.buf.subarray(pkt.l4Offset), segment);
  // A fragment header inside the reassembled bytes: malformed, counted, not handed on.
  const nested = Buffer.concat([Buffer.from([6, 0, 0, 1, 0, 0, 0, 5]), segment]); // offset 0, more fragments
  assert.equal(feed(v6Fragment(16, nested.subarray(16), false, 44)), null);
  assert.equal(feed(v6Fragment(0, nested.subarray(0, 16), true, 44)), null);
  assert.equal(stats.headerErrors.ip, 1);
});

/** Each measurement repeats the job, so that a run is long enough to time. */
const REPEAT = 10;

/** Asserts that `run` takes at most LINEAR_RATIO times as long for 2n as for n (see growth). */
function assertLinear(run: (n: number) => void, n: number): void {
  const { ratio, small, large } = growth((size) => {
    for (let r = 0; r < REPEAT; r++) run(size);
  }, n);
  assert.ok(ratio <= LINEAR_RATIO, `${n}: ${small.toFixed(1)} ms, ${2 * n}: ${large.toFixed(1)} ms`);
}

const EIGHT = Buffer.from('01234567');

test('duplicates cost O(log n): 10k and 20k duplicate 8-byte fragments take linear time', () => {
  assertLinear((n) => {
    const { defrag } = setUp({ fragmentsPerDatagram: Infinity });
    defrag.add(decodeFragment(v4Fragment(800, EIGHT, false)), 1, 0); // the end is known: a completion check on every fragment
    const duplicate = decodeFragment(v4Fragment(8, EIGHT, true));
    for (let i = 0; i < n; i++) defrag.add(duplicate, 1, i);
  }, 10000);
});

test('distinct fragments in random order take linear time (4k and 8k 8-byte fragments of one datagram)', () => {
  const shuffled = (n: number) => {
    const offsets = Array.from({ length: n }, (_, i) => 8 * (i + 1)); // offset 0 never comes: no completion
    let seed = 12345;
    for (let i = n - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const j = seed % (i + 1);
      [offsets[i], offsets[j]] = [offsets[j]!, offsets[i]!];
    }
    return offsets;
  };
  const orders = new Map([4000, 8000].map((n) => [n, shuffled(n)]));
  const fragment = decodeFragment(v4Fragment(8, EIGHT, true)); // moved to each offset in turn
  // With the default limits: the datagram is dropped every 128 fragments.
  assertLinear((n) => {
    const { defrag, stats } = setUp();
    defrag.add(decodeFragment(v4Fragment(8 * (n + 1), EIGHT, false)), 1, 0);
    for (const offset of orders.get(n)!) {
      fragment.fragmentOffset = offset;
      defrag.add(fragment, 1, 0);
    }
    assert.equal(stats.fragmentsPerDatagramDrops, Math.floor((n + 1) / 128));
  }, 4000);
});

test('under the default limits a stream of duplicates drops its datagram every 128 fragments', () => {
  const { stats, defrag, held } = setUp();
  const duplicate = decodeFragment(v4Fragment(8, EIGHT, true));
  for (let i = 0; i < 20000; i++) defrag.add(duplicate, 1, i);
  assert.equal(stats.fragmentsPerDatagramDrops, Math.floor(20000 / 128));
  assert.ok(held() < 20000, 'only the last datagram is held');
});

test('fragments with the same addresses and id in different tunnels are different datagrams', () => {
  const inTunnel = (outerDst: string, raw: Buffer) => Buffer.concat([ipv4Header({ src: '10.9.0.1', dst: outerDst }, raw.length, 4), raw]);
  const { feed } = setUp();
  assert.equal(feed(inTunnel('10.9.0.2', v4Fragment(0, PAYLOAD.subarray(0, 32), true))), null);
  assert.equal(feed(inTunnel('10.9.0.3', v4Fragment(32, PAYLOAD.subarray(32), false))), null, 'another tunnel');
  const done = feed(inTunnel('10.9.0.2', v4Fragment(32, PAYLOAD.subarray(32), false)));
  assert.equal(done && transport(done), PAYLOAD.toString('latin1'));
});
