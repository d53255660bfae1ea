import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Bytes read at once: a session's segments lie close together in a capture, so one read serves many. */
const WINDOW = 256 * 1024;

/**
 * The capture file being read, opened a second time to read bytes again at their offsets
 * (`Frame.fileOffset`): a session whose dissection waits keeps where its bytes are, not the
 * bytes (see `DeferredDissection`). Reads go through a window, forward in the file as a
 * stream's bytes are.
 */
export class InputFile {
  private buffer: Buffer | null = null;
  /** The bytes read last, from `windowStart` on. */
  private window: Buffer = Buffer.alloc(0);
  private windowStart = 0;

  private constructor(private readonly fd: number) {}

  /** The file at `path` if it is a regular file (not stdin, a pipe or a device); null otherwise. */
  static open(path: string): InputFile | null {
    if (path === '-') return null;
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return null;
    }
    if (fstatSync(fd).isFile()) return new InputFile(fd);
    closeSync(fd);
    return null;
  }

  /** `length` bytes at `position` (a view, valid until the next call); null when the file no longer has them. */
  bytes(position: number, length: number): Buffer | null {
    const from = position - this.windowStart;
    if (from >= 0 && from + length <= this.window.length) return this.window.subarray(from, from + length);
    const buffer = length > WINDOW ? Buffer.allocUnsafe(length) : (this.buffer ??= Buffer.allocUnsafe(WINDOW));
    const read = readSync(this.fd, buffer, 0, buffer.length, position);
    this.window = buffer.subarray(0, read);
    this.windowStart = position;
    return read < length ? null : this.window.subarray(0, length);
  }

  close(): void {
    closeSync(this.fd);
  }
}
