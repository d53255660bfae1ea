import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertDescription, cipherName, extensionName, groupName, versionName } from './names.js';

test("versionName: Zeek's names, TLS 1.3 drafts by number, DTLS, unknown ones in hex", () => {
  const names = [0x0002, 0x0300, 0x0301, 0x0302, 0x0303, 0x0304, 0x7f0e, 0x7f17, 0xfeff, 0xfefd, 0xfefc, 0x7e02, 0x0305].map(versionName);
  assert.deepEqual(names, [
    'SSLv2',
    'SSLv3',
    'TLSv10',
    'TLSv11',
    'TLSv12',
    'TLSv13',
    'TLSv13-draft14',
    'TLSv13-draft23',
    'DTLSv10',
    'DTLSv12',
    'DTLSv13',
    'unknown-0x7e02',
    'unknown-0x0305',
  ]);
});

test('cipherName: IANA names from every era of the registry, SSLv2 kinds as Zeek names them, unknown in hex', () => {
  const names = {
    0x0000: 'TLS_NULL_WITH_NULL_NULL',
    0x0003: 'TLS_RSA_EXPORT_WITH_RC4_40_MD5',
    0x001b: 'TLS_DH_anon_WITH_3DES_EDE_CBC_SHA',
    0x002f: 'TLS_RSA_WITH_AES_128_CBC_SHA',
    0x0064: 'TLS_RSA_EXPORT1024_WITH_RC4_56_SHA',
    0x00ff: 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV',
    0x1301: 'TLS_AES_128_GCM_SHA256',
    0x1303: 'TLS_CHACHA20_POLY1305_SHA256',
    0x1307: 'TLS_AEGIS_128L_SHA256',
    0x5600: 'TLS_FALLBACK_SCSV',
    0xc02f: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    0xc0b5: 'TLS_SHA384_SHA384',
    0xcc13: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD',
    0xcca9: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
    0xd005: 'TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256',
    0xfeff: 'SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA',
    0x010080: 'SSLv20_CK_RC4_128_WITH_MD5',
    0x0700c0: 'SSLv20_CK_DES_192_EDE3_CBC_WITH_MD5',
    0x0a0a: 'unknown-0x0a0a',
    0x1234: 'unknown-0x1234',
  };
  for (const [suite, name] of Object.entries(names)) assert.equal(cipherName(Number(suite)), name, suite);
});

test('extensionName: IANA names, the drafts and browser values Zeek and tshark know, unknown in decimal', () => {
  const names = {
    0: 'server_name',
    10: 'supported_groups',
    11: 'ec_point_formats',
    13: 'signature_algorithms',
    16: 'application_layer_protocol_negotiation',
    23: 'extended_master_secret',
    35: 'session_ticket',
    40: 'key_share_old',
    43: 'supported_versions',
    51: 'key_share',
    57: 'quic_transport_parameters',
    62: 'tls_flags',
    13172: 'next_protocol_negotiation',
    17513: 'application_settings',
    30032: 'channel_id',
    65037: 'encrypted_client_hello',
    65281: 'renegotiation_info',
    63: 'unknown-63',
    2570: 'unknown-2570',
  };
  for (const [type, name] of Object.entries(names)) assert.equal(extensionName(Number(type)), name, type);
});

test('groupName: IANA supported groups, post-quantum hybrids included', () => {
  const names = [23, 24, 25, 29, 30, 256, 0x11ec, 0x6399, 0xff01, 0x0a0a].map(groupName);
  assert.deepEqual(names, ['secp256r1', 'secp384r1', 'secp521r1', 'x25519', 'x448', 'ffdhe2048', 'X25519MLKEM768', 'X25519Kyber768Draft00', 'arbitrary_explicit_prime_curves', 'unknown-0x0a0a']);
});

test('alertDescription: RFC names, unknown(N) otherwise', () => {
  const names = [0, 10, 20, 40, 42, 45, 48, 70, 80, 86, 90, 100, 109, 112, 116, 120, 121, 200].map(alertDescription);
  assert.deepEqual(names, [
    'close_notify',
    'unexpected_message',
    'bad_record_mac',
    'handshake_failure',
    'bad_certificate',
    'certificate_expired',
    'unknown_ca',
    'protocol_version',
    'internal_error',
    'inappropriate_fallback',
    'user_canceled',
    'no_renegotiation',
    'missing_extension',
    'unrecognized_name',
    'certificate_required',
    'no_application_protocol',
    'ech_required',
    'unknown(200)',
  ]);
});
