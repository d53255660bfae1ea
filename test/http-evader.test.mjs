// http-evader (Suricata's test captures of a server that hides a 68-byte body from inspection
// while browsers still read it): one capture per trick in ../shared/public/http-evader-sample.
// Per capture, what pakeana reads of the body of `GET /.../eicar.txt/<trick>` (decoded) and
// the marks that say how; 20 of the 22 read the 68 bytes. The two that do not are a 101 and a
// 204 response that announce a body: browsers read none there either (RFC 9110 8.6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { dissectCapture } = require('@pakeana/framework/testing');
const root = new URL('..', import.meta.url).pathname;
const samples = join(root, '../shared/public/http-evader-sample');

/** File, trick, body bytes read (decoded), status (incompleteStatus when cut short), marks. */
const EXPECTED = [
  ['http-evader-009.pcap', 'chunk size `fx`', 68, 200, ['http.lenient-chunk-size']],
  ['http-evader-018.pcap', 'a bare LF before each chunk size', 68, 200, ['http.lenient-line-end', 'http.lenient-chunk-size']],
  ['http-evader-019.pcap', 'a blank line before each chunk size', 68, 200, ['http.lenient-chunk-size']],
  ['http-evader-026.pcap', 'last chunk `0\\n`, then the FIN', 68, 200, ['http.lenient-line-end', 'http.lenient-last-chunk']],
  ['http-evader-051.pcap', '`HTTP/1.01`', 68, 200, ['http.lenient-version']],
  ['http-evader-054.pcap', '`http/1.1`', 68, 200, ['http.lenient-version']],
  ['http-evader-062.pcap', '`Transfer-Encoding: chunked;`', 68, 200, ['http.lenient-transfer-encoding']],
  ['http-evader-063.pcap', '`Transfer-Encoding: xchunked`', 68, 200, ['http.lenient-transfer-encoding']],
  ['http-evader-064.pcap', '`Transfer-Encoding: chunkedx`', 68, 200, ['http.lenient-transfer-encoding']],
  ['http-evader-098.pcap', 'no last chunk, then the FIN', 68, 200, ['http.lenient-last-chunk']],
  ['http-evader-207.pcap', 'gzip without its length, Content-Length 4 over', 68, 200, ['http.truncated-body', 'http.lenient-content-encoding']],
  ['http-evader-268.pcap', 'Transfer-Encoding as a folded line', 68, 200, ['http.lenient-header']],
  ['http-evader-290.pcap', '`Transfer-Encoding: chu\\0nked`', 68, 200, ['http.lenient-transfer-encoding']],
  ['http-evader-364.pcap', '`http/1.1` with Content-Length', 68, 200, ['http.lenient-version']],
  ['http-evader-366.pcap', '`HTTP/1.10`', 68, 200, ['http.lenient-version']],
  ['http-evader-399.pcap', 'fields after bare CRs in the status line, the head ended by CRLF LF: the body runs to the close', 68, 200, ['http.lenient-line-end']],
  ['http-evader-406.pcap', 'the head ended by LF LF', 68, 200, ['http.lenient-line-end']],
  ['http-evader-447.pcap', '`100` with the body, then the FIN', 68, 200, ['http.body-framing-ignored', 'http.lenient-headless-response']],
  ['http-evader-448.pcap', '`101` (no Upgrade) with a Content-Length', 0, 101, ['http.body-framing-ignored', 'http.bad-start-line']],
  ['http-evader-449.pcap', '`102` with the body, then the FIN', 68, 200, ['http.body-framing-ignored', 'http.lenient-headless-response']],
  ['http-evader-450.pcap', '`204` with a Content-Length', 0, 204, ['http.body-framing-ignored', 'http.bad-start-line']],
  ['http-evader-473.pcap', 'two spaces before the status', 68, 200, ['http.lenient-start-line']],
];

test('http-evader: the body each trick hides, as a browser reads it, and the marks that say how', { skip: existsSync(samples) ? false : `${samples} is not here` }, async () => {
  const seen = [];
  for (const [file] of EXPECTED) {
    const { sessions } = await dissectCapture(join(samples, file), { plugins: ['http'], cwd: root });
    assert.equal(sessions.length, 1, file);
    const exchange = sessions[0].http.find((r) => r.uri?.startsWith('/'));
    const body = exchange.responseDecodedBodyBytes ?? exchange.responseBodyBytes;
    seen.push([file, body, exchange.status ?? exchange.incompleteStatus, sessions[0].marks]);
  }
  assert.deepEqual(seen, EXPECTED.map(([file, , body, status, marks]) => [file, body, status, marks]));
  assert.equal(seen.filter(([, body]) => body === 68).length, 20);
});
