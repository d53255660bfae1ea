import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LINEAR_RATIO, growth } from '@pakeana/framework/testing';
import { MAX_HEAD, MessageReader, parseChunkSize } from './message-reader.js';

/** The size read from the middle of a buffer, as the reader calls it, and whether the reading was lenient. */
const size = (text: string): number => {
  const line = Buffer.from(`..${text}..`, 'latin1');
  return parseChunkSize(line, 2, line.length - 2);
};

test('chunk sizes: hex digits, extensions, leading zeros', () => {
  assert.equal(size('1a3'), 0x1a3);
  assert.equal(size('FF;name=value'), 255);
  assert.equal(size('0'), 0);
  assert.equal(size('0000'), 0);
  assert.equal(size('10 ; ext'), 16);
  assert.equal(size('0000000000000001f'), 31);
  assert.equal(size('fffffffffffff'), 2 ** 52 - 1);
});

test('chunk sizes as Firefox reads them (strtoul): blanks and 0x before, anything after the digits', () => {
  for (const [text, value] of [['  10', 16], ['10 ', 16], ['fx', 15], ['1 2', 1], ['1g', 1], ['0x10', 16], ['0X1f;e', 31], ['0x', 0]] as const) {
    assert.equal(size(text), value, JSON.stringify(text));
  }
});

test('chunk sizes that are not: empty, no digit first, too many digits', () => {
  for (const bad of ['', ' ', ';ext', 'x1', '-1', 'g', '10000000000000']) {
    assert.equal(size(bad), -1, JSON.stringify(bad));
  }
});

test('chunk sizes agree with the plain string reading on random lines', () => {
  const reference = (text: string): number => {
    const match = /^[\t\n\v\f\r \xa0]*(?:0[xX](?=[0-9a-fA-F]))?([0-9a-fA-F]+)/.exec(text);
    if (!match) return -1;
    const digits = match[1]!.replace(/^0+(?=.)/, '');
    return digits.length <= 13 ? parseInt(digits, 16) : -1;
  };
  const alphabet = '0123456789abcdefABCDEFgxX ;\t=';
  let seed = 7;
  const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  for (let i = 0; i < 20000; i++) {
    let text = '';
    for (let k = next(18); k > 0; k--) text += alphabet[next(alphabet.length)];
    assert.equal(size(text), reference(text), JSON.stringify(text));
  }
});

/** A reader that counts what it reports. */
function counting() {
  const seen = { heads: 0, complete: 0, anomalies: [] as string[] };
  const reader = new MessageReader({
    head: () => (seen.heads++, { type: 'none' }),
    headless: () => false,
    complete: () => void seen.complete++,
    anomaly: (what) => void seen.anomalies.push(what),
    notHttp: () => void seen.anomalies.push('not-http'),
  });
  return { reader, seen };
}

test('a head is held up to 64 KiB, whatever the pieces; past that it is skipped, holding nothing', () => {
  const head = Buffer.from(`GET / HTTP/1.1\r\n${'X-Long: '.padEnd(200_000, 'v')}\r\n\r\nGET /next HTTP/1.1\r\n\r\n`, 'latin1');
  for (const piece of [1, 1000, 70_000, head.length]) {
    const { reader, seen } = counting();
    let most = 0;
    for (let at = 0; at < head.length; at += piece) {
      reader.dataRange(head, at, Math.min(head.length, at + piece), 0);
      most = Math.max(most, reader.heldBytes);
    }
    assert.ok(most <= MAX_HEAD, `held ${most} with pieces of ${piece}`);
    assert.deepEqual([seen.heads, seen.complete, seen.anomalies, reader.heldBytes], [2, 2, ['http.head-too-large'], 0], `pieces of ${piece}`);
  }
});

test('a head a byte at a time costs time linear in its size (held, and skipped past the limit)', () => {
  /** `count` heads of `size` bytes each, fed a byte at a time. */
  const feed = (size: number, count: number): void => {
    const bytes = Buffer.from(`GET / HTTP/1.1\r\n${'X: y\r\n'.repeat(size / 6)}\r\n`.repeat(count), 'latin1');
    const { reader, seen } = counting();
    for (let at = 0; at < bytes.length; at++) reader.dataRange(bytes, at, at + 1, 0);
    assert.equal(seen.heads, count);
  };
  // Held: up to 60,000 bytes, near the 64 KiB bound, where a search running on through the
  // carry's unused room once made the time grow x2.6 for x2 bytes.
  for (const [n, count] of [[30_000, 10], [300_000, 1]] as const) {
    const { ratio, small, large } = growth((size) => feed(size, count), n);
    assert.ok(ratio <= LINEAR_RATIO, `${n} -> ${2 * n} bytes: ${small.toFixed(1)} -> ${large.toFixed(1)} ms (x${ratio.toFixed(2)})`);
  }
});
