import { CaptureFormatError, UnitParser } from './capture-parser.js';
import { newFrame, type FrameHandler } from './frame.js';

const SHB = 0x0a0d0d0a;
const IDB = 1;
const OBSOLETE_PB = 2;
const SPB = 3;
const EPB = 6;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** A block longer than this is taken for damage rather than buffered. */
const MAX_BLOCK = 16 * 1024 * 1024;
/** Bytes that tell a block's length (and, in a section header, its byte order). */
const BLOCK_HEADER = 12;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

interface Interface {
  linkType: number;
  snaplen: number;
  /** Timestamp units per second: 10^n or 2^n. */
  unitsPerSecond: number;
  /** True when unitsPerSecond is a power of ten (exact nanoseconds need care above 10^6). */
  decimal: boolean;
  /** if_tsoffset: seconds added to every timestamp. */
  offsetSeconds: number;
}

/**
 * Push parser for pcapng: several sections (each with its own byte order and interfaces),
 * interfaces with their own link type, if_tsresol and if_tsoffset; enhanced, simple and
 * obsolete packet blocks; every other block skipped by its length.
 */
export class PcapngParser extends UnitParser {
  private readonly frame = newFrame();
  /** Where the block being read starts in the buffer being consumed (its input offset is `bytesRead`). */
  private blockStart = 0;
  private littleEndian = true;
  private interfaces: Interface[] = [];
  private sectionSeen = false;

  constructor(private readonly onFrame: FrameHandler) {
    super();
  }

  finish(): void {
    const leftover = this.leftover;
    if (leftover.length > 0) {
      throw new CaptureFormatError(`truncated block at byte ${this.bytesRead}: ${leftover.length} bytes left`, this.bytesRead);
    }
    if (!this.sectionSeen) throw new CaptureFormatError('empty pcapng file: no section header block', 0);
  }

  protected unitLength(head: Buffer): number {
    return head.length < BLOCK_HEADER ? BLOCK_HEADER : this.blockLength(head, 0);
  }

  /** Reads every whole block from `offset`; returns where the first incomplete one starts. */
  protected consume(data: Buffer, offset: number): number {
    while (data.length - offset >= BLOCK_HEADER) {
      const length = this.blockLength(data, offset);
      if (data.length - offset < length) break;
      this.unitEnd = this.bytesRead + length;
      this.blockStart = offset;
      try {
        this.block(data, offset, length);
      } finally {
        // Also when a frame handler was cut off (see Watchdog): parsing resumes after the block.
        this.bytesRead = this.unitEnd;
      }
      offset += length;
    }
    return offset;
  }

  /** The block's total length, validated; sets the byte order when the block is a section header. */
  private blockLength(data: Buffer, offset: number): number {
    const type = this.u32(data, offset);
    if (type === SHB) {
      const magic = data.readUInt32LE(offset + 8);
      if (magic === BYTE_ORDER_MAGIC) this.littleEndian = true;
      else if (data.readUInt32BE(offset + 8) === BYTE_ORDER_MAGIC) this.littleEndian = false;
      else throw this.damage(`bad byte-order magic in section header`);
    } else if (!this.sectionSeen) {
      throw new CaptureFormatError('not a pcapng file: it does not start with a section header block', 0);
    }
    const length = this.u32(data, offset + 4);
    if (length < 12 || length % 4 !== 0 || length > MAX_BLOCK) throw this.damage(`bad block length ${length}`);
    return length;
  }

  private block(data: Buffer, offset: number, length: number): void {
    if (this.u32(data, offset + length - 4) !== length) throw this.damage('block length fields disagree');
    const type = this.u32(data, offset);
    if (type === SHB) this.section(data, offset, length);
    else if (type === IDB) this.interfaceDescription(data, offset, length);
    else if (type === EPB) this.enhancedPacket(data, offset, length);
    else if (type === SPB) this.simplePacket(data, offset, length);
    else if (type === OBSOLETE_PB) this.obsoletePacket(data, offset, length);
  }

  private section(data: Buffer, offset: number, length: number): void {
    if (length < 28) throw this.damage('section header block too short');
    const major = this.u16(data, offset + 12);
    if (major !== 1) throw this.damage(`unsupported pcapng version ${major}`);
    this.sectionSeen = true;
    this.interfaces = [];
  }

  private interfaceDescription(data: Buffer, offset: number, length: number): void {
    if (length < 20) throw this.damage('interface description block too short');
    const iface: Interface = {
      linkType: this.u16(data, offset + 8),
      snaplen: this.u32(data, offset + 12),
      unitsPerSecond: 1e6,
      decimal: true,
      offsetSeconds: 0,
    };
    this.options(data, offset + 16, offset + length - 4, (code, at, size) => {
      if (code === OPT_IF_TSRESOL && size >= 1) {
        const r = data[at]!;
        iface.decimal = (r & 0x80) === 0;
        iface.unitsPerSecond = iface.decimal ? 10 ** (r & 0x7f) : 2 ** (r & 0x7f);
      } else if (code === OPT_IF_TSOFFSET && size >= 8) {
        iface.offsetSeconds = Number(this.littleEndian ? data.readBigInt64LE(at) : data.readBigInt64BE(at));
      }
    });
    this.interfaces.push(iface);
  }

  private enhancedPacket(data: Buffer, offset: number, length: number): void {
    this.timedPacket(data, offset, length, this.u32(data, offset + 8));
  }

  private simplePacket(data: Buffer, offset: number, length: number): void {
    if (length < 16) throw this.damage('simple packet block too short');
    const iface = this.interfaceAt(0);
    const wireLen = this.u32(data, offset + 8);
    let caplen = Math.min(wireLen, length - 16);
    if (iface.snaplen > 0) caplen = Math.min(caplen, iface.snaplen);
    // No timestamp: the frame keeps the previous packet's time.
    this.emit(iface, data, offset + 12, caplen, wireLen);
  }

  /** The obsolete packet block: as an enhanced one, with a 16-bit interface id and a drops count. */
  private obsoletePacket(data: Buffer, offset: number, length: number): void {
    this.timedPacket(data, offset, length, this.u16(data, offset + 8));
  }

  /** Enhanced and obsolete packet blocks share the layout after the interface id. */
  private timedPacket(data: Buffer, offset: number, length: number, interfaceId: number): void {
    if (length < 32) throw this.damage('packet block too short');
    const iface = this.interfaceAt(interfaceId);
    const caplen = this.u32(data, offset + 20);
    if (caplen > length - 32) throw this.damage(`captured length ${caplen} exceeds the block`);
    this.setTime(iface, this.u32(data, offset + 12), this.u32(data, offset + 16));
    this.emit(iface, data, offset + 28, caplen, this.u32(data, offset + 24));
  }

  private emit(iface: Interface, data: Buffer, at: number, caplen: number, wireLen: number): void {
    const frame = this.frame;
    frame.data = data;
    frame.offset = at;
    frame.fileOffset = this.bytesRead + at - this.blockStart;
    frame.caplen = caplen;
    frame.wireLen = wireLen;
    frame.linkType = iface.linkType;
    frame.index = ++this.packets;
    this.onFrame(frame);
  }

  /** Exact seconds and nanoseconds from a 64-bit timestamp in the interface's units. */
  private setTime(iface: Interface, high: number, low: number): void {
    const units = iface.unitsPerSecond;
    const total = high * 4294967296 + low;
    let sec: number;
    let nsec: number;
    if (Number.isSafeInteger(total) && (!iface.decimal || units <= 1e6)) {
      sec = Math.floor(total / units);
      nsec = Math.round(((total - sec * units) * 1e9) / units);
    } else {
      const big = (BigInt(high) << 32n) | BigInt(low);
      const bigUnits = BigInt(units);
      sec = Number(big / bigUnits);
      nsec = Number(((big % bigUnits) * 1_000_000_000n) / bigUnits);
    }
    this.frame.tsSec = sec + iface.offsetSeconds;
    this.frame.tsNsec = nsec;
  }

  private interfaceAt(id: number): Interface {
    const iface = this.interfaces[id];
    if (!iface) throw this.damage(`packet names interface ${id}, but the section describes ${this.interfaces.length}`);
    return iface;
  }

  /** Walks the options in [from, to): code, value offset, value length. */
  private options(data: Buffer, from: number, to: number, visit: (code: number, at: number, size: number) => void): void {
    let at = from;
    while (at + 4 <= to) {
      const code = this.u16(data, at);
      const size = this.u16(data, at + 2);
      if (code === 0 || at + 4 + size > to) return;
      visit(code, at + 4, size);
      at += 4 + ((size + 3) & ~3);
    }
  }

  private damage(message: string): CaptureFormatError {
    return new CaptureFormatError(`damaged block at byte ${this.bytesRead}: ${message}`, this.bytesRead);
  }

  private u16(b: Buffer, at: number): number {
    return this.littleEndian ? b.readUInt16LE(at) : b.readUInt16BE(at);
  }

  private u32(b: Buffer, at: number): number {
    return this.littleEndian ? b.readUInt32LE(at) : b.readUInt32BE(at);
  }
}
