import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkType } from './link.js';
import { DecodeStatus } from './packet.js';
import { decodeBytes, FLOW, innerPacket, innerPacket6 } from './test-frames.js';
import { ethernetHeader } from '../testing/packet-builder.js';

/** PPPoE session header + PPP protocol before `packet`. */
function pppoe(session: number, pppProtocol: number, packet: Buffer, code = 0): Buffer {
  const header = Buffer.from([0x11, code, session >> 8, session & 255, 0, 0, pppProtocol >> 8, pppProtocol & 255]);
  header.writeUInt16BE(packet.length + 2, 4);
  return Buffer.concat([header, packet]);
}

test('PPPoE session: IPv4 (0x0021, also compressed to one byte) and IPv6 (0x0057), the session id in the path and the context', () => {
  const v4 = decodeBytes(Buffer.concat([ethernetHeader(0x8864), pppoe(7, 0x21, innerPacket())]));
  assert.deepEqual([v4.status, v4.flow, v4.path], [DecodeStatus.Ok, FLOW, [{ type: 'pppoe', session: 7 }]]);
  const compressed = pppoe(7, 0x21, innerPacket()).subarray(1); // the protocol field's zero byte left out
  compressed.set([0x11, 0, 0, 7, 0, innerPacket().length + 1, 0x21]);
  assert.equal(decodeBytes(Buffer.concat([ethernetHeader(0x8864), compressed])).flow, FLOW);
  const v6 = decodeBytes(Buffer.concat([ethernetHeader(0x8864), pppoe(7, 0x57, innerPacket6())]));
  assert.equal(v6.flow, '2001:db8::1:40000>2001:db8::2:80');
  const other = decodeBytes(Buffer.concat([ethernetHeader(0x8864), pppoe(8, 0x21, innerPacket())]));
  assert.notEqual(other.pkt.context, v4.pkt.context);
  assert.notEqual(v4.pkt.context, 0);
});

test('PPPoE: Ethernet padding after the length is not IP; LINKTYPE_PPP_ETHER has no Ethernet header', () => {
  const lying = Buffer.from(innerPacket());
  lying.writeUInt16BE(lying.length + 10, 2); // the IP length claims the padding too
  const padded = decodeBytes(Buffer.concat([ethernetHeader(0x8864), pppoe(1, 0x21, lying), Buffer.alloc(10)]));
  assert.equal(padded.pkt.l4Length, innerPacket().length - 20);
  assert.equal(decodeBytes(pppoe(1, 0x21, innerPacket()), LinkType.PPP_ETHER).flow, FLOW);
});

test('PPPoE: discovery, control protocols, other codes are not IP; a cut header is a link error', () => {
  assert.equal(decodeBytes(Buffer.concat([ethernetHeader(0x8863), pppoe(0, 0, Buffer.alloc(4), 0x09)])).status, DecodeStatus.NotIp);
  assert.equal(decodeBytes(Buffer.concat([ethernetHeader(0x8864), pppoe(1, 0xc021, Buffer.alloc(8))])).status, DecodeStatus.NotIp, 'LCP');
  assert.equal(decodeBytes(Buffer.concat([ethernetHeader(0x8864), pppoe(1, 0x21, innerPacket(), 0xa7)])).status, DecodeStatus.NotIp);
  assert.equal(decodeBytes(Buffer.concat([ethernetHeader(0x8864), Buffer.from([0x11, 0, 0, 1, 0])])).status, DecodeStatus.LinkError);
  const lyingLength = pppoe(1, 0x21, innerPacket());
  lyingLength.writeUInt16BE(1, 4);
  assert.equal(decodeBytes(Buffer.concat([ethernetHeader(0x8864), lyingLength])).status, DecodeStatus.LinkError);
});
