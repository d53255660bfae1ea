// Bodies: content decoding (sizes in the record, bombs, damage), body bytes, extraction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { Conversation, dissectFrames } from '@pakeana/framework/testing';
import { bodyHead, sniffType } from './body-sniff.js';
import { extractName } from './body-extraction.js';
import { decodeBody, decodedBound, DECODE_LIMITS } from './content-decoding.js';
import type { HttpExchange } from './http-record.js';
import http from './index.js';
import { harness, req } from './session-harness.js';

const TEXT = Buffer.from('<html><body>' + 'hello, world. '.repeat(200) + '</body></html>');

/** A response with `body` as it goes on the wire and its head's extra lines. */
const response = (body: Buffer, extra: string) => Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\n${extra}Content-Length: ${body.length}\r\n\r\n`, 'latin1'), body]);

/** One GET answered by `wire`; the exchange and the marks. */
function answered(wire: Buffer, options: Record<string, unknown> = {}, reason: 'fin' | 'eof' = 'fin') {
  const h = harness({ options });
  h.send('client', req('GET', '/dir/page.html?q=1'));
  h.send('server', wire, 1000);
  h.session.end(reason);
  return { record: h.records[0]!, marks: h.marks, logs: h.logs };
}

test('gzip, deflate (zlib and raw), br and stacked codings: the decoded size beside the wire size', () => {
  const codings: [string, Buffer][] = [
    ['gzip', zlib.gzipSync(TEXT)],
    ['x-gzip', zlib.gzipSync(TEXT)],
    ['deflate', zlib.deflateSync(TEXT)],
    ['br', zlib.brotliCompressSync(TEXT)],
    ['gzip, br', zlib.brotliCompressSync(zlib.gzipSync(TEXT))],
    ['deflate, identity, gzip', zlib.gzipSync(zlib.deflateSync(TEXT))],
    ['GZIP', zlib.gzipSync(TEXT)],
  ];
  for (const [coding, wire] of codings) {
    const { record, marks } = answered(response(wire, `Content-Encoding: ${coding}\r\n`));
    assert.deepEqual([record.responseBodyBytes, record.responseDecodedBodyBytes, marks], [wire.length, TEXT.length, []], coding);
  }
  // Chunked and gzip: the chunks are the gzip stream.
  const gz = zlib.gzipSync(TEXT);
  const chunked = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n`), gz.subarray(0, 16), Buffer.from(`\r\n${(gz.length - 16).toString(16)}\r\n`), gz.subarray(16), Buffer.from('\r\n0\r\n\r\n')]);
  assert.deepEqual([answered(chunked).record.responseDecodedBodyBytes, answered(chunked).marks], [TEXT.length, []]);
  // Without a coding, or identity, there is no decoded size: the wire size is the size.
  assert.equal('responseDecodedBodyBytes' in answered(response(TEXT, '')).record, false);
  assert.equal('responseDecodedBodyBytes' in answered(response(TEXT, 'Content-Encoding: identity\r\n')).record, false);
});

test('raw deflate for deflate, a gzip trailer missing or wrong: decoded as browsers do, marked; junk is marked bad; an unknown coding has no size', () => {
  const gz = zlib.gzipSync(TEXT);
  const badCrc = Buffer.from(gz);
  badCrc[gz.length - 8]! ^= 0xff;
  for (const [name, wire, coding] of [
    ['raw deflate', zlib.deflateRawSync(TEXT), 'deflate'],
    ['no gzip trailer', gz.subarray(0, gz.length - 8), 'gzip'],
    ['wrong CRC', badCrc, 'gzip'],
    ['junk after the gzip stream', Buffer.concat([gz, Buffer.from('junk')]), 'gzip'],
  ] as const) {
    const { record, marks } = answered(response(wire, `Content-Encoding: ${coding}\r\n`));
    assert.deepEqual([record.responseDecodedBodyBytes, marks], [TEXT.length, ['http.lenient-content-encoding']], name);
  }
  const junk = answered(response(Buffer.from('this is not gzip at all'), 'Content-Encoding: gzip\r\n'));
  assert.deepEqual([junk.record.responseDecodedBodyBytes, junk.marks], [null, ['http.bad-content-encoding']]);
  const unknown = answered(response(TEXT, 'Content-Encoding: zstd\r\n'));
  assert.deepEqual([unknown.record.responseDecodedBodyBytes, unknown.marks], [null, []]);
  const tooMany = answered(response(TEXT, 'Content-Encoding: gzip, gzip, gzip, gzip, gzip\r\n'));
  assert.deepEqual([tooMany.record.responseDecodedBodyBytes, tooMany.marks], [null, ['http.bad-content-encoding']]);
});

test('a body cut short by the connection decodes as far as it goes; lost bytes leave the decoded size unknown', () => {
  const gz = zlib.gzipSync(TEXT);
  const cut = answered(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length + 4}\r\n\r\n`), gz.subarray(0, gz.length - 4)]));
  assert.deepEqual([cut.record.incompleteStatus, cut.record.responseDecodedBodyBytes, cut.marks], [200, TEXT.length, ['http.truncated-body', 'http.lenient-content-encoding']]);
  const h = harness({ options: { bodyBytes: 12 } });
  h.send('client', req('GET', '/'));
  h.send('server', response(gz, 'Content-Encoding: gzip\r\n').subarray(0, -30));
  h.gap('server', 30);
  h.session.end('fin');
  assert.deepEqual([h.records[0]!.status, h.records[0]!.responseDecodedBodyBytes, h.records[0]!.responseBodyHead, h.marks], [200, null, '<html><body>', []]);
});

test('a decompression bomb stops at the bound, marked; its first bytes come when a prefix of it decodes under the bound', () => {
  // Brotli writes the whole run in its first bytes: no prefix of it decodes under the bound.
  for (const [coding, compress, head] of [['gzip', zlib.gzipSync, 'AAAAAAAA'], ['deflate', zlib.deflateSync, 'AAAAAAAA'], ['br', zlib.brotliCompressSync, undefined]] as const) {
    const bomb = compress(Buffer.alloc(64 * 1024 * 1024, 'A'));
    const started = process.hrtime.bigint();
    const { record, marks } = answered(response(bomb, `Content-Encoding: ${coding}\r\n`), { bodyBytes: 8 });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.deepEqual([record.responseBodyBytes, record.responseDecodedBodyBytes, record.responseBodyHead, marks], [bomb.length, null, head, ['http.decoded-too-large']], coding);
    assert.ok(ms < 5000, `${coding} bomb took ${ms} ms`);
  }
  // The bound: the ratio for small bodies, the per-message bound for large ones.
  assert.equal(decodedBound(10), DECODE_LIMITS.floor);
  assert.equal(decodedBound(1000), 1000 * DECODE_LIMITS.ratio);
  assert.equal(decodedBound(1e9), DECODE_LIMITS.perMessage);
  // Stacked layers are bounded each: a bomb inside another coding too.
  const inner = decodeBody(zlib.brotliCompressSync(zlib.gzipSync(Buffer.alloc(32 * 1024 * 1024))), ['gzip', 'br'], 1 << 20, true);
  assert.equal(inner.outcome, 'too-large');
  assert.ok(inner.bytes !== null && inner.bytes.length > 0 && inner.bytes.length <= 1 << 20);
});

test('body bytes: the first N decoded bytes as text when they are text, else base64; request bodies too', () => {
  const text = answered(response(zlib.gzipSync(TEXT), 'Content-Encoding: gzip\r\n'), { bodyBytes: 12 }).record;
  assert.deepEqual([text.responseBodyHead, text.responseBodyHeadBase64, text.responseMimeType], ['<html><body>', undefined, 'text/html']);
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(20)]);
  const binary = answered(response(png, ''), { bodyBytes: '4' }).record;
  assert.deepEqual([binary.responseBodyHead, binary.responseBodyHeadBase64, binary.responseMimeType], ['iVBORw==', true, 'image/png']);
  // A UTF-8 character cut by N is left out, not made base64.
  assert.deepEqual(bodyHead(Buffer.from('añb'), 2), { text: 'a', base64: false });
  const h = harness({ options: { bodyBytes: 100 } });
  h.send('client', req('POST', '/api', 'Content-Type: application/json\r\nContent-Length: 11\r\n') + '{"a": true}');
  h.send('server', response(Buffer.alloc(0), ''));
  assert.deepEqual([h.records[0]!.requestBodyHead, h.records[0]!.requestMimeType, h.records[0]!.responseBodyHead], ['{"a": true}', 'application/json', undefined]);
  assert.equal('responseBodyHead' in answered(response(TEXT, '')).record, false, 'off by default');
});

test('MIME types from the first bytes', () => {
  const cases: [string | Buffer, string][] = [
    [Buffer.from([0x1f, 0x8b, 8, 0]), 'application/gzip'],
    [Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg'],
    ['GIF89a....', 'image/gif'],
    ['%PDF-1.7', 'application/pdf'],
    ['PK\x03\x04rest', 'application/zip'],
    ['  <!DOCTYPE html><html>', 'text/html'],
    ['<HTML>', 'text/html'],
    ['\n[1, 2]', 'application/json'],
    ['plain words', 'text/plain'],
    ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR', 'text/plain'],
    [Buffer.from([0, 1, 2, 3]), 'application/octet-stream'],
    ['<abbr>', 'text/plain'],
  ];
  for (const [bytes, mime] of cases) assert.equal(sniffType(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes).mime, mime, String(bytes));
});

test('extraction names: session id, depth, the last URI segment made safe, the sniffed extension', () => {
  assert.equal(extractName(7, 2, '/dir/page.html?q=1#top', true, '.html'), '7-2-page.html');
  assert.equal(extractName(7, 2, '/download.php?id=3', true, '.html'), '7-2-download.php.html');
  assert.equal(extractName(7, 2, '/', true, '.txt'), '7-2.txt');
  assert.equal(extractName(7, 2, null, true, ''), '7-2');
  assert.equal(extractName(7, 3, '/upload', false, '.json'), '7-3-request-upload.json');
  for (const hostile of ['/../../etc/passwd', '/a/..', '/%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/x\\..\\..\\win.ini', '/a\0b', '/..%00', `/${'x'.repeat(5000)}`, '/%', 'C:\\x', '/.hidden', '/a b/<>:"|?*']) {
    const name = extractName(1, 1, hostile, true, '.txt');
    assert.match(name, /^1-1(-[A-Za-z0-9_-][A-Za-z0-9._-]{0,99})?\.txt$/, hostile);
  }
});

test('extraction: each body decoded in its own file, up to the limit, never outside the directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pakeana-extract-'));
  try {
    const gz = zlib.gzipSync(TEXT);
    const c = new Conversation('10.0.0.1:40000', '10.0.0.2:80')
      .handshake()
      .send('client', req('GET', '/files/report.html'))
      .send('server', response(gz, 'Content-Encoding: gzip\r\n'))
      .send('client', req('GET', '/../../../../tmp/evil%2f..%2f..%2fx?y=1'))
      .send('server', response(Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR'), ''))
      .send('client', req('POST', '/upload', 'Content-Length: 400\r\n') + 'u'.repeat(400))
      .send('server', response(Buffer.alloc(0), ''))
      .close();
    const { sessions } = await dissectFrames(c.frames, { dissectors: [http], options: { http: { extract: dir, extractLimit: '300B' } } });
    const records = sessions[0]!.http as HttpExchange[];
    assert.deepEqual(readdirSync(dir).sort(), ['1-1-report.html', '1-2-evil_.._.._x.txt', '1-3-request-upload.txt']);
    assert.deepEqual(records.map((r) => [r.responseFile ?? r.requestFile, r.responseMimeType ?? r.requestMimeType]), [
      ['1-1-report.html', 'text/html'],
      ['1-2-evil_.._.._x.txt', 'text/plain'],
      ['1-3-request-upload.txt', 'text/plain'],
    ]);
    assert.deepEqual(readFileSync(join(dir, '1-1-report.html')), TEXT.subarray(0, 300), 'decoded, cut at the limit');
    assert.equal(readFileSync(join(dir, '1-2-evil_.._.._x.txt'), 'latin1'), 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR');
    assert.equal(readFileSync(join(dir, '1-3-request-upload.txt'), 'latin1'), 'u'.repeat(300));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('extraction into a directory that cannot be written: the session is marked, the run told once, nothing thrown', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pakeana-extract-'));
  const file = join(dir, 'a-file');
  try {
    rmSync(file, { force: true });
    writeFileSync(file, 'not a directory');
    const h = harness({ options: { extract: join(file, 'sub') } });
    for (const uri of ['/a', '/b']) {
      h.send('client', req('GET', uri));
      h.send('server', response(TEXT, ''));
    }
    assert.deepEqual([h.records.map((r) => r.responseFile), h.marks], [[undefined, undefined], ['http.extract-failed']]);
    assert.equal(h.logs.length, 1);
    assert.match(h.logs[0]!, /^warn: http: cannot write extracted bodies to .*a-file\/sub: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('options: the schema takes sizes and fills defaults; a bad one is an error naming it; the README\'s example is valid', async () => {
  const { parseDissectorOptions } = await import('@pakeana/framework/testing');
  const { parse } = await import('yaml');
  const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
  const example = /```yaml\n(dissectors:\n {2}http:\n[^]*?)```/.exec(readme)![1]!;
  assert.deepEqual(parseDissectorOptions(http, parse(example).dissectors.http), { extract: 'bodies', extractLimit: 10 * 1024 * 1024, bodyBytes: 256 });
  assert.deepEqual(parseDissectorOptions(http, {}), { extractLimit: 10 * 1024 * 1024, bodyBytes: 0 });
  assert.deepEqual(parseDissectorOptions(http, { extract: 'out', extractLimit: '1MiB', bodyBytes: 64 }), { extract: 'out', extractLimit: 1024 * 1024, bodyBytes: 64 });
  assert.throws(() => parseDissectorOptions(http, { extractLimit: 'lots' }), /options of dissector http: extractLimit: not a size/);
  assert.throws(() => parseDissectorOptions(http, { extracts: 'out' }), /options of dissector http: .*extracts/);
});
