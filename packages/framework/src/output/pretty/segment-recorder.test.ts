import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TcpFlag, TcpHeader } from '../../decode/tcp-header.js';
import { BufferBudget } from '../../reassembly/tcp-stream.js';
import { SegmentEvent, SegmentMark, type TcpState } from '../../sessions/segment-event.js';
import { TcpSession } from '../../sessions/tcp-session.js';
import { SegmentRecorder, type SegmentLine } from './segment-recorder.js';

const STATES: TcpState[] = [
  'CLOSED',
  'LISTEN',
  'SYN_SENT',
  'SYN_RECV',
  'ESTABLISHED',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'CLOSE_WAIT',
  'CLOSING',
  'LAST_ACK',
  'TIME_WAIT',
  'UNKNOWN',
];

/** What a test segment carries: a SegmentLine without the number and the verdict. */
type Segment = Omit<SegmentLine, 'number' | 'notable' | 'options'> & { options: number[] };

function newSession(): TcpSession {
  return new TcpSession(1, 0, 4, 40000, 80, [0x0a000001, 0x0a000002], new BufferBudget());
}

/** The event the pipeline would pass, with the options inside a larger packet buffer. */
function eventFor(number: number, s: Segment): SegmentEvent {
  const event = new SegmentEvent();
  const tcp = new TcpHeader();
  event.buf = Buffer.concat([Buffer.alloc(34, 0xee), Buffer.from(s.options), Buffer.alloc(8, 0xee)]);
  Object.assign(tcp, { flags: s.flags, seq: s.seq, ack: s.ack, window: s.window, payloadWireLength: s.length, optionsOffset: 34, optionsLength: s.options.length });
  Object.assign(event, { number, time: s.time, dir: s.fromClient ? 'client' : 'server', tcp, marks: s.marks, clientState: s.clientState, serverState: s.serverState });
  return event;
}

function record(segments: Segment[], limit = 1000) {
  let dropped = 0;
  const recorder = new SegmentRecorder(limit, () => dropped++);
  const session = newSession();
  recorder.attach(0);
  recorder.open(session);
  segments.forEach((s, i) => recorder.segment(session, eventFor(i + 1, s)));
  return { lines: recorder.lines(session), dropped: () => dropped };
}

const plain: Segment = {
  time: 1_700_000_000.123456,
  fromClient: true,
  flags: TcpFlag.ACK,
  seq: 1,
  ack: 1,
  length: 0,
  window: 502,
  options: [],
  marks: 0,
  clientState: 'ESTABLISHED',
  serverState: 'ESTABLISHED',
};

test('every field round-trips, through growth of the segment columns and the option pool', () => {
  const segments: Segment[] = Array.from({ length: 100 }, (_, i) => ({
    time: 1_700_000_000 + i * 0.000_001 + i / 7,
    fromClient: i % 3 !== 0,
    flags: (i * 37) & 0xff,
    seq: 2 ** 32 - 1 - i,
    ack: (2 ** 32 - 50 + i) % 2 ** 32,
    length: i * 1460,
    window: (i * 655) & 0xffff,
    // 0 to 40 bytes, like a bare ACK, timestamps, or SACK blocks.
    options: Array.from({ length: (i * 12) % 44 }, (_, j) => (i + j * 31) & 0xff),
    marks: i & 0xfff,
    clientState: STATES[i % STATES.length]!,
    serverState: STATES[(i * 5) % STATES.length]!,
  }));
  const { lines } = record(segments);
  assert.equal(lines.length, segments.length);
  lines.forEach((line, i) => {
    const { options, ...fields } = segments[i]!;
    // `notable` has its own test.
    assert.deepEqual(line, { ...fields, number: i + 1, options: options.length ? Buffer.from(options) : null, notable: line.notable });
  });
});

test('options are a copy: later changes to the packet buffer do not show', () => {
  let dropped = 0;
  const recorder = new SegmentRecorder(10, () => dropped++);
  const session = newSession();
  recorder.attach(2);
  recorder.open(session);
  const event = eventFor(1, { ...plain, options: [1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2] });
  recorder.segment(session, event);
  event.buf.fill(0);
  assert.deepEqual(recorder.lines(session)[0]!.options, Buffer.from([1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2]));
  assert.equal(dropped, 0);
});

test('notable: the first segment, SYN, a state change, an anomaly; not a dup ack or a plain one', () => {
  const { lines } = record([
    plain,
    plain,
    { ...plain, flags: TcpFlag.SYN },
    plain,
    { ...plain, serverState: 'CLOSE_WAIT' },
    { ...plain, serverState: 'CLOSE_WAIT', marks: SegmentMark.DupAck },
    { ...plain, serverState: 'CLOSE_WAIT', marks: SegmentMark.Retransmission },
    { ...plain, serverState: 'CLOSE_WAIT', marks: SegmentMark.ZeroWindow | SegmentMark.KeepAlive },
    { ...plain, clientState: 'FIN_WAIT1', serverState: 'CLOSE_WAIT' },
  ]);
  assert.deepEqual(
    lines.map((l) => l.notable),
    [true, false, true, false, true, false, true, true, true],
  );
});

test('the limit: segments past it are dropped and counted, the kept ones unchanged', () => {
  const segments = Array.from({ length: 40 }, (_, i) => ({ ...plain, seq: i }));
  const { lines, dropped } = record(segments, 17);
  assert.deepEqual(
    lines.map((l) => [l.number, l.seq]),
    segments.slice(0, 17).map((s, i) => [i + 1, s.seq]),
  );
  assert.equal(dropped(), 23);
});

test('a session the recorder never opened has no lines', () => {
  assert.deepEqual(new SegmentRecorder(10).lines(newSession()), []);
});

test("a finished session's store is reused by a later one, empty, and its lines stay readable until then", () => {
  const recorder = new SegmentRecorder(1000);
  recorder.attach(0);
  const first = newSession();
  recorder.open(first);
  for (let i = 1; i <= 40; i++) recorder.segment(first, eventFor(i, { ...plain, seq: i, options: [1, 1, 8, 10, i, 0, 0, 1, 0, 0, 0, 2] }));
  recorder.close(first);
  // The printer reads a finished session's lines before any other session opens.
  assert.equal(recorder.lines(first).length, 40);
  const second = newSession();
  recorder.open(second);
  assert.equal(second.observerState[0], first.observerState[0], 'the store is reused');
  assert.deepEqual(recorder.lines(second), []);
  recorder.segment(second, eventFor(1, { ...plain, seq: 7, options: [] }));
  assert.deepEqual(recorder.lines(second).map((l) => [l.number, l.seq, l.options, l.notable]), [[1, 7, null, true]]);
});
