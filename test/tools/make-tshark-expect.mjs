#!/usr/bin/env node
// tshark's view of the TCP sessions in captures, written as FILE.expect.json in the format of
// the shared corpus (/work/shared/corpus), so that tests can compare pakeana with tshark
// without tshark being installed.
//
//   node test/tools/make-tshark-expect.mjs FILE... [--out DIR]
//
// Writes DIR/<file name>.expect.json for each FILE (DIR defaults to the file's own folder).
// Needs tshark on PATH (the fixtures were made with tshark 4.0.17). Sessions are tshark's
// TCP streams (tcp.stream), in stream order. Per session:
//   client, server   the sender of a SYN (without ACK) is the client; else the receiver of a
//                    SYN+ACK; else the sender of the stream's first frame
//   packets          frames tshark assigns to the stream
//   bytes            TCP payload bytes per side, each byte once: the size of the union of
//                    the sequence ranges [seq, seq + tcp.len) seen (payload of a SYN starts
//                    at seq + 1); overlaps and retransmissions count once
//   retransmissions  frames tshark marks tcp.analysis.retransmission, .fast_retransmission
//                    or .spurious_retransmission (SYN retransmissions included)
//   resets           frames with the RST flag
//   requests         tshark's HTTP requests in order: {method, uri, host}; uri and host
//                    are null when tshark's value is empty or absent (no URI on the
//                    request line, no Host header)
//   statuses         tshark's HTTP response codes in order
// and facts beyond the corpus format:
//   synRetransmissions  frames with SYN set (SYN or SYN+ACK) that tshark marks retransmitted
//   lostSegments        frames tshark marks tcp.analysis.lost_segment ("previous segment
//                       not captured")
//   missingBytes        payload bytes never captured, both sides: holes in the sequence
//                       ranges between the first byte (ISN + 1 when the SYN was seen, else
//                       the lowest sequence seen) and the last (the FIN's sequence number
//                       when seen, else the highest end seen), plus bytes cut off by the
//                       snap length (frame.len - frame.cap_len) of frames that are not
//                       retransmissions
//   start, end          frame.time_epoch of the first and last frame (seconds, a number)
//   protocolOnPort      the protocol tshark dissects the stream's payload with (the first
//                       protocol after tcp in frame.protocols, e.g. http, ssh, socks, data),
//                       null when tshark never finishes a PDU on the stream
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** tshark's defaults for what decides the result, pinned against a user's preferences. */
const PREFERENCES = [
  'tcp.analyze_sequence_numbers:TRUE',
  'tcp.check_checksum:FALSE',
  'tcp.desegment_tcp_streams:TRUE',
  'tcp.reassemble_out_of_order:FALSE',
  'tcp.try_heuristic_first:FALSE',
  'tcp.no_subdissector_on_error:TRUE',
  'http.desegment_headers:TRUE',
  'http.desegment_body:TRUE',
];

const FIELDS = [
  'frame.number', 'frame.time_epoch', 'frame.len', 'frame.cap_len', 'frame.protocols',
  'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst',
  'tcp.stream', 'tcp.srcport', 'tcp.dstport', 'tcp.len', 'tcp.seq_raw',
  'tcp.flags.syn', 'tcp.flags.ack', 'tcp.flags.fin', 'tcp.flags.reset',
  'tcp.analysis.retransmission', 'tcp.analysis.fast_retransmission',
  'tcp.analysis.spurious_retransmission', 'tcp.analysis.lost_segment',
  'http.request.method', 'http.request.uri', 'http.host', 'http.response.code',
];

const SEPARATOR = '\t';
const AGGREGATOR = '\x01'; // between several occurrences of a field in one frame

function tshark(args) {
  const prefs = PREFERENCES.flatMap((p) => ['-o', p]);
  const r = spawnSync('tshark', ['-n', ...prefs, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  return r;
}

function tsharkVersion() {
  const r = tshark(['--version']);
  return `tshark ${(r.stdout.match(/TShark \(Wireshark\) ([\d.]+)/) ?? [])[1] ?? '?'}`;
}

/** One object per TCP frame: field name -> list of its occurrences (strings). */
function readFrames(file) {
  const fieldArgs = FIELDS.flatMap((f) => ['-e', f]);
  const r = tshark(['-r', file, '-Y', 'tcp', '-T', 'fields', '-E', `separator=${SEPARATOR}`,
    '-E', 'occurrence=a', '-E', `aggregator=${AGGREGATOR}`, ...fieldArgs]);
  // tshark stops with an error on a file cut in the middle of a record; what it read is kept
  if (r.status !== 0) console.error(`${file}: tshark: ${r.stderr.trim().split('\n').pop()}`);
  return r.stdout.split('\n').filter(Boolean).map((line) => {
    const values = line.split(SEPARATOR);
    return Object.fromEntries(FIELDS.map((f, i) => [f, values[i] ? values[i].split(AGGREGATOR) : []]));
  });
}

const one = (frame, field) => frame[field][0] ?? '';
const flag = (frame, field) => one(frame, field) === '1' || one(frame, field) === 'True';
const num = (frame, field) => Number(one(frame, field) || 0);

/** Source and destination of the TCP segment: the network layer just below tcp. */
function endpoints(frame) {
  const layers = one(frame, 'frame.protocols').split(':');
  const below = layers.slice(0, layers.indexOf('tcp')).reverse().find((p) => p === 'ip' || p === 'ipv6');
  const ip = (field) => frame[`${below ?? 'ip'}.${field}`].at(-1) ?? frame[`ipv6.${field}`].at(-1);
  return [{ ip: ip('src'), port: num(frame, 'tcp.srcport') }, { ip: ip('dst'), port: num(frame, 'tcp.dstport') }];
}

const isRetransmission = (f) => ['retransmission', 'fast_retransmission', 'spurious_retransmission']
  .some((kind) => f[`tcp.analysis.${kind}`].length > 0);
const sameEndpoint = (a, b) => a.ip === b.ip && a.port === b.port;

function chooseClient(frames) {
  const syn = frames.find((f) => flag(f, 'tcp.flags.syn') && !flag(f, 'tcp.flags.ack'));
  if (syn) return endpoints(syn);
  const synAck = frames.find((f) => flag(f, 'tcp.flags.syn'));
  if (synAck) return endpoints(synAck).reverse();
  return endpoints(frames[0]);
}

/** Offset of a 32-bit sequence number from a reference, in [-2^31, 2^31): handles wrap-around. */
function offset(seq, reference) {
  return ((((seq - reference) % 2 ** 32) + 2 ** 32 + 2 ** 31) % 2 ** 32) - 2 ** 31;
}

/** The sequence space one side used: payload ranges, the first byte after a SYN, the FIN. */
function sequenceLine(frames) {
  const line = { ranges: [], first: null, fin: null, cut: 0 };
  let reference = null;
  for (const f of frames) {
    const syn = flag(f, 'tcp.flags.syn');
    const seq = num(f, 'tcp.seq_raw') + (syn ? 1 : 0);
    reference ??= seq;
    const start = offset(seq, reference);
    const length = num(f, 'tcp.len');
    if (syn) line.first = start;
    if (length > 0) line.ranges.push([start, start + length]);
    if (flag(f, 'tcp.flags.fin')) line.fin = Math.max(line.fin ?? -Infinity, start + length);
    if (length > 0 && !isRetransmission(f)) line.cut += Math.min(length, num(f, 'frame.len') - num(f, 'frame.cap_len'));
  }
  return line;
}

/** Number of positions covered by a list of [start, end) ranges. */
function covered(ranges) {
  let total = 0;
  let end = -Infinity;
  for (const [s, e] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (e > end) total += e - Math.max(s, end);
    end = Math.max(end, e);
  }
  return total;
}

/** Bytes never captured on one side: holes between the first and last byte, and cut bytes. */
function missing(line) {
  const lowest = line.ranges.reduce((low, [s]) => Math.min(low, s), line.fin ?? Infinity);
  const first = line.first ?? lowest;
  const last = line.ranges.reduce((high, [, e]) => Math.max(high, e), line.fin ?? -Infinity);
  if (!(last > first)) return line.cut;
  const inside = line.ranges.map(([s, e]) => [Math.max(s, first), Math.min(e, last)]).filter(([s, e]) => e > s);
  return last - first - covered(inside) + line.cut;
}

/**
 * tshark's HTTP requests in one frame. Several requests can end in one frame (pipelining);
 * method, uri and host are paired by position, which is only sure when every request has a
 * Host header; otherwise the frame's HTTP trees are read one by one.
 */
function requestsIn(file, frame) {
  const methods = frame['http.request.method'];
  const uris = frame['http.request.uri'];
  const hosts = frame['http.host'];
  if (methods.length <= 1 || hosts.length === methods.length) {
    return methods.map((method, i) => ({ method, uri: uris[i] || null, host: hosts[i] || null }));
  }
  return requestsFromTree(file, one(frame, 'frame.number'));
}

function requestsFromTree(file, frameNumber) {
  const r = tshark(['-r', file, '-Y', `frame.number == ${frameNumber}`, '-T', 'json', '--no-duplicate-keys', '-J', 'http']);
  const layers = JSON.parse(r.stdout || '[]')[0]?._source.layers ?? {};
  const firstOf = (value) => [value ?? null].flat()[0];
  const requests = [];
  for (const http of [layers.http ?? []].flat()) {
    const line = Object.values(http).find((v) => v && typeof v === 'object' && 'http.request.method' in v);
    if (!line) continue;
    const [uri, host] = [firstOf(line['http.request.uri']), firstOf(http['http.host'])];
    requests.push({ method: firstOf(line['http.request.method']), uri: uri || null, host: host || null });
  }
  return requests;
}

function protocolOnPort(frames) {
  for (const f of frames) {
    const layers = one(f, 'frame.protocols').split(':');
    const tcp = layers.indexOf('tcp');
    if (tcp >= 0 && layers[tcp + 1]) return layers[tcp + 1];
  }
  return null;
}

function describe(file, frames) {
  const [client, server] = chooseClient(frames);
  const fromClient = frames.filter((f) => sameEndpoint(endpoints(f)[0], client));
  const fromServer = frames.filter((f) => !sameEndpoint(endpoints(f)[0], client));
  const lines = { client: sequenceLine(fromClient), server: sequenceLine(fromServer) };
  const retransmitted = frames.filter(isRetransmission);
  return {
    client,
    server,
    packets: frames.length,
    bytes: { client: covered(lines.client.ranges), server: covered(lines.server.ranges) },
    retransmissions: retransmitted.length,
    resets: frames.filter((f) => flag(f, 'tcp.flags.reset')).length,
    requests: frames.flatMap((f) => requestsIn(file, f)),
    statuses: frames.flatMap((f) => f['http.response.code'].map(Number)),
    synRetransmissions: retransmitted.filter((f) => flag(f, 'tcp.flags.syn')).length,
    lostSegments: frames.filter((f) => f['tcp.analysis.lost_segment'].length > 0).length,
    missingBytes: missing(lines.client) + missing(lines.server),
    start: num(frames[0], 'frame.time_epoch'),
    end: num(frames.at(-1), 'frame.time_epoch'),
    protocolOnPort: protocolOnPort(frames),
  };
}

/** Frames grouped by tcp.stream, in stream order. */
function streams(frames) {
  const byStream = new Map();
  for (const f of frames) {
    const id = one(f, 'tcp.stream');
    if (id === '') continue;
    if (!byStream.has(id)) byStream.set(id, []);
    byStream.get(id).push(f);
  }
  return [...byStream.entries()].sort((a, b) => Number(a[0]) - Number(b[0])).map(([, list]) => list);
}

function parseArgs(argv) {
  const outAt = argv.indexOf('--out');
  const outDir = outAt >= 0 ? argv[outAt + 1] : null;
  const files = argv.filter((a, i) => !a.startsWith('--') && (outAt < 0 || i !== outAt + 1));
  if (files.length === 0 || (outAt >= 0 && !outDir)) {
    console.error('usage: make-tshark-expect.mjs FILE... [--out DIR]');
    process.exit(2);
  }
  return { files, outDir };
}

function main() {
  const { files, outDir } = parseArgs(process.argv.slice(2));
  const tool = tsharkVersion();
  for (const file of files) {
    const sessions = streams(readFrames(file)).map((frames) => describe(file, frames));
    const out = join(outDir ?? dirname(file), `${basename(file)}.expect.json`);
    writeFileSync(out, JSON.stringify({ file: basename(file), tool, sessions }, null, 1) + '\n');
    console.log(`${out}: ${sessions.length} sessions`);
  }
}

main();
