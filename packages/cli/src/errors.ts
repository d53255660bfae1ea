import type { Command } from '@oclif/core/command';
import { CaptureFormatError } from '@pakeana/framework/internal';

/**
 * Misuse (bad flag value, config, plugin): one line on stderr (a config's problems: one line
 * each, as FILE:LINE:COL: field: message), exit status 2.
 */
export function failUsage(command: Command, error: unknown): never {
  if (error instanceof Error && 'lines' in error && Array.isArray(error.lines)) {
    for (const line of error.lines) process.stderr.write(`${line}\n`);
  } else process.stderr.write(`pakeana: ${messageOf(error)}\n`);
  return command.exit(2);
}

/**
 * The input could not be read to its end: one line naming the file, exit status 1 for a
 * damaged capture, 2 for a file that cannot be opened.
 */
export function failInput(command: Command, file: string, error: Error): never {
  const code = (error as NodeJS.ErrnoException).code;
  const name = file === '-' ? 'stdin' : file;
  if (code === 'ENOENT') return failWith(command, `${name}: no such file`, 2);
  if (code === 'EACCES') return failWith(command, `${name}: permission denied`, 2);
  if (code === 'EISDIR') return failWith(command, `${name}: is a directory`, 2);
  const damaged = error instanceof CaptureFormatError;
  return failWith(command, `${name}: ${damaged ? '' : 'cannot read: '}${error.message}`, 1);
}

function failWith(command: Command, message: string, status: number): never {
  process.stderr.write(`pakeana: ${message}\n`);
  return command.exit(status);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
