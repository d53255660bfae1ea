import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathPrefix, statusClass } from './report-observer.js';

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
