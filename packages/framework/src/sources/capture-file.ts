import { createReadStream, statSync } from 'node:fs';
import { CaptureFormatError, type CaptureParser } from './capture-parser.js';
import type { FrameHandler } from './frame.js';
import { PcapParser } from './pcap-reader.js';
import { PcapngParser } from './pcapng-reader.js';

const CHUNK = 1024 * 1024;

/** A parser for the format the first bytes announce (pcap of either byte order, or pcapng). */
export function createCaptureParser(head: Buffer, onFrame: FrameHandler): CaptureParser {
  if (head.length < 4) throw new CaptureFormatError(`not a pcap or pcapng file: only ${head.length} bytes`, 0);
  const magic = head.readUInt32BE(0);
  if (magic === 0x0a0d0d0a) return new PcapngParser(onFrame);
  if ([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1].includes(magic)) return new PcapParser(onFrame);
  throw new CaptureFormatError(`not a pcap or pcapng file (magic 0x${magic.toString(16).padStart(8, '0')})`, 0);
}

export interface ReadOptions {
  onProgress?(bytesRead: number, packets: number): void;
  signal?: AbortSignal;
  /** After each chunk: a promise to wait for before the next (output backed up), or null. */
  paced?(): Promise<void> | null;
}

export interface ReadResult {
  packets: number;
  bytesRead: number;
  /** The file's size, when the input is a regular file. */
  totalBytes?: number;
}

/**
 * Streams a capture file (`-`: standard input) through the right parser in 1 MiB chunks,
 * never holding the whole file. Rejects with CaptureFormatError on damage, after every frame
 * before the damage was handed on; errors thrown by `onFrame` propagate as they are.
 */
export async function readCapture(input: string, onFrame: FrameHandler, options: ReadOptions = {}): Promise<ReadResult> {
  const fromStdin = input === '-';
  const totalBytes = fromStdin ? undefined : regularFileSize(input);
  const stream = fromStdin ? process.stdin : createReadStream(input, { highWaterMark: CHUNK });
  let parser: CaptureParser | null = null;
  let head = Buffer.alloc(0);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (options.signal?.aborted) break;
    if (!parser) {
      head = Buffer.concat([head, chunk]);
      if (head.length < 4) continue;
      parser = createCaptureParser(head, onFrame);
      parser.push(head);
    } else {
      parser.push(chunk);
    }
    options.onProgress?.(parser.bytesRead, parser.packets);
    const wait = options.paced?.();
    if (wait) await wait;
  }
  if (!parser) {
    throw new CaptureFormatError(head.length === 0 ? 'empty file: not a pcap or pcapng file' : `not a pcap or pcapng file: only ${head.length} bytes`, 0);
  }
  if (!options.signal?.aborted) parser.finish();
  return { packets: parser.packets, bytesRead: parser.bytesRead, totalBytes };
}

function regularFileSize(path: string): number | undefined {
  const stat = statSync(path);
  if (stat.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
  return stat.isFile() ? stat.size : undefined;
}
