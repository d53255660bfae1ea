import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FragmentPieces, PIECE_OVERHEAD } from './fragment-pieces.js';

/** The payload held, '.' where nothing is. */
function content(pieces: FragmentPieces, length: number): string {
  const out = Buffer.alloc(length, '.');
  pieces.copyTo(out, 0);
  return out.toString('latin1');
}

// Each case: fragments [offset, bytes] in arrival order, whether each conflicted, and the payload held after.
const cases: { name: string; adds: [number, string][]; conflicts: boolean[]; held: string }[] = [
  { name: 'in order', adds: [[0, 'abcd'], [4, 'efgh']], conflicts: [false, false], held: 'abcdefgh' },
  { name: 'reverse order', adds: [[4, 'efgh'], [0, 'abcd']], conflicts: [false, false], held: 'abcdefgh' },
  { name: 'a hole', adds: [[0, 'ab'], [6, 'gh']], conflicts: [false, false], held: 'ab....gh' },
  { name: 'a duplicate', adds: [[2, 'cdef'], [2, 'cdef']], conflicts: [false, false], held: '..cdef..' },
  { name: 'inside a piece, same bytes', adds: [[0, 'abcdefgh'], [3, 'de']], conflicts: [false, false], held: 'abcdefgh' },
  { name: 'inside a piece, other bytes: the first stay', adds: [[0, 'abcdefgh'], [3, 'XY']], conflicts: [false, true], held: 'abcdefgh' },
  { name: 'over two pieces and the hole between: only the hole is taken', adds: [[0, 'ab'], [6, 'gh'], [0, 'abXXXXgh']], conflicts: [false, false, false], held: 'abXXXXgh' },
  { name: 'over two pieces with other bytes', adds: [[0, 'ab'], [6, 'gh'], [1, 'ZcdefY']], conflicts: [false, false, true], held: 'abcdefgh' },
  { name: 'sticking out on both sides', adds: [[3, 'de'], [1, 'bcdef']], conflicts: [false, false], held: '.bcdef..' },
  { name: 'empty', adds: [[2, ''], [0, 'ab']], conflicts: [false, false], held: 'ab......' },
];

for (const { name, adds, conflicts, held } of cases) {
  test(`pieces: ${name}`, () => {
    const pieces = new FragmentPieces();
    assert.deepEqual(
      adds.map(([offset, bytes]) => pieces.add(offset, Buffer.from(bytes, 'latin1'))),
      conflicts,
    );
    assert.equal(content(pieces, 8), held);
    assert.equal(pieces.covered, held.replace(/\./g, '').length);
  });
}

test('pieces: truncate drops the bytes at and beyond the end, inside a piece too', () => {
  const pieces = new FragmentPieces();
  pieces.add(0, Buffer.from('abcd'));
  pieces.add(6, Buffer.from('gh'));
  assert.equal(pieces.truncate(8), false, 'nothing beyond');
  assert.equal(pieces.truncate(3), true);
  assert.deepEqual([content(pieces, 8), pieces.covered, pieces.memoryBytes], ['abc.....', 3, 3 + PIECE_OVERHEAD]);
  assert.equal(pieces.add(0, Buffer.from('abc')), false);
});

test('pieces: a duplicate copies nothing', () => {
  const pieces = new FragmentPieces();
  pieces.add(8, Buffer.alloc(8, 1));
  const held = pieces.memoryBytes;
  for (let i = 0; i < 100; i++) pieces.add(8, Buffer.alloc(8, 1));
  assert.equal(pieces.memoryBytes, held);
});

test('pieces: random fragments agree with a byte-by-byte model of first-arrived-wins', () => {
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let round = 0; round < 200; round++) {
    const pieces = new FragmentPieces();
    const model: (number | undefined)[] = new Array(64).fill(undefined);
    for (let i = 0; i < 12; i++) {
      const offset = random(56);
      const data = Buffer.from(Array.from({ length: random(64 - offset) }, () => random(3)));
      const expectConflict = [...data].some((byte, k) => model[offset + k] !== undefined && model[offset + k] !== byte);
      data.forEach((byte, k) => (model[offset + k] ??= byte));
      assert.equal(pieces.add(offset, data), expectConflict);
    }
    const out = Buffer.alloc(64, 9);
    pieces.copyTo(out, 0);
    assert.deepEqual([...out], model.map((byte) => byte ?? 9));
    assert.equal(pieces.covered, model.filter((byte) => byte !== undefined).length);
  }
});
