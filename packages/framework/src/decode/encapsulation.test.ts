import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describePath } from './encapsulation.js';
import { decodeBytes, innerFrame, overIp, udp } from './test-frames.js';

const vxlanInVlan = () => {
  const frame = overIp('10.0.0.1', '10.0.0.2', 17, udp(4789, Buffer.concat([Buffer.from([8, 0, 0, 0, 0, 0, 42, 0]), innerFrame()])));
  return Buffer.concat([frame.subarray(0, 12), Buffer.from([0x81, 0x00, 0x00, 0x0a]), frame.subarray(12)]);
};

test('the path lists the layers outer first, with the outer addresses as the packet carried them', () => {
  assert.deepEqual(describePath(decodeBytes(vxlanInVlan()).pkt), [{ type: 'vlan', id: 10 }, { type: 'vxlan', vni: 42, outer: '10.0.0.1>10.0.0.2' }]);
});

test('the context depends on every layer: VLAN id, VNI, outer addresses', () => {
  const base = decodeBytes(vxlanInVlan()).pkt.context;
  const otherVlan = vxlanInVlan();
  otherVlan[15] = 11;
  const otherOuter = vxlanInVlan();
  otherOuter[18 + 19] = 3; // the outer destination address's last byte
  assert.notEqual(decodeBytes(otherVlan).pkt.context, base);
  assert.notEqual(decodeBytes(otherOuter).pkt.context, base);
  assert.equal(decodeBytes(vxlanInVlan()).pkt.context, base, 'the same path, the same context');
});
