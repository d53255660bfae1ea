import type { Dissector } from '@pakeana/framework';
import { tlsRecordSchema, type TlsHandshake } from './tls-record.js';

/**
 * @pakeana/dissector-tls: TLS (SSLv2-compatible hellos, SSLv3, TLS 1.0 to 1.3) over
 * reassembled TCP streams, built only on the public plugin API. Found by content on any port.
 */
const tls: Dissector = {
  apiVersion: 1,
  name: 'tls',
  description: 'TLS: one record per handshake (versions, cipher, SNI, ALPN, certificates, alerts, JA3/JA4)',
  records: tlsRecordSchema,
  create: () => ({ data() {}, gap() {}, end() {} }),
};

// TypeScript authors: `isRecord('tls', protocol, record)` narrows a record to TlsHandshake.
declare module '@pakeana/framework' {
  interface RecordTypes {
    tls: TlsHandshake;
  }
}

export default tls;
export { tlsRecordSchema, type TlsHandshake, type TlsCertificate, type TlsAlert } from './tls-record.js';
