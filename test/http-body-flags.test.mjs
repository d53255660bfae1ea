// --extract DIR and --body-bytes N: the http dissector's extract and bodyBytes options as flags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Conversation, pcapFile } from '@pakeana/framework/testing';
import { runPakeana } from './helpers.mjs';

const dir = mkdtempSync(join(tmpdir(), 'pakeana-body-flags-'));

/** One exchange on port 8080 whose response body is gzipped text. */
function capture() {
  const text = 'hello from the body, decoded\n'.repeat(4);
  const gz = gzipSync(text);
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:8080', { start: 1_700_000_000 }).handshake();
  c.send('client', 'GET /files/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n');
  c.send('server', Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\n\r\n`), gz]));
  c.close();
  const file = join(dir, 'gzip.pcap');
  writeFileSync(file, pcapFile(c.frames));
  return { file, text, wire: gz.length };
}

test('--extract writes the decoded body inside DIR and --body-bytes keeps its first bytes; both load the http dissector', () => {
  const { file, text, wire } = capture();
  const out = mkdtempSync(join(dir, 'extract-'));
  const r = runPakeana(['read', file, '--all', '--format', 'json', '--extract', out, '--body-bytes', '10']);
  assert.equal(r.status, 0, r.stderr);
  const [session] = r.stdout.trim().split('\n').map((line) => JSON.parse(line));
  const [exchange] = session.http;
  assert.deepEqual(
    [exchange.responseBodyBytes, exchange.responseDecodedBodyBytes, exchange.responseBodyHead, exchange.responseMimeType],
    [wire, text.length, text.slice(0, 10), 'text/plain'],
  );
  const files = readdirSync(out);
  assert.deepEqual(files, [exchange.responseFile]);
  assert.equal(readFileSync(join(out, files[0]), 'utf8'), text);
});
