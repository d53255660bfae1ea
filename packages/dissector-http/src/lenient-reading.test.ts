// The HTTP a server or client sends that RFC 9112 does not allow and browsers read anyway:
// each is read as a browser reads it and marked (`http.lenient-...`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Conversation, dissectFrames } from '@pakeana/framework/testing';
import http from './index.js';
import type { HttpExchange } from './http-record.js';
import { parseHeadText } from './message-head.js';
import { harness, req, res } from './session-harness.js';

/** A GET, then `response` from the server, then the connection's end (`reason`); the records and marks. */
function exchange(response: string, reason: 'fin' | 'rst' | 'eof' = 'fin', chunk = Infinity) {
  const h = harness();
  h.send('client', req('GET', '/x'));
  h.send('server', response, chunk);
  h.session.end(reason);
  return { records: h.records, marks: h.marks, body: h.records.at(-1)?.responseBodyBytes, status: h.records.at(-1)?.status };
}

test('status lines: versions as written, any case, extra or missing spaces, no reason phrase', () => {
  const cases: [line: string, mark: string][] = [
    ['HTTP/1.10 200 ok', 'http.lenient-version'],
    ['HTTP/1.01 200 ok', 'http.lenient-version'],
    ['http/1.1 200 ok', 'http.lenient-version'],
    ['HTTP/1.1  200 ok', 'http.lenient-start-line'],
    ['HTTP/1.1\t200 ok', 'http.lenient-start-line'],
    ['HTTP/1.1 200', 'http.lenient-start-line'],
    ['HTTP/1.1 200ok', 'http.lenient-start-line'],
  ];
  for (const [line, mark] of cases) {
    for (const chunk of [Infinity, 1]) {
      const e = exchange(`${line}\r\nContent-Length: 5\r\n\r\nhello`, 'fin', chunk);
      assert.deepEqual([e.status, e.body, e.marks], [200, 5, [mark]], `${line} in pieces of ${chunk}`);
    }
  }
  for (const line of ['HTTP/1.1 200 ', 'HTTP/1.1 200  ok']) assert.deepEqual(exchange(`${line}\r\nContent-Length: 0\r\n\r\n`).marks, [], 'a reason phrase may be empty, or start with a blank');
  const head = parseHeadText('http/1.10  404 Not Found\r\n\r\n');
  assert.deepEqual([head?.version, head?.status, head?.statusText], ['1.10', 404, 'Not Found']);
  assert.equal(http.probe!('server', Buffer.from('http/1.1 200 ok')), 'yes');
});

test('request lines: runs of spaces and trailing spaces are read and marked; a valid line is not', () => {
  const read = (line: string) => {
    const h = harness();
    h.send('client', `${line}\r\nHost: h\r\n\r\n`);
    h.session.end('fin');
    return [h.records[0]?.method, h.records[0]?.uri, h.records[0]?.version, h.marks];
  };
  assert.deepEqual(read('GET  /x HTTP/1.1'), ['GET', '/x', '1.1', ['http.lenient-start-line']]);
  assert.deepEqual(read('GET /x  HTTP/1.1'), ['GET', '/x', '1.1', ['http.lenient-start-line']]);
  assert.deepEqual(read('GET /x HTTP/1.1 '), ['GET', '/x', '1.1', ['http.lenient-start-line']]);
  assert.deepEqual(read('GET /x http/1.1'), ['GET', '/x', '1.1', ['http.lenient-version']]);
  assert.deepEqual(read('GET /x HTTP/1.1'), ['GET', '/x', '1.1', []]);
});

test('heads ended by LF LF or by mixed line ends', () => {
  for (const response of [
    'HTTP/1.1 200 ok\nContent-Length: 5\n\nhello',
    'HTTP/1.1 200 ok\r\nContent-Length: 5\n\nhello',
    'HTTP/1.1 200 ok\r\nContent-Length: 5\r\n\nhello',
    'HTTP/1.1 200 ok\nContent-Length: 5\n\r\nhello',
  ]) {
    for (const chunk of [Infinity, 1]) {
      const e = exchange(response + res(404, 'x'), 'fin', chunk);
      assert.deepEqual([e.records.map((r) => [r.status, r.responseBodyBytes]), e.marks], [[[200, 5], [404, 1]], ['http.lenient-line-end']], JSON.stringify(response));
    }
  }
});

test('a bare CR does not end a line (as browsers read heads): in the start line it is read as a space, and marked', () => {
  // http-evader's cr-no-crlf: the fields after bare CRs are part of the status line, so the body runs to the close.
  const e = exchange('HTTP/1.1 200 ok\rContent-Type: text/plain\rContent-Length: 5\r\n\nhello' + res(404, 'x'));
  assert.deepEqual([e.status, e.body, e.records[0]?.statusText, e.marks], [200, 43, 'ok Content-Type: text/plain Content-Length: 5', ['http.lenient-line-end']]);
  // In a value it makes a framing field not one.
  const value = parseHeadText('HTTP/1.1 200 OK\r\nContent-Length: 5\rX: y\r\n\r\n');
  assert.deepEqual([value?.contentLength, value?.deviations], ['5\rX: y', 0]);
});

test('header lines: blanks before the colon, odd name characters, no colon, folding: read and marked', () => {
  for (const [line, length] of [
    ['Content-Length : 5', '5'],
    ['Content-Length\t: 5', '5'],
    ['X-Odd\x01: v\r\nContent-Length: 5', '5'],
    ['\x00X-Odd: v\r\nContent-Length: 5', '5'],
    ['No colon here\r\nContent-Length: 5', '5'],
    ['Content-Length:\r\n 5', '5'],
  ] as const) {
    const head = parseHeadText(`HTTP/1.1 200 OK\r\n${line}\r\n\r\n`);
    assert.equal(head?.contentLength, length, line);
    assert.equal(head?.deviations, 8, line);
  }
  assert.equal(parseHeadText('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Fine_Name: ok\r\n\r\n')?.deviations, 0);
});

test('a folded line that reads as a field of its own is one (readers that do not fold see it); other folded lines continue a value', () => {
  // http-evader's hdrfirst;space;chunked: Transfer-Encoding hidden as a continuation of Connection.
  const e = exchange('HTTP/1.1 200 ok\r\nConnection: close\r\n Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
  assert.deepEqual([e.status, e.body, e.marks], [200, 5, ['http.lenient-header']]);
  const folded = parseHeadText('GET / HTTP/1.1\r\nUser-Agent: a\r\n\tb c\r\nTransfer-Encoding:\r\n chunked\r\n\r\n');
  assert.deepEqual([folded?.userAgent, folded?.transferEncoding], ['a b c', 'chunked']);
});

test('chunk sizes with blanks, 0x, junk after the digits, blank lines before them: read and marked; extensions and leading zeros are valid', () => {
  const chunked = (body: string) => exchange(`HTTP/1.1 200 ok\r\nTransfer-Encoding: chunked\r\n\r\n${body}`);
  for (const body of ['5;name=value\r\nhello\r\n0\r\n\r\n', '0005\r\nhello\r\n0000\r\n\r\n', '5 ;ext\r\nhello\r\n0\r\n\r\n']) {
    const e = chunked(body);
    assert.deepEqual([e.status, e.body, e.marks], [200, 5, []], JSON.stringify(body));
  }
  for (const body of ['5 \r\nhello\r\n0\r\n\r\n', ' 5\r\nhello\r\n0\r\n\r\n', '5x\r\nhello\r\n0\r\n\r\n', '0x5\r\nhello\r\n0\r\n\r\n', '\r\n5\r\nhello\r\n\r\n0\r\n\r\n']) {
    for (const chunk of [Infinity, 1]) {
      const e = exchange(`HTTP/1.1 200 ok\r\nTransfer-Encoding: chunked\r\n\r\n${body}`, 'fin', chunk);
      assert.deepEqual([e.status, e.body, e.marks], [200, 5, ['http.lenient-chunk-size']], JSON.stringify(body));
    }
  }
  const lf = chunked('5\nhello\n0\n\n');
  assert.deepEqual([lf.status, lf.body, lf.marks], [200, 5, ['http.lenient-line-end']]);
  const extra = chunked('5\r\nhelloXY\r\n0\r\n\r\n');
  assert.deepEqual([extra.status, extra.body, extra.marks], [200, 5, ['http.lenient-chunk-end']]);
});

test('a chunked body without its last chunk (or the blank line after it) ends with the FIN, marked; not with the capture', () => {
  for (const tail of ['', '0\r\n', '0', '0\n']) {
    const e = exchange(`HTTP/1.1 200 ok\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n${tail}`);
    assert.deepEqual([e.status, e.body, e.marks.filter((m) => m !== 'http.lenient-line-end')], [200, 5, ['http.lenient-last-chunk']], JSON.stringify(tail));
    const cut = exchange(`HTTP/1.1 200 ok\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n${tail}`, 'eof');
    assert.deepEqual([cut.status, cut.records[0]?.incompleteStatus, cut.marks.filter((m) => m !== 'http.lenient-line-end')], [null, 200, ['http.truncated-body']]);
  }
  // Inside a chunk's data, the body is cut short.
  const mid = exchange('HTTP/1.1 200 ok\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel');
  assert.deepEqual([mid.status, mid.marks], [null, ['http.truncated-body']]);
});

test('1xx and 204 announcing a body have none (marked); after an interim response, bytes that start no response are a head-less response read to the close', () => {
  const interim = exchange('HTTP/1.1 100 ok\r\nContent-Length: 5\r\n\r\nhello');
  assert.deepEqual(
    interim.records.map((r) => [r.uri, r.status, r.interim, r.responseBodyBytes]),
    [[null, 100, [100], 0], ['/x', 200, [100], 5]],
  );
  assert.deepEqual(interim.marks, ['http.body-framing-ignored', 'http.lenient-headless-response']);
  // A real 100 Continue followed by the final response reads as before.
  assert.deepEqual(exchange('HTTP/1.1 100 Continue\r\n\r\n' + res(200, 'ok')).marks, []);
  const noContent = exchange('HTTP/1.1 204 ok\r\nContent-Length: 5\r\n\r\nhello');
  assert.deepEqual([noContent.status, noContent.body, noContent.marks], [204, 0, ['http.body-framing-ignored', 'http.bad-start-line']]);
  assert.deepEqual(exchange('HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n').marks, []);
  assert.deepEqual(exchange('HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n').marks, [], 'a 304 may give the length of what it stands for');
  const h = harness();
  h.send('client', 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
  h.send('server', 'HTTP/1.1 200 Connection established\r\nContent-Length: 10\r\n\r\n\x16\x03\x01');
  h.session.end('fin');
  assert.deepEqual([h.records.map((r) => [r.status, r.tunnel]), h.marks], [[[200, true]], ['http.body-framing-ignored']]);
});

test('a request head cut off by the end of the connection is reported, marked', () => {
  for (const [text, uri] of [['GET /', '/'], ['GET /path HTTP/1.1\r\nHost: h', '/path'], ['GET', null]] as const) {
    for (const reason of ['fin', 'rst'] as const) {
      const h = harness();
      h.send('client', text);
      h.session.end(reason);
      assert.deepEqual(h.records.map((r) => [r.method, r.uri, r.status]), [['GET', uri, null]], `${text} ${reason}`);
      assert.deepEqual(h.marks, ['http.truncated-head']);
      assert.deepEqual(h.calls, ['confirm']);
    }
  }
  // A response head cut off: its status is incomplete.
  const e = exchange('HTTP/1.1 200 OK\r\nContent-Le');
  assert.deepEqual([e.status, e.records[0]?.incompleteStatus, e.marks], [null, 200, ['http.truncated-head']]);
});

test('a gap past the end of a body, or through a chunked body, completes its exchange; the next one is found', () => {
  const h = harness();
  h.send('client', req('GET', '/1') + req('GET', '/2'));
  h.send('server', 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789');
  // The rest of the body (90 bytes) and the head of the next response (50) are lost.
  h.gap('server', 140);
  h.send('server', '<p>the end of the second body</p>\r\n' + res(200, 'x'));
  h.send('client', req('GET', '/3'));
  h.send('server', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhe');
  h.gap('server', 30);
  h.send('client', req('GET', '/4'));
  h.send('server', res(404, ''));
  h.session.end('fin');
  assert.deepEqual(
    h.records.map((r) => [r.uri, r.status, r.responseBodyBytes]),
    [['/1', 200, 100], ['/2', 200, 1], ['/3', 200, 32], ['/4', 404, 0]],
  );
  assert.deepEqual(h.marks, ['http.gap-in-headers', 'http.gap-in-chunked-body']);
});

test('through the pipeline: a request head cut by a RST, and responses whose whole body was lost', async () => {
  const cut = new Conversation('10.0.0.1:40000', '10.0.0.2:80').handshake().send('client', 'GET /', { ack: false }).reset('client');
  const lost = new Conversation('10.0.0.1:40001', '10.0.0.2:80')
    .handshake()
    .send('client', req('GET', '/whole'))
    .send('server', 'HTTP/1.1 200 OK\r\nContent-Length: 3000\r\n\r\n')
    .send('server', 'x'.repeat(3000), { lost: true })
    .send('client', req('GET', '/next'))
    .send('server', res(200, 'ok'))
    .close();
  // The whole body lost, then the FIN: the response is complete all the same.
  const last = new Conversation('10.0.0.1:40002', '10.0.0.2:80')
    .handshake()
    .send('client', req('GET', '/last'))
    .send('server', 'HTTP/1.1 200 OK\r\nContent-Length: 3000\r\n\r\n')
    .send('server', 'x'.repeat(3000), { lost: true })
    .close();
  const { sessions } = await dissectFrames([...cut.frames, ...lost.frames, ...last.frames], { dissectors: [http] });
  assert.deepEqual(
    sessions.map((s) => [s.marks, (s.http as HttpExchange[]).map((r) => [r.uri, r.status, r.responseBodyBytes])]),
    [
      [['http.truncated-head'], [['/', null, 0]]],
      [[], [['/whole', 200, 3000], ['/next', 200, 2]]],
      [[], [['/last', 200, 3000]]],
    ],
  );
});
