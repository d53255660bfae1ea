// Typed records for TypeScript authors: dissector-http adds `http: HttpExchange` to the
// framework's RecordTypes (declaration merging) and `isRecord` narrows a watch's record to it.
// The type checks are compile-time: `tsc -b` fails on this file if the typing regresses
// (`@ts-expect-error` fails when there is no error).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRecord, type RecordTypes, type SessionWatch } from '@pakeana/framework';
import type { HttpExchange } from '@pakeana/dissector-http';

/** What a watch saw: the status of each HTTP record, the protocol of each other one. */
function watchThat(seen: (string | number | null)[]): SessionWatch {
  return {
    record(protocol, record) {
      if (isRecord('http', protocol, record)) {
        const status: number | null = record.status;
        // @ts-expect-error -- an HTTP record has no field `code`
        void record.code;
        seen.push(status);
        return;
      }
      // @ts-expect-error -- without the check, a record is any protocol's: no `status`
      void record.status;
      // @ts-expect-error -- `smtp` is not a typed protocol here (no dissector declared it)
      void isRecord('smtp', protocol, record);
      seen.push(protocol);
    },
  };
}

test('isRecord narrows by protocol, at compile time and at run time', () => {
  const http: RecordTypes['http'] = {
    method: 'GET',
    uri: '/',
    host: null,
    version: '1.1',
    status: 503,
    statusText: 'Service Unavailable',
    requestBodyBytes: 0,
    responseBodyBytes: 0,
    requestTime: 1,
    responseTime: 2,
    userAgent: null,
    referrer: null,
    contentType: null,
    transDepth: 1,
  } satisfies HttpExchange;
  const seen: (string | number | null)[] = [];
  const watch = watchThat(seen);
  watch.record?.('http', http);
  watch.record?.('smtp', { code: 550 });
  assert.deepEqual(seen, [503, 'smtp']);
});
