import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryAccount, MemoryKind, SegmentRecorder, Statistics, TcpHeader, type Pipeline } from '@pakeana/framework/internal';
import { SegmentMark, TcpFlag, type SegmentEvent, type TcpSession } from '@pakeana/framework';
import { createReport } from './index.js';
import { scriptJson } from './report-page.js';
import { LADDER_ROWS, type ReportData, type ReportSummary, type SessionDetail } from './report-data.js';

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

/** Session 1's page element in the report at `path`, '' when the report has none. */
function firstPageElement(path: string): string {
  return /<script type="application\/json" id="session-1">.*?<\/script>\n/s.exec(readFileSync(path, 'utf8'))?.[0] ?? '';
}

/** The bytes of one session's page element. */
function onePageBytes(): number {
  const path = join(dir, 'one.html');
  const { sink } = createReport(path, new SegmentRecorder(100), { title: 'one' });
  sink.session(session(1));
  sink.finish(new Statistics());
  return Buffer.byteLength(firstPageElement(path));
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
  const { sink } = createReport(path, recorder, { title: 'test <capture>', maxSessions: 3, maxDetailBytes: 2.5 * onePageBytes() });
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

/** A keep-alive session of `segments` client segments, each with `perSegment` pipelined requests to a Host of its own. */
function pipelinedFlood(recorder: SegmentRecorder, segments: number, perSegment: number): TcpSession {
  const flood = Object.assign(session(1), { segments, packets: segments, records: { http: [] as object[] }, displayLines: [] as object[] });
  recorder.open(flood);
  for (let n = 1; n <= segments; n++) {
    const tcp = Object.assign(new TcpHeader(), { flags: TcpFlag.ACK | TcpFlag.PSH, seq: n * 1000, ack: 1, window: 500, payloadWireLength: 1000, optionsOffset: 0, optionsLength: 0 });
    recorder.segment(flood, { number: n, time: 1_700_000_001 + n / 1000, dir: 'client', tcp, buf: Buffer.alloc(0), marks: 0 } as unknown as SegmentEvent);
    for (let i = 0; i < perSegment; i++) {
      const host = `h${n * perSegment + i}.${'x'.repeat(100)}.example`;
      flood.records.http.push({ host, status: 200 });
      flood.displayLines.push({ label: 'RequestLine', text: `GET /${i} HTTP/1.1`, dir: 'client', segment: n });
    }
  }
  return flood;
}

test('a flood of pipelined requests: the page keeps the ladder\'s exchanges, one per segment; the row a few hosts, shortened, and how many more', () => {
  const path = join(dir, 'flood.html');
  const recorder = new SegmentRecorder(10_000);
  recorder.attach(0);
  const { sink } = createReport(path, recorder, { title: 'flood' });
  sink.session(pipelinedFlood(recorder, 600, 500));
  sink.finish(new Statistics());
  const html = readFileSync(path, 'utf8');
  const detail = pageJson<SessionDetail>(html, 'session-1');
  assert.equal(detail.segments.number.length, 600);
  assert.equal(detail.exchanges.length, LADDER_ROWS);
  assert.deepEqual(detail.exchanges[0], { segment: 1, fromClient: true, text: 'GET /0 HTTP/1.1', more: 499 });
  const [row] = pageJson<ReportData>(html, 'report-data').sessions;
  assert.equal(row!.hosts.length, 5);
  assert.equal(row!.hosts[0], `h500.${'x'.repeat(58)}…`);
  assert.equal(row!.moreHosts, 300_000 - 5);
  assert.ok(html.length < 1_000_000, `${html.length}`);
});

test('a page over what is left of the budget is not kept, its row is', () => {
  const path = join(dir, 'over.html');
  const { sink } = createReport(path, new SegmentRecorder(100), { title: 'x', maxDetailBytes: onePageBytes() - 1 });
  sink.session(session(1, 'reset'));
  sink.finish(new Statistics());
  const html = readFileSync(path, 'utf8');
  assert.deepEqual(pageJson<ReportData>(html, 'report-data').sessions.map((r) => [r.id, r.detail]), [[1, false]]);
  assert.equal(pageJson<ReportSummary>(html, 'report-summary').detailsNotKept, 1);
  assert.ok(!html.includes('id="session-1"'));
});

test('a row is charged for its size', () => {
  const memory = new MemoryAccount(1 << 30);
  const { sink } = createReport(join(dir, 'row-size.html'), new SegmentRecorder(100), { title: 'x', maxDetailBytes: 0 });
  sink.bind({ memory } as Pipeline);
  sink.session(session(1));
  const small = memory.byKind[MemoryKind.Records]!;
  const hosts = Array.from({ length: 5 }, (_, i) => ({ host: `${i}${'h'.repeat(63)}`, status: 200 }));
  sink.session(Object.assign(session(2), { records: { http: hosts } }));
  assert.ok(memory.byKind[MemoryKind.Records]! - 2 * small >= 2 * 5 * 60, `${small} ${memory.byKind[MemoryKind.Records]}`);
});

/** A reset session of one client segment whose request line is `path`, as the http dissector shows it (latin1-decoded). */
function sessionRequesting(recorder: SegmentRecorder, path: string): TcpSession {
  const requesting = Object.assign(session(1, 'reset'), { displayLines: [{ label: 'RequestLine', text: `GET ${path} HTTP/1.1`, dir: 'client', segment: 1 }] });
  recorder.open(requesting);
  const tcp = Object.assign(new TcpHeader(), { flags: TcpFlag.ACK | TcpFlag.PSH, seq: 1000, ack: 1, window: 500, payloadWireLength: 100, optionsOffset: 0, optionsLength: 0 });
  recorder.segment(requesting, { number: 1, time: 1_700_000_001, dir: 'client', tcp, buf: Buffer.alloc(0), marks: 0 } as unknown as SegmentEvent);
  return requesting;
}

/** Whether the report kept session 1's page with a budget of `maxDetailBytes`, and the page's element. */
function keptPage(requestPath: string, maxDetailBytes: number): { kept: boolean; element: string } {
  const path = join(dir, 'latin1.html');
  const recorder = new SegmentRecorder(100);
  recorder.attach(0);
  const { sink } = createReport(path, recorder, { title: 'x', maxDetailBytes });
  sink.session(sessionRequesting(recorder, requestPath));
  sink.finish(new Statistics());
  const element = firstPageElement(path);
  return { kept: element !== '', element };
}

test("the pages' budget counts the file's bytes: traffic text decoded as latin1 is two bytes a character past 0x7f", () => {
  // The bytes "café ©ÿ" in latin1, as a request's target on the wire.
  const requestPath = `/${Buffer.from('636166e920a9ff'.repeat(200), 'hex').toString('latin1')}`;
  const { element } = keptPage(requestPath, 1 << 20);
  const bytes = Buffer.byteLength(element);
  assert.ok(bytes > element.length + 500, `${bytes} bytes, ${element.length} characters`);
  assert.deepEqual([keptPage(requestPath, bytes).kept, keptPage(requestPath, bytes - 1).kept, keptPage(requestPath, element.length).kept], [true, false, false]);
});
