import type { Dissector } from '@pakeana/framework';
import { probeTls } from './probe.js';
import { DEFAULT_TLS_OPTIONS, tlsOptionsSchema, type TlsOptions } from './tls-options.js';
import { tlsRecordSchema, type TlsHandshake } from './tls-record.js';
import { TlsSession } from './tls-session.js';

/**
 * @pakeana/dissector-tls: TLS (SSLv2-compatible hellos, SSLv3, TLS 1.0 to 1.3) over
 * reassembled TCP streams, built only on the public plugin API. Claims the usual TLS ports
 * and finds TLS on any other by content (a record header and a hello).
 */
const tls: Dissector<TlsOptions> = {
  apiVersion: 1,
  name: 'tls',
  description: 'TLS: one record per handshake (versions, cipher, SNI, ALPN, certificates, alerts, JA3/JA4)',
  // HTTPS, SMTPS, LDAPS, DNS over TLS, FTPS, telnets, IMAPS, IRCS, POP3S, SIP over TLS, IRC over TLS, alternative HTTPS.
  ports: [443, 465, 636, 853, 990, 992, 993, 994, 995, 5061, 6697, 8443],
  probe: probeTls,
  options: tlsOptionsSchema,
  defaultOptions: DEFAULT_TLS_OPTIONS,
  records: tlsRecordSchema,
  create: (context) => new TlsSession(context),
};

// TypeScript authors: `isRecord('tls', protocol, record)` narrows a record to TlsHandshake.
declare module '@pakeana/framework' {
  interface RecordTypes {
    tls: TlsHandshake;
  }
}

export default tls;
export { TlsSession } from './tls-session.js';
export { probeTls } from './probe.js';
export { tlsOptionsSchema, DEFAULT_TLS_OPTIONS, DEFAULT_MAX_HANDSHAKE_MESSAGE, type TlsOptions } from './tls-options.js';
export { tlsRecordSchema, type TlsHandshake, type TlsCertificate, type TlsAlert } from './tls-record.js';
