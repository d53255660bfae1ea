import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { Reporter } from '../../pipeline/reporter.js';
import { Statistics } from '../../pipeline/statistics.js';
import { BufferBudget } from '../../reassembly/tcp-stream.js';
import { TcpSession } from '../../sessions/tcp-session.js';
import { marksNote, PrettySink } from './pretty-sink.js';
import { SegmentRecorder } from './segment-recorder.js';

function session(id: number, triggers: string[], marks: string[]): TcpSession {
  const s = new TcpSession(id, 0, 4, 40000 + id, 25, [0x0a000001, 0x0a000002], new BufferBudget());
  s.packets = 3;
  triggers.forEach((t) => s.addTrigger(t));
  marks.forEach((m) => s.addMark(m));
  return s;
}

/** Runs sessions through a reporter (only triggered ones reported) into a pretty sink; returns stdout's lines and the summary. */
async function pretty(sessions: TcpSession[], color = false) {
  const out = new PassThrough();
  const summary = new PassThrough();
  const stats = new Statistics();
  const reporter = new Reporter([new PrettySink(out, new SegmentRecorder(100), { color, viewData: 0, quiet: false, summaryOut: summary })], stats, false);
  sessions.forEach(reporter.finished);
  await reporter.finish();
  return { lines: String(out.read() ?? '').split('\n'), summary: String(summary.read()), stats };
}

test('marks follow the triggers in the header', () => {
  assert.equal(marksNote([]), '');
  assert.equal(marksNote(['http.gap-in-headers', 'tcp.overlap-conflict']), ' marks: http.gap-in-headers, tcp.overlap-conflict');
  assert.equal(marksNote(['dissector-error: smtp: bad\r\nline\x1b[2J\x9b']), ' marks: dissector-error: smtp: bad line [2J ', 'control characters cannot break the line or drive the terminal');
});

test('the pretty header shows the marks, dimmed when coloured', async () => {
  const marked = session(1, ['tcp.reset'], ['http.gap-in-headers', 'dissector-error: smtp: bad reply']);
  const plain = await pretty([marked]);
  assert.equal(
    plain.lines[0],
    '0001             0.000 |       10.0.0.1:40001 == 10.0.0.2:25          | Total 3 segments, 0 bytes [tcp.reset] marks: http.gap-in-headers, dissector-error: smtp: bad reply',
  );
  const colored = await pretty([session(1, ['tcp.reset'], ['http.gap-in-headers'])], true);
  // eslint-disable-next-line no-control-regex -- ANSI escapes are what is tested
  assert.match(colored.lines[0]!, /^\x1b\[33m0001 .*\[tcp\.reset\]\x1b\[39m\x1b\[2m marks: http\.gap-in-headers\x1b\[22m$/);
  const unmarked = await pretty([session(2, ['all'], [])]);
  assert.match(unmarked.lines[0]!, /bytes \[all\]$/);
});

test('the summary counts the sessions carrying each mark, reported or not', async () => {
  const { lines, summary, stats } = await pretty([
    session(1, ['tcp.reset'], ['http.gap-in-headers', 'dissector-error: smtp: bad reply']),
    session(2, [], ['dissector-error: smtp: no greeting']),
    session(3, [], []),
  ]);
  assert.equal(lines.filter((l) => /^\d{4} /.test(l)).length, 1, 'one session reported');
  assert.deepEqual([stats.reported, stats.markedSessions], [1, 2]);
  assert.deepEqual(stats.marks, { 'http.gap-in-headers': 1, 'dissector-error: smtp': 2 });
  assert.deepEqual(summary.split('\n').slice(3, 8), [
    '  Reported            : 1',
    '    tcp.reset         : 1',
    '  Marked              : 2',
    '    http.gap-in-headers : 1',
    '    dissector-error: smtp : 2',
  ]);
});
