import { test } from 'node:test';
import assert from 'node:assert/strict';
import { u16be, u32be, u32le } from './bytes.js';

test('hand-made reads agree with Buffer on every byte value, high bits included', () => {
  const buf = Buffer.alloc(4096);
  for (let i = 0; i < buf.length; i++) buf[i] = (i * 167 + (i >> 8)) & 0xff;
  buf.fill(0xff, 0, 4);
  for (let at = 0; at + 4 <= buf.length; at++) {
    assert.equal(u16be(buf, at), buf.readUInt16BE(at));
    assert.equal(u32be(buf, at), buf.readUInt32BE(at));
    assert.equal(u32le(buf, at), buf.readUInt32LE(at));
  }
  assert.equal(u32be(buf, 0), 0xffffffff);
});
