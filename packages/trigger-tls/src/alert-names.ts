/**
 * The alert descriptions `tls.alert` takes, as the RFCs name them (IANA's TLS Alerts
 * registry, reserved ones included: old peers still send them; end_of_early_data from TLS 1.3's
 * drafts). The TLS record names an
 * alert the same way (a number without a name is `unknown(N)` there); a test checks that the
 * two lists agree. Kept here because a trigger package may not load the dissector.
 */
export const ALERT_NAMES = [
  'close_notify',
  'end_of_early_data',
  'unexpected_message',
  'bad_record_mac',
  'decryption_failed',
  'record_overflow',
  'decompression_failure',
  'handshake_failure',
  'no_certificate',
  'bad_certificate',
  'unsupported_certificate',
  'certificate_revoked',
  'certificate_expired',
  'certificate_unknown',
  'illegal_parameter',
  'unknown_ca',
  'access_denied',
  'decode_error',
  'decrypt_error',
  'export_restriction',
  'protocol_version',
  'insufficient_security',
  'internal_error',
  'inappropriate_fallback',
  'user_canceled',
  'no_renegotiation',
  'missing_extension',
  'unsupported_extension',
  'certificate_unobtainable',
  'unrecognized_name',
  'bad_certificate_status_response',
  'bad_certificate_hash_value',
  'unknown_psk_identity',
  'certificate_required',
  'general_error',
  'no_application_protocol',
  'ech_required',
] as const;

export type AlertName = (typeof ALERT_NAMES)[number];
