import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeLink, LinkType } from '../decode/link.js';
import { DecodedPacket } from '../decode/packet.js';
import { Statistics } from '../pipeline/statistics.js';
import { newFrame } from '../sources/frame.js';
import { ipv4Header, ipv6Header } from '../testing/packet-builder.js';
import { IpDefragmenter } from './ip-defragmenter.js';

const PAYLOAD = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV'); // 58 bytes

/** IPv4 fragment [offset, offset+data.length) of datagram `id`. */
function v4Fragment(offset: number, data: Buffer, more: boolean, id = 7): Buffer {
  const ip = ipv4Header({ src: '10.0.0.1', dst: '10.0.0.2', ipId: id }, data.length);
  ip.writeUInt16BE((more ? 0x2000 : 0) | (offset / 8), 6);
  return Buffer.concat([ip, data]);
}

function v6Fragment(offset: number, data: Buffer, more: boolean): Buffer {
  const frag = Buffer.from([6, 0, 0, 0, 0, 0, 0, 99]);
  frag.writeUInt16BE(offset | (more ? 1 : 0), 2);
  return Buffer.concat([ipv6Header({ src: 'fd00::1', dst: 'fd00::2' }, 8 + data.length, 44), frag, data]);
}

function feed(defrag: IpDefragmenter<number>, raw: Buffer, linkType: number, time: number, tag: number): DecodedPacket | null {
  const frame = newFrame();
  Object.assign(frame, { data: raw, offset: 0, caplen: raw.length, wireLen: raw.length, linkType });
  const pkt = new DecodedPacket();
  decodeLink(frame, pkt);
  assert.ok(pkt.isFragment);
  return defrag.add(pkt, time, tag) ? pkt : null;
}

const limits = { timeoutSec: 30, maxBytes: 1 << 20, maxDatagrams: 100 };
const pieces = (order: number[]) => order.map((i) => [i * 16, PAYLOAD.subarray(i * 16, i * 16 + 16), i < 3] as const);

test('in order, reverse order, with a duplicate: the datagram, and its fragments in arrival order', () => {
  for (const order of [[0, 1, 2, 3], [3, 2, 1, 0], [1, 1, 3, 0, 2]]) {
    const stats = new Statistics();
    const defrag = new IpDefragmenter<number>(limits, stats);
    let done: DecodedPacket | null = null;
    pieces(order).forEach(([offset, data, more], i) => {
      const r = feed(defrag, v4Fragment(offset, data, more), LinkType.IPV4, 1, i);
      if (r) done = r;
    });
    assert.ok(done, `order ${order}`);
    const pkt = done as DecodedPacket;
    assert.equal(pkt.buf.toString('latin1', pkt.l4Offset, pkt.l4Offset + pkt.l4Length), PAYLOAD.toString('latin1'));
    assert.deepEqual([pkt.reassembled, pkt.protocol, pkt.addrLen, pkt.buf.readUInt32BE(pkt.srcOffset)], [true, 6, 4, 0x0a000001]);
    assert.deepEqual(defrag.takeAttachments(), order.map((_, i) => i));
    assert.equal(stats.fragmentsReassembled, 1);
    assert.equal(stats.fragmentOverlaps, 0);
  }
});

test('overlaps with different data: the bytes that arrived first win, and each is counted', () => {
  const stats = new Statistics();
  const defrag = new IpDefragmenter<number>(limits, stats);
  feed(defrag, v4Fragment(0, PAYLOAD.subarray(0, 32), true), LinkType.IPV4, 1, 0);
  feed(defrag, v4Fragment(16, Buffer.alloc(24, 'X'), true), LinkType.IPV4, 1, 1);
  const pkt = feed(defrag, v4Fragment(32, PAYLOAD.subarray(32), false), LinkType.IPV4, 1, 2)!;
  const text = pkt.buf.toString('latin1', pkt.l4Offset, pkt.l4Offset + pkt.l4Length);
  // 16..32 came first with the first fragment; 32..40 came first with the X fragment.
  assert.equal(text, `${PAYLOAD.toString('latin1', 0, 32)}XXXXXXXX${PAYLOAD.toString('latin1', 40)}`);
  assert.equal(stats.fragmentOverlaps, 2);
});

test('a missing fragment: nothing, then the timeout drops the datagram', () => {
  const stats = new Statistics();
  const defrag = new IpDefragmenter<number>(limits, stats);
  assert.equal(feed(defrag, v4Fragment(0, PAYLOAD.subarray(0, 16), true), LinkType.IPV4, 100, 0), null);
  assert.equal(feed(defrag, v4Fragment(32, PAYLOAD.subarray(32), false), LinkType.IPV4, 100, 1), null);
  defrag.expire(129);
  assert.equal(stats.fragmentTimeouts, 0);
  defrag.expire(131);
  assert.equal(stats.fragmentTimeouts, 1);
  assert.equal(feed(defrag, v4Fragment(16, PAYLOAD.subarray(16, 32), true), LinkType.IPV4, 131, 2), null, 'the rest is gone');
});

test('the memory bound evicts the oldest datagram', () => {
  const stats = new Statistics();
  const defrag = new IpDefragmenter<number>({ timeoutSec: 30, maxBytes: 40, maxDatagrams: 100 }, stats);
  feed(defrag, v4Fragment(0, PAYLOAD.subarray(0, 32), true, 1), LinkType.IPV4, 1, 0);
  feed(defrag, v4Fragment(0, PAYLOAD.subarray(0, 32), true, 2), LinkType.IPV4, 1, 1);
  assert.equal(stats.fragmentTimeouts, 1);
  assert.ok(feed(defrag, v4Fragment(32, PAYLOAD.subarray(32), false, 2), LinkType.IPV4, 1, 2), 'datagram 2 completes');
  assert.equal(feed(defrag, v4Fragment(32, PAYLOAD.subarray(32), false, 1), LinkType.IPV4, 1, 3), null, 'datagram 1 was evicted');
});

test('IPv6 fragments', () => {
  const stats = new Statistics();
  const defrag = new IpDefragmenter<number>(limits, stats);
  assert.equal(feed(defrag, v6Fragment(24, PAYLOAD.subarray(24), false), LinkType.IPV6, 1, 0), null);
  const pkt = feed(defrag, v6Fragment(0, PAYLOAD.subarray(0, 24), true), LinkType.IPV6, 1, 1)!;
  assert.deepEqual([pkt.addrLen, pkt.protocol, pkt.l4Length], [16, 6, PAYLOAD.length]);
  assert.equal(pkt.buf.toString('latin1', pkt.l4Offset), PAYLOAD.toString('latin1'));
});
