import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecodeStatus } from './packet.js';
import { decodeBytes, FLOW, innerPacket, innerPacket6 } from './test-frames.js';
import { ethernetHeader } from '../testing/packet-builder.js';

/** Label stack entries, the last with the bottom-of-stack bit. */
function labels(...values: number[]): Buffer {
  const stack = Buffer.alloc(values.length * 4);
  values.forEach((label, i) => stack.writeUInt32BE(((label << 12) | (i === values.length - 1 ? 0x100 : 0) | 64) >>> 0, i * 4));
  return stack;
}

test('MPLS: a label stack down to the bottom, then IPv4 or IPv6 by the first nibble', () => {
  const one = decodeBytes(Buffer.concat([ethernetHeader(0x8847), labels(16), innerPacket()]));
  assert.deepEqual([one.status, one.flow, one.path], [DecodeStatus.Ok, FLOW, [{ type: 'mpls', labels: [16] }]]);
  const three = decodeBytes(Buffer.concat([ethernetHeader(0x8848), labels(1000, 2000, 1048575), innerPacket6()]));
  assert.deepEqual([three.flow, three.path], ['2001:db8::1:40000>2001:db8::2:80', [{ type: 'mpls', labels: [1000, 2000, 1048575] }]]);
});

test('MPLS labels are not part of the context: the two directions of a path carry different labels', () => {
  assert.equal(decodeBytes(Buffer.concat([ethernetHeader(0x8847), labels(16, 17), innerPacket()])).pkt.context, 0);
});

test('MPLS: more than 8 labels are walked (8 kept), no bottom of stack is a link error, other payloads are not IP', () => {
  const deep = decodeBytes(Buffer.concat([ethernetHeader(0x8847), labels(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), innerPacket()]));
  assert.deepEqual([deep.flow, deep.path[0]!.labels], [FLOW, [1, 2, 3, 4, 5, 6, 7, 8]]);
  const endless = labels(1, 2);
  endless[6] = 0; // the bottom entry loses its bit
  assert.equal(decodeBytes(Buffer.concat([ethernetHeader(0x8847), endless])).status, DecodeStatus.LinkError);
  assert.equal(decodeBytes(Buffer.concat([ethernetHeader(0x8847), labels(5), Buffer.from([0, 0, 0, 0]), ethernetHeader(0x0800)])).status, DecodeStatus.NotIp, 'pseudowire');
  assert.equal(decodeBytes(Buffer.concat([ethernetHeader(0x8847), labels(5)])).status, DecodeStatus.NotIp, 'nothing after the stack');
});
