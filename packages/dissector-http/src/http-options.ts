import { lazySchema, size } from '@pakeana/framework';
import type { z } from 'zod';

/** The most bytes written per extracted file unless `extractLimit` says otherwise. */
export const DEFAULT_EXTRACT_LIMIT = 10 * 1024 * 1024;

/**
 * The HTTP dissector's options (config `dissectors: { http: {...} }`, `--option http.KEY=VALUE`).
 * Built on first use: a run without options loads no zod.
 */
export const httpOptionsSchema = lazySchema((z) =>
  z
    .object({
      extract: z
        .string()
        .min(1)
        .optional()
        .describe("a directory: each HTTP body is written there decoded, one file per body named <session id>-<depth>-<last URI segment>[.ext] (request bodies: <session id>-<depth>-request-...), as Wireshark's Export Objects > HTTP"),
      extractLimit: size().default(DEFAULT_EXTRACT_LIMIT).describe('the most bytes written per extracted file, the first ones (default 10MiB)'),
      bodyBytes: size().default(0).describe('the first N bytes of each body (decoded) in the record: requestBodyHead, responseBodyHead; 0, the default: none'),
    })
    .strict(),
);

/** The options as the schema gives them (sizes in bytes, defaults filled). */
export type HttpOptions = z.output<ReturnType<typeof httpOptionsSchema>>;

/** What the schema gives for no options: passed as they are when nothing configures the dissector. */
export const DEFAULT_HTTP_OPTIONS: Readonly<HttpOptions> = Object.freeze({ extractLimit: DEFAULT_EXTRACT_LIMIT, bodyBytes: 0 });
