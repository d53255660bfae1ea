import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from './index.js';
import { harness, req, res } from './session-harness.js';

for (const chunk of [Infinity, 7, 1]) {
  test(`keep-alive exchanges paired in order, split every ${chunk} bytes`, () => {
    const h = harness();
    h.send('client', req('GET', '/a?q=1'), chunk);
    h.send('server', res(200, 'hello', 'Content-Type: text/plain\r\n'), chunk);
    h.send('client', req('POST', '/b', 'Content-Length: 4\r\n') + 'data', chunk);
    h.send('server', res(201, ''), chunk);
    h.session.end('fin');
    assert.deepEqual(
      h.records.map((r) => [r.method, r.uri, r.host, r.status, r.requestBodyBytes, r.responseBodyBytes, r.transDepth, r.userAgent]),
      [
        ['GET', '/a?q=1', 'example.com', 200, 0, 5, 1, 't/1'],
        ['POST', '/b', 'example.com', 201, 4, 0, 2, 't/1'],
      ],
    );
    assert.equal(h.records[0]!.contentType, 'text/plain');
    assert.deepEqual([h.records[0]!.requestTime, h.records[0]!.responseTime], [100, 101]);
    assert.deepEqual(h.calls, ['confirm']);
    assert.deepEqual(h.display.map((d) => `${d.label}:${d.text}`).slice(0, 3), ['RequestLine:GET /a?q=1 HTTP/1.1', 'Header:Host: example.com', 'ResponseLine:HTTP/1.1 200 X']);
  });
}

test('pipelining: three requests in one segment, responses later in order', () => {
  const h = harness();
  h.send('client', req('GET', '/1') + req('GET', '/2') + req('GET', '/3'));
  h.send('server', res(200, 'a') + res(404, 'bb') + res(200, 'ccc'));
  assert.deepEqual(h.records.map((r) => [r.uri, r.status, r.responseBodyBytes]), [['/1', 200, 1], ['/2', 404, 2], ['/3', 200, 3]]);
});

test('chunked body with extensions and trailers', () => {
  for (const chunk of [Infinity, 1]) {
    const h = harness();
    h.send('client', req('GET', '/c'));
    h.send('server', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n000B\r\n world, bye\r\n0\r\nX-Trailer: yes\r\n\r\n', chunk);
    h.send('client', req('GET', '/next'));
    h.send('server', res(200, 'n'));
    assert.deepEqual(h.records.map((r) => [r.uri, r.status, r.responseBodyBytes]), [['/c', 200, 16], ['/next', 200, 1]], `chunk ${chunk}`);
  }
});

test('body framing by header values: chunked as the last coding wins, lengths of 1 to 15 digits', () => {
  const framed = (extra: string) => {
    const h = harness();
    h.send('client', req('GET', '/'));
    h.send('server', `HTTP/1.1 200 OK\r\n${extra}\r\n3\r\nabc\r\n0\r\n\r\n`);
    h.session.end('fin');
    return [h.records[0]?.status ?? h.records[0]?.incompleteStatus, h.records[0]?.responseBodyBytes, h.marks];
  };
  // Chunked: the body is the 3-byte chunk, the length not used (marked).
  assert.deepEqual(framed('Transfer-Encoding: gzip , Chunked \t\r\nContent-Length: 99\r\n'), [200, 3, ['http.chunked-with-length']]);
  assert.deepEqual(framed('Transfer-Encoding:chunked\r\n'), [200, 3, []]);
  // Repeated fields make one list.
  assert.deepEqual(framed('Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n'), [200, 3, []]);
  // Chunked as browsers read it: marked.
  for (const value of ['xchunked', 'chunkedx', 'chunked;', 'chunked, identity', 'chu\0nked', 'chunked, chunked']) {
    assert.deepEqual(framed(`Transfer-Encoding: ${value}\r\nContent-Length: 007\r\n`), [200, 3, ['http.lenient-transfer-encoding', 'http.chunked-with-length']], value);
  }
  // Not chunked (another last coding): the Content-Length frames the body, as browsers do (marked; the RFC reads to the close).
  // The rest of the chunked text is not a message.
  assert.deepEqual(framed('Transfer-Encoding: chunked, gzip\r\nContent-Length: 2\r\n'), [200, 2, ['http.lenient-transfer-encoding', 'http.bad-start-line']]);
  assert.deepEqual(framed('Transfer-Encoding: gzip\r\n'), [200, 13, []]);
  // A Content-Length that is not one: the body runs to the close.
  for (const bad of ['1 2', '-1', '0x10', '']) assert.deepEqual(framed(`Content-Length: ${bad}\r\n`), [200, 13, ['http.bad-content-length']], bad);
  // A long one: the close cuts the body short.
  assert.deepEqual(framed('Content-Length: 1234567890123456\r\n'), [200, 13, ['http.truncated-body']]);
});

test('close-delimited body (HTTP/1.0) ends with the connection', () => {
  const h = harness();
  h.send('client', 'GET /old HTTP/1.0\r\n\r\n');
  h.send('server', 'HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html>all of it</html>');
  assert.equal(h.records.length, 0, 'not complete before the end');
  h.session.end('fin');
  assert.deepEqual(h.records.map((r) => [r.version, r.status, r.responseBodyBytes]), [['1.0', 200, 22]]);
});

test('no body for HEAD, 204, 304 and 1xx; 100 Continue does not take the request', () => {
  const h = harness();
  h.send('client', req('HEAD', '/h'));
  h.send('server', 'HTTP/1.1 200 OK\r\nContent-Length: 999\r\n\r\n');
  h.send('client', req('GET', '/n'));
  h.send('server', 'HTTP/1.1 204 No Content\r\n\r\n');
  h.send('client', req('GET', '/m'));
  h.send('server', 'HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n');
  h.send('client', req('POST', '/up', 'Expect: 100-continue\r\nContent-Length: 3\r\n'));
  h.send('server', 'HTTP/1.1 100 Continue\r\n\r\n');
  h.send('client', 'abc');
  h.send('server', res(200, 'ok'));
  assert.deepEqual(
    h.records.map((r) => [r.method, r.status, r.responseBodyBytes, r.interim ?? null]),
    [
      ['HEAD', 200, 0, null],
      ['GET', 204, 0, null],
      ['GET', 304, 0, null],
      [null, 100, 0, [100]],
      ['POST', 200, 2, [100]],
    ],
  );
  assert.equal(h.records[4]!.requestBodyBytes, 3);
});

test('CONNECT and Upgrade leave HTTP: the rest is counted, not parsed', () => {
  const h = harness();
  h.send('client', 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
  h.send('server', 'HTTP/1.1 200 Connection established\r\n\r\n');
  h.send('client', '\x16\x03\x01 tls bytes GET / HTTP/1.1\r\n\r\n');
  h.session.end('fin');
  assert.deepEqual(h.records.map((r) => [r.method, r.status, r.tunnel]), [['CONNECT', 200, true]]);
  const u = harness();
  u.send('client', req('GET', '/ws', 'Upgrade: websocket\r\nConnection: Upgrade\r\n'));
  u.send('server', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello');
  u.send('client', '\x81\x85mask HTTP/1.1 200 OK\r\n\r\n');
  u.session.end('fin');
  assert.deepEqual(u.records.map((r) => [r.uri, r.status, r.tunnel]), [['/ws', 101, true]]);
  assert.deepEqual(u.marks, []);
});

test('a response whose request came before the capture: a record with the status only', () => {
  const h = harness();
  h.send('server', res(503, 'busy'));
  assert.deepEqual(h.records.map((r) => [r.method, r.uri, r.status, r.requestTime, r.transDepth]), [[null, null, 503, null, 1]]);
});

test('a gap inside a body is skipped; the next exchange is read', () => {
  const h = harness();
  h.send('client', req('GET', '/big'));
  h.send('server', 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789');
  h.gap('server', 80);
  h.send('server', '0123456789');
  h.send('client', req('GET', '/after'));
  h.send('server', res(200, 'x'));
  assert.deepEqual(h.records.map((r) => [r.uri, r.status, r.responseBodyBytes]), [['/big', 200, 100], ['/after', 200, 1]]);
  assert.deepEqual(h.marks, []);
});

test('a gap inside headers: resynchronise at the next message start', () => {
  const h = harness();
  h.send('client', 'GET /lost HTTP/1.1\r\nHo');
  h.gap('client', 40);
  h.send('client', 'rest of a header\r\n\r\nGET /found HTTP/1.1\r\nHost: h\r\n\r\n');
  assert.ok(h.marks.includes('http.gap-in-headers'));
  h.session.end('fin');
  assert.deepEqual(h.records.map((r) => r.uri), ['/found']);
});

test('a response cut short keeps its status apart (incompleteStatus), as Wireshark shows none', () => {
  const h = harness();
  h.send('client', req('GET', '/reset'));
  h.send('server', 'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial');
  h.session.end('rst');
  assert.deepEqual(h.records.map((r) => [r.status, r.incompleteStatus, r.responseBodyBytes]), [[null, 200, 7]]);
  assert.ok(h.marks.includes('http.truncated-body'));
});

test('not HTTP: rejected before confirming; the probe finds HTTP on any port', () => {
  const h = harness();
  h.send('client', '\x00\x01binary protocol');
  h.send('server', 'SSH-2.0-OpenSSH\r\n');
  assert.deepEqual(h.calls, ['reject: no HTTP start line from either side']);
  const probe = http.probe!;
  const b = (s: string) => Buffer.from(s, 'latin1');
  assert.equal(probe('client', b('GET / HTTP/1.1')), 'yes');
  assert.equal(probe('client', b('PURGE /x')), 'yes');
  assert.equal(probe('client', b('GE')), 'more');
  assert.equal(probe('client', b('\x16\x03\x01')), 'no');
  assert.equal(probe('server', b('HTTP/1.1 200 OK')), 'yes');
  assert.equal(probe('server', b('HTTP/')), 'more');
  // Either side may start: roles guessed the wrong way round are swapped by the session (roles.test.ts).
  assert.equal(probe('server', b('GET / HTTP/1.1')), 'yes');
  assert.equal(probe('client', b('HTTP/1.1 200 OK')), 'yes');
});

test('random bytes never throw', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const pieces = ['GET / HTTP/1.1\r\n', 'Content-Length: 5\r\n', 'Transfer-Encoding: chunked\r\n', '\r\n', 'HTTP/1.1 200 OK\r\n', 'ffff\r\n', '0\r\n', 'xx', '\n'];
  for (let round = 0; round < 300; round++) {
    const h = harness();
    for (let i = 0; i < 20; i++) {
      const dir = rand() < 0.5 ? 'client' : 'server';
      if (rand() < 0.1) h.gap(dir, Math.floor(rand() * 100));
      else if (rand() < 0.5) h.send(dir, pieces[Math.floor(rand() * pieces.length)]!, 1 + Math.floor(rand() * 5));
      else h.send(dir, Buffer.from(Array.from({ length: 30 }, () => Math.floor(rand() * 256))).toString('latin1'));
    }
    h.session.end('eof');
  }
});

test('dataRange reads only its range: the same records, marks and lines as data', () => {
  const play = (framed: boolean, chunk: number) => {
    const h = harness({ framed });
    h.send('client', req('GET', '/a') + req('POST', '/b', 'Content-Length: 3\r\n') + 'abc', chunk);
    h.send('server', res(200, 'hello') + 'HTTP/1.1 100 Continue\r\n\r\n' + res(201, ''), chunk);
    h.send('client', req('GET', '/chunked'), chunk);
    h.send('server', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n0\r\nTrailer: t\r\n\r\n', chunk);
    h.send('client', 'GET /lost HTTP/1.1\r\nHo', chunk);
    h.gap('client', 40);
    h.send('client', 'rest\r\n\r\n' + req('GET', '/found'), chunk);
    h.send('server', 'HTTP/1.0 200 OK\r\n\r\nuntil the end', chunk);
    h.session.end('fin');
    return { records: h.records, marks: h.marks, display: h.display };
  };
  for (const chunk of [Infinity, 7, 1]) {
    const viaData = play(false, chunk);
    assert.deepEqual(viaData.records.map((r) => [r.uri, r.status]), [["/a", 200], [null, 100], ["/b", 201], ["/chunked", 200], ["/found", 200]]);
    assert.deepEqual(play(true, chunk), viaData, `pieces of ${chunk}`);
  }
});

/** A request whose head is `size` bytes and more (a cookie line of that size). */
const bigReq = (uri: string, size: number) => req('GET', uri, `Cookie: ${'c'.repeat(size)}\r\n`);

for (const chunk of [Infinity, 1460, 1]) {
  test(`a first request head over 64 KiB is marked and skipped; the requests after it are read (pieces of ${chunk})`, () => {
    const h = harness();
    h.send('client', bigReq('/big', 100_000) + req('GET', '/2') + req('POST', '/3', 'Content-Length: 3\r\n') + 'abc', chunk);
    h.send('server', res(431, '') + res(200, 'two') + res(201, 'three'), chunk);
    h.session.end('fin');
    assert.deepEqual(h.records.map((r) => [r.method, r.uri, r.host, r.status, r.requestBodyBytes, r.responseBodyBytes]), [
      ['GET', '/big', 'example.com', 431, 0, 0],
      ['GET', '/2', 'example.com', 200, 0, 3],
      ['POST', '/3', 'example.com', 201, 3, 5],
    ]);
    assert.deepEqual(h.marks, ['http.head-too-large']);
    assert.deepEqual(h.calls, ['confirm']);
  });
}

test('an oversized head later in the connection, and on the response side: marked, skipped, the exchanges stay paired', () => {
  const h = harness();
  h.send('client', req('GET', '/1') + bigReq('/big', 70_000) + req('GET', '/3'), 1000);
  // The length is in the first 64 KiB: the body is read by it.
  h.send('server', res(200, 'one') + `HTTP/1.1 200 OK\r\nContent-Length: 4\r\nSet-Cookie: ${'s'.repeat(80_000)}\r\n\r\nbody` + res(404, ''), 1000);
  h.session.end('fin');
  assert.deepEqual(h.records.map((r) => [r.uri, r.status, r.responseBodyBytes]), [['/1', 200, 3], ['/big', 200, 4], ['/3', 404, 0]]);
  assert.deepEqual(h.marks, ['http.head-too-large', 'http.head-too-large'], 'once per side');
});

test('an oversized first head is HTTP when its start line is a request line, not when it is junk', () => {
  // Nothing from the server: the request line alone confirms HTTP.
  const h = harness();
  h.send('client', bigReq('/only', 70_000), 1460);
  assert.deepEqual([h.calls, h.marks], [['confirm'], ['http.head-too-large']]);
  // A start line that is not one, and no HTTP from the server either: not HTTP.
  const junk = harness();
  junk.send('client', `FOO bar\r\n${'x'.repeat(70_000)}`, 1460);
  junk.send('server', 'SSH-2.0-OpenSSH\r\n');
  assert.deepEqual(junk.calls, ['reject: no HTTP start line from either side']);
});

test('a head that never ends is skipped to the connection end, holding no more than 64 KiB', () => {
  const h = harness();
  h.send('client', 'GET /endless HTTP/1.1\r\n');
  for (let i = 0; i < 200; i++) h.send('client', `X-Filler-${i}: ${'f'.repeat(5000)}\r\n`);
  h.send('client', req('GET', '/inside-the-head-is-not-a-request'));
  h.session.end('fin');
  assert.deepEqual(h.records.map((r) => [r.uri, r.status]), [['/endless', null]]);
  assert.deepEqual(h.marks, ['http.head-too-large']);
});

test('a bad Content-Length on a request is marked; the rest of the direction is its body, not new requests', () => {
  for (const bad of ['99999999999999999999', '18446744073709551615', '9007199254740992', '-1', 'abc', '1 2', '', '5, 6']) {
    const h = harness();
    h.send('client', req('POST', '/', `Content-Length: ${bad}\r\n`) + 'GET /smuggled HTTP/1.1\r\nHost: target\r\n\r\n');
    h.send('server', res(400, 'bad'));
    h.session.end('fin');
    assert.deepEqual(h.records.map((r) => [r.method, r.uri, r.status, r.requestBodyBytes]), [['POST', '/', 400, 40]], bad);
    assert.deepEqual(h.marks, ['http.bad-content-length'], bad);
  }
});

test('Content-Length: differing values in two fields are bad; equal ones, leading zeros and 2^53 - 1 are a length', () => {
  const requestBody = (fields: string) => {
    const h = harness();
    h.send('client', req('POST', '/', fields) + 'x'.repeat(50) + req('GET', '/next'));
    h.session.end('fin');
    return [h.records.map((r) => [r.uri, r.requestBodyBytes]), h.marks];
  };
  assert.deepEqual(requestBody('Content-Length: 50\r\nContent-Length: 51\r\n'), [[['/', 50 + req('GET', '/next').length]], ['http.bad-content-length']]);
  for (const good of ['Content-Length: 50\r\nContent-Length: 50\r\n', 'Content-Length: 50, 50\r\n', 'Content-Length: 00000000000000000000000000000050\r\n']) {
    assert.deepEqual(requestBody(good), [[['/', 50], ['/next', 0]], []], good);
  }
  const h = harness();
  h.send('client', req('GET', '/'));
  h.send('server', 'HTTP/1.1 200 OK\r\nContent-Length: 9007199254740991\r\n\r\npartial');
  h.session.end('fin');
  assert.deepEqual([h.records.map((r) => [r.incompleteStatus, r.responseBodyBytes]), h.marks], [[[200, 7]], ['http.truncated-body']]);
});

test('a bad Content-Length on a response is marked and the body runs to the close; beside chunked it is not used', () => {
  const h = harness();
  h.send('client', req('GET', '/'));
  h.send('server', 'HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\nHTTP/1.1 200 OK\r\n\r\n');
  h.session.end('fin');
  assert.deepEqual([h.records.map((r) => [r.status, r.responseBodyBytes]), h.marks], [[[200, 19]], ['http.bad-content-length']]);
  const chunked = harness();
  chunked.send('client', req('POST', '/', 'Transfer-Encoding: chunked\r\nContent-Length: 99999999999999999999\r\n') + '0\r\n\r\n' + req('GET', '/next'));
  chunked.session.end('fin');
  assert.deepEqual([chunked.records.map((r) => r.uri), chunked.marks], [['/', '/next'], ['http.chunked-with-length']]);
});

test('a chunk size that is not one loses the framing as a bad Content-Length does: the rest is body, not requests', () => {
  const h = harness();
  h.send('client', req('POST', '/', 'Transfer-Encoding: chunked\r\n') + '10000000000000000\r\n\r\n' + req('GET', '/smuggled'));
  h.send('server', res(400, ''));
  h.session.end('fin');
  assert.deepEqual([h.records.map((r) => [r.uri, r.status]), h.marks], [[['/', 400]], ['http.bad-chunk-size']]);
});
