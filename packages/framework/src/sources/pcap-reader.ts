import { u32be, u32le } from '../decode/bytes.js';
import { CaptureFormatError, UnitParser } from './capture-parser.js';
import { newFrame, type FrameHandler } from './frame.js';

const MAGIC_MICRO = 0xa1b2c3d4;
const MAGIC_NANO = 0xa1b23c4d;
const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;
/**
 * The largest record taken for real: libpcap's largest snapshot length for any link type,
 * with room for what some tools write. A longer record is damage, whatever the file header's
 * snapshot length says (a header may claim 0xFFFFFFFF).
 */
const MAX_CAPLEN = 262144 * 4;

/**
 * Push parser for the classic pcap format (both byte orders, micro- and nanosecond).
 * Frames point into the pushed chunk; only a record split across two chunks is copied.
 */
export class PcapParser extends UnitParser {
  private readonly frame = newFrame();
  private headerRead = false;
  private littleEndian = true;
  private nanosecond = false;

  constructor(private readonly onFrame: FrameHandler) {
    super();
  }

  protected unitLength(head: Buffer): number {
    if (!this.headerRead) return GLOBAL_HEADER;
    if (head.length < RECORD_HEADER) return RECORD_HEADER;
    return RECORD_HEADER + this.capturedLength(head, 0);
  }

  /** Reads the global header if due, then whole records; returns where unread bytes start. */
  protected consume(data: Buffer, offset: number): number {
    if (!this.headerRead) {
      if (data.length - offset < GLOBAL_HEADER) return offset;
      this.readGlobalHeader(data.subarray(offset));
      offset += GLOBAL_HEADER;
      this.bytesRead = GLOBAL_HEADER;
    }
    return this.readRecords(data, offset);
  }

  finish(): void {
    const leftover = this.leftover;
    if (!this.headerRead) throw new CaptureFormatError(`truncated pcap file header: ${leftover.length} of 24 bytes`, 0);
    if (leftover.length > 0) {
      const caplen = leftover.length >= RECORD_HEADER ? this.u32(leftover, 8) : -1;
      const detail = caplen >= 0 ? `${leftover.length - RECORD_HEADER} of ${caplen} bytes` : `${leftover.length} of 16 header bytes`;
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
    // The upper bits of the link-type field carry FCS information (pcap-savefile(5)).
    this.frame.linkType = this.u32(data, 20) & 0x0fffffff;
    this.headerRead = true;
  }

  /** Hands on every complete record from `offset`; returns where the first incomplete one starts. */
  private readRecords(data: Buffer, offset: number): number {
    const frame = this.frame;
    frame.data = data;
    while (data.length - offset >= RECORD_HEADER) {
      const caplen = this.capturedLength(data, offset);
      if (data.length - offset - RECORD_HEADER < caplen) break;
      const fraction = this.u32(data, offset + 4);
      frame.tsSec = this.u32(data, offset);
      frame.tsNsec = this.nanosecond ? fraction : fraction * 1000;
      frame.wireLen = this.u32(data, offset + 12);
      frame.caplen = caplen;
      frame.offset = offset + RECORD_HEADER;
      frame.fileOffset = this.bytesRead + RECORD_HEADER;
      frame.index = ++this.packets;
      offset += RECORD_HEADER + caplen;
      this.bytesRead += RECORD_HEADER + caplen;
      this.unitEnd = this.bytesRead;
      this.onFrame(frame);
    }
    return offset;
  }

  /** The captured length of the record at `offset`, checked against MAX_CAPLEN. */
  private capturedLength(data: Buffer, offset: number): number {
    const caplen = this.u32(data, offset + 8);
    if (caplen > MAX_CAPLEN) {
      throw new CaptureFormatError(
        `damaged record ${this.packets + 1} at byte ${this.bytesRead}: captured length ${caplen} exceeds ${MAX_CAPLEN}`,
        this.bytesRead,
      );
    }
    return caplen;
  }

  private u16(b: Buffer, at: number): number {
    return this.littleEndian ? b.readUInt16LE(at) : b.readUInt16BE(at);
  }

  private u32(b: Buffer, at: number): number {
    return this.littleEndian ? u32le(b, at) : u32be(b, at);
  }
}
