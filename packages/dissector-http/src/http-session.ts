import type { Direction, DissectorSession, EndReason, SessionContext } from '@pakeana/framework';
import { chunkedCoding, contentLength } from './body-framing.js';
import type { HttpOptions } from './http-options.js';
import type { HttpExchange } from './http-record.js';
import { MessageBody, type BodyOwner } from './message-body.js';
import { Deviation, isHttpSlash, looksLikeMessageStart, type MessageHead } from './message-head.js';
import { MessageReader, type BodyKind, type MessageEvents } from './message-reader.js';

function cutShort(exchange: HttpExchange): HttpExchange {
  if (exchange.status !== null && !exchange.tunnel) {
    exchange.incompleteStatus = exchange.status;
    exchange.status = null;
  }
  return exchange;
}

/**
 * One direction: its reader, and the message it is reading (a request, a final response, or
 * nothing for an interim one). It hears its reader's events for the session (methods, not
 * closures: two Sides per session are all it costs).
 */
class Side implements MessageEvents, BodyOwner {
  readonly reader: MessageReader;
  exchange: HttpExchange | null = null;
  isResponse = false;
  /** The first bytes of this direction were not HTTP. */
  notHttpSeen = false;
  /** This direction's first bytes were looked at for roles the wrong way round. */
  started = false;
  /** The body being kept, made the first time one is (most sides never keep a body). */
  private body: MessageBody | null = null;
  /** Marks this direction made (each is made once). */
  private marked: string[] | null = null;

  constructor(
    readonly dir: Direction,
    private readonly session: HttpSession,
  ) {
    this.reader = new MessageReader(this);
  }

  head(head: MessageHead, at: number): BodyKind {
    if (head.deviations !== 0) this.markDeviations(head.deviations);
    const kind = head.kind === 'request' ? this.session.onRequest(this, head, at) : this.session.onResponse(this, head, at);
    if (this.exchange !== null && (kind.type === 'length' || kind.type === 'chunked' || kind.type === 'close') && (head.contentEncoding !== null || this.session.keepsBodies)) {
      this.keepBody(head.contentEncoding);
    }
    return kind;
  }

  headless(at: number): boolean {
    if (!this.session.onHeadless(this, at)) return false;
    if (this.session.keepsBodies) this.keepBody(null);
    return true;
  }

  complete(bodyBytes: number): void {
    this.session.onComplete(this, bodyBytes);
  }

  anomaly(what: string): void {
    this.mark(what);
  }

  notHttp(): void {
    this.session.notHttp(this);
  }

  /** Marks the session, once per mark and direction (a chunked body may repeat a deviation in every chunk). */
  mark(what: string): void {
    if (this.marked?.includes(what)) return;
    (this.marked ??= []).push(what);
    this.session.mark(what);
  }

  start(exchange: HttpExchange, isResponse: boolean): void {
    this.exchange = exchange;
    this.isResponse = isResponse;
  }

  /** The message's body facts (decoded size, type, first bytes, file) go into its exchange. */
  finishBody(exchange: HttpExchange, bodyBytes: number): void {
    this.body?.finish(exchange, this.isResponse, bodyBytes);
  }

  clear(): void {
    this.exchange = null;
    this.body?.release();
  }

  get sessionId(): number {
    return this.session.sessionId;
  }

  get options(): Partial<HttpOptions> {
    return this.session.options;
  }

  extractFailed(error: unknown): void {
    this.session.extractFailed(error);
  }

  private keepBody(contentEncoding: string | null): void {
    this.reader.bodySink = (this.body ??= new MessageBody(this)).begin(contentEncoding);
  }

  private markDeviations(deviations: number): void {
    for (const [bit, mark] of DEVIATION_MARKS) if (deviations & bit) this.mark(mark);
  }
}

/** The mark of each deviation a head may have (see `Deviation`). */
const DEVIATION_MARKS: readonly [number, string][] = [
  [Deviation.VERSION, 'http.lenient-version'],
  [Deviation.START_LINE, 'http.lenient-start-line'],
  [Deviation.LINE_END, 'http.lenient-line-end'],
  [Deviation.HEADER, 'http.lenient-header'],
];

/** Option objects of runs that were told an extraction failed (once per run). */
const warnedRuns = new WeakSet<object>();

/** Per-session HTTP state: a reader per direction, requests waiting for responses. */
export class HttpSession implements DissectorSession {
  private readonly client: Side;
  private readonly server: Side;
  /** Whether the options ask for body bytes (extraction, body bytes in the record). */
  readonly keepsBodies: boolean;
  /** Exchanges whose request was seen and whose response has not completed, oldest first. */
  private readonly pending: HttpExchange[] = [];
  private depth = 0;
  private confirmed = false;
  private rejected = false;

  constructor(private readonly context: SessionContext<Partial<HttpOptions>>) {
    this.client = new Side('client', this);
    this.server = new Side('server', this);
    this.keepsBodies = context.options.extract !== undefined || (context.options.bodyBytes ?? 0) > 0;
  }

  get sessionId(): number {
    return this.context.id;
  }

  get options(): Partial<HttpOptions> {
    return this.context.options;
  }

  data(dir: Direction, bytes: Uint8Array, at: number): void {
    const side = this.side(dir);
    if (!side.started && this.rolesReversed(side, bytes, 0, bytes.length)) return;
    if (!this.rejected) side.reader.data(bytes, at);
  }

  dataRange(dir: Direction, buf: Buffer, offset: number, length: number, at: number): void {
    const side = this.side(dir);
    if (!side.started && this.rolesReversed(side, buf, offset, offset + length)) return;
    if (!this.rejected) side.reader.dataRange(buf, offset, offset + length, at);
  }

  /**
   * A side's first bytes are what only the other side sends (a status line from the client, a
   * request from the server): the roles, guessed from the ports when no handshake was seen,
   * are the wrong way round. The framework swaps them once (then this session gets no more
   * calls, and a new one reads the bytes again); true then.
   */
  private rolesReversed(side: Side, buf: Uint8Array, from: number, to: number): boolean {
    side.started = true;
    if (this.confirmed || this.rejected) return false;
    if (looksLikeMessageStart(buf, from, to) !== 'yes') return false;
    const statusLine = isHttpSlash(buf, from);
    if (statusLine !== (side.dir === 'client') || !this.context.swapRoles()) return false;
    this.rejected = true;
    return true;
  }

  gap(dir: Direction, length: number, at: number): void {
    if (!this.rejected) this.side(dir).reader.gap(length, at);
  }

  end(reason: EndReason): void {
    if (this.rejected) return;
    const now = this.context.services.clock.now();
    this.client.reader.end(now, reason === 'fin');
    this.server.reader.end(now, reason === 'fin');
    for (const side of [this.client, this.server]) {
      const exchange = side.exchange;
      if (exchange && side.isResponse) {
        exchange.responseBodyBytes = side.reader.bodySoFar;
        side.finishBody(exchange, exchange.responseBodyBytes);
        this.emit(cutShort(exchange));
      }
      side.clear();
    }
    for (const exchange of this.pending) this.emit(exchange);
    this.pending.length = 0;
  }

  /** Field lookups, not a record keyed by direction: this is called for every segment. */
  private side(dir: Direction): Side {
    return dir === 'client' ? this.client : this.server;
  }

  /** Side's event: a request head. */
  onRequest(side: Side, head: MessageHead, at: number): BodyKind {
    this.confirm();
    const exchange: HttpExchange = {
      method: head.method,
      uri: head.uri,
      host: head.host,
      version: head.version,
      status: null,
      statusText: null,
      requestBodyBytes: 0,
      responseBodyBytes: 0,
      requestTime: at,
      responseTime: null,
      userAgent: head.userAgent,
      referrer: head.referer,
      contentType: head.contentType,
      transDepth: ++this.depth,
    };
    this.pending.push(exchange);
    side.start(exchange, false);
    if (this.context.displaying) {
      this.context.display({ label: 'RequestLine', text: head.startLine, dir: side.dir });
      if (exchange.host !== null) this.context.display({ label: 'Header', text: `Host: ${exchange.host}`, dir: side.dir });
    }
    return this.messageBody(side, head, false);
  }

  /** Side's event: a response head. */
  onResponse(side: Side, head: MessageHead, at: number): BodyKind {
    this.confirm();
    if (this.context.displaying) this.context.display({ label: 'ResponseLine', text: head.startLine, dir: side.dir });
    const status = head.status!;
    const request = this.pending[0] ?? null;
    if (status >= 100 && status < 200 && status !== 101) {
      // An interim response (100 Continue...): its own record, the request still waits.
      side.clear();
      this.framingIgnored(side, head);
      this.emit({ ...this.orphanResponse(), status, statusText: head.statusText, version: head.version, responseTime: at, interim: [status] });
      if (request) {
        (request.interim ??= []).push(status);
        side.reader.expectHeadless();
      }
      return NO_BODY;
    }
    const exchange = this.pending.shift() ?? this.orphanResponse();
    exchange.status = status;
    exchange.statusText = head.statusText;
    exchange.responseTime = at;
    if (exchange.version === null) exchange.version = head.version;
    exchange.contentType = head.contentType ?? exchange.contentType;
    side.start(exchange, true);
    return this.responseBody(side, exchange, head);
  }

  /** A response whose request was sent before the capture began: a record with the status only. */
  private orphanResponse(): HttpExchange {
    return {
      method: null,
      uri: null,
      host: null,
      version: null,
      status: null,
      statusText: null,
      requestBodyBytes: 0,
      responseBodyBytes: 0,
      requestTime: null,
      responseTime: null,
      userAgent: null,
      referrer: null,
      contentType: null,
      transDepth: ++this.depth,
    };
  }

  /**
   * Side's event, after an interim response: bytes that start no response. Browsers read them
   * as a response without a head (HTTP/0.9: status 200, the body up to the close); so does
   * this, for the request that waits, marked.
   */
  onHeadless(side: Side, at: number): boolean {
    const exchange = this.pending.shift();
    if (!exchange) return false;
    side.mark('http.lenient-headless-response');
    exchange.status = 200;
    exchange.responseTime = at;
    side.start(exchange, true);
    return true;
  }

  private responseBody(side: Side, exchange: HttpExchange, head: MessageHead): BodyKind {
    const status = exchange.status!;
    const tunnel = (status === 101 && head.upgrade !== null) || (exchange.method === 'CONNECT' && status >= 200 && status < 300);
    if (tunnel) {
      this.framingIgnored(side, head);
      exchange.tunnel = true;
      (side === this.client ? this.server : this.client).reader.enterTunnel();
      return TUNNEL;
    }
    if (status === 204 || (status >= 100 && status < 200)) this.framingIgnored(side, head);
    if (exchange.method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200)) return NO_BODY;
    const body = this.messageBody(side, head, true);
    return body === NO_BODY ? TO_CLOSE : body;
  }

  /**
   * A 1xx or 204 response, or a 2xx answer to CONNECT, has no body whatever its head says
   * (RFC 9110 8.6, 9.3.6): a Content-Length above 0 or a Transfer-Encoding there is marked.
   */
  private framingIgnored(side: Side, head: MessageHead): void {
    if (head.transferEncoding !== null || (head.contentLength !== null && contentLength(head.contentLength) !== 0)) side.mark('http.body-framing-ignored');
  }

  /**
   * Body of a message by its headers (RFC 9112 6.3): chunked as the last transfer coding
   * (read leniently, see chunkedCoding) wins over Content-Length. Another last coding frames
   * a response by its Content-Length when it has one, as browsers do (the RFC reads it to the
   * close), and a request as if it were not there (the RFC rejects it): both marked. A
   * Content-Length that is not one loses the framing: a server answers 400 and closes, a
   * client closes (6.3 item 5), so the rest of the direction is this message's body, marked,
   * never read as new messages (a smuggled request would be reported as sent). Beside chunked
   * the length is not used, and not checked, as for a valid one.
   */
  private messageBody(side: Side, head: MessageHead, isResponse: boolean): BodyKind {
    if (head.transferEncoding !== null) {
      const coding = chunkedCoding(head.transferEncoding);
      if (coding !== 'no') {
        if (coding === 'lenient') side.mark('http.lenient-transfer-encoding');
        if (head.contentLength !== null) side.mark('http.chunked-with-length');
        return CHUNKED;
      }
      if (!isResponse || head.contentLength !== null) side.mark('http.lenient-transfer-encoding');
    }
    if (head.contentLength === null) return NO_BODY;
    const length = contentLength(head.contentLength);
    if (length >= 0) return { type: 'length', length };
    this.mark('http.bad-content-length');
    return TO_CLOSE;
  }

  /** Side's event: a message is complete. */
  onComplete(side: Side, bodyBytes: number): void {
    const { exchange, isResponse } = side;
    if (exchange) side.finishBody(exchange, bodyBytes);
    side.clear();
    if (!exchange) return;
    if (!isResponse) exchange.requestBodyBytes = bodyBytes;
    else {
      exchange.responseBodyBytes = bodyBytes;
      this.emit(exchange);
    }
  }

  private confirm(): void {
    if (this.confirmed) return;
    this.confirmed = true;
    this.context.confirm();
  }

  /** An anomaly (`http.<what>`). */
  mark(what: string): void {
    this.context.mark(what);
  }

  /** A body could not be written to the extraction directory: the session is marked, the run told once. */
  extractFailed(error: unknown): void {
    const options = this.context.options;
    if (warnedRuns.has(options)) return;
    warnedRuns.add(options);
    this.context.services.logger.warn(`http: cannot write extracted bodies to ${options.extract}: ${error instanceof Error ? error.message : String(error)}`);
  }

  /** Side's event: its direction does not start with HTTP; when neither does, the session is not HTTP. */
  notHttp(side: Side): void {
    side.notHttpSeen = true;
    if (this.confirmed) {
      this.context.mark(`http.not-http-from-${side.dir}`);
      return;
    }
    if (!this.client.notHttpSeen || !this.server.notHttpSeen) return;
    this.rejected = true;
    this.context.reject('no HTTP start line from either side');
  }

  private emit(exchange: HttpExchange): void {
    this.context.emit(exchange);
  }
}

const NO_BODY: BodyKind = { type: 'none' };
const CHUNKED: BodyKind = { type: 'chunked' };
const TO_CLOSE: BodyKind = { type: 'close' };
const TUNNEL: BodyKind = { type: 'tunnel' };
