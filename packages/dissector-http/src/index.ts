import type { Dissector } from '@pakeana/framework';
import { httpRecordSchema, type HttpExchange } from './http-record.js';
import { HttpSession } from './http-session.js';
import { looksLikeMessageStart } from './message-head.js';

/**
 * @pakeana/dissector-http: HTTP/1.0 and 1.1 over reassembled TCP streams. Claims the usual
 * HTTP ports and finds HTTP anywhere else by content: a client that starts with a method and
 * a space, a server that starts with `HTTP/` and a digit.
 */
const http: Dissector = {
  apiVersion: 1,
  name: 'http',
  description: 'HTTP/1.x: one record per request/response exchange',
  ports: [80, 8000, 8008, 8080, 8888, 3128, 3000, 5000],
  probe(dir, head) {
    const verdict = looksLikeMessageStart(head, 0, head.length);
    if (verdict !== 'yes') return verdict;
    const isResponse = head[0] === 0x48 && head[1] === 0x54 && head[2] === 0x54 && head[3] === 0x50 && head[4] === 0x2f;
    return (dir === 'server') === isResponse ? 'yes' : 'no';
  },
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
export { MessageReader, type BodyKind, type MessageEvents } from './message-reader.js';
export { parseHead, parseHeadText, looksLikeMessageStart, MessageHead } from './message-head.js';
