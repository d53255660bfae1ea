import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TcpSession } from '@pakeana/framework';
import { ReportObserver, pathPrefix, statusClass } from './report-observer.js';

test('path prefixes: the first segment of the path', () => {
  assert.equal(pathPrefix('/api/v1/items?x=1'), '/api');
  assert.equal(pathPrefix('/'), '/');
  assert.equal(pathPrefix('/?q'), '/');
  assert.equal(pathPrefix('http://example.com/static/a.js'), '/static');
  assert.equal(pathPrefix('http://example.com'), '/');
  assert.equal(pathPrefix('example.com:443'), 'example.com:443');
  assert.equal(pathPrefix(null), '(no request)');
});

test('status classes', () => {
  assert.deepEqual([101, 200, 304, 404, 503, 999, null].map(statusClass), ['1xx', '2xx', '3xx', '4xx', '5xx', 'none', 'none']);
});

test('an interim (1xx) response\'s own record is not an exchange: 100 Continue, then 200', () => {
  const observer = new ReportObserver();
  const session = { lastTime: 1_700_000_000.5 } as TcpSession;
  for (const time of [1_700_000_000, 1_700_000_001]) observer.axis.advance(time); // the segments' times
  observer.record(session, 'http', { status: 100, requestTime: null, responseTime: 1_700_000_000.1, interim: [100] });
  observer.record(session, 'http', { status: 200, requestTime: 1_700_000_000, responseTime: 1_700_000_000.2, interim: [100] });
  observer.record(session, 'http', { status: 101, requestTime: 1_700_000_001, responseTime: 1_700_000_001.1 });
  observer.finish();
  const { http } = observer.timeline();
  assert.deepEqual([observer.httpExchanges, http['1xx'].reduce((a, b) => a + b, 0), http['2xx'].reduce((a, b) => a + b, 0)], [2, 1, 1]);
});
