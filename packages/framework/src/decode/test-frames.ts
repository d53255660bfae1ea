// Test helper of the decoder tests: crafted encapsulations around one TCP segment, and what
// decoding a frame found, as plain values.
import { formatAddress } from './address-text.js';
import { describePath, type PathLayer } from './encapsulation.js';
import { decodeLink } from './link.js';
import { DecodedPacket, DecodeStatus } from './packet.js';
import { newFrame } from '../sources/frame.js';
import { ethernetHeader, ipv4Header, ipv6Header, tcpFrame } from '../testing/packet-builder.js';

/** An Ethernet frame: IPv4 192.168.1.1:40000 -> 192.168.1.2:80, `GET` (reversed: the answer's direction). */
export function innerFrame(reversed = false): Buffer {
  const [src, dst, srcPort, dstPort] = reversed ? ['192.168.1.2', '192.168.1.1', 80, 40000] : ['192.168.1.1', '192.168.1.2', 40000, 80];
  return tcpFrame({ src, dst, srcPort, dstPort, seq: 1, payload: 'GET' });
}

/** The IP packet of `innerFrame`. */
export function innerPacket(reversed = false): Buffer {
  return innerFrame(reversed).subarray(14);
}

/** The same segment over IPv6, 2001:db8::1 -> 2001:db8::2. */
export function innerPacket6(): Buffer {
  return tcpFrame({ src: '2001:db8::1', dst: '2001:db8::2', srcPort: 40000, dstPort: 80, seq: 1, payload: 'GET' }).subarray(14);
}

/** Ethernet, then an IPv4 (or, for addresses with `:`, IPv6) header of `protocol` around `payload`. */
export function overIp(src: string, dst: string, protocol: number, payload: Buffer): Buffer {
  const v6 = src.includes(':');
  const ip = v6 ? ipv6Header({ src, dst }, payload.length, protocol) : ipv4Header({ src, dst }, payload.length, protocol);
  return Buffer.concat([ethernetHeader(v6 ? 0x86dd : 0x0800), ip, payload]);
}

/** A UDP header (checksum 0) to `dstPort` before `payload`. */
export function udp(dstPort: number, payload: Buffer, srcPort = 50000): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16BE(srcPort, 0);
  header.writeUInt16BE(dstPort, 2);
  header.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([header, payload]);
}

export interface Decoded {
  status: DecodeStatus;
  pkt: DecodedPacket;
  /** Innermost addresses and TCP ports, `a:p>b:q` ('' unless decoded). */
  flow: string;
  path: PathLayer[];
}

export function decodeBytes(data: Buffer, linkType = 1, wireLen = data.length): Decoded {
  const frame = newFrame();
  Object.assign(frame, { data, offset: 0, caplen: data.length, wireLen, linkType });
  const pkt = new DecodedPacket();
  const status = decodeLink(frame, pkt);
  let flow = '';
  if (status === DecodeStatus.Ok) {
    const ports = pkt.protocol === 6 ? [pkt.buf.readUInt16BE(pkt.l4Offset), pkt.buf.readUInt16BE(pkt.l4Offset + 2)] : [0, 0];
    flow = `${formatAddress(pkt.buf, pkt.srcOffset, pkt.addrLen)}:${ports[0]}>${formatAddress(pkt.buf, pkt.dstOffset, pkt.addrLen)}:${ports[1]}`;
  }
  return { status, pkt, flow, path: describePath(pkt) };
}

export const FLOW = '192.168.1.1:40000>192.168.1.2:80';
export const REPLY = '192.168.1.2:80>192.168.1.1:40000';
