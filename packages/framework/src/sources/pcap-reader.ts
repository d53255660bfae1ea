import { u32be, u32le } from '../decode/bytes.js';
import { CaptureFormatError, type CaptureParser } from './capture-parser.js';
import { newFrame, type FrameHandler } from './frame.js';

const MAGIC_MICRO = 0xa1b2c3d4;
const MAGIC_NANO = 0xa1b23c4d;
const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;
/** libpcap's largest snapshot length for any link type: a bigger record is damage. */
const MAX_CAPLEN = 262144 * 4;

/**
 * Push parser for the classic pcap format (both byte orders, micro- and nanosecond).
 * Frames point into the pushed chunk; only a record split across two chunks is copied.
 */
export class PcapParser implements CaptureParser {
  packets = 0;
  bytesRead = 0;
  private readonly frame = newFrame();
  private headerRead = false;
  private littleEndian = true;
  private nanosecond = false;
  private snaplen = 0;
  /** Bytes of an incomplete record (or header) carried over to the next chunk. */
  private carry: Buffer | null = null;

  constructor(private readonly onFrame: FrameHandler) {}

  push(chunk: Buffer): void {
    let offset = 0;
    // A record split across chunks: complete it with just the bytes it lacks, then go on in place.
    while (this.carry) {
      const need = this.bytesLacking(this.carry);
      const take = Math.min(need, chunk.length - offset);
      const joined = Buffer.concat([this.carry, chunk.subarray(offset, offset + take)]);
      offset += take;
      if (take < need) {
        this.carry = joined;
        return;
      }
      const consumed = this.consume(joined, 0);
      this.carry = consumed < joined.length ? Buffer.from(joined.subarray(consumed)) : null;
    }
    offset = this.consume(chunk, offset);
    if (offset < chunk.length) this.carry = Buffer.from(chunk.subarray(offset));
  }

  /** Bytes the carried-over piece needs to become a whole header or record (0: decide now). */
  private bytesLacking(carry: Buffer): number {
    if (!this.headerRead) return Math.max(0, GLOBAL_HEADER - carry.length);
    if (carry.length < RECORD_HEADER) return RECORD_HEADER - carry.length;
    const caplen = this.u32(carry, 8);
    if (caplen > Math.max(this.snaplen, MAX_CAPLEN)) return 0; // damage: let readRecords say so
    return RECORD_HEADER + caplen - carry.length;
  }

  /** Reads the global header if due, then whole records; returns where unread bytes start. */
  private consume(data: Buffer, offset: number): number {
    if (!this.headerRead) {
      if (data.length - offset < GLOBAL_HEADER) return offset;
      this.readGlobalHeader(data.subarray(offset));
      offset += GLOBAL_HEADER;
      this.bytesRead = GLOBAL_HEADER;
    }
    return this.readRecords(data, offset);
  }

  finish(): void {
    if (!this.headerRead) {
      throw new CaptureFormatError(`truncated pcap file header: ${this.carry?.length ?? 0} of 24 bytes`, 0);
    }
    if (this.carry && this.carry.length > 0) {
      const caplen = this.carry.length >= RECORD_HEADER ? this.u32(this.carry, 8) : -1;
      const detail = caplen >= 0 ? `${this.carry.length - RECORD_HEADER} of ${caplen} bytes` : `${this.carry.length} of 16 header bytes`;
      throw new CaptureFormatError(`truncated record ${this.packets + 1} at byte ${this.bytesRead}: ${detail}`, this.bytesRead);
    }
  }

  private readGlobalHeader(data: Buffer): void {
    const magicLe = data.readUInt32LE(0);
    const magicBe = data.readUInt32BE(0);
    if (magicLe === MAGIC_MICRO || magicLe === MAGIC_NANO) this.littleEndian = true;
    else if (magicBe === MAGIC_MICRO || magicBe === MAGIC_NANO) this.littleEndian = false;
    else throw new CaptureFormatError(`not a pcap file (magic 0x${magicBe.toString(16).padStart(8, '0')})`, 0);
    this.nanosecond = (this.littleEndian ? magicLe : magicBe) === MAGIC_NANO;
    const major = this.u16(data, 4);
    if (major !== 2) throw new CaptureFormatError(`unsupported pcap version ${major}.${this.u16(data, 6)}`, 4);
    this.snaplen = this.u32(data, 16);
    // The upper bits of the link-type field carry FCS information (pcap-savefile(5)).
    this.frame.linkType = this.u32(data, 20) & 0x0fffffff;
    this.headerRead = true;
  }

  /** Hands on every complete record from `offset`; returns where the first incomplete one starts. */
  private readRecords(data: Buffer, offset: number): number {
    const frame = this.frame;
    frame.data = data;
    const limit = Math.max(this.snaplen, MAX_CAPLEN);
    while (data.length - offset >= RECORD_HEADER) {
      const caplen = this.u32(data, offset + 8);
      if (caplen > limit) {
        throw new CaptureFormatError(
          `damaged record ${this.packets + 1} at byte ${this.bytesRead}: captured length ${caplen} exceeds ${limit}`,
          this.bytesRead,
        );
      }
      if (data.length - offset - RECORD_HEADER < caplen) break;
      const fraction = this.u32(data, offset + 4);
      frame.tsSec = this.u32(data, offset);
      frame.tsNsec = this.nanosecond ? fraction : fraction * 1000;
      frame.wireLen = this.u32(data, offset + 12);
      frame.caplen = caplen;
      frame.offset = offset + RECORD_HEADER;
      frame.index = ++this.packets;
      offset += RECORD_HEADER + caplen;
      this.bytesRead += RECORD_HEADER + caplen;
      this.onFrame(frame);
    }
    return offset;
  }

  private u16(b: Buffer, at: number): number {
    return this.littleEndian ? b.readUInt16LE(at) : b.readUInt16BE(at);
  }

  private u32(b: Buffer, at: number): number {
    return this.littleEndian ? u32le(b, at) : u32be(b, at);
  }
}
