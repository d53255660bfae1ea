import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHeadText } from './message-head.js';

test('a request head: start line, the fields the records use, others passed over', () => {
  const head = parseHeadText(
    'GET /a?b=1 HTTP/1.1\r\nhOST: example.com \r\nAccept: */*\r\nUser-Agent:\tcurl/8\r\nReferer: http://x/\r\nContent-Length: 0\r\n\r\n',
  );
  assert.ok(head);
  const { kind, startLine, method, uri, version, status, statusText } = head;
  assert.deepEqual(
    { kind, startLine, method, uri, version, status, statusText },
    { kind: 'request', startLine: 'GET /a?b=1 HTTP/1.1', method: 'GET', uri: '/a?b=1', version: '1.1', status: null, statusText: null },
  );
  const { host, contentLength, transferEncoding, contentType, userAgent, referer, upgrade } = head;
  assert.deepEqual(
    { host, contentLength, transferEncoding, contentType, userAgent, referer, upgrade },
    { host: 'example.com', contentLength: '0', transferEncoding: null, contentType: null, userAgent: 'curl/8', referer: 'http://x/', upgrade: null },
  );
});

test('a response head: version, three-digit status, the rest of the line as its text', () => {
  const head = parseHeadText('HTTP/1.0 404 Not  Found\nContent-Type: text/html\nTransfer-Encoding: gzip, chunked\nUpgrade: h2c\n\n');
  assert.equal(head?.kind, 'response');
  assert.equal(head?.version, '1.0');
  assert.equal(head?.status, 404);
  assert.equal(head?.statusText, 'Not  Found');
  assert.deepEqual([head?.contentType, head?.transferEncoding, head?.upgrade], ['text/html', 'gzip, chunked', 'h2c']);
  assert.equal(parseHeadText('HTTP/1.1 200\r\n\r\n')?.statusText, '');
});

test('the first of a repeated field wins; folded lines go on that value only', () => {
  const head = parseHeadText('GET / HTTP/1.1\r\nHost: a\r\n  more\r\nHost: b\r\n  ignored\r\nX: y\r\n folded-x\r\n\r\n');
  assert.equal(head?.host, 'a more');
});

test('names match case-insensitively with blanks before the colon; values trim SP, HT and NBSP', () => {
  const head = parseHeadText('GET / HTTP/1.1\r\nContent-Type \t: \xa0text/plain\xa0\r\nContent-Types: no\r\nHost; no\r\n\r\n');
  assert.equal(head?.contentType, 'text/plain');
  assert.equal(head?.host, null);
});

test('start lines that are not HTTP', () => {
  for (const bad of ['HTTP/1.1 1e2 OK', 'HTTP/1.1 99 Low', 'HTTP/1.1 2000 X', 'HTTP/1.1', 'G(T / HTTP/1.1', 'FOO /x', 'FOO', '', 'HTTP/1.x 200 OK']) {
    assert.equal(parseHeadText(`${bad}\r\n\r\n`), null, JSON.stringify(bad));
  }
});

test('request lines Wireshark takes: known methods without or with a malformed version', () => {
  assert.deepEqual(pick(parseHeadText('OPTIONS\r\n\r\n')), ['OPTIONS', null, '1.0']);
  assert.deepEqual(pick(parseHeadText('GET /x\r\n\r\n')), ['GET', '/x', '1.0']);
  assert.deepEqual(pick(parseHeadText('GET / HTTP/1.\r\n\r\n')), ['GET', '/', '1.0']);
  assert.deepEqual(pick(parseHeadText('BREW /pot HTTP/1.1\r\n\r\n')), ['BREW', '/pot', '1.1']);
  assert.deepEqual(pick(parseHeadText('GET /a b HTTP/1.0\r\n\r\n')), ['GET', '/a', '1.0']);
});

function pick(head: ReturnType<typeof parseHeadText>): unknown[] {
  return [head?.method, head?.uri, head?.version];
}
