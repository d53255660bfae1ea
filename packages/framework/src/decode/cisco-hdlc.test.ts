import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkType } from './link.js';
import { DecodeStatus } from './packet.js';
import { decodeBytes, FLOW, innerPacket, innerPacket6 } from './test-frames.js';

test('Cisco HDLC (link type 104): IPv4 and IPv6 by EtherType; SLARP is not IP; cut is a link error', () => {
  const v4 = decodeBytes(Buffer.concat([Buffer.from([0x0f, 0x00, 0x08, 0x00]), innerPacket()]), LinkType.C_HDLC);
  assert.deepEqual([v4.status, v4.flow, v4.path], [DecodeStatus.Ok, FLOW, []]);
  const v6 = decodeBytes(Buffer.concat([Buffer.from([0x8f, 0x00, 0x86, 0xdd]), innerPacket6()]), LinkType.C_HDLC);
  assert.equal(v6.flow, '2001:db8::1:40000>2001:db8::2:80');
  assert.equal(decodeBytes(Buffer.from([0x8f, 0x00, 0x80, 0x35, 0, 0, 0, 2]), LinkType.C_HDLC).status, DecodeStatus.NotIp);
  assert.equal(decodeBytes(Buffer.from([0x0f, 0x00, 0x08]), LinkType.C_HDLC).status, DecodeStatus.LinkError);
});
