import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecodeStatus } from './packet.js';
import { decodeBytes, FLOW, innerFrame, innerPacket, innerPacket6, overIp, REPLY } from './test-frames.js';

/** A GRE header: flags word, protocol, then the optional fields. */
function gre(protocol: number, payload: Buffer, options: { checksum?: boolean; key?: number; seq?: number } = {}): Buffer {
  const flags = (options.checksum ? 0x8000 : 0) | (options.key !== undefined ? 0x2000 : 0) | (options.seq !== undefined ? 0x1000 : 0);
  const words: number[] = [];
  if (options.checksum) words.push(0xbeef0000);
  if (options.key !== undefined) words.push(options.key);
  if (options.seq !== undefined) words.push(options.seq);
  const header = Buffer.alloc(4 + words.length * 4);
  header.writeUInt16BE(flags, 0);
  header.writeUInt16BE(protocol, 2);
  words.forEach((w, i) => header.writeUInt32BE(w, 4 + i * 4));
  return Buffer.concat([header, payload]);
}

test('GRE: IPv4 inside, the outer addresses in the path', () => {
  const { status, flow, path } = decodeBytes(overIp('10.0.0.1', '10.0.0.2', 47, gre(0x0800, innerPacket())));
  assert.deepEqual([status, flow, path], [DecodeStatus.Ok, FLOW, [{ type: 'gre', outer: '10.0.0.1>10.0.0.2' }]]);
});

test('GRE: checksum, key and sequence number are skipped; the key is in the path and the context', () => {
  const all = decodeBytes(overIp('10.0.0.1', '10.0.0.2', 47, gre(0x0800, innerPacket(), { checksum: true, key: 0xfffffffe, seq: 9 })));
  assert.deepEqual([all.flow, all.path], [FLOW, [{ type: 'gre', key: 0xfffffffe, outer: '10.0.0.1>10.0.0.2' }]]);
  const otherKey = decodeBytes(overIp('10.0.0.1', '10.0.0.2', 47, gre(0x0800, innerPacket(), { key: 1 })));
  assert.notEqual(otherKey.pkt.context, all.pkt.context);
  for (const options of [{ checksum: true }, { seq: 1 }, { key: 5, seq: 1 }]) assert.equal(decodeBytes(overIp('10.0.0.1', '10.0.0.2', 47, gre(0x0800, innerPacket(), options))).flow, FLOW);
});

test('GRE: the reply through the same tunnel has the same context; another tunnel, another one', () => {
  const request = decodeBytes(overIp('10.0.0.1', '10.0.0.2', 47, gre(0x0800, innerPacket(), { key: 3 })));
  const reply = decodeBytes(overIp('10.0.0.2', '10.0.0.1', 47, gre(0x0800, innerPacket(true), { key: 3 })));
  assert.deepEqual([reply.flow, reply.pkt.context], [REPLY, request.pkt.context]);
  assert.notEqual(decodeBytes(overIp('10.0.0.1', '10.0.0.3', 47, gre(0x0800, innerPacket(), { key: 3 }))).pkt.context, request.pkt.context);
});

test('GRE: transparent Ethernet bridging (0x6558) with a VLAN, IPv6 inside and outside, MPLS inside', () => {
  const tagged = Buffer.concat([innerFrame().subarray(0, 12), Buffer.from([0x81, 0x00, 0x00, 0x64]), innerFrame().subarray(12)]);
  const teb = decodeBytes(overIp('2001:db8:ff::1', '2001:db8:ff::2', 47, gre(0x6558, tagged)));
  assert.deepEqual([teb.flow, teb.path], [FLOW, [{ type: 'gre', outer: '2001:db8:ff::1>2001:db8:ff::2' }, { type: 'vlan', id: 100 }]]);
  assert.equal(decodeBytes(overIp('10.0.0.1', '10.0.0.2', 47, gre(0x86dd, innerPacket6()))).flow, '2001:db8::1:40000>2001:db8::2:80');
  const mpls = decodeBytes(overIp('10.0.0.1', '10.0.0.2', 47, gre(0x8847, Buffer.concat([Buffer.from([0, 0x10, 0x01, 0x40]), innerPacket()]))));
  assert.deepEqual(mpls.path.map((l) => l.type), ['gre', 'mpls']);
});

test('GRE: RFC 1701 source routes are skipped; WCCP redirection with and without its header', () => {
  const routed = Buffer.concat([Buffer.from([0x40, 0x00, 0x08, 0x00, 0, 0, 0, 0]), Buffer.from([0x08, 0x00, 0, 4, 1, 2, 3, 4, 0, 0, 0, 0]), innerPacket()]);
  assert.equal(decodeBytes(overIp('10.0.0.1', '10.0.0.2', 47, routed)).flow, FLOW);
  assert.equal(decodeBytes(overIp('10.0.0.1', '10.0.0.2', 47, gre(0x883e, innerPacket()))).flow, FLOW);
  assert.equal(decodeBytes(overIp('10.0.0.1', '10.0.0.2', 47, gre(0x883e, Buffer.concat([Buffer.from([0, 0, 0, 0]), innerPacket()])))).flow, FLOW);
});

test('GRE: version 1 (PPTP) and unknown payloads are not IP; cut headers are link errors', () => {
  const pptp = gre(0x880b, Buffer.alloc(8), { key: 1 });
  pptp[1] = 0x01;
  assert.equal(decodeBytes(overIp('10.0.0.1', '10.0.0.2', 47, pptp)).status, DecodeStatus.NotIp);
  assert.equal(decodeBytes(overIp('10.0.0.1', '10.0.0.2', 47, gre(0x0806, Buffer.alloc(28)))).status, DecodeStatus.NotIp);
  assert.equal(decodeBytes(overIp('10.0.0.1', '10.0.0.2', 47, Buffer.from([0x20, 0x00, 0x08, 0x00, 0, 0]))).status, DecodeStatus.LinkError);
  assert.equal(decodeBytes(overIp('10.0.0.1', '10.0.0.2', 47, Buffer.from([0x00, 0x00]))).status, DecodeStatus.LinkError);
  const endlessRoutes = Buffer.concat([Buffer.from([0x40, 0x00, 0x08, 0x00, 0, 0, 0, 0]), Buffer.from([0x08, 0x00, 0, 4, 1, 2, 3, 4])]);
  assert.equal(decodeBytes(overIp('10.0.0.1', '10.0.0.2', 47, endlessRoutes)).status, DecodeStatus.LinkError);
});
