import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecodeStatus } from './packet.js';
import { decodeBytes, FLOW, innerFrame, overIp, REPLY, udp } from './test-frames.js';

function vxlan(vni: number, frame: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x08, 0, 0, 0, vni >> 16, (vni >> 8) & 255, vni & 255, 0]), frame]);
}

test('VXLAN (UDP 4789): the VNI and outer addresses in the path, the inner Ethernet frame decoded', () => {
  const { status, flow, path } = decodeBytes(overIp('10.0.0.1', '10.0.0.2', 17, udp(4789, vxlan(42, innerFrame()))));
  assert.deepEqual([status, flow, path], [DecodeStatus.Ok, FLOW, [{ type: 'vxlan', vni: 42, outer: '10.0.0.1>10.0.0.2' }]]);
});

test('VXLAN: both directions share a context (whatever the UDP source ports); another VNI does not', () => {
  const request = decodeBytes(overIp('10.0.0.1', '10.0.0.2', 17, udp(4789, vxlan(42, innerFrame()), 51000)));
  const reply = decodeBytes(overIp('10.0.0.2', '10.0.0.1', 17, udp(4789, vxlan(42, innerFrame(true)), 33000)));
  assert.deepEqual([reply.flow, reply.pkt.context], [REPLY, request.pkt.context]);
  assert.notEqual(decodeBytes(overIp('10.0.0.1', '10.0.0.2', 17, udp(4789, vxlan(43, innerFrame())))).pkt.context, request.pkt.context);
});

test('VXLAN: the UDP length bounds the frame; a cut header is a link error; other UDP ports are plain UDP', () => {
  const lying = Buffer.from(innerFrame());
  lying.writeUInt16BE(lying.readUInt16BE(14 + 2) + 6, 14 + 2); // the inner IP claims the 6 bytes after the UDP datagram
  const trailer = decodeBytes(overIp('10.0.0.1', '10.0.0.2', 17, Buffer.concat([udp(4789, vxlan(1, lying)), Buffer.alloc(6)])));
  assert.deepEqual([trailer.flow, trailer.pkt.l4Length], [FLOW, innerFrame().length - 34]);
  assert.equal(decodeBytes(overIp('10.0.0.1', '10.0.0.2', 17, udp(4789, Buffer.alloc(6)))).status, DecodeStatus.LinkError);
  const other = decodeBytes(overIp('10.0.0.1', '10.0.0.2', 17, udp(4790, vxlan(1, innerFrame()))));
  assert.deepEqual([other.status, other.pkt.protocol, other.path], [DecodeStatus.Ok, 17, []]);
});
