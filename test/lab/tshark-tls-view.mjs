#!/usr/bin/env node
// tshark's view of the TLS in captures, written as FILE.tshark-tls.json beside each FILE, so
// that test/tls-lab.test.mjs can compare pakeana with tshark without tshark installed.
//
//   node test/lab/tshark-tls-view.mjs FILE...
//
// Each TCP stream's server port (the destination of its SYN) is decoded as TLS. Read from
// tshark's PDML; one entry per TCP stream (the lab has one handshake per connection), with
// the record schema's names where one fits:
//   client, server     `ip:port`; the client sent the stream's first frame
//   serverName         SNI of the ClientHello, or null
//   alpn               protocols the client offered (ALPN), in order
//   resumption         'session-id' (a non-empty session id in a hello without TLS 1.3 in
//                      supported_versions), 'ticket' (session_ticket with data), 'psk'
//                      (a pre_shared_key identity), in this order
//   version            the ServerHello's supported_version, else its version (Zeek's names:
//                      TLSv12, TLSv13), or null
//   cipher             the ServerHello's cipher suite by tshark's (IANA) name, or null
//   nextProtocol       ALPN of the ServerHello, or null (TLS 1.3 encrypts it)
//   resumed            tshark's tls.resumed (TLS 1.2: session id or ticket accepted) or a
//                      ServerHello pre_shared_key extension (TLS 1.3)
//   helloRetryRequest  a ServerHello with the HelloRetryRequest random (TLS 1.3)
//   ja3, ja3s          tshark's tls.handshake.ja3 / ja3s (of the last hello), or null
//   certificates, clientCertificates   each {subject, issuer, notBefore, notAfter, sans} in
//                      RFC 4514 form (`CN=a.example`) and ISO 8601 UTC; empty when not in clear
//   alerts             {from, level, description} in order; level and description null for an
//                      encrypted alert, names as the RFC writes them (`handshake_failure`)
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const VERSIONS = { '0x0300': 'SSLv3', '0x0301': 'TLSv10', '0x0302': 'TLSv11', '0x0303': 'TLSv12', '0x0304': 'TLSv13' };
const ATTRIBUTES = { commonName: 'CN', organizationName: 'O', organizationalUnitName: 'OU', countryName: 'C', stateOrProvinceName: 'ST', localityName: 'L' };
const CLIENT_HELLO = '1', SERVER_HELLO = '2', CERTIFICATE = '11';
/** The random of a ServerHello that is a HelloRetryRequest (RFC 8446 4.1.3). */
const HELLO_RETRY_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

function tshark(args) {
  const r = spawnSync('tshark', ['-n', ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error || r.status !== 0) throw new Error(`tshark ${args.join(' ')}: ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

/** Every field of the PDML as {name, show, showname}, with a `packet` marker between frames. */
function* pdmlFields(xml) {
  for (const line of xml.split('\n')) {
    if (line.startsWith('<packet>')) yield { name: 'packet' };
    if (!line.trimStart().startsWith('<field ')) continue;
    const attribute = (key) => unescape(line.match(new RegExp(` ${key}="([^"]*)"`))?.[1] ?? '');
    yield { name: attribute('name'), showname: attribute('showname'), show: attribute('show') };
  }
}
const unescape = (s) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** `rdnSequence: 1 item (id-at-commonName=a.example)` -> `CN=a.example` (RFC 4514 order: last RDN first). */
function distinguishedName(showname) {
  const inner = showname.match(/\((.*)\)$/)?.[1] ?? '';
  return inner.split(',').map((rdn) => rdn.replace(/^id-at-(\w+)=/, (_, a) => `${ATTRIBUTES[a] ?? a}=`)).reverse().join(',');
}
/** `2020-01-01 00:00:00 (UTC)` -> `2020-01-01T00:00:00.000Z` */
const isoTime = (show) => new Date(show.replace(' (UTC)', 'Z').replace(' ', 'T')).toISOString();
/** `Description: Handshake Failure (40)` -> `handshake_failure` */
const rfcName = (showname) => showname.replace(/^[^:]*: /, '').replace(/ \(\d+\)$/, '').toLowerCase().replace(/ /g, '_');

function serverPorts(file) {
  const out = tshark(['-r', file, '-Y', 'tcp.flags.syn == 1 && tcp.flags.ack == 0', '-T', 'fields', '-e', 'tcp.dstport']);
  return [...new Set(out.split('\n').filter(Boolean))];
}

function newSession(client) {
  return {
    client, server: null, serverName: null, alpn: [], resumption: [], version: null, cipher: null,
    nextProtocol: null, resumed: false, helloRetryRequest: false, ja3: null, ja3s: null, certificates: [], clientCertificates: [], alerts: [],
  };
}

function view(file) {
  const decode = serverPorts(file).flatMap((p) => ['-d', `tcp.port==${p},tls`]);
  const sessions = new Map();
  let frame = {}, session, handshake, hello, cert, pending;
  for (const f of pdmlFields(tshark(['-r', file, ...decode, '-T', 'pdml']))) {
    if (f.name === 'packet') { frame = {}; handshake = null; continue; }
    if (f.name === 'ip.src' || f.name === 'ipv6.src') frame.ip = f.show;
    else if (f.name === 'ip.dst' || f.name === 'ipv6.dst') frame.dst = f.show;
    else if (f.name === 'tcp.srcport') frame.from = `${frame.ip}:${f.show}`;
    else if (f.name === 'tcp.dstport') frame.to = `${frame.dst}:${f.show}`;
    else if (f.name === 'tcp.stream') {
      if (!sessions.has(f.show)) sessions.set(f.show, { ...newSession(frame.from), server: frame.to });
      session = sessions.get(f.show);
      frame.side = frame.from === session.client ? 'client' : 'server';
    } else if (f.name === 'tls.record.content_type' && f.show === '21') {
      session.alerts.push({ from: frame.side, level: null, description: null });
    } else if (f.name === 'tls.alert_message.level') session.alerts.at(-1).level = rfcName(f.showname);
    else if (f.name === 'tls.alert_message.desc') session.alerts.at(-1).description = rfcName(f.showname);
    else if (f.name === 'tls.handshake.type') {
      handshake = f.show;
      if (handshake === CLIENT_HELLO || handshake === SERVER_HELLO) hello = { versions: [], sessionId: false };
    } else if (f.name === 'tls.resumed') session.resumed = true;
    else if (handshake === CLIENT_HELLO) clientHello(session, hello, f);
    else if (handshake === SERVER_HELLO) serverHello(session, hello, f);
    else if (handshake === CERTIFICATE) {
      const chain = frame.side === 'client' ? session.clientCertificates : session.certificates;
      if (f.name === 'tls.handshake.certificate') chain.push((cert = { subject: null, issuer: null, notBefore: null, notAfter: null, sans: [] }));
      else if (['x509af.issuer', 'x509af.subject', 'x509af.notBefore', 'x509af.notAfter'].includes(f.name)) pending = f.name.slice(7);
      else if (f.name.endsWith('.rdnSequence') && pending) { cert[pending] = distinguishedName(f.showname); pending = null; }
      else if ((f.name === 'x509af.utcTime' || f.name === 'x509af.generalizedTime') && pending) { cert[pending] = isoTime(f.show); pending = null; }
      else if (f.name === 'x509ce.dNSName') cert.sans.push(f.show);
    }
  }
  return [...sessions.values()];
}

function clientHello(session, hello, f) {
  if (f.name === 'tls.handshake.extensions_server_name') session.serverName = f.show;
  else if (f.name === 'tls.handshake.extensions_alpn_str') session.alpn.push(f.show);
  else if (f.name === 'tls.handshake.ja3') session.ja3 = f.show;
  else if (f.name === 'tls.handshake.session_id_length' && f.show !== '0') hello.sessionId = true;
  else if (f.name === 'tls.handshake.extensions.supported_version') hello.versions.push(f.show);
  else if (/^Extension: session_ticket \(len=[1-9]/.test(f.show)) session.resumption.push('ticket');
  else if (f.name === 'tls.handshake.extensions.psk.identity.identity') session.resumption.push('psk');
  // a session id counts once the hello is read (a TLS 1.3 hello's id does not)
  if (f.name === 'tls.handshake.ja3' && hello.sessionId && !hello.versions.includes('0x0304')) session.resumption.unshift('session-id');
}

function serverHello(session, hello, f) {
  if (f.name === 'tls.handshake.version') session.version ??= VERSIONS[f.show] ?? `unknown-${f.show}`;
  else if (f.name === 'tls.handshake.extensions.supported_version') session.version = VERSIONS[f.show] ?? `unknown-${f.show}`;
  else if (f.name === 'tls.handshake.ciphersuite') session.cipher = f.showname.replace(/^Cipher Suite: /, '').replace(/ \(0x[0-9a-f]+\)$/, '');
  else if (f.name === 'tls.handshake.extensions_alpn_str') session.nextProtocol = f.show;
  else if (f.name === 'tls.handshake.ja3s') session.ja3s = f.show;
  else if (f.name === 'tls.handshake.extension.type' && f.show === '41') session.resumed = true;
  else if (f.name === 'tls.handshake.random' && f.show.replace(/:/g, '') === HELLO_RETRY_RANDOM) session.helloRetryRequest = true;
}

const files = process.argv.slice(2);
if (!files.length) {
  console.error('usage: tshark-tls-view.mjs FILE...');
  process.exit(2);
}
const tool = tshark(['--version']).match(/TShark \(Wireshark\) ([\d.]+)/)?.[1];
for (const file of files) {
  writeFileSync(`${file}.tshark-tls.json`, JSON.stringify({ tool: `tshark ${tool}`, sessions: view(file) }, null, 1) + '\n');
}
