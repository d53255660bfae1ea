/**
 * Crafting packets for tests: Ethernet + IPv4/IPv6 + TCP frames, whole conversations with
 * sequence numbers kept for you, and pcap files of them.
 *
 *   const c = new Conversation('10.0.0.1:40000', '10.0.0.2:80');
 *   c.handshake().send('client', 'GET / HTTP/1.1\r\n\r\n').send('server', 'HTTP/1.1 200 OK\r\n\r\n').close();
 *   const { sessions } = await dissectFrames(c.frames, { plugins: ['http'] });
 *
 * Holes: `c.lose(side, bytes)` skips sequence space, `send(side, data, { lost: true })` leaves
 * the data segment out of the capture, `segment(..., { seq, consume })` places a segment anywhere.
 */

export interface TcpFrameSpec {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack?: number;
  /** Flag letters: S, A, P, F, R, U (e.g. 'SA', 'PA', 'FA'). */
  flags?: string;
  window?: number;
  payload?: Buffer | string;
  /** Raw TCP option bytes (padded to 4 by the builder). */
  options?: Buffer;
  ttl?: number;
  ipId?: number;
}

const FLAG_BITS: Record<string, number> = { F: 1, S: 2, R: 4, P: 8, A: 16, U: 32 };

/** An Ethernet frame carrying IPv4 or IPv6 (by the address form) and TCP. */
export function tcpFrame(spec: TcpFrameSpec): Buffer {
  const payload = typeof spec.payload === 'string' ? Buffer.from(spec.payload, 'latin1') : (spec.payload ?? Buffer.alloc(0));
  const options = spec.options ?? Buffer.alloc(0);
  const optionBytes = Buffer.concat([options, Buffer.alloc((4 - (options.length % 4)) % 4, 1)]);
  const tcp = Buffer.alloc(20 + optionBytes.length);
  tcp.writeUInt16BE(spec.srcPort, 0);
  tcp.writeUInt16BE(spec.dstPort, 2);
  tcp.writeUInt32BE(spec.seq >>> 0, 4);
  tcp.writeUInt32BE((spec.ack ?? 0) >>> 0, 8);
  tcp[12] = (tcp.length / 4) << 4;
  tcp[13] = [...(spec.flags ?? 'A')].reduce((bits, letter) => bits | (FLAG_BITS[letter] ?? 0), 0);
  tcp.writeUInt16BE(spec.window ?? 65535, 14);
  optionBytes.copy(tcp, 20);
  const segment = Buffer.concat([tcp, payload]);
  const v6 = spec.src.includes(':');
  const ip = v6 ? ipv6Header(spec, segment.length) : ipv4Header(spec, segment.length);
  return Buffer.concat([ethernetHeader(v6 ? 0x86dd : 0x0800), ip, segment]);
}

export function ethernetHeader(etherType: number): Buffer {
  const eth = Buffer.alloc(14);
  Buffer.from([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1]).copy(eth);
  eth.writeUInt16BE(etherType, 12);
  return eth;
}

export function ipv4Header(spec: { src: string; dst: string; ttl?: number; ipId?: number }, payloadLength: number, protocol = 6): Buffer {
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + payloadLength, 2);
  ip.writeUInt16BE(spec.ipId ?? 1, 4);
  ip[8] = spec.ttl ?? 64;
  ip[9] = protocol;
  spec.src.split('.').forEach((octet, i) => (ip[12 + i] = Number(octet)));
  spec.dst.split('.').forEach((octet, i) => (ip[16 + i] = Number(octet)));
  return ip;
}

export function ipv6Header(spec: { src: string; dst: string; ttl?: number }, payloadLength: number, nextHeader = 6): Buffer {
  const ip = Buffer.alloc(40);
  ip[0] = 0x60;
  ip.writeUInt16BE(payloadLength, 4);
  ip[6] = nextHeader;
  ip[7] = spec.ttl ?? 64;
  ipv6Bytes(spec.src).copy(ip, 8);
  ipv6Bytes(spec.dst).copy(ip, 24);
  return ip;
}

export function ipv6Bytes(text: string): Buffer {
  const [head, tail] = text.split('::') as [string, string | undefined];
  const groups = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const h = groups(head);
  const t = groups(tail);
  const all = tail === undefined ? h : [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

/** A frame with its capture time (seconds since the epoch). */
export interface TimedFrame {
  data: Buffer;
  time: number;
}

/** A pcap file (little-endian, microseconds) holding the frames. */
export function pcapFile(frames: readonly TimedFrame[], linkType = 1): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(linkType, 20);
  const records = frames.map((f) => {
    const r = Buffer.alloc(16);
    const micros = Math.round(f.time * 1e6);
    r.writeUInt32LE(Math.floor(micros / 1e6), 0);
    r.writeUInt32LE(micros % 1e6, 4);
    r.writeUInt32LE(f.data.length, 8);
    r.writeUInt32LE(f.data.length, 12);
    return Buffer.concat([r, f.data]);
  });
  return Buffer.concat([header, ...records]);
}

type Side = 'client' | 'server';

/**
 * A TCP conversation between two endpoints (`ip:port`, IPv6 as `[addr]:port`) that keeps
 * each side's sequence number, so tests write what happens, not the arithmetic.
 * Every call adds frames `step` seconds apart (default 1 ms).
 */
export class Conversation {
  readonly frames: TimedFrame[] = [];
  time: number;
  private readonly ends: Record<Side, { ip: string; port: number; seq: number }>;

  constructor(client: string, server: string, options: { start?: number; clientIsn?: number; serverIsn?: number; step?: number } = {}) {
    this.time = options.start ?? 1_700_000_000;
    this.step = options.step ?? 0.001;
    this.ends = {
      client: { ...parseEndpoint(client), seq: options.clientIsn ?? 1000 },
      server: { ...parseEndpoint(server), seq: options.serverIsn ?? 5000 },
    };
  }

  private readonly step: number;

  /** Next sequence number of a side. */
  seq(side: Side): number {
    return this.ends[side].seq;
  }

  handshake(): this {
    this.segment('client', 'S', '', { consume: 1, ack: 0 });
    this.segment('server', 'SA', '', { consume: 1 });
    return this.segment('client', 'A', '');
  }

  /**
   * Data from one side (one segment), then the other side's ACK unless `ack: false`.
   * `lost: true`: the data segment is missing from the capture (its sequence space is
   * skipped, see `lose`), the ACK is captured: a hole the receiver did not see.
   */
  send(side: Side, data: string | Buffer, options: { ack?: boolean; lost?: boolean } = {}): this {
    if (options.lost) this.lose(side, typeof data === 'string' ? Buffer.byteLength(data, 'latin1') : data.length);
    else this.segment(side, 'PA', data);
    if (options.ack !== false) this.segment(other(side), 'A', '');
    return this;
  }

  /**
   * A hole: `length` bytes of the side's sequence space that the capture never shows (lost
   * before the capture point, or dropped by it). The side's next segment starts after them;
   * a dissector gets `gap(side, length)` there.
   */
  lose(side: Side, length: number): this {
    const from = this.ends[side];
    from.seq = (from.seq + length) >>> 0;
    return this;
  }

  /** FIN from the client, FIN from the server, last ACK. */
  close(): this {
    this.segment('client', 'FA', '', { consume: 1 });
    this.segment('server', 'FA', '', { consume: 1 });
    return this.segment('client', 'A', '');
  }

  reset(side: Side): this {
    return this.segment(side, 'RA', '');
  }

  /** Waits `seconds` of capture time before the next frame. */
  wait(seconds: number): this {
    this.time += seconds;
    return this;
  }

  /**
   * One raw segment. `seq` overrides the sequence number (a retransmission, a segment after a
   * hole); `consume` is how far the side's next sequence number moves (default: the payload
   * length, or 0 with `seq`: a retransmission leaves it where it is).
   *
   *   c.segment('client', 'PA', 'again', { seq: c.seq('client') - 5 });   // retransmits the last 5 bytes
   *   c.segment('client', 'PA', 'later', { seq: c.seq('client') + 100, consume: 105 });   // after a 100-byte hole
   */
  segment(side: Side, flags: string, data: string | Buffer, options: { seq?: number; consume?: number; ack?: number } = {}): this {
    const from = this.ends[side];
    const to = this.ends[other(side)];
    const payload = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    const seq = options.seq ?? from.seq;
    this.frames.push({
      time: this.time,
      data: tcpFrame({ src: from.ip, dst: to.ip, srcPort: from.port, dstPort: to.port, seq, ack: options.ack ?? to.seq, flags, payload }),
    });
    from.seq = (from.seq + (options.consume ?? (options.seq === undefined ? payload.length : 0))) >>> 0;
    this.time += this.step;
    return this;
  }
}

function other(side: Side): Side {
  return side === 'client' ? 'server' : 'client';
}

/** `ip:port`, IPv6 as `[addr]:port`. */
export function parseEndpoint(text: string): { ip: string; port: number } {
  const v6 = text.match(/^\[(.+)\]:(\d+)$/);
  if (v6) return { ip: v6[1]!, port: Number(v6[2]) };
  const at = text.lastIndexOf(':');
  return { ip: text.slice(0, at), port: Number(text.slice(at + 1)) };
}
