import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryAccount, MemoryKind, SegmentRecorder, Statistics, TcpHeader, type Pipeline } from '@pakeana/framework/internal';
import { SegmentMark, TcpFlag, type SegmentEvent, type TcpSession } from '@pakeana/framework';
import { createReport } from './index.js';
import { scriptJson } from './report-page.js';
import type { ReportData, ReportSummary, SessionDetail } from './report-data.js';

const dir = mkdtempSync(join(tmpdir(), 'pakeana-report-'));

/** A finished session as the sink sees it (no segments recorded). */
function session(id: number, state = 'closed'): TcpSession {
  return {
    id,
    start: 1_700_000_000 + id,
    lastTime: 1_700_000_000.5 + id,
    duration: 0.5,
    client: { ip: '10.0.0.1', port: 40000 + id },
    server: { ip: '10.0.0.2', port: 80 },
    state,
    endReason: null,
    packets: 3,
    segments: 3,
    clientBytes: 10,
    serverBytes: 20,
    triggers: ['all'],
    marks: [],
    protocol: 'http',
    records: { http: [{ host: 'example.com', status: 404 }] },
    tcp: { retransmissions: 0, outOfOrder: 0, dupAcks: 0, synRetransmissions: 0, resets: 0, zeroWindows: 0, missingBytes: 0 },
    displayLines: [],
    observerState: [],
  } as unknown as TcpSession;
}

/** The bytes of one session's page element. */
function onePageBytes(): number {
  const path = join(dir, 'one.html');
  const { sink } = createReport(path, new SegmentRecorder(100), { title: 'one' });
  sink.session(session(1));
  sink.finish(new Statistics());
  return /<script type="application\/json" id="session-1">.*?<\/script>\n/s.exec(readFileSync(path, 'utf8'))![0].length;
}

function pageJson<T>(html: string, id: string): T {
  const match = new RegExp(`<script type="application/json" id="${id}">(.*?)</script>`, 's').exec(html);
  assert.ok(match, id);
  return JSON.parse(match[1]!) as T;
}

test('the table and the pages are bounded and the summary says so; the size it states is the file\'s', () => {
  const path = join(dir, 'bounded.html');
  const recorder = new SegmentRecorder(100);
  // Room for one plain session's page in the half for plain sessions, and for one more.
  const { sink } = createReport(path, recorder, { title: 'test <capture>', maxSessions: 3, maxDetailBytes: 1.5 * onePageBytes() });
  for (let id = 1; id <= 5; id++) sink.session(session(id, id === 3 ? 'reset' : 'closed'));
  sink.finish(new Statistics());
  const html = readFileSync(path, 'utf8');
  const data = pageJson<ReportData>(html, 'report-data');
  const summary = pageJson<ReportSummary>(html, 'report-summary');
  assert.deepEqual(
    data.sessions.map((r) => [r.id, r.detail, r.hosts, r.statuses]),
    [
      [1, true, ['example.com'], [404]],
      [2, false, ['example.com'], [404]],
      // A reset session has the other half of the pages' bytes.
      [3, true, ['example.com'], [404]],
    ],
  );
  assert.equal(summary.sessionsNotListed, 2);
  assert.equal(summary.detailsNotKept, 1);
  assert.equal(summary.fileBytes, statSync(path).size);
  assert.match(html, /<title>pakeana report: test &#60;capture&#62;<\/title>/);
  assert.ok(html.includes('id="session-1"') && !html.includes('id="session-2"'));
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('text of the traffic cannot close the data element', () => {
  assert.equal(scriptJson({ uri: '</script><script>alert(1)</script>' }), '{"uri":"\\u003c/script>\\u003cscript>alert(1)\\u003c/script>"}');
});

test('abort leaves nothing behind; a missing directory is refused when the sink is made', () => {
  const path = join(dir, 'aborted.html');
  const { sink } = createReport(path, new SegmentRecorder(100), { title: 'x' });
  sink.abort();
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.aborted')), []);
  assert.throws(() => createReport(join(dir, 'no-such-dir', 'r.html'), new SegmentRecorder(100), { title: 'x' }), {
    message: `cannot write the report to ${join(dir, 'no-such-dir', 'r.html')}: no such directory`,
  });
});

test('what the sink keeps is charged to the memory account until the page is written', () => {
  const memory = new MemoryAccount(1 << 30);
  const { sink } = createReport(join(dir, 'charged.html'), new SegmentRecorder(100), { title: 'x', maxSessions: 2 });
  sink.bind({ memory } as Pipeline);
  sink.session(session(1));
  const one = memory.byKind[MemoryKind.Records]!;
  assert.ok(one > 400, `${one}`);
  sink.session(session(2));
  sink.session(session(3)); // not listed: nothing kept
  assert.ok(Math.abs(memory.byKind[MemoryKind.Records]! - 2 * one) < 50);
  sink.finish(new Statistics());
  assert.equal(memory.byKind[MemoryKind.Records], 0);
});

test("a long session's page: at most maxSegmentsShown segments, its lines cut at 256 KiB, saying how much is left out", () => {
  const path = join(dir, 'long.html');
  const recorder = new SegmentRecorder(10_000);
  recorder.attach(0);
  const long = Object.assign(session(1), { segments: 5000, packets: 5000 });
  recorder.open(long);
  for (let n = 1; n <= 5000; n++) {
    const tcp = Object.assign(new TcpHeader(), { flags: TcpFlag.ACK | TcpFlag.PSH, seq: 1000 + n * 100, ack: 1, window: 500, payloadWireLength: 100, optionsOffset: 0, optionsLength: 0 });
    // Every segment a retransmission: each one is a line of the pretty output.
    const event = { number: n, time: 1_700_000_001 + n / 1000, dir: 'client', tcp, buf: Buffer.alloc(0), marks: SegmentMark.Retransmission, clientState: 'ESTABLISHED', serverState: 'ESTABLISHED' };
    recorder.segment(long, event as unknown as SegmentEvent);
  }
  const { sink } = createReport(path, recorder, { title: 'long', maxSegmentsShown: 2000 });
  sink.session(long);
  sink.finish(new Statistics());
  const detail = pageJson<SessionDetail>(readFileSync(path, 'utf8'), 'session-1');
  assert.equal(detail.segments.number.length, 2000);
  assert.equal(detail.segmentsNotShown, 3000);
  assert.deepEqual(detail.segments.seq.slice(0, 2), [0, 100]);
  assert.deepEqual(detail.segments.time.slice(0, 2), [0, 0.001]);
  assert.ok(detail.text.length <= 256 * 1024 + 100 && detail.text.length > 200 * 1024, `${detail.text.length}`);
  assert.match(detail.text, /\n\(\d+ more characters: the pretty output of this session has them all\)$/);
});
