import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryAccount, MemoryKind } from '../memory/memory-account.js';
import { BufferBudget, SEGMENT_OVERHEAD, TcpStream, seqDiff, type StreamLimits, type StreamReceiver } from './tcp-stream.js';

/** A segment of one of the streams of a case (stream 0 unless said). */
interface Seg {
  seq: number;
  data?: string;
  syn?: boolean;
  fin?: boolean;
  /** The peer acknowledges this before the segment. */
  ackBefore?: number;
  stream?: number;
}

/** Segments in, deliveries out (data as text, `[gap N]`, `[end]`), per stream, after the flush. */
interface Case {
  name: string;
  segs: Seg[];
  want: string[];
  limits?: StreamLimits;
  /** The memory account's limit. */
  memory?: number;
  /** Bytes of other kinds the account holds before the segments. */
  otherMemory?: number;
  /** What the case must also show, on the streams and the budget. */
  check?: (streams: TcpStream[], budget: BufferBudget) => void;
}

/** A receiver that records deliveries as text and checks each byte is the first copy seen at its place. */
class Recorder implements StreamReceiver {
  readonly out: string[] = [];
  /** Stream offset of the next delivery, from the first sequence number. */
  position = 0;
  dataBytes = 0;
  gapBytes = 0;
  /** The first copy seen of each byte, by stream offset. */
  readonly firstSeen = new Map<number, string>();
  data(buf: Buffer, offset: number, length: number): void {
    const text = buf.toString('latin1', offset, offset + length);
    for (let i = 0; i < length; i++) {
      assert.equal(text[i], this.firstSeen.get(this.position + i), `byte at offset ${this.position + i}`);
    }
    this.out.push(text);
    this.position += length;
    this.dataBytes += length;
  }
  gap(length: number): void {
    this.out.push(`[gap ${length}]`);
    this.position += length;
    this.gapBytes += length;
  }
  end(): void {
    this.out.push('[end]');
  }
}

function play(c: Case): { streams: TcpStream[]; recorders: Recorder[]; budget: BufferBudget } {
  const account = new MemoryAccount(c.memory);
  if (c.otherMemory) account.charge(MemoryKind.Sessions, c.otherMemory);
  const budget = new BufferBudget(account, c.limits);
  const streams: TcpStream[] = [];
  const recorders: Recorder[] = [];
  const base: number[] = [];
  for (const s of c.segs) {
    const n = s.stream ?? 0;
    if (!streams[n]) {
      recorders[n] = new Recorder();
      streams[n] = new TcpStream(budget, recorders[n]);
      base[n] = s.syn ? (s.seq + 1) | 0 : s.seq;
    }
    const dataSeq = s.syn ? (s.seq + 1) | 0 : s.seq;
    const data = s.data ?? '';
    for (let i = 0; i < data.length; i++) {
      const at = seqDiff(dataSeq, base[n]!) + i;
      if (!recorders[n]!.firstSeen.has(at)) recorders[n]!.firstSeen.set(at, data[i]!);
    }
    if (s.ackBefore !== undefined) streams[n]!.acknowledged(s.ackBefore);
    const payload = Buffer.from(`xx${data}`, 'latin1');
    streams[n]!.segment(s.seq, !!s.syn, !!s.fin, payload, 2, data.length, data.length);
  }
  streams.forEach((stream, n) => {
    stream.flush();
    // Every byte of the stream's sequence space is delivered once or counted missing.
    const length = seqDiff(stream.highSeq, base[n]!) - (stream.finSeen ? 1 : 0);
    const r = recorders[n]!;
    assert.equal(r.dataBytes + r.gapBytes, length, `stream ${n}: delivered + missing == length`);
    assert.equal(stream.missingBytes, r.gapBytes, `stream ${n}: missingBytes`);
    assert.equal(stream.finished, stream.finSeen, `stream ${n}: the FIN is reached`);
  });
  return { streams, recorders, budget };
}

const TWO_SEGMENTS: StreamLimits = { segments: 2, bytes: 1 << 20 };
const KIB = 'k'.repeat(1024);

const cases: Case[] = [
  {
    name: 'over the segment limit: the oldest hole is given up, later data and the FIN still arrive',
    limits: TWO_SEGMENTS,
    segs: [
      { seq: 0, syn: true }, { seq: 1, data: 'ab' }, { seq: 5, data: 'ef' }, { seq: 7, data: 'gh' },
      { seq: 9, data: 'ij' }, { seq: 3, data: 'cd' }, { seq: 11, data: 'kl', fin: true },
    ],
    want: ['ab[gap 2]efghijkl[end]'],
    check: ([s], budget) => assert.deepEqual([s!.givenUpBytes, budget.givenUpBytes, budget.streamLimitHits], [2, 2, 1]),
  },
  {
    name: 'over the limit with a segment below the held ones: it is delivered at its place, not after them',
    limits: TWO_SEGMENTS,
    segs: [
      { seq: 0, syn: true }, { seq: 1, data: 'ab' }, { seq: 7, data: 'gh' }, { seq: 11, data: 'kl' },
      { seq: 5, data: 'ef' }, { seq: 3, data: 'cd' }, { seq: 9, data: 'ij' }, { seq: 13, data: 'mnop' }, { seq: 17, fin: true },
    ],
    want: ['ab[gap 2]efghijklmnop[end]'],
  },
  {
    name: 'over the byte limit: holes are given up one at a time until the segment fits',
    limits: { segments: 100, bytes: 2 * (2 + SEGMENT_OVERHEAD) },
    segs: [
      { seq: 0, syn: true }, { seq: 3, data: 'cd' }, { seq: 7, data: 'gh' }, { seq: 11, data: 'kl', fin: true },
      { seq: 1, data: 'ab' }, { seq: 9, data: 'ij' },
    ],
    want: ['[gap 2]cd[gap 2]ghijkl[end]'],
    check: ([s]) => assert.equal(s!.givenUpBytes, 4),
  },
  {
    name: 'a segment bigger than the byte limit is delivered at its place after a gap',
    limits: { segments: 100, bytes: 10 },
    segs: [{ seq: 0, syn: true }, { seq: 4, data: 'def', fin: true }, { seq: 1, data: 'abc' }],
    want: ['[gap 3]def[end]'],
  },
  {
    name: 'overlapping segments over the limit: each byte once, the first copy wins',
    limits: TWO_SEGMENTS,
    segs: [
      { seq: 0, syn: true }, { seq: 5, data: 'EFGH' }, { seq: 3, data: 'cdef' }, { seq: 9, data: 'ij' },
      { seq: 7, data: 'ghIJKL' }, { seq: 13, fin: true },
    ],
    want: ['[gap 2]cdEFGHijKL[end]'],
  },
  {
    name: 'two streams share the account: one hogging its own limit leaves room for the other\'s reordered request',
    memory: 40 * 1024,
    limits: { segments: 1024, bytes: 32 * 1024 },
    segs: [
      { stream: 0, seq: 0, syn: true },
      ...Array.from({ length: 40 }, (_, i) => ({ stream: 0, seq: 1 + 1024 * (2 * i + 1), data: KIB })),
      { stream: 1, seq: 500, syn: true },
      { stream: 1, seq: 519, data: 'Host: a\r\n\r\n', fin: true },
      { stream: 1, seq: 509, data: 'HTTP/1.1\r\n' },
      { stream: 1, seq: 501, data: 'GET / ' },
      { stream: 1, seq: 507, data: 'x ' },
    ],
    want: [
      `${Array.from({ length: 40 }, () => `[gap 1024]${KIB}`).join('')}`,
      'GET / x HTTP/1.1\r\nHost: a\r\n\r\n[end]',
    ],
    check: ([hog, other], budget) => {
      assert.ok(hog!.givenUpBytes > 0 && other!.givenUpBytes === 0);
      assert.ok(budget.account.peak <= 32 * 1024 + 3 * (10 + SEGMENT_OVERHEAD), `peak ${budget.account.peak}`);
    },
  },
  {
    name: 'the memory account over its limit: nothing new is held, the hole is given up and the segments shed counted',
    memory: 1000,
    otherMemory: 2000,
    segs: [{ seq: 0, syn: true }, { seq: 4, data: 'def' }, { seq: 1, data: 'abc' }, { seq: 7, data: 'g', fin: true }],
    want: ['[gap 3]defg[end]'],
    check: ([s], budget) => {
      assert.deepEqual([s!.givenUpBytes, budget.account.shed[MemoryKind.OutOfOrder], budget.streamLimitHits], [3, 1, 0]);
      assert.equal(budget.account.byKind[MemoryKind.OutOfOrder], 0);
    },
  },
  {
    name: 'overlap conflict with held bytes, ahead and in order: counted, the held bytes win',
    segs: [
      { seq: 0, syn: true }, { seq: 4, data: 'DEF' }, { seq: 5, data: 'xy' }, { seq: 1, data: 'abcDxF' }, { seq: 7, data: 'g' },
    ],
    want: ['abcDEFg'],
    check: ([s]) => assert.equal(s!.overlapConflicts, 2),
  },
  {
    name: 'a segment spanning held ones: only its new parts are held',
    segs: [{ seq: 0, syn: true }, { seq: 4, data: 'd' }, { seq: 6, data: 'f' }, { seq: 3, data: 'cdefgh' }, { seq: 1, data: 'ab' }],
    want: ['abcdefgh'],
    check: ([s]) => assert.equal(s!.overlapConflicts, 0),
  },
  {
    name: 'a FIN ahead of a hole, the hole acknowledged: the stream ends',
    segs: [{ seq: 0, syn: true }, { seq: 1, data: 'a' }, { seq: 5, fin: true }, { seq: 5, fin: true, ackBefore: 6 }],
    want: ['a[gap 3][end]'],
  },
];

for (const c of cases) {
  test(`reassembly: ${c.name}`, () => {
    const { streams, recorders, budget } = play(c);
    assert.deepEqual(recorders.map((r) => r.out.join('')), c.want);
    c.check?.(streams, budget);
    assert.equal(budget.account.byKind[MemoryKind.OutOfOrder], 0, 'everything held was released');
  });
}

/** A seeded xorshift generator: the random cases are the same on every run. */
function random(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

/** Random segments of a 300-byte stream: reordered, duplicated, overlapping with other bytes, acknowledged. */
function randomCase(seed: number): Case {
  const next = random(seed);
  const isn = next(2 ** 32) | 0; // anywhere, the wrap included
  const length = 300;
  const segs: Seg[] = [{ seq: isn, syn: true }];
  for (let i = 0; i < 120; i++) {
    const from = next(length);
    const to = Math.min(length, from + 1 + next(40));
    const letter = String.fromCharCode(97 + next(26));
    segs.push({
      seq: (isn + 1 + from) | 0,
      data: letter.repeat(to - from),
      fin: to === length,
      ...(next(4) === 0 ? { ackBefore: (isn + 1 + next(length)) | 0 } : {}),
    });
  }
  segs.push({ seq: (isn + 1 + length) | 0, fin: true });
  return { name: `random ${seed}`, segs, want: [], limits: { segments: 1 + next(8), bytes: 200 + next(2000) } };
}

test('reassembly: random reorderings, overlaps and acknowledgements under small limits keep every byte once, at its place', () => {
  let limitHits = 0;
  let conflicts = 0;
  for (let seed = 1; seed <= 300; seed++) {
    const { streams, budget } = play(randomCase(seed));
    assert.ok(streams[0]!.finished, `seed ${seed}`);
    assert.equal(budget.account.byKind[MemoryKind.OutOfOrder], 0);
    limitHits += budget.streamLimitHits;
    conflicts += streams[0]!.overlapConflicts;
  }
  assert.ok(limitHits > 500 && conflicts > 500, `${limitHits} limit hits, ${conflicts} conflicts`);
});

/**
 * One stream at the default limits; returns the CPU milliseconds the segments of `play` took
 * (CPU time, not wall time: the tests share two cores with other processes).
 */
function timed(play: (stream: TcpStream, buf: Buffer) => number): number {
  const stream = new TcpStream(new BufferBudget());
  const buf = Buffer.from('x');
  stream.segment(0, true, false, buf, 0, 0, 0);
  const t0 = process.cpuUsage();
  const length = play(stream, buf);
  stream.segment(1 + length, false, true, buf, 0, 0, 0);
  stream.flush();
  const { user, system } = process.cpuUsage(t0);
  const ms = (user + system) / 1000;
  assert.equal(stream.finished, true);
  assert.equal(stream.bytes + stream.missingBytes, length);
  return ms;
}

/** n one-byte segments, each sent twice: in blocks of 512 whose first byte is lost, the rest arriving last first. */
function reorderedBlocks(n: number): number {
  return timed((stream, buf) => {
    for (let block = 0; block < n; block += 512) {
      for (let i = Math.min(block + 511, n - 1); i > block; i--) {
        stream.segment(1 + i, false, false, buf, 0, 1, 1);
        stream.segment(1 + i, false, false, buf, 0, 1, 1);
      }
    }
    return n;
  });
}

/** n one-byte segments, each sent twice, every other byte lost: each segment is a new hole. */
function everyOtherByte(n: number): number {
  return timed((stream, buf) => {
    for (let i = 1; i <= n; i++) {
      stream.segment(2 * i, false, false, buf, 0, 1, 1);
      stream.segment(2 * i, false, false, buf, 0, 1, 1);
    }
    return 2 * n;
  });
}

for (const scenario of [reorderedBlocks, everyOtherByte]) {
  test(`${scenario.name}: 40k vs 80k one-byte segments out of order grow linearly`, () => {
    scenario(40_000); // warm-up
    scenario(80_000);
    // Sizes alternate, so that both see the same load on a shared machine; best of each.
    let small = Infinity;
    let large = Infinity;
    for (let round = 0; round < 4; round++) {
      small = Math.min(small, scenario(40_000));
      large = Math.min(large, scenario(80_000));
    }
    assert.ok(large / small <= 2.6, `40k: ${small.toFixed(1)} ms, 80k: ${large.toFixed(1)} ms`);
  });
}
