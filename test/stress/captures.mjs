// The stress captures: each generator writes one hostile (or, for comparison, normal) capture
// of a given size through the fast PcapWriter. Deterministic: the same size gives the same bytes.
import { ACK, FIN, PSH, SYN, PcapWriter, ipv4 } from './pcap-writer.mjs';

const SERVER = ipv4(10, 0, 0, 1);
const HTTP = 80;
const START = 1_700_000_000e6;
const SECOND = 1e6;
/** Connections in progress at once in the generated HTTP traffic (their packets interleave). */
const CONCURRENT = 64;

const REQUEST = Buffer.from('GET /index.html HTTP/1.1\r\nHost: stress.example\r\nUser-Agent: stress\r\n\r\n', 'latin1');
const RESPONSE = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(1000)}`, 'latin1');
/** Packets of one HTTP connection (`httpPacket` steps): handshake, request, response, close. */
export const HTTP_PACKETS = 9;

/** Seeded xorshift32: the same attack every run. */
function random(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/** A distinct client address for each connection number (up to ~16M), second octet from `net`. */
function client(net, i) {
  return ipv4(10, net + (i >>> 16), (i >>> 8) & 255, i & 255);
}

/** Packet `step` (0..8) of HTTP connection `i`: client 10.1.x.y, server 10.0.0.1:80. */
function httpPacket(w, t, i, step) {
  const ip = client(1, i);
  const port = 1024 + (i % 60000);
  const c = (i * 7919) >>> 0;
  const s = (i * 104729 + 1) >>> 0;
  const req = REQUEST.length;
  const res = RESPONSE.length;
  switch (step) {
    case 0: return w.tcp(t, ip, SERVER, port, HTTP, c, 0, SYN);
    case 1: return w.tcp(t, SERVER, ip, HTTP, port, s, c + 1, SYN | ACK);
    case 2: return w.tcp(t, ip, SERVER, port, HTTP, c + 1, s + 1, ACK);
    case 3: return w.tcp(t, ip, SERVER, port, HTTP, c + 1, s + 1, PSH | ACK, REQUEST);
    case 4: return w.tcp(t, SERVER, ip, HTTP, port, s + 1, c + 1 + req, PSH | ACK, RESPONSE);
    case 5: return w.tcp(t, ip, SERVER, port, HTTP, c + 1 + req, s + 1 + res, ACK);
    case 6: return w.tcp(t, ip, SERVER, port, HTTP, c + 1 + req, s + 1 + res, FIN | ACK);
    case 7: return w.tcp(t, SERVER, ip, HTTP, port, s + 1 + res, c + 2 + req, FIN | ACK);
    default: return w.tcp(t, ip, SERVER, port, HTTP, c + 2 + req, s + 2 + res, ACK);
  }
}

/**
 * `count` complete HTTP/1.1 connections, CONCURRENT at a time with their packets interleaved,
 * one packet every `step` microseconds from `start`; `between(t)` runs after each packet.
 * Returns the time of the last packet.
 */
function httpConnections(w, count, start, step, between = null) {
  let t = start;
  for (let first = 0; first < count; first += CONCURRENT) {
    const n = Math.min(CONCURRENT, count - first);
    for (let s = 0; s < HTTP_PACKETS; s++) {
      for (let k = 0; k < n; k++) {
        httpPacket(w, (t += step), first + k, s);
        between?.(t);
      }
    }
  }
  return t;
}

/** The bytes of a TCP segment (header and payload), to cut into IP fragments. */
function tcpSegment(srcPort, dstPort, seq, ack, flags, payloadLength) {
  const b = Buffer.alloc(20 + payloadLength, 'p');
  b.writeUInt16BE(srcPort, 0);
  b.writeUInt16BE(dstPort, 2);
  b.writeUInt32BE(seq, 4);
  b.writeUInt32BE(ack, 8);
  b[12] = 5 << 4;
  b[13] = flags;
  b.writeUInt16BE(65535, 14);
  b.writeUInt32BE(0, 16);
  return b;
}

/** Normal traffic: about `packets` packets of short HTTP connections over 10 s. */
export function normal(w, packets) {
  const count = Math.ceil(packets / HTTP_PACKETS);
  httpConnections(w, count, START, (10 * SECOND) / (count * HTTP_PACKETS));
}

/** SYN flood: `packets` SYNs in 10 s from random addresses and ports to one server. */
export function synFlood(w, packets) {
  const next = random(12);
  const step = (10 * SECOND) / packets;
  for (let i = 0; i < packets; i++) {
    w.tcp(START + Math.round(i * step), next(), SERVER, 1024 + (next() % 64000), HTTP, next(), 0, SYN);
  }
}

/**
 * One datagram sent as `duplicates` copies of its 8-byte second fragment, then its first
 * and last fragments (which complete it).
 */
export function fragmentDuplicates(w, duplicates) {
  const src = ipv4(10, 3, 0, 1);
  const datagram = tcpSegment(40000, HTTP, 1000, 1, PSH | ACK, 20);
  let t = START;
  for (let i = 0; i < duplicates; i++) w.fragment((t += 10), src, SERVER, 7, 8, true, datagram.subarray(8, 16));
  w.fragment((t += 10), src, SERVER, 7, 0, true, datagram.subarray(0, 8));
  w.fragment((t += 10), src, SERVER, 7, 16, false, datagram.subarray(16));
}

/**
 * `datagrams` datagrams over 120 s (beyond the 30 s fragment timeout), each of three
 * 1480-byte-fragments with the middle one never sent: held until the timeout or a limit.
 */
export function fragmentsMissing(w, datagrams) {
  const datagram = tcpSegment(40000, HTTP, 1000, 1, PSH | ACK, 2980);
  const step = (120 * SECOND) / datagrams;
  for (let i = 0; i < datagrams; i++) {
    const t = START + Math.round(i * step);
    w.fragment(t, client(4, i), SERVER, i, 0, true, datagram.subarray(0, 1480));
    w.fragment(t + 1, client(4, i), SERVER, i, 2960, false, datagram.subarray(2960));
  }
}

/**
 * `datagrams` datagrams of three fragments: [0, 24), one at [48, 56) beyond the end, and the
 * last, [24, 32), which sets the end at 32 and completes the datagram.
 */
export function fragmentBeyondEnd(w, datagrams) {
  let t = START;
  for (let i = 0; i < datagrams; i++) {
    const src = client(6, i);
    const datagram = tcpSegment(40000, HTTP, 1000, 1, PSH | ACK, 12);
    w.fragment((t += 10), src, SERVER, i, 0, true, datagram.subarray(0, 24));
    w.fragment((t += 10), src, SERVER, i, 48, true, datagram.subarray(24, 32));
    w.fragment((t += 10), src, SERVER, i, 24, false, datagram.subarray(24, 32));
  }
}

/**
 * One connection: after the handshake the client sends `segments` one-byte segments in
 * order but ahead of a one-byte hole, then the hole's byte, then both sides close.
 */
export function outOfOrderOneByte(w, segments) {
  const ip = ipv4(10, 7, 0, 1);
  const port = 40000;
  const c = 1000;
  const s = 5000;
  const byte = Buffer.from('b');
  let t = START;
  w.tcp((t += 10), ip, SERVER, port, HTTP, c, 0, SYN);
  w.tcp((t += 10), SERVER, ip, HTTP, port, s, c + 1, SYN | ACK);
  w.tcp((t += 10), ip, SERVER, port, HTTP, c + 1, s + 1, ACK);
  for (let i = 0; i < segments; i++) w.tcp((t += 10), ip, SERVER, port, HTTP, c + 2 + i, s + 1, PSH | ACK, byte);
  w.tcp((t += 10), ip, SERVER, port, HTTP, c + 1, s + 1, PSH | ACK, byte);
  const end = c + 2 + segments;
  w.tcp((t += 10), ip, SERVER, port, HTTP, end, s + 1, FIN | ACK);
  w.tcp((t += 10), SERVER, ip, HTTP, port, s + 1, end + 1, FIN | ACK);
  w.tcp((t += 10), ip, SERVER, port, HTTP, end + 1, s + 2, ACK);
}

/**
 * `connections` connections, CONCURRENT at a time, each: handshake, then three 1000-byte
 * segments ahead of a 1000-byte hole that never fills; none closes.
 */
export function outOfOrderConnections(w, connections) {
  const chunk = Buffer.alloc(1000, 'o');
  let t = START;
  for (let first = 0; first < connections; first += CONCURRENT) {
    const n = Math.min(CONCURRENT, connections - first);
    for (let step = 0; step < 6; step++) {
      for (let k = 0; k < n; k++) {
        const i = first + k;
        const ip = client(5, i);
        const port = 1024 + (i % 60000);
        const c = (i * 7919) >>> 0;
        const s = (i * 104729 + 1) >>> 0;
        t += 10;
        if (step === 0) w.tcp(t, ip, SERVER, port, HTTP, c, 0, SYN);
        else if (step === 1) w.tcp(t, SERVER, ip, HTTP, port, s, c + 1, SYN | ACK);
        else if (step === 2) w.tcp(t, ip, SERVER, port, HTTP, c + 1, s + 1, ACK);
        else w.tcp(t, ip, SERVER, port, HTTP, c + 1 + (step - 2) * 1000, s + 1, PSH | ACK, chunk);
      }
    }
  }
}

/**
 * `sessions` short HTTP connections while one connection stays open from the first packet
 * to the last: its client sends 100 bytes (and the server ACKs) every 100 packets.
 */
export function longExport(w, sessions) {
  const ip = ipv4(10, 8, 0, 1);
  const port = 50000;
  const s = 5000;
  const data = Buffer.alloc(100, 'l');
  let c = 1000;
  let t = START;
  w.tcp((t += 10), ip, SERVER, port, HTTP, c, 0, SYN);
  w.tcp((t += 10), SERVER, ip, HTTP, port, s, c + 1, SYN | ACK);
  w.tcp((t += 10), ip, SERVER, port, HTTP, ++c, s + 1, ACK);
  let sinceLong = 0;
  t = httpConnections(w, sessions, t, 10, (now) => {
    if (++sinceLong < 100) return;
    sinceLong = 0;
    w.tcp(now + 1, ip, SERVER, port, HTTP, c, s + 1, PSH | ACK, data);
    c += data.length;
    w.tcp(now + 2, SERVER, ip, HTTP, port, s + 1, c, ACK);
  });
  w.tcp((t += 10), ip, SERVER, port, HTTP, c, s + 1, FIN | ACK);
  w.tcp((t += 10), SERVER, ip, HTTP, port, s + 1, c + 1, FIN | ACK);
  w.tcp((t += 10), ip, SERVER, port, HTTP, c + 1, s + 2, ACK);
}

/** Writes the capture `generate(writer, size)` to `path`; returns its packet count. */
export function writeCapture(path, generate, size) {
  const w = new PcapWriter(path);
  generate(w, size);
  w.close();
  return w.packets;
}
