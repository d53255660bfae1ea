import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryAccount, MemoryKind } from '../memory/memory-account.js';
import { BufferBudget, SEGMENT_OVERHEAD, SegmentClass, TcpStream, type StreamReceiver } from './tcp-stream.js';

/** A segment as the tests write it: sequence number, payload text, flags. */
interface Seg {
  seq: number;
  data?: string;
  syn?: boolean;
  fin?: boolean;
  /** Bytes on the wire when the capture cut the payload (defaults to data length). */
  wire?: number;
  /** The peer acknowledges this before the segment. */
  ackBefore?: number;
  /** That ACK comes from a peer whose SYN was seen (it tells where this direction starts). */
  handshake?: boolean;
}

/** What the receiver saw: data as text, gaps as `[gap N]`, the end as `[end]`. */
function run(segments: Seg[], budget = new BufferBudget(), flush = true) {
  const seen: string[] = [];
  const receiver: StreamReceiver = {
    data: (buf, offset, length) => seen.push(buf.toString('latin1', offset, offset + length)),
    gap: (length) => seen.push(`[gap ${length}]`),
    end: () => seen.push('[end]'),
  };
  const stream = new TcpStream(budget, receiver);
  const classes: SegmentClass[] = [];
  for (const s of segments) {
    if (s.ackBefore !== undefined) stream.acknowledged(s.ackBefore, s.handshake);
    const payload = Buffer.from(`xx${s.data ?? ''}`, 'latin1'); // offset 2: views are used, not copies
    const length = s.data?.length ?? 0;
    classes.push(stream.segment(s.seq, !!s.syn, !!s.fin, payload, 2, length, s.wire ?? length));
  }
  if (flush) stream.flush();
  return { get seen() { return seen.join(''); }, classes, stream };
}

const C = SegmentClass;

test('in order after a SYN', () => {
  const r = run([{ seq: 100, syn: true }, { seq: 101, data: 'hello ' }, { seq: 107, data: 'world', fin: true }]);
  assert.equal(r.seen, 'hello world[end]');
  assert.deepEqual(r.classes, [C.Empty, C.InOrder, C.InOrder]);
  assert.equal(r.stream.bytes, 11);
  assert.equal(r.stream.missingBytes, 0);
});

test('out of order: buffered, delivered once the hole is filled', () => {
  const r = run([{ seq: 0, syn: true }, { seq: 6, data: 'world' }, { seq: 1, data: 'hello' }]);
  assert.equal(r.seen, 'helloworld');
  assert.deepEqual(r.classes, [C.Empty, C.Ahead, C.FillsHole]);
  assert.equal(r.stream.bytes, 10);
  assert.equal(r.stream.heldBytes, 0);
});

test('exact retransmission is not delivered twice', () => {
  const r = run([{ seq: 0, syn: true }, { seq: 1, data: 'abc' }, { seq: 1, data: 'abc' }, { seq: 4, data: 'def' }]);
  assert.equal(r.seen, 'abcdef');
  assert.deepEqual(r.classes, [C.Empty, C.InOrder, C.Retransmission, C.InOrder]);
  assert.equal(r.stream.bytes, 6);
});

test('repacketised retransmission: only the new tail is delivered', () => {
  const r = run([{ seq: 0, syn: true }, { seq: 1, data: 'abc' }, { seq: 2, data: 'bcdef' }]);
  assert.equal(r.seen, 'abcdef');
  assert.equal(r.classes[2], C.PartialRetransmission);
});

test('overlap with different data: the first bytes win, a conflict with buffered bytes is counted', () => {
  const r = run([{ seq: 0, syn: true }, { seq: 4, data: 'DEF' }, { seq: 4, data: 'xyz' }, { seq: 1, data: 'abc' }]);
  assert.equal(r.seen, 'abcDEF');
  assert.deepEqual(r.classes, [C.Empty, C.Ahead, C.Retransmission, C.FillsHole]);
  assert.equal(r.stream.overlapConflicts, 1);
  const delivered = run([{ seq: 0, syn: true }, { seq: 1, data: 'abc' }, { seq: 1, data: 'XYZ' }]);
  assert.equal(delivered.seen, 'abc');
  assert.equal(delivered.classes[2], C.Retransmission);
});

test('a gap that is never filled is reported at flush, with the bytes after it', () => {
  const r = run([{ seq: 0, syn: true }, { seq: 1, data: 'ab' }, { seq: 8, data: 'hi' }]);
  assert.equal(r.seen, 'ab[gap 5]hi');
  assert.equal(r.stream.missingBytes, 5);
  assert.equal(r.stream.bytes, 4);
});

test('the peer acknowledging past a hole releases the bytes behind it at once', () => {
  const r = run([{ seq: 0, syn: true }, { seq: 1, data: 'ab' }, { seq: 8, data: 'hi' }, { seq: 10, data: '!', ackBefore: 10 }], undefined, false);
  assert.equal(r.seen, 'ab[gap 5]hi!');
});

test('sequence numbers wrap around 2^32', () => {
  const isn = 0xfffffffd;
  const r = run([{ seq: isn, syn: true }, { seq: 0xfffffffe, data: 'abc' }, { seq: 1, data: 'def', fin: true }]);
  assert.equal(r.seen, 'abcdef[end]');
  assert.equal(r.stream.bytes, 6);
});

test('out of order across the wrap', () => {
  const r = run([{ seq: 0xfffffffe, data: 'ab' }, { seq: 2, data: 'ef' }, { seq: 0, data: 'cd' }]);
  assert.equal(r.seen, 'abcdef');
});

test('mid-stream start: the first segment seen begins the stream', () => {
  const r = run([{ seq: 5000, data: 'middle' }, { seq: 5006, data: '-end' }]);
  assert.equal(r.seen, 'middle-end');
  assert.equal(r.stream.synSeen, false);
});

test('SYN retransmission and SYN with payload', () => {
  const r = run([{ seq: 9, syn: true }, { seq: 9, syn: true }, { seq: 9, syn: true, data: 'x' }]);
  assert.deepEqual(r.classes, [C.Empty, C.Retransmission, C.InOrder]);
  assert.equal(r.seen, 'x');
});

test('FIN retransmission', () => {
  const r = run([{ seq: 0, syn: true }, { seq: 1, data: 'a', fin: true }, { seq: 2, fin: true }]);
  assert.equal(r.seen, 'a[end]');
  assert.deepEqual(r.classes, [C.Empty, C.InOrder, C.Retransmission]);
});

test('FIN ahead of a hole ends the stream once the hole is filled', () => {
  const r = run([{ seq: 0, syn: true }, { seq: 3, data: 'c', fin: true }, { seq: 1, data: 'ab' }], undefined, false);
  assert.equal(r.seen, 'abc[end]');
  assert.equal(r.stream.finished, true);
});

test('truncated payload (snap length): captured bytes, then a gap for the rest', () => {
  const r = run([{ seq: 0, syn: true }, { seq: 1, data: 'abc', wire: 10 }, { seq: 11, data: 'z' }]);
  assert.equal(r.seen, 'abc[gap 7]z');
  assert.equal(r.stream.bytes, 11);
  assert.equal(r.stream.missingBytes, 7);
});

test('over its own limits, a stream gives up its oldest hole and holds within them', () => {
  const budget = new BufferBudget(new MemoryAccount(), { segments: 8, bytes: 3 + SEGMENT_OVERHEAD });
  const r = run([{ seq: 0, syn: true }, { seq: 5, data: 'ef' }, { seq: 9, data: 'xyz' }], budget, false);
  assert.equal(r.seen, '[gap 4]ef');
  assert.equal(r.stream.heldBytes, 3 + SEGMENT_OVERHEAD);
  assert.deepEqual([r.stream.givenUpBytes, budget.givenUpBytes, budget.streamLimitHits], [4, 4, 1]);
  r.stream.flush();
  assert.equal(r.seen, '[gap 4]ef[gap 2]xyz');
  assert.deepEqual([r.stream.missingBytes, r.stream.givenUpBytes, budget.account.byKind[MemoryKind.OutOfOrder]], [6, 4, 0]);
});

test('held segments are charged to the memory account, and released when delivered or discarded', () => {
  const budget = new BufferBudget();
  const r = run([{ seq: 0, syn: true }, { seq: 5, data: 'ef' }, { seq: 9, data: 'xyz' }], budget, false);
  assert.equal(budget.account.byKind[MemoryKind.OutOfOrder], 5 + 2 * SEGMENT_OVERHEAD);
  assert.equal(r.stream.heldBytes, 5 + 2 * SEGMENT_OVERHEAD);
  r.stream.discard();
  assert.equal(budget.account.used, 0);
});

test('shed gives up what the stream holds, delivers it at its place and returns the bytes released', () => {
  const budget = new BufferBudget();
  const r = run([{ seq: 0, syn: true }, { seq: 1, data: 'ab' }, { seq: 5, data: 'ef' }, { seq: 9, data: 'ij', fin: true }], budget, false);
  assert.equal(r.stream.shed(), 4 + 2 * SEGMENT_OVERHEAD);
  assert.equal(r.seen, 'ab[gap 2]ef[gap 2]ij[end]');
  assert.deepEqual([budget.account.used, budget.account.shed[MemoryKind.OutOfOrder], r.stream.givenUpBytes], [0, 2, 4]);
  assert.equal(r.stream.shed(), 0);
});

test('SYN not seen, but the peer\'s handshake ACK was: bytes lost at the start are missing', () => {
  const r = run([{ seq: 5001 + 4320, data: 'tail', ackBefore: 5001, handshake: true }]);
  assert.equal(r.seen, '[gap 4320]tail');
  assert.deepEqual([r.stream.bytes, r.stream.missingBytes], [4, 4320]);
});

test('mid-stream without a handshake: the direction starts at its first byte, whatever the peer acknowledged', () => {
  const r = run([{ seq: 9000, data: 'tail', ackBefore: 5001 }]);
  assert.equal(r.seen, 'tail');
  assert.equal(r.stream.missingBytes, 0);
});

test('a segment without payload does not fix where a mid-stream direction starts (a zero-byte keep-alive sits one below)', () => {
  const r = run([{ seq: 999 }, { seq: 1000, data: 'GET /' }]);
  assert.equal(r.seen, 'GET /');
  assert.deepEqual(r.classes, [C.Empty, C.InOrder]);
  assert.equal(r.stream.missingBytes, 0);
});

test('a one-byte keep-alive probe below the byte the peer acknowledged is not stream data', () => {
  const r = run([{ seq: 999, data: '\0', ackBefore: 1000 }, { seq: 1000, data: 'GET /' }]);
  assert.equal(r.seen, 'GET /');
  assert.deepEqual(r.classes, [C.KeepAlive, C.InOrder]);
  assert.deepEqual([r.stream.bytes, r.stream.missingBytes], [5, 0]);
});

test('a first one-byte segment followed by its repeat, or by data right after it, is a keep-alive probe', () => {
  const repeated = run([{ seq: 999, data: '\0' }, { seq: 999, data: '\0' }, { seq: 1000, data: 'GET /', ackBefore: 1000 }]);
  assert.equal(repeated.seen, 'GET /');
  assert.deepEqual(repeated.classes, [C.KeepAlive, C.KeepAlive, C.InOrder]);
  const followed = run([{ seq: 999, data: '\0' }, { seq: 1000, data: 'GET /', ackBefore: 1000 }]);
  assert.equal(followed.seen, 'GET /');
  assert.equal(followed.stream.bytes, 5);
});

test('the same with sequence numbers of 2^31 and more (as a header gives them, unsigned)', () => {
  const high = 0xf578808c;
  const repeated = run([{ seq: high, data: '\0' }, { seq: high, data: '\0' }, { seq: high + 1, data: 'GET /', ackBefore: high + 1 }]);
  assert.deepEqual([repeated.seen, repeated.classes], ['GET /', [C.KeepAlive, C.KeepAlive, C.InOrder]]);
  assert.equal(run([{ seq: high, data: '\0', ackBefore: high + 1 }, { seq: high + 1, data: 'GET /' }]).seen, 'GET /');
});

test('a first one-byte segment is data when the peer asks for that byte, when data follows elsewhere, or alone', () => {
  assert.equal(run([{ seq: 999, data: 'G' }, { seq: 1000, data: 'ET /', ackBefore: 999 }]).seen, 'GET /');
  const hole = run([{ seq: 999, data: 'x' }, { seq: 1500, data: 'y' }]);
  assert.equal(hole.seen, 'x[gap 500]y');
  assert.equal(hole.stream.missingBytes, 500);
  const alone = run([{ seq: 999, data: 'x' }]);
  assert.deepEqual([alone.seen, alone.stream.bytes], ['x', 1]);
});
