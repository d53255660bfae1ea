import { closeSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { StoredFrame } from './frame.js';

const BLOCK = 1024 * 1024;

/** Why an export file cannot be written, found before any packet is read. */
export class ExportTargetError extends Error {
  constructor(
    readonly path: string,
    /** EISDIR (a directory), ENOENT (its directory is missing), EACCES, EROFS, ... (cannot write there). */
    readonly code: string,
    reason: string,
  ) {
    super(`cannot export to ${path}: ${reason}`);
    this.name = 'ExportTargetError';
  }
}

const REASONS: Record<string, string> = {
  EISDIR: 'is a directory',
  ENOENT: 'no such directory',
  ENOTDIR: 'no such directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
};

/**
 * Writes a pcap file atomically: frames go to a temporary file next to the target
 * (`.NAME.PID.tmp`), which is renamed onto it by `close`; `abort` removes it. The constructor
 * checks the target (ExportTargetError) and removes temporary files that runs killed before
 * their end left there. Nanosecond pcap, so timestamps survive as they were. One link type
 * per file (the first frame's, or the one given for an empty file); a frame of another link
 * type is skipped and counted.
 */
export class PcapWriter {
  readonly tempPath: string;
  frames = 0;
  skippedLinkTypeMismatch = 0;
  private fd: number | null;
  private linkType: number | null = null;
  private pending: Buffer[] = [];
  /** The target is not a regular file: written in place, not through a temporary file. */
  private readonly direct: boolean;
  private pendingBytes = 0;

  constructor(
    readonly path: string,
    private readonly emptyLinkType = 1,
  ) {
    const target = targetKind(path);
    if (target === 'directory') throw new ExportTargetError(path, 'EISDIR', REASONS.EISDIR!);
    // A device or FIFO (/dev/null, a pipe) is written as it is: renaming onto it would replace it.
    this.direct = target === 'special';
    this.tempPath = this.direct ? path : join(dirname(path), `${tempPrefix(path)}${process.pid}.tmp`);
    try {
      this.fd = openSync(this.tempPath, 'w');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
      throw new ExportTargetError(path, code, REASONS[code] ?? (error as Error).message);
    }
    if (!this.direct) removeStaleTempFiles(path);
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
    if (this.fd === null) return;
    if (this.linkType === null) this.writeHeader(this.emptyLinkType);
    this.flush();
    closeSync(this.fd);
    this.fd = null;
    if (!this.direct) renameSync(this.tempPath, this.path);
  }

  abort(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    if (!this.direct) rmSync(this.tempPath, { force: true });
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

function tempPrefix(path: string): string {
  return `.${basename(path)}.`;
}

function targetKind(path: string): 'missing' | 'file' | 'directory' | 'special' {
  try {
    const stat = statSync(path);
    return stat.isDirectory() ? 'directory' : stat.isFile() ? 'file' : 'special';
  } catch {
    return 'missing'; // not there yet: the usual case
  }
}

/** Removes the `.NAME.PID.tmp` files of the target whose process no longer runs (killed mid-export). */
function removeStaleTempFiles(path: string): void {
  const dir = dirname(path);
  const prefix = tempPrefix(path);
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = name.slice(prefix.length, -'.tmp'.length);
    if (/^[1-9]\d*$/.test(pid) && !isRunning(Number(pid))) rmSync(join(dir, name), { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // someone else's process
  }
}
