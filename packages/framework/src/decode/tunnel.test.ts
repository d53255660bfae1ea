import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecodeStatus, MAX_PATH } from './packet.js';
import { decodeBytes, FLOW, innerPacket, innerPacket6, overIp } from './test-frames.js';
import { ipv4Header } from '../testing/packet-builder.js';

test('IP in IP: 4in4, 6in4, 4in6, 6in6, named by the outer and inner versions', () => {
  const v6 = '2001:db8::1:40000>2001:db8::2:80';
  const cases = [
    ['10.0.0.1', '10.0.0.2', 4, innerPacket(), FLOW, '4in4', '10.0.0.1>10.0.0.2'],
    ['10.0.0.1', '10.0.0.2', 41, innerPacket6(), v6, '6in4', '10.0.0.1>10.0.0.2'],
    ['fd00::1', 'fd00::2', 4, innerPacket(), FLOW, '4in6', 'fd00::1>fd00::2'],
    ['fd00::1', 'fd00::2', 41, innerPacket6(), v6, '6in6', 'fd00::1>fd00::2'],
  ] as const;
  for (const [src, dst, protocol, inner, flow, type, outer] of cases) {
    const decoded = decodeBytes(overIp(src, dst, protocol, inner));
    assert.deepEqual([decoded.status, decoded.flow, decoded.path], [DecodeStatus.Ok, flow, [{ type, outer }]], type);
  }
});

test('tunnels nest up to MAX_PATH layers; one more is a link error', () => {
  const nested = (depth: number) => {
    let packet = innerPacket();
    for (let i = 0; i < depth; i++) packet = Buffer.concat([ipv4Header({ src: `10.0.${i}.1`, dst: `10.0.${i}.2` }, packet.length, 4), packet]);
    return decodeBytes(overIp('10.9.9.1', '10.9.9.2', 4, packet));
  };
  const deepest = nested(MAX_PATH - 1);
  assert.deepEqual([deepest.status, deepest.flow, deepest.path.length], [DecodeStatus.Ok, FLOW, MAX_PATH]);
  assert.equal(deepest.path[0]!.outer, '10.9.9.1>10.9.9.2');
  assert.equal(nested(MAX_PATH).status, DecodeStatus.LinkError);
  assert.equal(nested(200).status, DecodeStatus.LinkError);
});

test('a fragmented outer packet is left closed (its payload is opened once reassembled)', () => {
  const fragment = overIp('10.0.0.1', '10.0.0.2', 4, innerPacket());
  fragment.writeUInt16BE(0x2000, 14 + 6);
  const { status, pkt, path } = decodeBytes(fragment);
  assert.deepEqual([status, pkt.protocol, pkt.isFragment, path], [DecodeStatus.Ok, 4, true, []]);
});

test('a damaged inner packet is an IP error', () => {
  const damaged = Buffer.from(innerPacket());
  damaged[0] = 0x41;
  assert.equal(decodeBytes(overIp('10.0.0.1', '10.0.0.2', 4, damaged)).status, DecodeStatus.IpError);
});
