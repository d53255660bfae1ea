import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChunkSize } from './message-reader.js';

/** The size read from the middle of a buffer, as the reader calls it. */
const size = (text: string): number => {
  const line = Buffer.from(`..${text}..`, 'latin1');
  return parseChunkSize(line, 2, line.length - 2);
};

test('chunk sizes: hex digits, extensions, leading zeros and blanks', () => {
  assert.equal(size('1a3'), 0x1a3);
  assert.equal(size('FF;name=value'), 255);
  assert.equal(size('0'), 0);
  assert.equal(size('0000'), 0);
  assert.equal(size('  10 ; ext'), 16);
  assert.equal(size('0000000000000001f'), 31);
  assert.equal(size('fffffffffffff'), 2 ** 52 - 1);
});

test('chunk sizes that are not: empty, junk, too many digits', () => {
  for (const bad of ['', ' ', ';ext', 'x1', '1 2', '1g', '-1', '10000000000000']) {
    assert.equal(size(bad), -1, JSON.stringify(bad));
  }
});

test('chunk sizes agree with the plain string reading on random lines', () => {
  const reference = (text: string): number => {
    const digits = text.split(';')[0]!.trim().replace(/^0+(?=.)/, '');
    return /^[0-9a-fA-F]{1,13}$/.test(digits) ? parseInt(digits, 16) : -1;
  };
  const alphabet = '0123456789abcdefABCDEFgx ;\t=';
  let seed = 7;
  const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  for (let i = 0; i < 20000; i++) {
    let text = '';
    for (let k = next(18); k > 0; k--) text += alphabet[next(alphabet.length)];
    assert.equal(size(text), reference(text), JSON.stringify(text));
  }
});
