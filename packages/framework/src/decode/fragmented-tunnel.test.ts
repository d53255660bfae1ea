import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dissectFrames } from '../testing/dissect-capture.js';
import { ethernetHeader, ipv4Header } from '../testing/packet-builder.js';
import { innerPacket } from './test-frames.js';

/** A GRE packet (IPv4 10.0.0.1 -> 10.0.0.2) around `inner`, in two IPv4 fragments. */
function greInFragments(inner: Buffer, time: number) {
  const gre = Buffer.concat([Buffer.from([0, 0, 0x08, 0x00]), inner]);
  const firstLength = 24; // a multiple of 8: the second fragment's offset is 3
  return [gre.subarray(0, firstLength), gre.subarray(firstLength)].map((piece, i) => {
    const ip = ipv4Header({ src: '10.0.0.1', dst: '10.0.0.2', ipId: 77 }, piece.length, 47);
    ip.writeUInt16BE(i === 0 ? 0x2000 : firstLength / 8, 6); // more fragments, then offset 3
    return { time: time + i * 0.001, data: Buffer.concat([ethernetHeader(0x0800), ip, piece]) };
  });
}

test('a GRE tunnel whose outer packet came in IP fragments is opened once the datagram is whole', async () => {
  const { sessions, stats } = await dissectFrames(greInFragments(innerPacket(), 1_700_000_000));
  assert.equal(stats.nonTcp, 0);
  assert.equal(sessions.length, 1);
  const [s] = sessions;
  assert.deepEqual([s!.client, s!.server, s!.bytes.client, s!.fragmented], [{ ip: '192.168.1.1', port: 40000 }, { ip: '192.168.1.2', port: 80 }, 3, true]);
  assert.deepEqual(s!.path?.map((layer) => layer.type), ['gre']);
});
