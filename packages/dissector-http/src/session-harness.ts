// Test support: the HTTP dissector on a recording context, fed text (for the unit tests).
import type { Direction } from '@pakeana/framework';
import { fakeContext } from '@pakeana/framework/testing';
import http from './index.js';
import type { HttpExchange } from './http-record.js';

/** Bytes around each piece given through `dataRange`: a reader that looks outside its range finds messages. */
const OUTSIDE = Buffer.from('\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', 'latin1');

/**
 * The HTTP dissector on a recording context, with `options` as a config file gives them;
 * `framed`: pieces go through `dataRange` inside other bytes.
 */
export function harness(settings: { framed?: boolean; options?: Record<string, unknown> } = {}) {
  const context = fakeContext<HttpExchange>({ dissector: http, now: 100, options: settings.options });
  const session = http.create(context);
  /** Feeds bytes (text as latin1), cut into pieces of `chunk` bytes (1: byte by byte), one second after the previous ones. */
  const send = (dir: Direction, data: string | Buffer, chunk = Infinity) => {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    for (let at = 0; at < bytes.length; at += chunk) {
      const piece = bytes.subarray(at, Math.min(bytes.length, at + chunk));
      if (settings.framed) session.dataRange!(dir, Buffer.concat([OUTSIDE, piece, OUTSIDE]), OUTSIDE.length, piece.length, context.now);
      else session.data(dir, piece, context.now);
    }
    context.now += 1;
  };
  const { records, displayLines: display, marks, calls, logs } = context;
  return { session, records, display, marks, calls, logs, send, gap: (dir: Direction, n: number) => session.gap(dir, n, context.now) };
}

/** A request head (Host, User-Agent, then `extra` header lines). */
export const req = (method: string, uri: string, extra = '') => `${method} ${uri} HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t/1\r\n${extra}\r\n`;

/** A response with a Content-Length body. */
export const res = (status: number, body = '', extra = '') => `HTTP/1.1 ${status} X\r\nContent-Length: ${body.length}\r\n${extra}\r\n${body}`;
