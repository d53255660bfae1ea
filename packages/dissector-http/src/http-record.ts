import { lazySchema } from '@pakeana/framework';
import type { z } from 'zod';

/**
 * The record the HTTP dissector emits: one request/response exchange (fields after Zeek's
 * http.log). The schema is the one source of the record's shape: `HttpExchange` is its type,
 * `pakeana plugins records` prints it, `record:` triggers check their field names against it,
 * and docs/records.md is generated from it. Built on first use (a run does not load zod).
 */
export const httpRecordSchema = lazySchema((z) => {
  const text = (meaning: string) => z.string().nullable().describe(meaning);
  const seconds = (meaning: string) => z.number().nullable().describe(meaning);
  const bytes = (meaning: string) => z.number().int().nonnegative().describe(meaning);
  const decodedBytes = (meaning: string) => z.number().int().nonnegative().nullable().optional().describe(meaning);
  const maybeText = (meaning: string) => z.string().optional().describe(meaning);
  const status = z.number().int().min(100).max(999);
  return z
    .object({
      method: text('request method as sent (`GET`), or null when the request was not seen'),
      uri: text('request target as sent (`/path?query`, or `host:port` for CONNECT), or null'),
      host: text('the request\'s Host header, or null'),
      version: text('HTTP version of the request (`1.1`), or of the response when the request was not seen'),
      status: status.nullable().describe('final status code, or null without a complete response (see incompleteStatus)'),
      statusText: text('reason phrase of the response (`Not Found`), or null'),
      requestBodyBytes: bytes('request body bytes, without chunk framing, content codings not undone; bytes lost in the capture count'),
      responseBodyBytes: bytes('response body bytes, counted as requestBodyBytes'),
      requestTime: seconds("capture time of the request's head, seconds since the epoch, or null when the request was not seen"),
      responseTime: seconds("capture time of the final response's head, seconds since the epoch, or null without a response"),
      userAgent: text('the request\'s User-Agent header, or null'),
      referrer: text('the request\'s Referer header, or null'),
      contentType: text('the response\'s Content-Type header, else the request\'s, or null'),
      transDepth: z.number().int().positive().describe('position of the exchange in the session, from 1 (pipelined requests count in order)'),
      interim: z
        .array(status)
        .optional()
        .describe('interim (1xx) status codes received before the final response; each interim response is also a record of its own, with its status, statusText, version, responseTime and `interim: [status]`'),
      tunnel: z.boolean().optional().describe('true when the connection left HTTP (CONNECT answered 2xx, or a 101 upgrade): later bytes are counted, not parsed'),
      incompleteStatus: status
        .optional()
        .describe('status of a response whose body the connection cut short; status is null then, as Wireshark shows only complete responses'),
      requestDecodedBodyBytes: decodedBytes(
        'present when the request body has a Content-Encoding: its size decoded (gzip, deflate, br, stacked); null when it could not be decoded (an unknown or bad coding, past the decoding bounds, bytes lost)',
      ),
      responseDecodedBodyBytes: decodedBytes('the same for the response body'),
      requestMimeType: maybeText('MIME type of the request body (decoded), sniffed from its first bytes, when the extract or bodyBytes option is on'),
      responseMimeType: maybeText('MIME type of the response body, as requestMimeType'),
      requestBodyHead: maybeText('the first bodyBytes bytes of the request body (decoded), when the bodyBytes option is on: as text when they are text (UTF-8, printable), else base64'),
      requestBodyHeadBase64: z.literal(true).optional().describe('true when requestBodyHead is base64'),
      responseBodyHead: maybeText('the first bytes of the response body, as requestBodyHead'),
      responseBodyHeadBase64: z.literal(true).optional().describe('true when responseBodyHead is base64'),
      requestFile: maybeText('name of the file the request body was written to in the extract directory'),
      responseFile: maybeText('name of the file the response body was written to in the extract directory'),
    })
    .strict();
});

/** One request/response exchange: the HTTP record (see `httpRecordSchema`). */
export type HttpExchange = z.output<ReturnType<typeof httpRecordSchema>>;
