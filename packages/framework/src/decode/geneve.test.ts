import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecodeStatus } from './packet.js';
import { decodeBytes, FLOW, innerFrame, innerPacket, overIp, udp } from './test-frames.js';

/** A Geneve header with `optionWords` 4-byte words of options. */
function geneve(vni: number, protocol: number, payload: Buffer, optionWords = 0): Buffer {
  const header = Buffer.from([optionWords, 0, protocol >> 8, protocol & 255, vni >> 16, (vni >> 8) & 255, vni & 255, 0]);
  const options = Buffer.alloc(optionWords * 4, 0xaa);
  return Buffer.concat([header, options, payload]);
}

test('Geneve (UDP 6081): Ethernet (0x6558) or IP inside, options skipped, the VNI in the path', () => {
  for (const optionWords of [0, 2, 63]) {
    const { status, flow, path } = decodeBytes(overIp('10.0.0.1', '10.0.0.2', 17, udp(6081, geneve(0xabcdef, 0x6558, innerFrame(), optionWords))));
    assert.deepEqual([status, flow, path], [DecodeStatus.Ok, FLOW, [{ type: 'geneve', vni: 0xabcdef, outer: '10.0.0.1>10.0.0.2' }]], `${optionWords} option words`);
  }
  assert.equal(decodeBytes(overIp('10.0.0.1', '10.0.0.2', 17, udp(6081, geneve(7, 0x0800, innerPacket(), 1)))).flow, FLOW);
});

test('Geneve: options longer than the packet are a link error; another version is not decoded', () => {
  assert.equal(decodeBytes(overIp('10.0.0.1', '10.0.0.2', 17, udp(6081, geneve(7, 0x6558, Buffer.alloc(0)).fill(0x3f, 0, 1)))).status, DecodeStatus.LinkError);
  const v1 = geneve(7, 0x6558, innerFrame());
  v1[0] = 0x40;
  assert.equal(decodeBytes(overIp('10.0.0.1', '10.0.0.2', 17, udp(6081, v1))).status, DecodeStatus.NotIp);
});
