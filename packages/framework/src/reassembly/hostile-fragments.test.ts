import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dissectFrames } from '../testing/dissect-capture.js';
import { Conversation, ethernetHeader, ipv4Header, type TimedFrame } from '../testing/packet-builder.js';

const ETHERNET_AND_IPV6 = 14 + 40;

/** The IPv6 frame's TCP segment behind `headers`, in the frame's IPv6 packet. */
function behind(frame: TimedFrame, headers: Buffer, payload: Buffer, firstHeader: number): TimedFrame {
  const ip = Buffer.from(frame.data.subarray(14, ETHERNET_AND_IPV6));
  ip[6] = firstHeader;
  ip.writeUInt16BE(headers.length + payload.length, 4);
  return { time: frame.time, data: Buffer.concat([frame.data.subarray(0, 14), ip, headers, payload]) };
}

/** Destination options headers (8 bytes each, a PadN option), chained, the last one before TCP. */
function destinationOptions(count: number): Buffer {
  return Buffer.concat(Array.from({ length: count }, (_, i) => Buffer.from([i + 1 < count ? 60 : 6, 0, 1, 4, 0, 0, 0, 0])));
}

/** The frame's TCP segment in two IPv6 fragments whose fragmentable part starts with destination options. */
function fragmentedBehindOptions(frame: TimedFrame): TimedFrame[] {
  const fragmentable = Buffer.concat([destinationOptions(1), frame.data.subarray(ETHERNET_AND_IPV6)]);
  return [
    [0, fragmentable.subarray(0, 16), true],
    [16, fragmentable.subarray(16), false],
  ].map(([offset, part, more]) => {
    const header = Buffer.from([60, 0, 0, 0, 0, 0, 0, 1]);
    header.writeUInt16BE((offset as number) | (more ? 1 : 0), 2);
    return behind(frame, header, part as Buffer, 44);
  });
}

const conversation = (client = '[fd00::1]:40000', server = '[fd00::2]:80') =>
  new Conversation(client, server).handshake().send('client', 'GET / HTTP/1.1\r\n\r\n').send('server', 'HTTP/1.1 204 No Content\r\n\r\n').close().frames;

test('IPv6 traffic behind 20 extension headers is seen (issue 12, finding 9)', async () => {
  const frames = conversation();
  const reply = frames[5]!;
  frames[5] = behind(reply, destinationOptions(20), reply.data.subarray(ETHERNET_AND_IPV6), 60);
  const { sessions, stats } = await dissectFrames(frames);
  assert.equal(stats.nonTcp, 0);
  assert.deepEqual(sessions[0]!.bytes, { client: 18, server: 27 });
});

test('IPv6 traffic behind a fragment header and destination options is seen (issue 12, finding 9)', async () => {
  const frames = conversation();
  frames.splice(3, 1, ...fragmentedBehindOptions(frames[3]!));
  const { sessions, stats } = await dissectFrames(frames);
  assert.deepEqual([stats.nonTcp, stats.fragmentsReassembled], [0, 1]);
  assert.deepEqual([sessions[0]!.bytes, sessions[0]!.fragmented], [{ client: 18, server: 27 }, true]);
});

test('three IPv4 fragments, one beyond the end the last one set, do not stop the run (issue 12, finding 1)', async () => {
  const fragment = (offset: number, length: number, more: boolean): TimedFrame => {
    const ip = ipv4Header({ src: '10.9.9.1', dst: '10.9.9.2', ipId: 77 }, length);
    ip.writeUInt16BE((more ? 0x2000 : 0) | (offset / 8), 6);
    return { time: 1_699_999_999, data: Buffer.concat([ethernetHeader(0x0800), ip, Buffer.alloc(length, 1)]) };
  };
  const frames = [fragment(16, 8, false), fragment(32, 16, true), fragment(0, 16, true), ...conversation('10.0.0.1:40000', '10.0.0.2:80')];
  const { sessions, stats } = await dissectFrames(frames);
  assert.deepEqual([stats.fragmentsReassembled, stats.fragmentOverlaps], [1, 1]);
  assert.deepEqual(sessions.at(-1)!.bytes, { client: 18, server: 27 }, 'the traffic after them is read');
});
