// The TLS trigger kinds, unit by unit: watches driven with TLS records (checked against the
// dissector's record schema, so the tests follow the contract), and the kinds configured as a
// config file gives them, through the pipeline, with a stand-in dissector that emits records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dissector, TcpSession, TriggerContext, TriggerKind } from '@pakeana/framework';
import { Conversation, dissectFrames } from '@pakeana/framework/testing';
import { tlsRecordSchema, type TlsCertificate, type TlsHandshake } from '@pakeana/dissector-tls';
// The dissector's name table, to check that the names tls.alert takes are the ones records carry.
import { alertDescription } from '@pakeana/dissector-tls';
import { ALERT_NAMES } from './alert-names.js';
import { tlsAlert, tlsCertificate, tlsHandshake, tlsVersion } from './index.js';
import { optionVersionRank } from './versions.js';

/** The options `kind`'s schema gives for `options` (as a config file's), or its first problem as `path: message`. */
function parsed<O>(kind: TriggerKind<O>, options: unknown): O | string {
  const schema = typeof kind.options === 'function' ? kind.options() : kind.options;
  const result = schema.safeParse(options ?? {});
  return result.success ? result.data : `${result.error.issues[0]!.path.join('.')}: ${result.error.issues[0]!.message}`;
}

/** What a trigger fired with (its details) over `records` on a session whose last segment came at `lastTime`. */
function firings<O>(kind: TriggerKind<O>, options: unknown, records: object[], lastTime = 1_800_000_100): string[] {
  const parsedOptions = parsed(kind, options);
  if (typeof parsedOptions === 'string') throw new Error(parsedOptions);
  const session = { start: 1_800_000_000, lastTime } as TcpSession;
  const fired: string[] = [];
  const watch = kind.create(parsedOptions, {} as TriggerContext).watch(session, (detail) => fired.push(detail ?? ''));
  for (const record of records) watch.record?.('tls', record);
  watch.record?.('http', { status: 500, alerts: [{ level: 'fatal' }], version: 'TLSv10' });
  watch.end?.();
  return fired;
}

const alert = (from: 'client' | 'server', level: 'warning' | 'fatal' | null, description: string | null) => ({ from, time: 1_800_000_000.2, level, description });

test('tls.alert: fatal alerts by default; level any adds warnings and encrypted ones; description narrows', () => {
  const failure = handshake({ alerts: [alert('client', 'warning', 'unrecognized_name'), alert('server', 'fatal', 'handshake_failure')] });
  const warningOnly = handshake({ alerts: [alert('server', 'warning', 'unrecognized_name')] });
  const encrypted = handshake({ alerts: [alert('client', null, null)] });
  assert.deepEqual(firings(tlsAlert, undefined, [warningOnly, failure]), ['fatal handshake_failure from server']);
  assert.deepEqual(firings(tlsAlert, { level: 'any' }, [warningOnly]), ['warning unrecognized_name from server']);
  assert.deepEqual(firings(tlsAlert, { description: 'handshake_failure' }, [failure]), ['fatal handshake_failure from server']);
  assert.deepEqual(firings(tlsAlert, { description: ['unknown_ca', 'certificate_expired'] }, [failure]), []);
  assert.deepEqual(firings(tlsAlert, { level: 'any', description: ['unrecognized_name'] }, [failure]), ['warning unrecognized_name from client']);
  // An encrypted alert's level and description are unknown: only `level: any` without a description takes it.
  assert.deepEqual(firings(tlsAlert, {}, [encrypted]), []);
  assert.deepEqual(firings(tlsAlert, { level: 'any' }, [encrypted]), ['encrypted alert from client']);
  assert.deepEqual(firings(tlsAlert, { level: 'any', description: 'close_notify' }, [encrypted]), []);
  assert.deepEqual(firings(tlsAlert, { level: 'any' }, [handshake()]), []);
});

test('tls.alert takes exactly the alert names the dissector gives', () => {
  const named = Array.from({ length: 256 }, (_, code) => alertDescription(code)).filter((name) => !name.startsWith('unknown('));
  assert.deepEqual(named, [...ALERT_NAMES]);
});

test('tls.alert options: bare, a name or a list of names; a wrong name lists the known ones', () => {
  assert.deepEqual(parsed(tlsAlert, undefined), { level: 'fatal' });
  assert.deepEqual(parsed(tlsAlert, { level: 'any', description: 'certificate_expired' }), { level: 'any', description: ['certificate_expired'] });
  assert.match(String(parsed(tlsAlert, { description: 'handshake' })), /^description: not a TLS alert name: "handshake" \(known: /);
  const wrong = parsed(tlsAlert, { description: ['handshake_failure', 'handshake_failed'] });
  assert.match(String(wrong), /^description\.1: not a TLS alert name: "handshake_failed" \(known: close_notify, end_of_early_data, unexpected_message, .*, no_application_protocol, ech_required\)$/);
  assert.match(String(parsed(tlsAlert, { description: [] })), /^description: /);
  assert.equal(parsed(tlsAlert, { level: 'warning' }), 'level: Invalid option: expected one of "fatal"|"any"');
  assert.match(String(parsed(tlsAlert, { levels: 'any' })), /^: Unrecognized key: "levels"/);
});

test('tls.handshake: ClientHello to the client\'s first application data; an unfinished one until the last segment', () => {
  const at = (seconds: number) => 1_800_000_000 + seconds;
  const slow = handshake({ clientHelloTime: at(0), clientDataTime: at(0.6) });
  assert.deepEqual(firings(tlsHandshake, { over: '500ms' }, [handshake(), slow]), ['600 ms']);
  assert.deepEqual(firings(tlsHandshake, { over: '1s' }, [slow]), []);
  const unfinished = handshake({ established: false, clientDataTime: null, serverDataTime: null });
  assert.deepEqual(firings(tlsHandshake, { over: '500ms' }, [unfinished], at(3)), ['3000 ms, unfinished']);
  assert.deepEqual(firings(tlsHandshake, { over: '500ms' }, [unfinished], at(0.4)), []);
  // Finished, but the client sent no data: the end is unknown, a long quiet session is no slow handshake.
  assert.deepEqual(firings(tlsHandshake, { over: '500ms' }, [handshake({ clientDataTime: null })], at(60)), []);
  // No ClientHello seen (the capture began later): no start.
  assert.deepEqual(firings(tlsHandshake, { over: '500ms' }, [handshake({ clientHelloTime: null, clientDataTime: null, established: false })], at(60)), []);
  assert.equal(parsed(tlsHandshake, {}), 'over: Invalid input');
});

test('tls.version options: 1.2, TLSv12, TLS1.2, a YAML number, SSLv3; anything else is a problem', () => {
  const ranks = ['1.2', 'TLSv12', 'TLS1.2', 'tlsv1.2', 'TLS 1.2', '12', 1.2, 1.0, '1.0', '1.3', 'SSLv3', 'SSL3.0', 'sslv2'].map(optionVersionRank);
  assert.deepEqual(ranks, [4, 4, 4, 4, 4, 4, 4, 2, 2, 5, 1, 1, 0]);
  assert.deepEqual(['1.4', 'TLSv14', '2', 'SSLv4', 'tls', ''].map(optionVersionRank), [null, null, null, null, null, null]);
  assert.deepEqual(parsed(tlsVersion, { below: 'TLS1.2' }), { below: 4 });
  assert.equal(parsed(tlsVersion, { below: '1.4' }), 'below: not a TLS version: "1.4" (write 1.2, TLSv12, TLS1.2 or SSLv3)');
});

test('tls.version: the negotiated version below the one given; drafts count as TLS 1.3; without a ServerHello, the client\'s best', () => {
  const versions = ['SSLv3', 'TLSv10', 'TLSv11', 'TLSv12', 'TLSv13', 'TLSv13-draft23', 'unknown-0x7e02'].map((version) => handshake({ version }));
  assert.deepEqual(firings(tlsVersion, { below: '1.2' }, versions), ['SSLv3', 'TLSv10', 'TLSv11']);
  assert.deepEqual(firings(tlsVersion, { below: 1.3 }, versions), ['SSLv3', 'TLSv10', 'TLSv11', 'TLSv12']);
  assert.deepEqual(firings(tlsVersion, { below: 'TLSv10' }, versions), ['SSLv3']);
  assert.deepEqual(firings(tlsVersion, { below: 'SSLv3' }, [handshake({ version: 'SSLv2' })]), ['SSLv2']);
  const refused = { version: null, cipher: null, certificates: [] };
  assert.deepEqual(firings(tlsVersion, { below: '1.2' }, [handshake({ ...refused, clientVersion: 'TLSv10' })]), ['client offered at most TLSv10']);
  // A TLS 1.3 hello says TLSv12 in its version field and TLSv13 in supported_versions.
  assert.deepEqual(firings(tlsVersion, { below: '1.3' }, [handshake({ ...refused, clientVersions: ['TLSv13', 'TLSv12'] })]), []);
  assert.deepEqual(firings(tlsVersion, { below: '1.3' }, [handshake({ ...refused, clientVersions: ['TLSv12', 'TLSv11'] })]), ['client offered at most TLSv12']);
  assert.deepEqual(firings(tlsVersion, { below: '1.2' }, [handshake({ ...refused, clientVersion: null })]), []);
});

test('tls.certificate: expiry measured from the handshake\'s capture time, self-signed leaf, SNI mismatch', () => {
  const handshakeAt = Date.parse('2026-12-01T00:00:00Z') / 1000;
  const leafUntil = (notAfter: string, fields: Partial<TlsHandshake> = {}) =>
    handshake({ clientHelloTime: handshakeAt - 0.05, serverHelloTime: handshakeAt, certificates: [certificate({ notAfter })], ...fields });
  const soon = leafUntil('2026-12-20T00:00:00.000Z');
  assert.deepEqual(firings(tlsCertificate, { expiresWithin: '30d' }, [soon]), ['expires 2026-12-20']);
  assert.deepEqual(firings(tlsCertificate, { expiresWithin: '18d' }, [soon]), []);
  assert.deepEqual(firings(tlsCertificate, { expiresWithin: '1h' }, [leafUntil('2026-11-30T00:00:00.000Z')]), ['expired 2026-11-30']);
  // Without a ServerHello time, the ClientHello's; without either, the session's last segment.
  const dayLater = { serverHelloTime: null, clientHelloTime: handshakeAt + 86400 };
  assert.deepEqual(firings(tlsCertificate, { expiresWithin: '18d' }, [leafUntil('2026-12-20T00:00:00.000Z', dayLater)]), ['expires 2026-12-20']);
  const undated = leafUntil('2026-12-20T00:00:00.000Z', { serverHelloTime: null, clientHelloTime: null });
  assert.deepEqual(firings(tlsCertificate, { expiresWithin: '30d' }, [undated], handshakeAt), ['expires 2026-12-20']);
  assert.deepEqual(firings(tlsCertificate, { expiresWithin: '30d' }, [undated], handshakeAt - 86400 * 30), []);
  // Only the leaf counts: a self-signed root sent along is usual.
  assert.deepEqual(firings(tlsCertificate, { selfSigned: true }, [handshake()]), []);
  assert.deepEqual(firings(tlsCertificate, { selfSigned: true }, [handshake({ certificates: [certificate({ selfSigned: true })] })]), ['self-signed']);
  const other = handshake({ serverName: 'www.example.org', sniMatchesCert: false });
  assert.deepEqual(firings(tlsCertificate, { nameMismatch: true }, [other, handshake({ serverName: null, sniMatchesCert: null })]), ['not for www.example.org']);
  assert.deepEqual(firings(tlsCertificate, { expiresWithin: '30d', selfSigned: true, nameMismatch: true }, [handshake()]), []);
  const everything = leafUntil('2026-11-30T00:00:00.000Z', { certificates: [certificate({ notAfter: '2026-11-30T00:00:00.000Z', selfSigned: true })], sniMatchesCert: false, serverName: 'x.test' });
  assert.deepEqual(firings(tlsCertificate, { expiresWithin: '30d', selfSigned: true, nameMismatch: true }, [everything]), ['expired 2026-11-30, self-signed, not for x.test']);
  // No certificate seen (TLS 1.3 encrypts it): nothing to say.
  assert.deepEqual(firings(tlsCertificate, { expiresWithin: '3650d', selfSigned: true }, [handshake({ version: 'TLSv13', certificates: [] })]), []);
});

test('tls.certificate options: at least one condition, durations in days', () => {
  assert.deepEqual(parsed(tlsCertificate, { expiresWithin: '30d' }), { expiresWithin: 30 * 86400 });
  assert.equal(parsed(tlsCertificate, {}), ': give expiresWithin, selfSigned: true or nameMismatch: true');
  assert.equal(parsed(tlsCertificate, { selfSigned: false }), ': give expiresWithin, selfSigned: true or nameMismatch: true');
  assert.equal(parsed(tlsCertificate, { expiresWithin: 'a month' }), 'expiresWithin: not a duration: "a month" (write 300ms, 10s, 2m)');
});

/** A stand-in for the TLS dissector (on port 443): emits `records` when the session ends. */
function emitting(records: TlsHandshake[]): Dissector {
  return { name: 'tls', ports: [443], records: tlsRecordSchema, create: (context) => ({ data() {}, gap() {}, end: () => records.forEach((r) => context.emit(r)) }) };
}

/** The triggers that fired on one session to 443 whose TLS records are `records`, with `triggers` configured. */
async function firedThrough(triggers: unknown[], records: TlsHandshake[]): Promise<readonly string[]> {
  const c = new Conversation('192.0.2.1:40000', '198.51.100.7:443').handshake();
  c.send('client', 'hello').send('server', 'hello').close();
  const { sessions } = await dissectFrames(c.frames, { dissectors: [emitting(records)], triggers });
  return sessions[0]!.triggers;
}

test('in a config: the bare tls.alert, match on sni with a TLS trigger inside, record: on TLS fields', async () => {
  const old = handshake({ version: 'TLSv10', serverName: 'mail.example.com', alerts: [alert('server', 'fatal', 'protocol_version')] });
  const triggers = [
    'tls.alert',
    { match: { all: [{ sni: '*.EXAMPLE.com' }, { 'tls.version': { below: '1.2' } }] } },
    { record: { protocol: 'tls', where: { version: 'TLSv10', 'alerts.description': 'protocol_*' } } },
    { 'tls.certificate': { selfSigned: true } },
  ];
  assert.deepEqual(await firedThrough(triggers, [old]), ['tls.alert', 'match', 'record']);
  assert.deepEqual(await firedThrough(triggers, [handshake()]), []);
  // The record schema checks the fields `record:` names.
  await assert.rejects(firedThrough([{ record: { protocol: 'tls', where: { sni: 'x' } } }], []), /record\.where\.sni: .*tls records have no field "sni"/);
  await assert.rejects(firedThrough([{ 'tls.version': { below: 'TLSv14' } }], []), /tls\.version\.below: not a TLS version: "TLSv14"/);
});


/** A TLS 1.2 handshake to www.example.com that went well, with `fields` changed. */
export function handshake(fields: Partial<TlsHandshake> = {}): TlsHandshake {
  return tlsRecordSchema().parse({
    version: 'TLSv12',
    cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    curve: 'x25519',
    serverName: 'www.example.com',
    resumed: false,
    lastAlert: null,
    nextProtocol: 'h2',
    established: true,
    subject: 'CN=www.example.com',
    issuer: 'CN=Example CA',
    sniMatchesCert: true,
    ja3: null,
    ja3s: null,
    ja4: null,
    ja4s: null,
    clientVersion: 'TLSv12',
    clientVersions: [],
    clientCiphers: [],
    clientExtensions: [],
    serverExtensions: [],
    alpn: ['h2'],
    resumption: [],
    helloRetryRequest: false,
    sslv2Hello: false,
    renegotiation: false,
    certificates: [certificate(), certificate({ subject: 'CN=Example CA', selfSigned: true })],
    clientCertificates: [],
    alerts: [],
    clientHelloTime: 1_800_000_000,
    serverHelloTime: 1_800_000_000.05,
    clientDataTime: 1_800_000_000.1,
    serverDataTime: 1_800_000_000.15,
    ...fields,
  });
}

/** A certificate for www.example.com valid through 2027, with `fields` changed. */
export function certificate(fields: Partial<TlsCertificate> = {}): TlsCertificate {
  return {
    subject: 'CN=www.example.com',
    issuer: 'CN=Example CA',
    sans: ['www.example.com'],
    serial: '01',
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2027-12-31T00:00:00.000Z',
    keyType: 'ec',
    keyBits: 256,
    keyCurve: 'prime256v1',
    sha256: '00'.repeat(32),
    selfSigned: false,
    ...fields,
  };
}
