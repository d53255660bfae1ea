import { zod } from './zod.js';

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;
const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)?$/;
const SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
const BYTES: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/** Seconds from `300ms`, `10s`, `1.5s`, `2m`, `1h`, `30d`, or a bare number of seconds. */
export function parseDuration(text: string | number): number | null {
  if (typeof text === 'number') return text >= 0 ? text : null;
  const m = DURATION.exec(text.trim());
  return m ? Number(m[1]) * SECONDS[m[2] ?? 's']! : null;
}

/** Bytes from `64MiB`, `10MB`, `512KiB`, or a bare number of bytes. */
export function parseSize(text: string | number): number | null {
  if (typeof text === 'number') return text >= 0 ? Math.floor(text) : null;
  const m = SIZE.exec(text.trim());
  return m ? Math.floor(Number(m[1]) * BYTES[m[2] ?? 'B']!) : null;
}

/** A duration option, in seconds once parsed. */
export const duration = () => {
  const z = zod();
  return z
    .union([z.number().nonnegative(), z.string()])
    .describe('a duration: 300ms, 10s, 1.5s, 2m, 1h, 30d; a bare number is seconds')
    .transform((value, ctx) => {
      const seconds = parseDuration(value);
      if (seconds === null) {
        ctx.addIssue({ code: 'custom', message: `not a duration: "${value}" (write 300ms, 10s, 2m)` });
        return z.NEVER;
      }
      return seconds;
    });
};

/** A size option, in bytes once parsed. */
export const size = () => {
  const z = zod();
  return z
    .union([z.number().nonnegative(), z.string()])
    .describe('a size: 64MiB, 10MB, 512KiB; a bare number is bytes')
    .transform((value, ctx) => {
      const bytes = parseSize(value);
      if (bytes === null) {
        ctx.addIssue({ code: 'custom', message: `not a size: "${value}" (write 64MiB, 10MB)` });
        return z.NEVER;
      }
      return bytes;
    });
};
