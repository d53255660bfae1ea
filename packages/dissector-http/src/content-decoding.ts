import * as zlib from 'node:zlib';

/**
 * Bounds on decoding one body (decompression bombs): at most `perMessage` decoded bytes from
 * any coding, and at most `ratio` decoded bytes per byte on the wire (libhtp's bomb rule), but
 * `floor` always; at most `layers` stacked codings.
 */
export const DECODE_LIMITS = { perMessage: 16 * 1024 * 1024, ratio: 1000, floor: 64 * 1024, layers: 4 } as const;

/** The most bytes a body of `wireBytes` may decode to (see DECODE_LIMITS). */
export function decodedBound(wireBytes: number): number {
  return Math.min(DECODE_LIMITS.perMessage, Math.max(DECODE_LIMITS.floor, wireBytes * DECODE_LIMITS.ratio));
}

/**
 * How decoding went: 'decoded'; 'lenient' (the data is damaged where browsers pass over it:
 * a gzip trailer missing or wrong, a stream cut short, raw deflate for `deflate`); 'bad' (it
 * does not decode, or has more than DECODE_LIMITS.layers codings); 'too-large' (past the
 * bound); 'unknown' (a coding this does not know: `compress`, `zstd`...).
 */
export type DecodeOutcome = 'decoded' | 'lenient' | 'bad' | 'too-large' | 'unknown';

export interface DecodedBody {
  outcome: DecodeOutcome;
  /**
   * The decoded bytes ('decoded', 'lenient'); for 'too-large', the first bytes under the
   * bound when `partial` was asked for; else null.
   */
  bytes: Buffer | null;
}

/** The codings of a Content-Encoding value, in the order they were applied, lower case, without `identity`. */
export function contentCodings(value: string): string[] {
  return value
    .toLowerCase()
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding !== '' && coding !== 'identity');
}

/**
 * Undoes `codings` (in the order they were applied) on `body`, the last one first, each
 * layer's output bounded by `bound`. With `partial`, a body past the bound still gives its
 * first decoded bytes (for extraction and body bytes): the input is decoded again in growing
 * prefixes, a cost only bombs pay.
 */
export function decodeBody(body: Buffer, codings: readonly string[], bound: number, partial: boolean): DecodedBody {
  if (codings.length > DECODE_LIMITS.layers) return { outcome: 'bad', bytes: null };
  let bytes = body;
  let outcome: DecodeOutcome = 'decoded';
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = CODINGS[codings[i]!];
    if (!coding) return { outcome: 'unknown', bytes: null };
    // Past the bound, inner layers only decode what the outer one gave, tolerantly.
    const layer: DecodedBody = outcome === 'too-large' ? tolerantly(coding, bytes, bound) : undo(coding, bytes, bound, partial);
    if (layer.outcome === 'bad' || layer.bytes === null) return { outcome: outcome === 'too-large' ? outcome : layer.outcome, bytes: null };
    if (outcome === 'decoded' || layer.outcome === 'too-large') outcome = layer.outcome;
    bytes = layer.bytes;
  }
  return { outcome, bytes };
}

/** One coding: a strict decoder, and one that reads what it can of damaged or cut data (as browsers do). */
interface Coding {
  strict(input: Buffer, bound: number): Buffer;
  tolerant(input: Buffer, bound: number): Buffer;
}

const SYNC = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
const BROTLI_FLUSH = { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH };

const gzip: Coding = {
  strict: (input, bound) => zlib.gunzipSync(input, { maxOutputLength: bound }),
  // The deflate data after the gzip header, without checking the trailer (CRC and length).
  tolerant: (input, bound) => zlib.inflateRawSync(input.subarray(gzipHeaderLength(input)), { ...SYNC, maxOutputLength: bound }),
};

const CODINGS: Record<string, Coding> = {
  gzip,
  'x-gzip': gzip,
  deflate: {
    strict: (input, bound) => zlib.inflateSync(input, { maxOutputLength: bound }),
    // Servers that send raw deflate for `deflate` are common; browsers take both.
    tolerant: (input, bound) => {
      try {
        return zlib.inflateSync(input, { ...SYNC, maxOutputLength: bound });
      } catch (error) {
        if (tooLarge(error)) throw error;
        return zlib.inflateRawSync(input, { ...SYNC, maxOutputLength: bound });
      }
    },
  },
  br: {
    strict: (input, bound) => zlib.brotliDecompressSync(input, { maxOutputLength: bound }),
    tolerant: (input, bound) => zlib.brotliDecompressSync(input, { ...BROTLI_FLUSH, maxOutputLength: bound }),
  },
};

/** One layer: strictly, else tolerantly ('lenient'); past the bound, its first bytes when `partial`. */
function undo(coding: Coding, input: Buffer, bound: number, partial: boolean): DecodedBody {
  try {
    return { outcome: 'decoded', bytes: coding.strict(input, bound) };
  } catch (error) {
    if (tooLarge(error)) return { outcome: 'too-large', bytes: partial ? firstBytes(coding, input, bound) : null };
  }
  const read = tolerantly(coding, input, bound);
  return read.outcome === 'decoded' ? { outcome: 'lenient', bytes: read.bytes } : read;
}

function tolerantly(coding: Coding, input: Buffer, bound: number): DecodedBody {
  try {
    return { outcome: 'decoded', bytes: coding.tolerant(input, bound) };
  } catch (error) {
    return tooLarge(error) ? { outcome: 'too-large', bytes: firstBytes(coding, input, bound) } : { outcome: 'bad', bytes: null };
  }
}

/**
 * The decoded bytes of the longest prefix of `input` (1 KiB, 4 KiB, ...) that stays under the
 * bound: the first bytes of a body too large to decode whole. Each try is bounded, and the
 * prefixes grow fourfold, so this costs a few times the bound at most.
 */
function firstBytes(coding: Coding, input: Buffer, bound: number): Buffer | null {
  let best: Buffer | null = null;
  for (let length = 1024; ; length *= 4) {
    const prefix = input.subarray(0, Math.min(length, input.length));
    try {
      best = coding.tolerant(prefix, bound);
    } catch {
      return best;
    }
    if (prefix.length === input.length) return best;
  }
}

function tooLarge(error: unknown): boolean {
  return (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
}

/** The length of the gzip header at the start of `data` (RFC 1952 2.3), or 0 when it is not one. */
function gzipHeaderLength(data: Buffer): number {
  if (data.length < 10 || data[0] !== 0x1f || data[1] !== 0x8b) return 0;
  const flags = data[3]!;
  let at = 10;
  if (flags & 4) at += 2 + (data.length >= 12 ? data.readUInt16LE(10) : 0);
  for (const flag of [8, 16]) {
    if (!(flags & flag)) continue;
    const nul = data.indexOf(0, at);
    at = nul < 0 ? data.length : nul + 1;
  }
  if (flags & 2) at += 2;
  return Math.min(at, data.length);
}
