import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecodeStatus } from './packet.js';
import { decodeBytes, FLOW, innerFrame, innerPacket, overIp } from './test-frames.js';

/** GRE with a sequence number (ERSPAN II and III have one), protocol `protocol`. */
function greWithSequence(protocol: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x10, 0x00, protocol >> 8, protocol & 255, 0, 0, 0, 1]), payload]);
}

function erspan2(session: number): Buffer {
  return Buffer.from([0x10, 0x00, (session >> 8) & 3, session & 255, 0, 0, 0, 0]);
}

function erspan3(session: number, frameType: number, subHeader: boolean): Buffer {
  const header = Buffer.from([0x20, 0x00, (session >> 8) & 3, session & 255, 0, 0, 0, 0, 0, 0, frameType << 2, subHeader ? 1 : 0]);
  return subHeader ? Buffer.concat([header, Buffer.alloc(8)]) : header;
}

test('ERSPAN type II (GRE 0x88be with a sequence number): the session id, then the mirrored Ethernet frame', () => {
  const { status, flow, path } = decodeBytes(overIp('10.1.0.1', '10.1.0.9', 47, greWithSequence(0x88be, Buffer.concat([erspan2(513), innerFrame()]))));
  assert.deepEqual([status, flow, path], [DecodeStatus.Ok, FLOW, [{ type: 'erspan', version: 2, session: 513, outer: '10.1.0.1>10.1.0.9' }]]);
  const otherSession = decodeBytes(overIp('10.1.0.1', '10.1.0.9', 47, greWithSequence(0x88be, Buffer.concat([erspan2(1), innerFrame()]))));
  assert.notEqual(otherSession.pkt.context, decodeBytes(overIp('10.1.0.1', '10.1.0.9', 47, greWithSequence(0x88be, Buffer.concat([erspan2(513), innerFrame()])))).pkt.context);
});

test('ERSPAN type I (0x88be, no sequence number): no header', () => {
  const { flow, path } = decodeBytes(overIp('10.1.0.1', '10.1.0.9', 47, Buffer.concat([Buffer.from([0, 0, 0x88, 0xbe]), innerFrame()])));
  assert.deepEqual([flow, path], [FLOW, [{ type: 'erspan', version: 1, outer: '10.1.0.1>10.1.0.9' }]]);
});

test('ERSPAN type III (0x22eb): Ethernet, with the platform sub-header, or IP (frame type 2); other frame types are not IP', () => {
  for (const subHeader of [false, true]) {
    const { flow, path } = decodeBytes(overIp('10.1.0.1', '10.1.0.9', 47, greWithSequence(0x22eb, Buffer.concat([erspan3(1023, 0, subHeader), innerFrame()]))));
    assert.deepEqual([flow, path], [FLOW, [{ type: 'erspan', version: 3, session: 1023, outer: '10.1.0.1>10.1.0.9' }]]);
  }
  assert.equal(decodeBytes(overIp('10.1.0.1', '10.1.0.9', 47, greWithSequence(0x22eb, Buffer.concat([erspan3(1, 2, false), innerPacket()])))).flow, FLOW);
  assert.equal(decodeBytes(overIp('10.1.0.1', '10.1.0.9', 47, greWithSequence(0x22eb, Buffer.concat([erspan3(1, 7, false), innerPacket()])))).status, DecodeStatus.NotIp);
  assert.equal(decodeBytes(overIp('10.1.0.1', '10.1.0.9', 47, greWithSequence(0x22eb, erspan3(1, 0, true).subarray(0, 14)))).status, DecodeStatus.LinkError);
  assert.equal(decodeBytes(overIp('10.1.0.1', '10.1.0.9', 47, greWithSequence(0x88be, erspan2(1).subarray(0, 6)))).status, DecodeStatus.LinkError);
});

test('ERSPAN: the header version decides the type (as in Wireshark), an unknown one is not decoded', () => {
  const type3In88be = decodeBytes(overIp('10.1.0.1', '10.1.0.9', 47, greWithSequence(0x88be, Buffer.concat([erspan3(9, 0, false), innerFrame()]))));
  assert.deepEqual([type3In88be.flow, type3In88be.path[0]!.version], [FLOW, 3]);
  const version0 = erspan2(1);
  version0[0] = 0;
  assert.equal(decodeBytes(overIp('10.1.0.1', '10.1.0.9', 47, greWithSequence(0x88be, Buffer.concat([version0, innerFrame()])))).status, DecodeStatus.NotIp);
});
