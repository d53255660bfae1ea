import { closeSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Why an output file (the export, the report) cannot be written, found before any packet is read. */
export class ExportTargetError extends Error {
  constructor(
    readonly path: string,
    /** EISDIR (a directory), ENOENT (its directory is missing), EACCES, EROFS, ... (cannot write there). */
    readonly code: string,
    reason: string,
    /** What was to be written there, for the message. */
    what = 'export',
  ) {
    super(`cannot ${what === 'export' ? 'export to' : `write the ${what} to`} ${path}: ${reason}`);
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
 * A file written atomically: bytes go to a temporary file next to the target
 * (`.NAME.PID.tmp`), which `commit` renames onto it; `abort` removes it. The constructor
 * checks the target (ExportTargetError) and removes temporary files that runs killed before
 * their end left there. A device or FIFO (/dev/null, a pipe) is written as it is: renaming
 * onto it would replace it.
 */
export class AtomicFile {
  readonly tempPath: string;
  private fd: number | null;
  private readonly direct: boolean;

  constructor(
    readonly path: string,
    /** What is written (`export`, `report`), for ExportTargetError's message. */
    what = 'export',
  ) {
    const target = targetKind(path);
    if (target === 'directory') throw new ExportTargetError(path, 'EISDIR', REASONS.EISDIR!, what);
    this.direct = target === 'special';
    this.tempPath = this.direct ? path : join(dirname(path), `${tempPrefix(path)}${process.pid}.tmp`);
    try {
      this.fd = openSync(this.tempPath, 'w');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
      throw new ExportTargetError(path, code, REASONS[code] ?? (error as Error).message, what);
    }
    if (!this.direct) removeStaleTempFiles(path);
  }

  get open(): boolean {
    return this.fd !== null;
  }

  write(bytes: Buffer | string): void {
    if (this.fd !== null) writeSync(this.fd, typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
  }

  /** Closes the file and puts it in the target's place. */
  commit(): void {
    if (this.fd === null) return;
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
