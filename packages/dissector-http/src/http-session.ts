import type { Direction, DissectorSession, EndReason, SessionContext } from '@pakeana/framework';
import type { HttpExchange } from './http-record.js';
import { isBlank, type MessageHead } from './message-head.js';
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
class Side implements MessageEvents {
  readonly reader: MessageReader;
  exchange: HttpExchange | null = null;
  isResponse = false;
  /** The first bytes of this direction were not HTTP. */
  notHttpSeen = false;

  constructor(
    readonly dir: Direction,
    private readonly session: HttpSession,
  ) {
    this.reader = new MessageReader(this);
  }

  head(head: MessageHead, at: number): BodyKind {
    return head.kind === 'request' ? this.session.onRequest(this, head, at) : this.session.onResponse(this, head, at);
  }

  complete(bodyBytes: number): void {
    this.session.onComplete(this, bodyBytes);
  }

  anomaly(what: string): void {
    this.session.mark(what);
  }

  notHttp(): void {
    this.session.notHttp(this);
  }

  start(exchange: HttpExchange, isResponse: boolean): void {
    this.exchange = exchange;
    this.isResponse = isResponse;
  }

  clear(): void {
    this.exchange = null;
  }
}

/** Per-session HTTP state: a reader per direction, requests waiting for responses. */
export class HttpSession implements DissectorSession {
  private readonly client: Side;
  private readonly server: Side;
  /** Exchanges whose request was seen and whose response has not completed, oldest first. */
  private readonly pending: HttpExchange[] = [];
  private depth = 0;
  private confirmed = false;
  private rejected = false;

  constructor(private readonly context: SessionContext) {
    this.client = new Side('client', this);
    this.server = new Side('server', this);
  }

  data(dir: Direction, bytes: Uint8Array, at: number): void {
    if (!this.rejected) this.side(dir).reader.data(bytes, at);
  }

  dataRange(dir: Direction, buf: Buffer, offset: number, length: number, at: number): void {
    if (!this.rejected) this.side(dir).reader.dataRange(buf, offset, offset + length, at);
  }

  gap(dir: Direction, length: number): void {
    if (!this.rejected) this.side(dir).reader.gap(length);
  }

  end(reason: EndReason): void {
    void reason;
    if (this.rejected) return;
    this.client.reader.end(this.context.services.clock.now());
    this.server.reader.end(this.context.services.clock.now());
    for (const side of [this.client, this.server]) {
      if (side.exchange && side.isResponse) {
        side.exchange.responseBodyBytes = side.reader.bodySoFar;
        this.emit(cutShort(side.exchange));
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
    return this.messageBody(head);
  }

  /** Side's event: a response head. */
  onResponse(side: Side, head: MessageHead, at: number): BodyKind {
    this.confirm();
    if (this.context.displaying) this.context.display({ label: 'ResponseLine', text: head.startLine, dir: side.dir });
    const status = head.status!;
    const request = this.pending[0] ?? null;
    if (status >= 100 && status < 200 && status !== 101) {
      // An interim response (100 Continue...): its own record, the request still waits.
      if (request) (request.interim ??= []).push(status);
      side.clear();
      this.emit({ ...this.orphanResponse(), status, statusText: head.statusText, version: head.version, responseTime: at, interim: [status] });
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

  private responseBody(side: Side, exchange: HttpExchange, head: MessageHead): BodyKind {
    const status = exchange.status!;
    const tunnel = (status === 101 && head.upgrade !== null) || (exchange.method === 'CONNECT' && status >= 200 && status < 300);
    if (tunnel) {
      exchange.tunnel = true;
      (side === this.client ? this.server : this.client).reader.enterTunnel();
      return TUNNEL;
    }
    if (exchange.method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200)) return NO_BODY;
    const body = this.messageBody(head);
    return body === NO_BODY ? TO_CLOSE : body;
  }

  /**
   * Body of a message by its headers (RFC 9112 6.3): chunked as the last coding wins over
   * Content-Length. A Content-Length that is not one loses the framing: a server answers 400
   * and closes, a client closes (6.3 item 5), so the rest of the direction is this message's
   * body, marked, never read as new messages (a smuggled request would be reported as sent).
   * Beside chunked the length is not used, and not checked, as for a valid one.
   */
  private messageBody(head: MessageHead): BodyKind {
    if (head.transferEncoding !== null && endsWithChunked(head.transferEncoding)) return CHUNKED;
    if (head.contentLength === null) return NO_BODY;
    const length = contentLength(head.contentLength);
    if (length >= 0) return { type: 'length', length };
    this.mark('http.bad-content-length');
    return TO_CLOSE;
  }

  /** Side's event: a message is complete. */
  onComplete(side: Side, bodyBytes: number): void {
    const { exchange, isResponse } = side;
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

  /** Side's event: an anomaly in its direction. */
  mark(what: string): void {
    this.context.mark(what);
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

/** The last transfer coding is `chunked` (any case, blanks around it). */
function endsWithChunked(codings: string): boolean {
  let end = codings.length;
  while (end > 0 && isBlank(codings.charCodeAt(end - 1))) end--;
  const start = end - CHUNKED_NAME.length;
  if (start < 0) return false;
  for (let i = 0; i < CHUNKED_NAME.length; i++) if ((codings.charCodeAt(start + i) | 0x20) !== CHUNKED_NAME.charCodeAt(i)) return false;
  let before = start;
  while (before > 0 && isBlank(codings.charCodeAt(before - 1))) before--;
  return before === 0 || codings.charCodeAt(before - 1) === COMMA;
}

/**
 * The value of a Content-Length field (RFC 9110 8.6): decimal digits (leading zeros allowed),
 * or a list of one value (`5, 5`, which is also what repeated fields become). -1 when it is
 * not one: no digits, other characters, differing values, or beyond 2^53 - 1 (no body is that
 * long, and a number past it loses digits). Digits are summed as they come: every partial sum
 * of a valid value is exact, and an invalid one cannot come back under the bound.
 */
function contentLength(text: string): number {
  let value = -1;
  for (let i = 0; ; i++) {
    while (i < text.length && isBlank(text.charCodeAt(i))) i++;
    const first = i;
    let item = 0;
    for (let digit = 0; i < text.length && (digit = text.charCodeAt(i) - 0x30) >= 0 && digit <= 9; i++) item = item * 10 + digit;
    if (i === first || (value >= 0 && item !== value)) return -1;
    value = item;
    while (i < text.length && isBlank(text.charCodeAt(i))) i++;
    if (i === text.length) return value <= Number.MAX_SAFE_INTEGER ? value : -1;
    if (text.charCodeAt(i) !== COMMA) return -1;
  }
}

const COMMA = 0x2c;
const CHUNKED_NAME = 'chunked';
