import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkType } from './link.js';
import { DecodeStatus } from './packet.js';
import { decodeBytes, FLOW, innerPacket, innerPacket6 } from './test-frames.js';

test('PPP (link type 9): with and without the HDLC-like address and control, compressed protocol field', () => {
  for (const head of [[0xff, 0x03, 0x00, 0x21], [0x00, 0x21], [0x21], [0xff, 0x03, 0x21]]) {
    const { status, flow, path } = decodeBytes(Buffer.concat([Buffer.from(head), innerPacket()]), LinkType.PPP);
    assert.deepEqual([status, flow, path], [DecodeStatus.Ok, FLOW, []], head.join(','));
  }
  assert.equal(decodeBytes(Buffer.concat([Buffer.from([0xff, 0x03, 0x00, 0x57]), innerPacket6()]), LinkType.PPP).flow, '2001:db8::1:40000>2001:db8::2:80');
});

test('PPP: control protocols are not IP, an empty frame is a link error; MPLS over PPP', () => {
  assert.equal(decodeBytes(Buffer.from([0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 4]), LinkType.PPP).status, DecodeStatus.NotIp);
  assert.equal(decodeBytes(Buffer.from([0xff, 0x03]), LinkType.PPP).status, DecodeStatus.LinkError);
  assert.equal(decodeBytes(Buffer.from([0x00]), LinkType.PPP).status, DecodeStatus.LinkError);
  const mpls = decodeBytes(Buffer.concat([Buffer.from([0xff, 0x03, 0x02, 0x81, 0x00, 0x01, 0x41, 0x40]), innerPacket()]), LinkType.PPP);
  assert.deepEqual([mpls.flow, mpls.path], [FLOW, [{ type: 'mpls', labels: [20] }]]);
});

test('LINKTYPE_PPP_HDLC (50): PPP, or Cisco HDLC by the first byte', () => {
  assert.equal(decodeBytes(Buffer.concat([Buffer.from([0xff, 0x03, 0x00, 0x21]), innerPacket()]), LinkType.PPP_HDLC).flow, FLOW);
  assert.equal(decodeBytes(Buffer.concat([Buffer.from([0x0f, 0x00, 0x08, 0x00]), innerPacket()]), LinkType.PPP_HDLC).flow, FLOW);
});
