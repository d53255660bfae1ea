/**
 * TLS protocol versions in order, for `tls.version`: the names the TLS record gives
 * (`SSLv2` ... `TLSv13`), ranked oldest first.
 */
const RECORD_NAMES = ['SSLv2', 'SSLv3', 'TLSv10', 'TLSv11', 'TLSv12', 'TLSv13'] as const;

/** The version `rank` stands for, as the record names it. */
export function rankName(rank: number): string {
  return RECORD_NAMES[rank]!;
}

/**
 * The rank of a version as the record names it, or null for an unknown one (`unknown-0x7e02`).
 * Drafts of TLS 1.3 (`TLSv13-draft23`) rank as TLS 1.3.
 */
export function recordVersionRank(name: string): number | null {
  if (name.startsWith('TLSv13')) return RECORD_NAMES.indexOf('TLSv13');
  const rank = RECORD_NAMES.indexOf(name as (typeof RECORD_NAMES)[number]);
  return rank < 0 ? null : rank;
}

/** TLS 1.x with or without `TLS`/`v`/a dot (`1.2`, `TLSv12`, `TLS1.2`, `tlsv1.2`), or SSL 2/3 (`SSLv3`, `SSL3.0`). */
const TLS_OPTION = /^(?:tls)?v?1\.?([0-3])$/;
const SSL_OPTION = /^sslv?([23])(?:\.0)?$/;

/**
 * The rank of a version as a user writes it in an option: `1.2`, `TLSv12`, `TLS1.2`,
 * `TLSv1.2` (any case, spaces ignored), `SSLv3`, `SSLv2`; a YAML number (`1.2`, and `1.0`,
 * which YAML reads as 1) as the text it was written as. Null when it is none of these.
 */
export function optionVersionRank(value: string | number): number | null {
  const text = (typeof value === 'number' ? value.toFixed(1) : value).toLowerCase().replace(/\s+/g, '');
  const tls = TLS_OPTION.exec(text);
  if (tls) return RECORD_NAMES.indexOf('TLSv10') + Number(tls[1]);
  const ssl = SSL_OPTION.exec(text);
  return ssl ? Number(ssl[1]) - 2 : null;
}
