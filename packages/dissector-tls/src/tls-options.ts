import { lazySchema, size } from '@pakeana/framework';
import type { z } from 'zod';

/** The longest handshake message kept whole unless `maxHandshakeMessage` says otherwise. */
export const DEFAULT_MAX_HANDSHAKE_MESSAGE = 1024 * 1024;

/**
 * The TLS dissector's options (config `dissectors: { tls: {...} }`, `--option tls.KEY=VALUE`).
 * Built on first use: a run without options loads no zod.
 */
export const tlsOptionsSchema = lazySchema((z) =>
  z
    .object({
      maxHandshakeMessage: size()
        .default(DEFAULT_MAX_HANDSHAKE_MESSAGE)
        .describe('the longest handshake message kept to be read (a certificate chain is one message; default 1MiB); a longer one is skipped and marked tls.handshake-too-large'),
      certificates: z.boolean().default(true).describe('read the certificates of TLS 1.0-1.2 handshakes (subject, issuer, SANs, validity, key); false: chains are left empty'),
    })
    .strict(),
);

/** The options as the schema gives them (sizes in bytes, defaults filled). */
export type TlsOptions = z.output<ReturnType<typeof tlsOptionsSchema>>;

/** What the schema gives for no options: passed as they are when nothing configures the dissector. */
export const DEFAULT_TLS_OPTIONS: Readonly<TlsOptions> = Object.freeze({ maxHandshakeMessage: DEFAULT_MAX_HANDSHAKE_MESSAGE, certificates: true });
