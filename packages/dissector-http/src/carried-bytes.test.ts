import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CarriedBytes } from './carried-bytes.js';

const text = (c: CarriedBytes) => c.bytes.toString('latin1', 0, c.length);

test('appends across pieces, takes no more than its limit, truncates and clears', () => {
  const c = new CarriedBytes(10);
  assert.equal(c.append(Buffer.from('..abc..'), 2, 5), 3);
  assert.equal(c.append(Buffer.from('defghijk'), 0, 8), 7);
  assert.equal(text(c), 'abcdefghij');
  assert.equal(c.held, 10);
  assert.equal(c.append(Buffer.from('x'), 0, 1), 0);
  c.truncate(4);
  assert.equal(text(c), 'abcd');
  c.clear();
  assert.deepEqual([c.length, c.held, text(c)], [0, 0, '']);
});

test('the buffer doubles: a byte at a time up to the limit, it is never larger than the limit', () => {
  const limit = 64 * 1024;
  const c = new CarriedBytes(limit);
  const sizes = new Set<number>();
  const byte = Buffer.from('y');
  for (let i = 0; i < limit + 100; i++) {
    c.append(byte, 0, 1);
    sizes.add(c.held);
  }
  assert.equal(c.length, limit);
  assert.deepEqual([...sizes], [1024, 2048, 4096, 8192, 16384, 32768, 65536]);
});
