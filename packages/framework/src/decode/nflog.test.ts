import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkType } from './link.js';
import { DecodeStatus } from './packet.js';
import { decodeBytes, FLOW, innerPacket } from './test-frames.js';

/** An NFLOG frame: header, a prefix TLV (type 10), the payload TLV (type 9), in either byte order. */
function nflog(packet: Buffer, littleEndian: boolean, payloadType = 9): Buffer {
  const tlv = (type: number, value: Buffer) => {
    const header = Buffer.alloc(4);
    const write = (littleEndian ? header.writeUInt16LE : header.writeUInt16BE).bind(header);
    write(4 + value.length, 0);
    write(type, 2);
    return Buffer.concat([header, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
  };
  return Buffer.concat([Buffer.from([2, 0, 0, 5]), tlv(10, Buffer.from('drop\0')), tlv(payloadType, packet)]);
}

test('NFLOG (link type 239): the payload TLV, lengths in either byte order', () => {
  for (const littleEndian of [true, false]) {
    const { status, flow, path } = decodeBytes(nflog(innerPacket(), littleEndian), LinkType.NFLOG);
    assert.deepEqual([status, flow, path], [DecodeStatus.Ok, FLOW, []], littleEndian ? 'little-endian' : 'big-endian');
  }
});

test('NFLOG: no payload TLV is not IP; a bad version or a cut header is a link error', () => {
  assert.equal(decodeBytes(nflog(innerPacket(), true, 11), LinkType.NFLOG).status, DecodeStatus.NotIp);
  const badVersion = nflog(innerPacket(), true);
  badVersion[1] = 1;
  assert.equal(decodeBytes(badVersion, LinkType.NFLOG).status, DecodeStatus.LinkError);
  assert.equal(decodeBytes(Buffer.from([2, 0, 0]), LinkType.NFLOG).status, DecodeStatus.LinkError);
});
