import { u16be, u32be } from './bytes.js';
import type { TcpHeader } from './tcp-header.js';

const OPT_EOL = 0;
const OPT_NOP = 1;
const OPT_MSS = 2;
const OPT_WSCALE = 3;
const OPT_SACK_PERMITTED = 4;
const OPT_SACK = 5;
const OPT_TIMESTAMP = 8;

/**
 * TCP header at `offset` (RFC 9293). `capturedLength` is what the buffer holds of the
 * segment, `wireLength` what the IP header says it was. Returns false (a header error) when
 * fewer than 20 bytes are there or the data offset is impossible. Options cut by the snap
 * length are read as far as they go.
 */
export function decodeTcp(buf: Buffer, offset: number, capturedLength: number, wireLength: number, out: TcpHeader): boolean {
  if (capturedLength < 20) return false;
  const headerLength = (buf[offset + 12]! >> 4) * 4;
  if (headerLength < 20 || headerLength > wireLength) return false;
  out.srcPort = u16be(buf, offset);
  out.dstPort = u16be(buf, offset + 2);
  out.seq = u32be(buf, offset + 4);
  out.ack = u32be(buf, offset + 8);
  out.flags = buf[offset + 13]!;
  out.window = u16be(buf, offset + 14);
  out.urgentPointer = u16be(buf, offset + 18);
  out.headerLength = headerLength;
  out.optionsOffset = offset + 20;
  out.optionsLength = Math.min(headerLength, capturedLength) - 20;
  out.payloadOffset = offset + headerLength;
  out.payloadLength = Math.max(0, capturedLength - headerLength);
  out.payloadWireLength = wireLength - headerLength;
  readOptions(buf, out.optionsOffset, out.optionsOffset + out.optionsLength, out);
  return true;
}

function readOptions(buf: Buffer, from: number, to: number, out: TcpHeader): void {
  out.mss = -1;
  out.windowScale = -1;
  out.sackPermitted = false;
  out.hasTimestamp = false;
  out.sackBlocks = 0;
  let at = from;
  while (at < to) {
    const kind = buf[at]!;
    if (kind === OPT_EOL) return;
    if (kind === OPT_NOP) {
      at++;
      continue;
    }
    if (at + 1 >= to) return;
    const length = buf[at + 1]!;
    if (length < 2 || at + length > to) return; // malformed or cut: stop, keep the segment
    if (kind === OPT_MSS && length === 4) out.mss = u16be(buf, at + 2);
    else if (kind === OPT_WSCALE && length === 3) out.windowScale = buf[at + 2]!;
    else if (kind === OPT_SACK_PERMITTED && length === 2) out.sackPermitted = true;
    else if (kind === OPT_SACK) out.sackBlocks = (length - 2) >> 3;
    else if (kind === OPT_TIMESTAMP && length === 10) {
      out.hasTimestamp = true;
      out.tsVal = u32be(buf, at + 2);
      out.tsEcr = u32be(buf, at + 6);
    }
    at += length;
  }
}

/** The options `buf[offset, offset + length)` are NOP, NOP, timestamp: what Linux puts on every segment. */
export function isTimestampOnly(buf: Buffer, offset: number, length: number): boolean {
  return length === 12 && buf[offset] === OPT_NOP && buf[offset + 1] === OPT_NOP && buf[offset + 2] === OPT_TIMESTAMP && buf[offset + 3] === 10;
}

/** The bytes of such options, from their two timestamp values. */
export function timestampOnlyOptions(tsVal: number, tsEcr: number): Buffer {
  const bytes = Buffer.from([OPT_NOP, OPT_NOP, OPT_TIMESTAMP, 10, 0, 0, 0, 0, 0, 0, 0, 0]);
  bytes.writeUInt32BE(tsVal, 4);
  bytes.writeUInt32BE(tsEcr, 8);
  return bytes;
}

/** The options as text, like miruo and tcpdump print them: `mss=1460, sackOK, timestamp 1 2, wscale=7`. */
export function formatTcpOptions(buf: Buffer, offset: number, length: number): string {
  const parts: string[] = [];
  const to = offset + length;
  let at = offset;
  while (at < to) {
    const kind = buf[at]!;
    if (kind === OPT_EOL) {
      parts.push('eol');
      break;
    }
    if (kind === OPT_NOP) {
      parts.push('nop');
      at++;
      continue;
    }
    const size = at + 1 < to ? buf[at + 1]! : 0;
    if (size < 2 || at + size > to) {
      parts.push(`bad option ${kind}`);
      break;
    }
    parts.push(formatOption(buf, kind, at, size));
    at += size;
  }
  return parts.join(', ');
}

function formatOption(buf: Buffer, kind: number, at: number, size: number): string {
  if (kind === OPT_MSS && size === 4) return `mss=${buf.readUInt16BE(at + 2)}`;
  if (kind === OPT_WSCALE && size === 3) return `wscale=${buf[at + 2]}`;
  if (kind === OPT_SACK_PERMITTED) return 'sackOK';
  if (kind === OPT_TIMESTAMP && size === 10) return `timestamp ${buf.readUInt32BE(at + 2)} ${buf.readUInt32BE(at + 6)}`;
  if (kind === OPT_SACK) {
    const blocks: string[] = [];
    for (let b = at + 2; b + 8 <= at + size; b += 8) blocks.push(`${buf.readUInt32BE(b)}:${buf.readUInt32BE(b + 4)}`);
    return `sack ${blocks.join(' ')}`;
  }
  return `opt${kind}/${size - 2}`;
}
