import type { Direction, DissectorSession, EndReason, SessionContext } from '@pakeana/framework';
import { certificateList, nameMatches, readCertificate } from './certificates.js';
import { HandshakeRecord } from './handshake-record.js';
import { CERTIFICATE, CLIENT_HELLO, HandshakeReader, NEW_SESSION_TICKET, SERVER_HELLO, SERVER_KEY_EXCHANGE, type HandshakeSink } from './handshake-layer.js';
import { isGrease, parseClientHello, parseServerHello, parseSslv2ClientHello, type ClientHello, type ServerHello } from './hello.js';
import { alertDescription, cipherName, groupName, versionName } from './names.js';
import { ALERT, APPLICATION_DATA, CHANGE_CIPHER_SPEC, HANDSHAKE, HEARTBEAT, RecordReader, type RecordSink } from './record-layer.js';
import type { TlsOptions } from './tls-options.js';
import type { TlsCertificate, TlsHandshake } from './tls-record.js';

/** Zeek's shortest sane heartbeat: type, payload length, and 16 bytes of padding. */
const HEARTBEAT_OVERHEAD = 3 + 16;
/** SSLv2 message kinds (RFC 6101 E.1 and the SSLv2 draft). */
const SSLV2_CLIENT_HELLO = 1;
const SSLV2_SERVER_HELLO = 4;
/** Valid record headers in a row that make a capture begun mid-connection TLS. */
const MIDSTREAM_HEADERS = 2;

/** One direction: its record and handshake layers and what it has sent. */
class Side implements RecordSink, HandshakeSink {
  readonly records: RecordReader;
  readonly handshakes: HandshakeReader;
  /** Its records are encrypted from here on: after its ChangeCipherSpec (up to TLS 1.2), after a TLS 1.3 ServerHello. */
  encrypted = false;
  sentChangeCipherSpec = false;
  /** Record headers read, and the type of the first (not a handshake: a capture begun mid-connection). */
  headers = 0;
  firstType = 0;
  /** Length of its last encrypted heartbeat record, or -1. */
  heartbeatLength = -1;

  constructor(
    readonly dir: Direction,
    private readonly session: TlsSession,
    maxMessage: number,
  ) {
    this.records = new RecordReader(this);
    this.handshakes = new HandshakeReader(this, maxMessage);
  }

  recordHeader(type: number, length: number, at: number): boolean {
    return this.session.recordHeader(this, type, length, at);
  }

  record(type: number, body: Uint8Array, at: number): void {
    this.session.record(this, type, body, at);
  }

  sslv2Record(record: Uint8Array, at: number): boolean {
    return this.session.sslv2Record(this, record, at);
  }

  unreadable(mark: string): void {
    this.session.unreadable(this, mark);
  }

  message(type: number, body: Uint8Array, at: number): void {
    this.session.handshakeMessage(this, type, body, at);
  }

  tooLarge(_type: number, _length: number): void {
    this.session.mark('tls.handshake-too-large');
  }

  overBudget(): void {
    this.session.mark('tls.over-memory-budget');
  }
}

/** `TLSv13` as the display lines write it: `TLS1.3` (`TLSv13-draft23`: `TLS1.3-draft23`). */
function displayVersion(name: string): string {
  return name.startsWith('TLSv1') ? `TLS1.${name.slice(5)}` : name;
}

/**
 * One TLS connection: the two directions' records and handshakes, and the record of the
 * handshake under way (emitted when a renegotiation starts the next one, or at the end).
 */
export class TlsSession implements DissectorSession {
  private readonly client: Side;
  private readonly server: Side;
  private current = new HandshakeRecord(false);
  /** The handshake has anything worth a record. */
  private seen = false;
  private clientHello: ClientHello | null = null;
  private serverHello: ServerHello | null = null;
  /** A HelloRetryRequest came and the second ClientHello has not yet. */
  private retryPending = false;
  /** Server handshake messages since its ServerHello (none before its ChangeCipherSpec: an abbreviated handshake). */
  private serverMessagesAfterHello = 0;
  private confirmed = false;
  /** Rejected or swapped: the framework makes no more calls that matter. */
  private retired = false;

  constructor(private readonly context: SessionContext<TlsOptions>) {
    const max = context.options.maxHandshakeMessage;
    this.client = new Side('client', this, max);
    this.server = new Side('server', this, max);
  }

  data(dir: Direction, bytes: Uint8Array, at: number): void {
    if (!this.retired) this.side(dir).records.feed(bytes, 0, bytes.length, at);
  }

  dataRange(dir: Direction, buf: Buffer, offset: number, length: number, at: number): void {
    if (!this.retired) this.side(dir).records.feed(buf, offset, offset + length, at);
  }

  gap(dir: Direction, length: number, _at: number): void {
    const side = this.side(dir);
    if (this.retired || side.records.stopped) return;
    const type = side.records.type;
    const effect = side.records.gap(length);
    if (effect === 'sync-lost') this.mark('tls.gap-lost-sync');
    else if (effect === 'body-lost' && type === HANDSHAKE && !side.encrypted && !side.handshakes.stopped) {
      // The handshake messages of that record are lost, and where the next one starts with them.
      side.handshakes.stop();
      this.mark('tls.gap-in-handshake');
    }
  }

  end(_reason: EndReason): void {
    if (!this.retired) this.emit();
    this.retire();
  }

  /** Bytes buffered by both directions now (partial records and handshake messages). */
  get buffered(): number {
    return this.client.records.buffered + this.client.handshakes.buffered + this.server.records.buffered + this.server.handshakes.buffered;
  }

  mark(reason: string): void {
    this.context.mark(reason);
  }

  // --- the record layer ---

  recordHeader(side: Side, type: number, length: number, at: number): boolean {
    if (side.headers++ === 0) side.firstType = type;
    if (!this.confirmed && side.headers >= MIDSTREAM_HEADERS && side.firstType !== HANDSHAKE) {
      this.confirm();
      this.mark('tls.midstream');
    }
    if (type === APPLICATION_DATA) {
      this.applicationData(side, at);
      return false;
    }
    // TLS 1.3 hides encrypted alerts in application data records: an alert record is in clear.
    if (!side.encrypted || (type === ALERT && this.tls13)) return true;
    if (type === ALERT) this.alert(side, null, null, at);
    else if (type === HEARTBEAT) this.encryptedHeartbeat(side, length);
    return false;
  }

  record(side: Side, type: number, body: Uint8Array, at: number): void {
    if (type === HANDSHAKE) {
      if (!side.handshakes.stopped) side.handshakes.feed(body, 0, body.length, at);
    } else if (type === CHANGE_CIPHER_SPEC) this.changeCipherSpec(side);
    else if (type === ALERT) this.alerts(side, body, at);
    else if (type === HEARTBEAT) this.heartbeat(side, body);
  }

  unreadable(side: Side, mark: string): void {
    if (!this.confirmed && side.headers === 0) {
      this.reject(`${side.dir} bytes are not TLS records`);
      return;
    }
    this.mark(mark);
  }

  private applicationData(side: Side, at: number): void {
    const current = this.current;
    if (side === this.client) {
      current.clientDataTime ??= at;
      // TLS 1.3: the client's first encrypted record after the ServerHello carries its Finished.
      if (!current.established && this.tls13) current.established = true;
    } else current.serverDataTime ??= at;
    this.seen = true;
  }

  private changeCipherSpec(side: Side): void {
    side.sentChangeCipherSpec = true;
    // TLS 1.3's ChangeCipherSpec is a middlebox decoy: the hellos after it are still in clear.
    if (this.offersTls13 && (this.serverHello === null || this.tls13)) return;
    side.encrypted = true;
    // No server message between its ServerHello and its ChangeCipherSpec: an abbreviated (resumed)
    // handshake, unless a hole in the capture hid those messages.
    if (side === this.server && this.serverHello !== null && this.serverMessagesAfterHello === 0 && !side.handshakes.stopped) this.current.resumed = true;
    if (this.client.sentChangeCipherSpec && this.server.sentChangeCipherSpec) this.current.established = true;
  }

  private alerts(side: Side, body: Uint8Array, at: number): void {
    if (body.length === 0 || body.length % 2 !== 0) {
      this.mark('tls.bad-alert');
      return;
    }
    for (let i = 0; i < body.length; i += 2) {
      const level = body[i] === 1 ? 'warning' : body[i] === 2 ? 'fatal' : null;
      if (level === null) {
        this.mark('tls.bad-alert');
        return;
      }
      this.alert(side, level, alertDescription(body[i + 1]), at);
    }
  }

  private alert(side: Side, level: 'warning' | 'fatal' | null, description: string | null, at: number): void {
    this.current.alerts.push({ from: side.dir, time: at, level, description });
    if (description !== null) this.current.lastAlert = description;
    this.seen = true;
    if (this.context.displaying) this.context.display({ label: 'Alert', text: level === null ? 'encrypted' : `${level} ${description}`, dir: side.dir });
  }

  /** RFC 6520; a request whose payload_length claims more than the record holds is Heartbleed (CVE-2014-0160), as Zeek tells it. */
  private heartbeat(side: Side, body: Uint8Array): void {
    this.mark('tls.heartbeat');
    if (body.length < 3) return this.mark('tls.bad-heartbeat');
    const payloadLength = (body[1] << 8) | body[2];
    const room = body.length < HEARTBEAT_OVERHEAD ? body.length : body.length - HEARTBEAT_OVERHEAD;
    if (body[0] === 1 && payloadLength > room) this.mark('tls.heartbleed');
    if (this.context.displaying) {
      const kind = body[0] === 1 ? 'request' : body[0] === 2 ? 'response' : `type ${body[0]}`;
      this.context.display({ label: 'Heartbeat', text: `${kind} payload_length=${payloadLength} record=${body.length}`, dir: side.dir });
    }
  }

  /**
   * Encrypted heartbeats, as Zeek's heartbleed policy reads them: a request shorter than the
   * smallest valid one, or a response longer than the request, is Heartbleed.
   */
  private encryptedHeartbeat(side: Side, length: number): void {
    this.mark('tls.heartbeat');
    side.heartbeatLength = length;
    const request = this.client.heartbeatLength;
    if (side === this.client ? length < HEARTBEAT_OVERHEAD : request >= 0 && length > request) this.mark('tls.heartbleed');
  }

  // --- SSLv2 ---

  sslv2Record(side: Side, record: Uint8Array, at: number): boolean {
    const kind = record[2];
    if (side === this.client && kind === SSLV2_CLIENT_HELLO) {
      const hello = parseSslv2ClientHello(record);
      if (hello) this.helloFromClient(hello, at);
      else this.badHello(side, 'tls.bad-client-hello');
      return hello !== null;
    }
    if (side === this.server && kind === SSLV2_SERVER_HELLO && record.length >= 13) {
      this.sslv2ServerHello(record, at);
      return false;
    }
    this.badHello(side, 'tls.bad-sslv2-record');
    return false;
  }

  /**
   * An SSLv2 SERVER-HELLO: the connection is SSLv2 (encrypted from here on in SSLv2 records).
   * Its certificate and the server's first cipher kind are what it shows.
   */
  private sslv2ServerHello(record: Uint8Array, at: number): void {
    const certLength = (record[7] << 8) | record[8];
    const specsLength = (record[9] << 8) | record[10];
    const current = this.current;
    this.confirm();
    current.version = versionName((record[5] << 8) | record[6]);
    current.serverHelloTime = at;
    const specs = 13 + certLength;
    if (specsLength >= 3 && specs + 3 <= record.length) current.cipher = cipherName((record[specs] << 16) | (record[specs + 1] << 8) | record[specs + 2]);
    if (this.context.displaying) this.context.display({ label: 'ServerHello', text: `${current.version} ${current.cipher ?? '-'}`, dir: 'server' });
    if (record[4] === 1 && 13 + certLength <= record.length) this.certificates(this.server, [record.subarray(13, 13 + certLength)]);
    this.client.records.stop();
    this.seen = true;
  }

  // --- handshake messages ---

  handshakeMessage(side: Side, type: number, body: Uint8Array, at: number): void {
    if (side.encrypted) return;
    if (side === this.server && this.serverHello !== null && type !== NEW_SESSION_TICKET) this.serverMessagesAfterHello++;
    if (type === CLIENT_HELLO) this.clientHelloMessage(side, body, at);
    else if (type === SERVER_HELLO) this.serverHelloMessage(side, body, at);
    else if (type === CERTIFICATE) this.certificateMessage(side, body);
    else if (type === SERVER_KEY_EXCHANGE && side === this.server) this.serverKeyExchange(body);
  }

  private clientHelloMessage(side: Side, body: Uint8Array, at: number): void {
    if (side !== this.client) return this.helloFromWrongSide();
    const hello = parseClientHello(body);
    if (hello) this.helloFromClient(hello, at);
    else this.badHello(side, 'tls.bad-client-hello');
  }

  private serverHelloMessage(side: Side, body: Uint8Array, at: number): void {
    if (side !== this.server) return this.helloFromWrongSide();
    const hello = parseServerHello(body);
    if (!hello) return this.badHello(side, 'tls.bad-server-hello');
    this.confirm();
    if (hello.helloRetry) this.helloRetryRequest(hello);
    else this.helloFromServer(hello, at);
  }

  private helloFromClient(hello: ClientHello, at: number): void {
    if (this.clientHello !== null) {
      if (this.retryPending) this.current.helloRetryRequest = true;
      else this.startRenegotiation();
    }
    this.retryPending = false;
    this.confirm();
    this.clientHello = hello;
    this.seen = true;
    const current = this.current;
    current.clientHelloTime ??= at;
    current.serverName = hello.serverName;
    current.alpn = hello.alpn;
    current.clientVersion = versionName(hello.version);
    current.resumption = resumptionTried(hello, this.offersTls13);
    current.sslv2Hello = hello.sslv2;
    current.clientHello = hello;
    if (this.context.displaying) {
      const offered = hello.supportedVersions.filter((v) => !isGrease(v));
      const version = displayVersion(versionName(offered.length > 0 ? Math.max(...offered) : hello.version));
      const alpn = hello.alpn.length > 0 ? `alpn=${hello.alpn.join(',')}` : null;
      this.context.display({ label: 'ClientHello', text: [hello.serverName, alpn, version].filter((part) => part !== null).join(' '), dir: 'client' });
    }
  }

  private helloRetryRequest(hello: ServerHello): void {
    this.retryPending = true;
    this.seen = true;
    const current = this.current;
    current.version = versionName(hello.selectedVersion ?? hello.version);
    current.cipher = cipherName(hello.cipher);
    if (hello.keyShareGroup !== null) current.curve = groupName(hello.keyShareGroup);
    if (this.context.displaying) {
      const group = hello.keyShareGroup !== null ? ` group=${groupName(hello.keyShareGroup)}` : '';
      this.context.display({ label: 'HelloRetryRequest', text: `${displayVersion(current.version)} ${current.cipher}${group}`, dir: 'server' });
    }
  }

  private helloFromServer(hello: ServerHello, at: number): void {
    this.serverHello = hello;
    this.serverMessagesAfterHello = 0;
    this.seen = true;
    const current = this.current;
    current.version = versionName(hello.selectedVersion ?? hello.version);
    current.cipher = cipherName(hello.cipher);
    current.curve = hello.keyShareGroup !== null ? groupName(hello.keyShareGroup) : null;
    current.nextProtocol = hello.alpn;
    current.serverHelloTime = at;
    current.serverHello = hello;
    const clientId = this.clientHello?.sessionId ?? '';
    current.resumed = this.tls13 ? hello.psk : hello.sessionId !== '' && hello.sessionId === clientId;
    // TLS 1.3 encrypts everything after the ServerHello.
    if (this.tls13) this.server.encrypted = true;
    if (this.context.displaying) {
      const extras = [hello.alpn !== null ? `alpn=${hello.alpn}` : null, current.resumed ? 'resumed' : null].filter((part) => part !== null);
      this.context.display({ label: 'ServerHello', text: [displayVersion(current.version), current.cipher, ...extras].join(' '), dir: 'server' });
    }
  }

  private certificateMessage(side: Side, body: Uint8Array): void {
    if (this.tls13 || !this.context.options.certificates) return;
    const list = certificateList(body);
    if (list === null) return this.mark('tls.bad-certificate-message');
    this.certificates(side, list);
  }

  private certificates(side: Side, list: Uint8Array[]): void {
    const chain: TlsCertificate[] = [];
    for (const der of list) {
      const cert = readCertificate(der);
      if (cert) chain.push(cert);
      else this.mark('tls.bad-certificate');
    }
    const current = this.current;
    if (side === this.client) current.clientCertificates = chain;
    else {
      current.certificates = chain;
      current.subject = chain[0]?.subject ?? null;
      current.issuer = chain[0]?.issuer ?? null;
    }
    if (this.context.displaying && chain.length > 0) {
      this.context.display({ label: 'Certificate', text: `${chain[0].subject} (expires ${chain[0].notAfter.slice(0, 10)})`, dir: side.dir });
    }
  }

  /** RFC 8422 5.4: an ECDHE ServerKeyExchange starts with curve_type named_curve (3) and the group. */
  private serverKeyExchange(body: Uint8Array): void {
    const cipher = this.current.cipher ?? '';
    if (body.length >= 3 && body[0] === 3 && /_ECDHE_|_ECDH_anon_/.test(cipher)) this.current.curve = groupName((body[1] << 8) | body[2]);
  }

  // --- the session ---

  /** The server chose TLS 1.3 (or a draft or experiment of it). */
  private get tls13(): boolean {
    const hello = this.serverHello;
    return hello !== null && (hello.selectedVersion ?? hello.version) > 0x0303 && hello.version !== 0x0002;
  }

  /** The client offered TLS 1.3 in supported_versions. */
  private get offersTls13(): boolean {
    return this.clientHello?.supportedVersions.some((v) => v > 0x0303 && !isGrease(v)) ?? false;
  }

  /** A new ClientHello after a whole handshake: the finished handshake's record goes out, the next one starts. */
  private startRenegotiation(): void {
    this.emit();
    this.current = new HandshakeRecord(true);
    this.serverHello = null;
    this.serverMessagesAfterHello = 0;
    for (const side of [this.client, this.server]) {
      side.encrypted = false;
      side.sentChangeCipherSpec = false;
    }
  }

  private emit(): void {
    if (!this.seen) return;
    const current = this.current;
    const leaf = current.certificates[0];
    current.sniMatchesCert = current.serverName !== null && leaf ? nameMatches(current.serverName, leaf) : null;
    this.context.emit(current);
    this.seen = false;
  }

  private confirm(): void {
    if (this.confirmed) return;
    this.confirmed = true;
    this.context.confirm();
  }

  private reject(reason: string): void {
    this.retire();
    this.context.reject(reason);
  }

  /** No more reading: another session (or dissector) takes the bytes over. */
  private retire(): void {
    this.retired = true;
    // Stopped framers give back the bytes they held to the run's budget (heldBodies).
    for (const side of [this.client, this.server]) {
      side.records.stop();
      side.handshakes.stop();
    }
  }

  /** A malformed hello: not TLS when nothing confirmed it yet, a mark otherwise. */
  private badHello(side: Side, mark: string): void {
    if (!this.confirmed) return this.reject(`${side.dir}: ${mark}`);
    this.mark(mark);
    side.handshakes.stop();
  }

  /**
   * A ClientHello from the server side (or a ServerHello from the client side): the roles,
   * guessed from the ports, are the wrong way round. The framework swaps them and starts a new
   * session on the same bytes; when it cannot, the hello is left out.
   */
  private helloFromWrongSide(): void {
    if (!this.confirmed && this.context.swapRoles()) return this.retire();
    this.mark('tls.hello-from-wrong-side');
  }

  private side(dir: Direction): Side {
    return dir === 'client' ? this.client : this.server;
  }
}

/** How the client tried to resume (a TLS 1.3 hello's session id is for middleboxes: left out). */
function resumptionTried(hello: ClientHello, offersTls13: boolean): TlsHandshake['resumption'] {
  const ways: TlsHandshake['resumption'] = [];
  if (hello.sessionId !== '' && !offersTls13) ways.push('session-id');
  if (hello.ticket) ways.push('ticket');
  if (hello.psk) ways.push('psk');
  return ways;
}
