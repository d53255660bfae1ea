#!/usr/bin/env node
// Makes tshark's view of captures, in the format of the shared corpus's *.expect.json:
//   node test/tools/make-tshark-expect.mjs FILE... [--out DIR]
// writes DIR/NAME.expect.json for each FILE (DIR defaults to the file's own folder).
// Per TCP stream (tcp.stream): client (SYN sender, else the first sender), server, packets,
// payload bytes per side counted once (the union of the sequence ranges seen), tshark's
// retransmissions (plain, fast and spurious) and resets, and the HTTP requests and status
// codes tshark decodes, in order. Needs tshark (made with 4.0).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const FIELDS = [
  'tcp.stream', 'ip.src', 'ipv6.src', 'tcp.srcport', 'ip.dst', 'ipv6.dst', 'tcp.dstport', 'tcp.len', 'tcp.seq_raw',
  'tcp.flags.syn', 'tcp.flags.ack', 'tcp.flags.reset', 'tcp.analysis.retransmission', 'tcp.analysis.fast_retransmission',
  'tcp.analysis.spurious_retransmission', 'http.request.method', 'http.request.uri', 'http.host', 'http.response.code',
  'frame.time_epoch',
];

function tsharkVersion() {
  const r = spawnSync('tshark', ['--version'], { encoding: 'utf8' });
  return `tshark ${(r.stdout.match(/TShark \(Wireshark\) ([\d.]+)/) ?? [])[1] ?? '?'}`;
}

function frames(file) {
  const args = ['-r', file, '-n', '-Y', 'tcp', '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=\x01'];
  for (const f of FIELDS) args.push('-e', f);
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  return r.stdout.split('\n').filter(Boolean).map((line) => {
    const v = line.split('\t');
    return Object.fromEntries(FIELDS.map((f, i) => [f, v[i] ?? '']));
  });
}

/** The first value of a field that occurs several times (tunnels, several HTTP messages). */
const first = (value) => value.split('\x01')[0];
const all = (value) => (value === '' ? [] : value.split('\x01'));

/** Bytes covered by a set of [start, end) ranges on a line that may wrap at 2^32. */
function covered(ranges) {
  if (ranges.length === 0) return 0;
  const base = ranges[0][0];
  const rel = ranges.map(([s, e]) => [(s - base + 2 ** 32) % 2 ** 32, (s - base + 2 ** 32) % 2 ** 32 + (e - s)]).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [cs, ce] = rel[0];
  for (const [s, e] of rel.slice(1)) {
    if (s > ce) {
      total += ce - cs;
      [cs, ce] = [s, e];
    } else ce = Math.max(ce, e);
  }
  return total + ce - cs;
}

function sessions(file) {
  const streams = new Map();
  for (const f of frames(file)) {
    const id = first(f['tcp.stream']);
    if (id === '') continue;
    const src = { ip: first(f['ip.src']) || first(f['ipv6.src']), port: Number(first(f['tcp.srcport'])) };
    const dst = { ip: first(f['ip.dst']) || first(f['ipv6.dst']), port: Number(first(f['tcp.dstport'])) };
    let s = streams.get(id);
    if (!s) {
      const synAck = first(f['tcp.flags.syn']) === '1' && first(f['tcp.flags.ack']) === '1';
      const [client, server] = synAck ? [dst, src] : [src, dst];
      s = { client, server, packets: 0, ranges: { client: [], server: [] }, retransmissions: 0, resets: 0, requests: [], statuses: [] };
      streams.set(id, s);
    }
    s.packets++;
    const side = src.ip === s.client.ip && src.port === s.client.port ? 'client' : 'server';
    const length = Number(first(f['tcp.len']) || 0);
    const seq = Number(first(f['tcp.seq_raw']) || 0);
    if (length > 0) s.ranges[side].push([seq, seq + length]);
    if (f['tcp.analysis.retransmission'] || f['tcp.analysis.fast_retransmission'] || f['tcp.analysis.spurious_retransmission']) s.retransmissions++;
    if (first(f['tcp.flags.reset']) === '1') s.resets++;
    const methods = all(f['http.request.method']);
    const uris = all(f['http.request.uri']);
    const hosts = all(f['http.host']);
    methods.forEach((method, i) => s.requests.push({ method, uri: uris[i] ?? null, host: hosts[i] ?? null }));
    for (const code of all(f['http.response.code'])) s.statuses.push(Number(code));
  }
  return [...streams.values()].map((s) => ({
    client: s.client,
    server: s.server,
    packets: s.packets,
    bytes: { client: covered(s.ranges.client), server: covered(s.ranges.server) },
    retransmissions: s.retransmissions,
    resets: s.resets,
    requests: s.requests,
    statuses: s.statuses,
  }));
}

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const outDir = outAt >= 0 ? args[outAt + 1] : null;
const files = args.filter((a, i) => !a.startsWith('--') && i !== outAt + 1 && /\.(pcap|pcapng|cap)$/.test(a));
const tool = tsharkVersion();
for (const file of files) {
  const expect = { file: basename(file), tool, sessions: sessions(file) };
  const out = join(outDir ?? dirname(file), `${basename(file)}.expect.json`);
  writeFileSync(out, JSON.stringify(expect, null, 1) + '\n');
  console.log(`${out}: ${expect.sessions.length} sessions`);
}
