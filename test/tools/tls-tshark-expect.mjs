#!/usr/bin/env node
// tshark's view of the TLS handshakes in captures, written as compact JSON fixtures so that
// test/tls-tshark-agreement.test.mjs compares pakeana with tshark without running tshark.
//
//   node test/tools/tls-tshark-expect.mjs [--out DIR] FILE...
//
// Writes DIR/<file name>.json for each FILE (DIR defaults to test/fixtures/tls-tshark). Needs
// tshark on PATH (the fixtures were made with tshark 4.0.17). tshark reads each capture twice:
// once as fields (every TCP frame: the stream's endpoints and who sent the SYN; the UDP and
// DTLS frame counts), once as PDML restricted to frames with a TLS handshake message or alert
// (the certificate names and the order of messages need the tree, not flat fields).
//
// The fixture:
//   tshark          version that made it
//   udp, dtls       UDP frames, frames tshark decodes as DTLS
//   streams[]       one per TCP stream (tcp.stream order) with a TLS handshake message or alert:
//     stream        tshark's tcp.stream
//     client, server  `ip:port`: the SYN's sender is the client; without a SYN the sender of the
//                   first ClientHello; else the sender of the stream's first frame
//     handshakes[]  a ClientHello starts one (the ClientHello answering a HelloRetryRequest
//                   stays in it); messages before any ClientHello start one without it:
//       client, retry  the ClientHello and the one after a HelloRetryRequest (or null):
//                   { time, version, versions, ciphers, extensions, sni, alpn, ja3, ja3Full,
//                     sessionId (hex, null when empty), ticket (length of the session_ticket
//                     extension's data, null without it), sslv2 }
//       hrr         the HelloRetryRequest (a ServerHello with the RFC 8446 random, or a draft's
//                   hello_retry_request message), or null
//       server      the ServerHello: { time, version, selected, cipher, extensions, alpn, ja3s,
//                     ja3sFull, sessionId, keyShare (group of its key_share), sslv2 }
//       serverCurve the named curve of the ServerKeyExchange, or null
//       certificates, clientCertificates  each side's first Certificate message, leaf first:
//                   { subject, issuer: [[oid, value], ...] in DER order, notBefore, notAfter: ISO 8601,
//                     serial (hex of the DER integer), sans (subjectAltName: DNS names, `IP:`,
//                     `email:`, `URI:`, ['DirName', pairs]), sha256 (of the DER tshark shows), key: { algorithm (OID),
//                     bits (RSA modulus, DSA p), curve (OID) } }
//       clientCcs, serverCcs  each side sent a ChangeCipherSpec record during the handshake
//       clientData, serverData  time of each side's first record of content type 23 (application
//                   data; in TLS 1.3 every encrypted record) during the handshake, or null
//                   (a handshake lasts from its first message to the next handshake's)
//     alerts[]      { handshake (index), from, time, level, desc } (level/desc numbers; null when encrypted)
//   Versions, ciphers, extensions and groups are numbers as on the wire (GREASE kept); time is
//   frame.time_epoch of the frame in which tshark finished the message.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** tshark's defaults for what decides the result, pinned against a user's preferences. */
const PREFERENCES = [
  'tcp.analyze_sequence_numbers:TRUE',
  'tcp.check_checksum:FALSE',
  'tcp.desegment_tcp_streams:TRUE',
  'tcp.reassemble_out_of_order:TRUE',
  'tcp.no_subdissector_on_error:TRUE',
  // TLS found by content on any port, as pakeana finds it (port 80 carries TLS in two captures)
  'tcp.try_heuristic_first:TRUE',
  'tls.desegment_ssl_records:TRUE',
  'tls.desegment_ssl_application_data:TRUE',
];

/** The random of a HelloRetryRequest (RFC 8446 4.1.3). */
const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

function tshark(args) {
  const prefs = PREFERENCES.flatMap((p) => ['-o', p]);
  const r = spawnSync('tshark', ['-n', ...prefs, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`tshark ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout;
}

const tsharkVersion = () => (tshark(['--version']).match(/TShark \(Wireshark\) ([\d.]+)/) ?? [])[1] ?? '?';
const endpoint = (ip, port) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

/** Per TCP stream: the SYN sender and the first frame's sender (`ip:port`), and both endpoints. */
function readStreams(file) {
  const streams = new Map();
  const fields = ['tcp.stream', 'ip.src', 'ipv6.src', 'tcp.srcport', 'ip.dst', 'ipv6.dst', 'tcp.dstport', 'tcp.flags.syn', 'tcp.flags.ack'];
  const out = tshark(['-r', file, '-Y', 'tcp', '-T', 'fields', '-E', 'separator=\t', ...fields.flatMap((f) => ['-e', f])]);
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [stream, src4, src6, sport, dst4, dst6, dport, syn, ack] = line.split('\t');
    const from = endpoint(src4 || src6, sport);
    const to = endpoint(dst4 || dst6, dport);
    if (!streams.has(stream)) streams.set(stream, { first: [from, to], syn: null });
    const s = streams.get(stream);
    if (!s.syn && isSet(syn) && !isSet(ack)) s.syn = [from, to];
  }
  return streams;
}

const isSet = (flag) => flag === '1' || flag === 'True';

function countFrames(file, filter) {
  return tshark(['-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number']).split('\n').filter(Boolean).length;
}

const XML_ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeXml = (s) =>
  s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (m, e) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : (XML_ENTITIES[e] ?? m),
  );

/** tshark's PDML as one tree per packet: { name, show, value, showname, children }. */
function* readPackets(pdml) {
  let stack = null;
  for (const line of pdml.split('\n')) {
    const t = line.trim();
    if (t === '<packet>') stack = [{ name: 'packet', children: [] }];
    else if (t === '</packet>') yield stack[0];
    else if (!stack) continue;
    else if (t === '</field>' || t === '</proto>') stack.pop();
    else if (t.startsWith('<field') || t.startsWith('<proto')) {
      const node = { children: [] };
      for (const [, key, value] of t.matchAll(/(\w+)="([^"]*)"/g)) node[key] = unescapeXml(value);
      stack.at(-1).children.push(node);
      if (!t.endsWith('/>')) stack.push(node);
    }
  }
}

const find = (node, name) => {
  for (const child of node.children) {
    if (child.name === name) return child;
    const deep = find(child, name);
    if (deep) return deep;
  }
  return null;
};
const findAll = (node, name, out = []) => {
  for (const child of node.children) {
    if (child.name === name) out.push(child);
    else findAll(child, name, out);
  }
  return out;
};
const number = (node) => (node ? Number(node.show) : null);
const text = (node) => node?.show ?? null;

/** The TLS messages of one packet in order: { kind: 'handshake' | 'alert', node, sslv2 }. */
function tlsMessages(packet) {
  const messages = [];
  for (const proto of packet.children.filter((p) => p.name === 'tls')) {
    for (const record of findAll(proto, 'tls.record')) {
      const sslv2 = /^SSLv2 Record Layer/.test(record.showname ?? '');
      if (sslv2 && find(record, 'tls.handshake.type')) messages.push({ kind: 'handshake', node: record, sslv2 });
      for (const child of record.children) {
        if (child.name === 'tls.handshake' && child.children.some((c) => c.name === 'tls.handshake.type')) messages.push({ kind: 'handshake', node: child, sslv2 });
        if (child.name === 'tls.alert_message') messages.push({ kind: 'alert', node: child, sslv2 });
      }
    }
  }
  return messages;
}

/** An RDN sequence as [oid, value] pairs in DER order. */
function distinguishedName(node) {
  return findAll(node, 'x509if.RelativeDistinguishedName_item_element').map((item) => {
    const oid = text(find(item, 'x509if.oid')) ?? text(find(item, 'x509if.id'));
    const leaf = item.children.find((c) => c.name !== 'x509if.oid' && c.name !== 'x509if.id');
    const value = leaf && leaf.children.length ? leaf.children[0] : leaf;
    return [oid, value ? value.show : null];
  });
}

/** UTCTime (YYMMDDHHMMSSZ, 50-year window) or GeneralizedTime from its raw bytes, as ISO 8601. */
function asn1Time(node) {
  if (!node) return null;
  const raw = Buffer.from(node.value, 'hex').toString('latin1');
  const m = raw.match(/^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/);
  if (!m) return raw;
  let year = Number(m[1]);
  if (node.name === 'x509af.utcTime') year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, m[2] - 1, m[3], m[4], m[5], m[6] ?? 0)).toISOString();
}

function certificate(node) {
  const signed = find(node, 'x509af.signedCertificate_element') ?? node;
  const validityTime = (which) => {
    const holder = find(signed, which);
    return holder ? asn1Time(find(holder, 'x509af.utcTime') ?? find(holder, 'x509af.generalizedTime')) : null;
  };
  const spki = find(signed, 'x509af.subjectPublicKeyInfo_element');
  const keyBytes = find(spki, 'pkcs1.modulus') ?? find(spki, 'x509af.p') ?? find(spki, 'pkcs1.p');
  return {
    subject: distinguishedName(find(signed, 'x509af.subject') ?? { children: [] }),
    issuer: distinguishedName(find(signed, 'x509af.issuer') ?? { children: [] }),
    notBefore: validityTime('x509af.notBefore'),
    notAfter: validityTime('x509af.notAfter'),
    serial: find(signed, 'x509af.serialNumber')?.value ?? null,
    sans: subjectAltNames(signed),
    sha256: createHash('sha256').update(Buffer.from(node.value, 'hex')).digest('hex'),
    key: { algorithm: text(find(spki, 'x509af.algorithm.id')), bits: keyBytes ? bitLength(keyBytes.value) : null, curve: text(find(spki, 'pkcs1.namedCurve')) },
  };
}

/** Bit length of a big-endian unsigned integer given in hex. */
function bitLength(hex) {
  const digits = hex.replace(/^0+/, '');
  return digits ? (digits.length - 1) * 4 + parseInt(digits[0], 16).toString(2).length : 0;
}

const SAN_PREFIX = { 'x509ce.dNSName': '', 'x509ce.iPAddress': 'IP:', 'x509ce.rfc822Name': 'email:', 'x509ce.uniformResourceIdentifier': 'URI:' };

/** The subjectAltName extension's names, in order, prefixed by their kind; a directory name as ['DirName', pairs]. */
function subjectAltNames(signed) {
  const extension = findAll(signed, 'x509af.Extension_element').find((e) => text(find(e, 'x509af.extension.id')) === '2.5.29.17');
  if (!extension) return [];
  return findAll(extension, 'x509ce.GeneralName').flatMap((name) =>
    name.children.flatMap((c) => (c.name === 'x509ce.directoryName' ? [['DirName', distinguishedName(c)]] : c.name in SAN_PREFIX ? [SAN_PREFIX[c.name] + c.show] : [])),
  );
}

const numbers = (node, name) => findAll(node, name).map(number);

function clientHello(node, sslv2, time) {
  return {
    time,
    version: number(find(node, 'tls.handshake.version')),
    versions: numbers(node, 'tls.handshake.extensions.supported_version'),
    ciphers: numbers(node, sslv2 ? 'tls.handshake.cipherspec' : 'tls.handshake.ciphersuite'),
    extensions: numbers(node, 'tls.handshake.extension.type'),
    sni: text(find(node, 'tls.handshake.extensions_server_name')),
    alpn: findAll(node, 'tls.handshake.extensions_alpn_str').map(text),
    ja3: text(find(node, 'tls.handshake.ja3')),
    ja3Full: text(find(node, 'tls.handshake.ja3_full')),
    sessionId: sessionId(node),
    ticket: extensionLength(node, 35),
    sslv2,
  };
}

/** The data length of the hello's extension of that type, or null without it. */
function extensionLength(node, type) {
  const types = numbers(node, 'tls.handshake.extension.type');
  const at = types.indexOf(type);
  return at < 0 ? null : numbers(node, 'tls.handshake.extension.len')[at];
}

const sessionId = (node) => find(node, 'tls.handshake.session_id')?.value || null;

function serverHello(node, sslv2, time) {
  return {
    time,
    version: number(find(node, 'tls.handshake.version')),
    selected: number(find(node, 'tls.handshake.extensions.supported_version')),
    cipher: number(find(node, sslv2 ? 'tls.handshake.cipherspec' : 'tls.handshake.ciphersuite')),
    extensions: numbers(node, 'tls.handshake.extension.type'),
    alpn: text(find(node, 'tls.handshake.extensions_alpn_str')),
    ja3s: text(find(node, 'tls.handshake.ja3s')),
    ja3sFull: text(find(node, 'tls.handshake.ja3s_full')),
    sessionId: sessionId(node),
    keyShare: number(find(node, 'tls.handshake.extensions_key_share_group')),
    sslv2,
  };
}

/** SSLv2's message types (tshark reports them in tls.handshake.type). */
const SSL2 = { clientHello: 1, serverHello: 4 };
/** TLS's, with the HelloRetryRequest message of TLS 1.3 drafts up to 21. */
const TLS = { clientHello: 1, serverHello: 2, draftHelloRetryRequest: 6, certificate: 11, serverKeyExchange: 12 };

/** Folds one stream's messages, in capture order, into handshakes and alerts. */
function foldStream(messages, client) {
  const handshakes = [];
  const starts = [];
  const alerts = [];
  let time;
  const current = () => handshakes.at(-1) ?? start(null);
  const start = (hello) => {
    const h = { client: hello, retry: null, hrr: null, server: null, serverCurve: null, certificates: [], clientCertificates: [] };
    handshakes.push(h);
    starts.push(time);
    return h;
  };
  for (const message of messages) {
    const { kind, node, sslv2, from } = message;
    time = message.time;
    if (kind === 'alert') {
      alerts.push({ handshake: Math.max(handshakes.length - 1, 0), from: from === client ? 'client' : 'server', time, level: number(find(node, 'tls.alert_message.level')), desc: number(find(node, 'tls.alert_message.desc')) });
      continue;
    }
    const type = number(find(node, 'tls.handshake.type'));
    const types = sslv2 ? SSL2 : TLS;
    if (type === types.clientHello) {
      const hello = clientHello(node, sslv2, time);
      const h = handshakes.at(-1);
      if (h && h.hrr && !h.retry && !h.server) h.retry = hello;
      else start(hello);
    } else if (type === types.serverHello || (type === TLS.draftHelloRetryRequest && !sslv2)) {
      const hello = serverHello(node, sslv2, time);
      const h = current();
      if (type === TLS.draftHelloRetryRequest || text(find(node, 'tls.handshake.random'))?.replace(/:/g, '') === HRR_RANDOM) h.hrr = hello;
      else if (!h.server) h.server = hello;
      if (sslv2) h.certificates = findAll(node, 'tls.handshake.certificate').map(certificate);
    } else if (type === TLS.serverKeyExchange && !sslv2) {
      current().serverCurve ??= number(find(node, 'tls.handshake.server_named_curve'));
    } else if (type === TLS.certificate && !sslv2) {
      const h = current();
      const list = from === client ? 'clientCertificates' : 'certificates';
      if (!h[list].length) h[list] = findAll(node, 'tls.handshake.certificate').map(certificate);
    }
  }
  return { handshakes, starts, alerts };
}

/** Per handshake, from the stream's records: each side's ChangeCipherSpec and first application data. */
function addRecordFacts(handshakes, starts, records, client) {
  handshakes.forEach((h, i) => {
    const during = records.filter((r) => r.time >= starts[i] && !(r.time >= starts[i + 1]));
    const side = (name) => during.filter((r) => (r.from === client) === (name === 'client'));
    h.clientCcs = side('client').some((r) => r.types.includes(20));
    h.serverCcs = side('server').some((r) => r.types.includes(20));
    h.clientData = side('client').find((r) => r.types.includes(23))?.time ?? null;
    h.serverData = side('server').find((r) => r.types.includes(23))?.time ?? null;
  });
}

/** Per TCP stream, its frames with TLS records: { from, time, types (content types; TLS 1.3's outer ones too) }. */
function readRecords(file) {
  const byStream = new Map();
  const fields = ['tcp.stream', 'ip.src', 'ipv6.src', 'tcp.srcport', 'frame.time_epoch', 'tls.record.content_type', 'tls.record.opaque_type'];
  const out = tshark(['-r', file, '-Y', 'tls', '-T', 'fields', '-E', 'separator=\t', '-E', 'aggregator=,', ...fields.flatMap((f) => ['-e', f])]);
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [stream, src4, src6, sport, time, ...types] = line.split('\t');
    if (!byStream.has(stream)) byStream.set(stream, []);
    byStream.get(stream).push({ from: endpoint(src4 || src6, sport), time: Number(time), types: types.join(',').split(',').filter(Boolean).map(Number) });
  }
  return byStream;
}

function describe(file) {
  const streams = readStreams(file);
  const records = readRecords(file);
  const pdml = tshark(['-r', file, '-Y', 'tls.handshake.type or tls.alert_message', '-T', 'pdml', '-J', 'geninfo ip ipv6 tcp tls']);
  const messagesByStream = new Map();
  for (const packet of readPackets(pdml)) {
    const tcp = packet.children.find((p) => p.name === 'tcp');
    if (!tcp) continue;
    const ip = packet.children.find((p) => p.name === 'ip' || p.name === 'ipv6');
    const src = text(find(ip, ip.name === 'ip' ? 'ip.src' : 'ipv6.src'));
    const from = endpoint(src, text(find(tcp, 'tcp.srcport')));
    const time = Number(find(packet.children.find((p) => p.name === 'geninfo'), 'timestamp').value);
    const stream = text(find(tcp, 'tcp.stream'));
    if (!messagesByStream.has(stream)) messagesByStream.set(stream, []);
    for (const m of tlsMessages(packet)) messagesByStream.get(stream).push({ ...m, from, time });
  }
  const result = [];
  for (const [stream, messages] of [...messagesByStream].sort((a, b) => a[0] - b[0])) {
    const s = streams.get(stream);
    const firstHello = messages.find((m) => m.kind === 'handshake' && number(find(m.node, 'tls.handshake.type')) === 1);
    const [client, server] = s.syn ?? (firstHello ? (s.first[0] === firstHello.from ? s.first : [s.first[1], s.first[0]]) : s.first);
    const { handshakes, starts, alerts } = foldStream(messages, client);
    addRecordFacts(handshakes, starts, records.get(stream) ?? [], client);
    result.push({ stream: Number(stream), client, server, handshakes, alerts });
  }
  return { tshark: tsharkVersion(), udp: countFrames(file, 'udp'), dtls: countFrames(file, 'dtls'), streams: result };
}

/** Compact JSON: one line per handshake, alert and certificate, so that diffs stay readable. */
function format(view) {
  const line = (v) => JSON.stringify(v);
  const certs = (list) => (list.length ? `[\n        ${list.map(line).join(',\n        ')}\n      ]` : '[]');
  const handshake = (h) =>
    `{\n      "client": ${line(h.client)},\n      "retry": ${line(h.retry)},\n      "hrr": ${line(h.hrr)},\n      "server": ${line(h.server)},\n      "serverCurve": ${line(h.serverCurve)}, "clientCcs": ${h.clientCcs}, "serverCcs": ${h.serverCcs}, "clientData": ${line(h.clientData)}, "serverData": ${line(h.serverData)},\n      "certificates": ${certs(h.certificates)},\n      "clientCertificates": ${certs(h.clientCertificates)}\n    }`;
  const stream = (s) =>
    `{\n  "stream": ${s.stream}, "client": ${line(s.client)}, "server": ${line(s.server)},\n  "handshakes": [${s.handshakes.map(handshake).join(', ')}],\n  "alerts": [${s.alerts.map((a) => `\n    ${line(a)}`).join(',')}${s.alerts.length ? '\n  ' : ''}]\n}`;
  return `{"tshark": ${line(view.tshark)}, "udp": ${view.udp}, "dtls": ${view.dtls}, "streams": [${view.streams.map(stream).join(', ')}]}\n`;
}

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const out = outAt >= 0 ? args.splice(outAt, 2)[1] : new URL('../fixtures/tls-tshark/', import.meta.url).pathname;
if (!args.length) {
  console.error('usage: tls-tshark-expect.mjs [--out DIR] FILE...');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
for (const file of args) {
  const view = describe(file);
  writeFileSync(join(out, `${basename(file)}.json`), format(view));
  console.log(`${basename(file)}: ${view.streams.length} TLS streams, ${view.streams.reduce((n, s) => n + s.handshakes.length, 0)} handshakes, ${view.dtls} DTLS frames`);
}
