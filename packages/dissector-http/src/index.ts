import type { Dissector } from '@pakeana/framework';
import { DEFAULT_HTTP_OPTIONS, httpOptionsSchema, type HttpOptions } from './http-options.js';
import { httpRecordSchema, type HttpExchange } from './http-record.js';
import { HttpSession } from './http-session.js';
import { looksLikeMessageStart } from './message-head.js';

/**
 * @pakeana/dissector-http: HTTP/1.0 and 1.1 over reassembled TCP streams. Claims the usual
 * HTTP ports and finds HTTP anywhere else by content: a client that starts with a method and
 * a space, a server that starts with `HTTP/` (any case) and a digit.
 */
const http: Dissector<HttpOptions> = {
  apiVersion: 1,
  name: 'http',
  description: 'HTTP/1.x: one record per request/response exchange',
  ports: [80, 8000, 8008, 8080, 8888, 3128, 3000, 5000],
  // Either side may start: with roles guessed from the ports the wrong way round, the
  // session swaps them (see HttpSession).
  probe: (_dir, head) => looksLikeMessageStart(head, 0, head.length),
  options: httpOptionsSchema,
  defaultOptions: DEFAULT_HTTP_OPTIONS,
  records: httpRecordSchema,
  create: (context) => new HttpSession(context),
};

// TypeScript authors: `isRecord('http', protocol, record)` narrows a record to HttpExchange.
declare module '@pakeana/framework' {
  interface RecordTypes {
    http: HttpExchange;
  }
}

export default http;
export { HttpSession } from './http-session.js';
export { httpRecordSchema, type HttpExchange } from './http-record.js';
export { httpOptionsSchema, DEFAULT_EXTRACT_LIMIT, DEFAULT_HTTP_OPTIONS, type HttpOptions } from './http-options.js';
export { MessageReader, type BodyKind, type BodySink, type MessageEvents } from './message-reader.js';
export { parseHead, parseHeadText, looksLikeMessageStart, Deviation, MessageHead } from './message-head.js';
export { chunkedCoding, contentLength, type ChunkedCoding } from './body-framing.js';
export { contentCodings, decodeBody, decodedBound, DECODE_LIMITS, type DecodedBody, type DecodeOutcome } from './content-decoding.js';
export { sniffType, bodyHead, type SniffedType } from './body-sniff.js';
export { extractName } from './body-extraction.js';
