import type { StoredFrame } from './frame.js';
import { AtomicFile } from './atomic-file.js';

export { ExportTargetError } from './atomic-file.js';

const BLOCK = 1024 * 1024;

/**
 * Writes a pcap file atomically (AtomicFile: renamed onto the target by `close`, removed by
 * `abort`; the target is checked when the writer is made). Nanosecond pcap, so timestamps
 * survive as they were. One link type per file (the first frame's, or the one given for an
 * empty file); a frame of another link type is skipped and counted.
 */
export class PcapWriter {
  frames = 0;
  skippedLinkTypeMismatch = 0;
  private readonly file: AtomicFile;
  private linkType: number | null = null;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    readonly path: string,
    private readonly emptyLinkType = 1,
  ) {
    this.file = new AtomicFile(path);
  }

  get tempPath(): string {
    return this.file.tempPath;
  }

  /** Writes the frame; false when it was skipped for its link type (counted). */
  write(frame: StoredFrame): boolean {
    if (this.linkType === null) this.writeHeader(frame.linkType);
    if (frame.linkType !== this.linkType) {
      this.skippedLinkTypeMismatch++;
      return false;
    }
    const record = Buffer.alloc(16);
    record.writeUInt32LE(frame.tsSec >>> 0, 0);
    record.writeUInt32LE(frame.tsNsec >>> 0, 4);
    record.writeUInt32LE(frame.data.length, 8);
    record.writeUInt32LE(Math.max(frame.wireLen, frame.data.length), 12);
    this.push(record);
    this.push(frame.data);
    this.frames++;
    return true;
  }

  close(): void {
    if (!this.file.open) return;
    if (this.linkType === null) this.writeHeader(this.emptyLinkType);
    this.flush();
    this.file.commit();
  }

  abort(): void {
    this.file.abort();
  }

  private writeHeader(linkType: number): void {
    this.linkType = linkType;
    const header = Buffer.alloc(24);
    header.writeUInt32LE(0xa1b23c4d, 0);
    header.writeUInt16LE(2, 4);
    header.writeUInt16LE(4, 6);
    header.writeUInt32LE(262144, 16);
    header.writeUInt32LE(linkType, 20);
    this.push(header);
  }

  private push(bytes: Buffer): void {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= BLOCK) this.flush();
  }

  private flush(): void {
    if (!this.file.open || this.pending.length === 0) return;
    this.file.write(Buffer.concat(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
  }
}
