// A fast pcap writer for the stress captures: Ethernet + IPv4 + TCP frames (and raw IPv4
// fragments) written field by field into one large reused Buffer, flushed to the file when
// full. No per-packet allocation, so a million packets take about a second.
import { closeSync, openSync, writeSync } from 'node:fs';

export const FIN = 1;
export const SYN = 2;
export const RST = 4;
export const PSH = 8;
export const ACK = 16;

const CHUNK = 8 << 20;
const ETH = 14;
const IP = 20;
const TCP = 20;
/** IPv4's more-fragments bit in the flags/offset word. */
const MORE_FRAGMENTS = 0x2000;
const PROTOCOL_TCP = 6;

/** An IPv4 address as an unsigned 32-bit number. */
export function ipv4(a, b, c, d) {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

/** Little-endian, microsecond pcap of Ethernet frames. Times are integer microseconds. */
export class PcapWriter {
  packets = 0;
  #fd;
  #buf = Buffer.allocUnsafe(CHUNK);
  #pos = 0;

  constructor(path) {
    this.#fd = openSync(path, 'w');
    const b = this.#buf;
    b.writeUInt32LE(0xa1b2c3d4, 0);
    b.writeUInt16LE(2, 4);
    b.writeUInt16LE(4, 6);
    b.writeUInt32LE(0, 8);
    b.writeUInt32LE(0, 12);
    b.writeUInt32LE(262144, 16);
    b.writeUInt32LE(1, 20);
    this.#pos = 24;
  }

  /** One TCP segment; `payload` is a Buffer or null. */
  tcp(micros, src, dst, srcPort, dstPort, seq, ack, flags, payload = null) {
    const length = payload ? payload.length : 0;
    const at = this.#ipv4(micros, src, dst, TCP + length, 0, PROTOCOL_TCP, 0);
    const b = this.#buf;
    b.writeUInt16BE(srcPort, at);
    b.writeUInt16BE(dstPort, at + 2);
    b.writeUInt32BE(seq >>> 0, at + 4);
    b.writeUInt32BE(ack >>> 0, at + 8);
    b[at + 12] = (TCP / 4) << 4;
    b[at + 13] = flags;
    b.writeUInt16BE(65535, at + 14);
    b.writeUInt32BE(0, at + 16); // checksum, urgent pointer
    if (payload) payload.copy(b, at + TCP);
  }

  /** One IPv4 fragment of a TCP datagram: `data` (a Buffer) at byte `offset` of the payload. */
  fragment(micros, src, dst, id, offset, moreFragments, data) {
    const flagsOffset = (offset >>> 3) | (moreFragments ? MORE_FRAGMENTS : 0);
    const at = this.#ipv4(micros, src, dst, data.length, id, PROTOCOL_TCP, flagsOffset);
    data.copy(this.#buf, at);
  }

  close() {
    this.#flush();
    closeSync(this.#fd);
  }

  /** Writes the record, Ethernet and IPv4 headers; returns where the IP payload starts. */
  #ipv4(micros, src, dst, payloadLength, id, protocol, flagsOffset) {
    const frameLength = ETH + IP + payloadLength;
    if (this.#pos + 16 + frameLength > CHUNK) this.#flush();
    const b = this.#buf;
    let p = this.#pos;
    const seconds = Math.floor(micros / 1e6);
    b.writeUInt32LE(seconds, p);
    b.writeUInt32LE(micros - seconds * 1e6, p + 4);
    b.writeUInt32LE(frameLength, p + 8);
    b.writeUInt32LE(frameLength, p + 12);
    p += 16;
    b.writeUInt32BE(0x02000000, p); // destination MAC 02:00:00:00:00:02
    b.writeUInt32BE(0x00020200, p + 4); // source MAC 02:00:00:00:00:01
    b.writeUInt32BE(0x00000001, p + 8);
    b.writeUInt16BE(0x0800, p + 12);
    p += ETH;
    b.writeUInt32BE((0x4500 << 16) | (IP + payloadLength), p);
    b.writeUInt16BE(id & 0xffff, p + 4);
    b.writeUInt16BE(flagsOffset, p + 6);
    b[p + 8] = 64;
    b[p + 9] = protocol;
    b.writeUInt16BE(0, p + 10); // checksum: pakeana does not check it
    b.writeUInt32BE(src, p + 12);
    b.writeUInt32BE(dst, p + 16);
    this.#pos = p + IP + payloadLength;
    this.packets++;
    return p + IP;
  }

  #flush() {
    if (this.#pos > 0) writeSync(this.#fd, this.#buf, 0, this.#pos);
    this.#pos = 0;
  }
}

/** Frames in a pcap file (either byte order, micro- or nanosecond), walking the record headers. */
export function countPcapFrames(data) {
  const littleEndian = data.readUInt32LE(0) === 0xa1b2c3d4 || data.readUInt32LE(0) === 0xa1b23c4d;
  const read = littleEndian ? (at) => data.readUInt32LE(at) : (at) => data.readUInt32BE(at);
  let frames = 0;
  for (let p = 24; p + 16 <= data.length; p += 16 + read(p + 8)) frames++;
  return frames;
}
