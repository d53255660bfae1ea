import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { StoredFrame } from './frame.js';

const BLOCK = 1024 * 1024;

/**
 * Writes a pcap file atomically: frames go to a temporary file next to the target, which is
 * renamed onto it by `close`; `abort` removes it. Nanosecond pcap, so timestamps survive as
 * they were. One link type per file (the first frame's, or the one given for an empty file);
 * a frame of another link type is skipped and counted.
 */
export class PcapWriter {
  readonly tempPath: string;
  frames = 0;
  skippedLinkTypeMismatch = 0;
  private fd: number | null;
  private linkType: number | null = null;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    readonly path: string,
    private readonly emptyLinkType = 1,
  ) {
    this.tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    this.fd = openSync(this.tempPath, 'w');
  }

  write(frame: StoredFrame): void {
    if (this.linkType === null) this.writeHeader(frame.linkType);
    if (frame.linkType !== this.linkType) {
      this.skippedLinkTypeMismatch++;
      return;
    }
    const record = Buffer.alloc(16);
    record.writeUInt32LE(frame.tsSec >>> 0, 0);
    record.writeUInt32LE(frame.tsNsec >>> 0, 4);
    record.writeUInt32LE(frame.data.length, 8);
    record.writeUInt32LE(Math.max(frame.wireLen, frame.data.length), 12);
    this.push(record);
    this.push(frame.data);
    this.frames++;
  }

  close(): void {
    if (this.fd === null) return;
    if (this.linkType === null) this.writeHeader(this.emptyLinkType);
    this.flush();
    closeSync(this.fd);
    this.fd = null;
    renameSync(this.tempPath, this.path);
  }

  abort(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    rmSync(this.tempPath, { force: true });
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
    if (this.fd === null || this.pending.length === 0) return;
    writeSync(this.fd, Buffer.concat(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
  }
}
