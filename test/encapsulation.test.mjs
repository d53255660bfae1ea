// Encapsulations: `pakeana read --all --format json` on one capture per encapsulation
// (test/fixtures/encap: vxlan.pcap captured through a Linux VXLAN link by make-vxlan.sh, the
// others made with scapy by make-crafted.py) finds the inner TCP sessions, their addresses,
// ports, bytes and HTTP, and says in `path` which VLANs and tunnels they came through. The
// same facts are checked against tshark's reading of each packet when tshark is installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { LinkType } from '@pakeana/framework/internal';
import { runPakeana } from './helpers.mjs';

const encap = new URL('./fixtures/encap/', import.meta.url).pathname;
const tshark = spawnSync('tshark', ['--version']).status === 0;

// The crafted exchange: GET /tunnel (45 bytes), 200 with a 5-byte body (43 bytes), 8 packets.
const crafted = (path, client = '192.168.1.1', server = '192.168.1.2') => ({
  client: ipPort(client, 40000),
  server: ipPort(server, 80),
  packets: 8,
  bytes: { client: 45, server: 43 },
  uri: '/tunnel',
  ...(path ? { path } : {}),
});

/** What each capture holds: its sessions in order. */
const expected = {
  'vxlan.pcap': [
    {
      client: '10.42.0.1:40000',
      server: '10.42.0.2:8080',
      packets: 12,
      bytes: { client: 87, server: 206 },
      uri: '/hello.txt',
      path: [{ type: 'vxlan', vni: 42, outer: '172.31.42.1>172.31.42.2' }],
    },
  ],
  'pppoe.pcap': [crafted([{ type: 'pppoe', session: 0x1234 }])],
  'chdlc.pcap': [crafted()],
  'ppp.pcap': [crafted()],
  'mpls.pcap': [crafted([{ type: 'mpls', labels: [100, 200] }]), crafted([{ type: 'mpls', labels: [500] }], '2001:db8::1', '2001:db8::2')],
  'gre.pcap': [crafted([{ type: 'gre', key: 77, outer: '10.0.0.1>10.0.0.2' }])],
  'gre-eth.pcap': [crafted([{ type: 'gre', outer: '2001:db8:ff::1>2001:db8:ff::2' }, { type: 'vlan', id: 30 }])],
  'erspan2.pcap': [crafted([{ type: 'erspan', version: 2, session: 55, outer: '10.9.0.1>10.9.0.2' }])],
  'erspan3.pcap': [crafted([{ type: 'erspan', version: 3, session: 66, outer: '10.9.0.1>10.9.0.2' }])],
  'geneve.pcap': [crafted([{ type: 'geneve', vni: 0x1234, outer: '10.0.0.1>10.0.0.2' }])],
  'ipip.pcap': [crafted([{ type: '4in4', outer: '10.0.0.1>10.0.0.2' }])],
  '6in4.pcap': [crafted([{ type: '6in4', outer: '10.0.0.1>10.0.0.2' }], '2001:db8::1', '2001:db8::2')],
  '4in6.pcap': [crafted([{ type: '4in6', outer: 'fd00::1>fd00::2' }])],
  'vlan-twins.pcap': [crafted([{ type: 'vlan', id: 100 }]), crafted([{ type: 'vlan', id: 10 }, { type: 'vlan', id: 200 }])],
  'vni-twins.pcap': [crafted([{ type: 'vxlan', vni: 1, outer: '10.0.0.1>10.0.0.2' }]), crafted([{ type: 'vxlan', vni: 2, outer: '10.0.0.1>10.0.0.2' }])],
};

function ipPort(ip, port) {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
const endpoint = (e) => ipPort(e.ip, e.port);
const runs = new Map();
function read(file) {
  if (!runs.has(file)) runs.set(file, runPakeana(['read', join(encap, file), '--plugin', 'http', '--all', '--format', 'json']));
  return runs.get(file);
}

/** A session as the table above describes one (`http`: with the first request's URI). */
function facts(session, http = true) {
  return {
    client: endpoint(session.client),
    server: endpoint(session.server),
    packets: session.packets,
    bytes: session.bytes,
    ...(http ? { uri: session.http?.[0]?.uri } : {}),
    ...(session.path ? { path: session.path } : {}),
  };
}

for (const [file, sessions] of Object.entries(expected)) {
  test(`${file}: the inner sessions, their bytes, HTTP and path`, () => {
    const run = read(file);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.sessions.map((session) => facts(session)), sessions);
    assert.deepEqual(run.summary.headerErrors, { link: 0, ip: 0, tcp: 0 });
  });
}

test('the same inner connection in two VLANs, and in two VXLAN networks, is two sessions', () => {
  for (const file of ['vlan-twins.pcap', 'vni-twins.pcap']) {
    const [a, b] = read(file).sessions;
    assert.deepEqual([a.client, a.server], [b.client, b.server], `${file}: the same addresses and ports`);
    assert.notDeepEqual(a.path, b.path);
    assert.deepEqual([a.bytes, b.bytes, a.state, b.state], [{ client: 45, server: 43 }, { client: 45, server: 43 }, 'closed', 'closed'], `${file}: each whole, none merged`);
  }
});

// tshark's view: each TCP packet's IP layers, encapsulations and ports from frame.protocols and
// the fields of each layer, made into the same session facts (grouped by the inner endpoints and
// the path, outer addresses in either order and MPLS labels left out, as pakeana keys sessions).
const FIELDS = ['frame.protocols', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'tcp.srcport', 'tcp.dstport', 'tcp.len', 'vlan.id', 'pppoe.session_id', 'mpls.label', 'gre.key', 'erspan.version', 'erspan.spanid', 'vxlan.vni', 'geneve.vni'];

function tsharkSessions(file) {
  const r = spawnSync('tshark', ['-r', join(encap, file), '-Y', 'tcp', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,', ...FIELDS.flatMap((f) => ['-e', f])], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const sessions = new Map();
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const row = Object.fromEntries(line.split('\t').map((value, i) => [FIELDS[i], value ? value.split(',') : []]));
    const { path, inner } = readLayers(row);
    const from = ipPort(inner[0], row['tcp.srcport'][0]);
    const to = ipPort(inner[1], row['tcp.dstport'][0]);
    const normalized = path.filter((l) => l.type !== 'mpls').map((l) => (l.outer ? { ...l, outer: l.outer.split('>').sort().join('|') } : l));
    const key = JSON.stringify([[from, to].sort(), normalized]);
    let s = sessions.get(key);
    if (!s) sessions.set(key, (s = { client: from, server: to, packets: 0, bytes: { client: 0, server: 0 }, path }));
    s.packets++;
    s.bytes[from === s.client ? 'client' : 'server'] += Number(row['tcp.len'][0]);
  }
  return [...sessions.values()].map(({ path, ...s }) => (path.length ? { ...s, path } : s));
}

/** The packet's path in pakeana's terms, and its innermost addresses, from tshark's layers. */
function readLayers(row) {
  const take = (field) => row[field].shift();
  const path = [];
  const protocols = row['frame.protocols'][0].split(':');
  let ip = null;
  protocols.forEach((p, i) => {
    const next = protocols[i + 1];
    const outer = ip && ip.join('>');
    if (p === 'ip' || p === 'ipv6') {
      ip = p === 'ip' ? [take('ip.src'), take('ip.dst')] : [take('ipv6.src'), take('ipv6.dst')];
      if (next === 'ip' || next === 'ipv6') path.push({ type: `${next === 'ip' ? 4 : 6}in${p === 'ip' ? 4 : 6}`, outer: ip.join('>') });
    } else if (p === 'vlan') path.push({ type: 'vlan', id: Number(take('vlan.id')) });
    else if (p === 'pppoes') path.push({ type: 'pppoe', session: Number(take('pppoe.session_id')) });
    else if (p === 'mpls') path.push({ type: 'mpls', labels: row['mpls.label'].splice(0).map(Number) });
    else if (p === 'gre' && next !== 'erspan') path.push({ type: 'gre', ...(row['gre.key'].length ? { key: Number(take('gre.key')) } : {}), outer });
    else if (p === 'erspan') {
      const version = take('erspan.version');
      path.push({ type: 'erspan', version: version === undefined ? 1 : Number(version) + 1, ...(version === undefined ? {} : { session: Number(take('erspan.spanid')) }), outer });
    } else if (p === 'vxlan') path.push({ type: 'vxlan', vni: Number(take('vxlan.vni')), outer });
    else if (p === 'geneve') path.push({ type: 'geneve', vni: Number(take('geneve.vni')), outer });
  });
  return { path, inner: ip };
}

test('tshark reads the same sessions, addresses, ports, bytes and paths', { skip: tshark ? false : 'tshark is not installed' }, () => {
  for (const file of Object.keys(expected)) {
    assert.deepEqual(
      read(file).sessions.map((session) => facts(session, false)),
      tsharkSessions(file),
      file,
    );
  }
});

test("the README's Encapsulations example is what its command prints", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const [, command, shown] = /^## Encapsulations\n[^]*?\(`pakeana (read [^`]+)`\):\n\n```json\n(.+)\n```/m.exec(readme) ?? [];
  assert.ok(command, 'the example is in the README');
  const run = runPakeana(command.split(' '), { cwd: new URL('..', import.meta.url).pathname });
  assert.equal(run.status, 0, run.stderr);
  assert.ok(run.stdout.split('\n')[0].includes(shown), `${shown} not in ${run.stdout.split('\n')[0]}`);
});

test("the README's link types are those pakeana decodes", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const [listed] = /^Link types read: [^]*?\. /m.exec(readme) ?? [''];
  const numbers = [...listed.matchAll(/\((\d+(?:, \d+)*)\)/g)].flatMap((m) => m[1].split(', ').map(Number));
  assert.deepEqual(numbers.sort((a, b) => a - b), Object.values(LinkType).sort((a, b) => a - b));
});
