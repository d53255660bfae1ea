// Triggers and the YAML config end to end: `pakeana read` on the corpus captures, asserting
// which sessions are reported and why; bad configs with their exact FILE:LINE:COL messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPakeana } from './helpers.mjs';

const corpus = new URL('./fixtures/corpus/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'pakeana-triggers-'));

function config(name, text) {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Reported sessions as [client port, triggers] pairs, and the summary. */
function reported(capture, ...args) {
  const run = runPakeana(['read', join(corpus, capture), '--format', 'json', ...args]);
  assert.equal(run.status, 0, run.stderr);
  return { sessions: run.sessions.map((s) => [s.client.port, s.triggers]), summary: run.summary, records: run.sessions };
}

test('default triggers: the RST sessions of tcp-reset.pcap (the reset response and the refused connect)', () => {
  const { sessions, summary } = reported('tcp-reset.pcap');
  assert.deepEqual(sessions, [[34292, ['tcp.reset']], [42124, ['tcp.reset']]]);
  assert.deepEqual(summary.byTrigger, { 'tcp.reset': 2 });
});

test('default triggers: the SYN retransmission of tcp-syn-retrans.pcap', () => {
  assert.deepEqual(reported('tcp-syn-retrans.pcap').sessions, [[40214, ['tcp.syn-retransmit']]]);
});

test('default triggers: the fragmented session of ip-frag-tcp.pcap', () => {
  const { sessions, records } = reported('ip-frag-tcp.pcap');
  assert.deepEqual(sessions, [[40236, ['ip.fragment']]]);
  assert.equal(records[0].fragmented, true);
});

test('default triggers are quiet on a clean capture', () => {
  const { sessions, summary } = reported('http-basic.pcap', '--plugin', 'http');
  assert.deepEqual(sessions, []);
  assert.deepEqual([summary.sessions, summary.reported], [2, 0]);
});

test('http.status >= 500 on http-basic.pcap: the one session with /status/500', () => {
  const file = config('status.yaml', 'plugins: [http]\ntriggers:\n  - http.status: { min: 500 }\n');
  const { sessions, records } = reported('http-basic.pcap', '--config', file);
  assert.deepEqual(sessions, [[34246, ['http.status']]]);
  assert.ok(records[0].http.some((h) => h.uri === '/status/500' && h.status === 500));
});

test('http.latency over 1s on http-slow.pcap', () => {
  const file = config('latency.yaml', 'plugins: [http]\ntriggers:\n  - http.latency: { over: 1s }\n');
  const { sessions, records } = reported('http-slow.pcap', '--config', file);
  assert.deepEqual(sessions, [[34276, ['http.latency']]]);
  const slow = records[0].http.find((h) => h.uri.startsWith('/slow'));
  assert.ok(slow.responseTime - slow.requestTime > 1.1);
});

test('a match composition: server network AND a path, NOT a method', () => {
  const file = config(
    'match.yaml',
    `plugins: [http]
triggers:
  - match:
      all:
        - server: 10.77.2.0/24
        - path: /status/*
        - not: { method: POST }
`,
  );
  assert.deepEqual(reported('http-basic.pcap', '--config', file).sessions, [[34246, ['match']]]);
  const nested = config('nested.yaml', `plugins: [http]\ntriggers:\n  - match: { any: [ { client: 192.0.2.0/24 }, { http.status: { in: [304] } } ] }\n`);
  assert.deepEqual(reported('http-basic.pcap', '--config', nested).sessions, [[34250, ['match']]]);
});

test('shortcuts: --all, --reset=all, --retransmit, --long-connect', () => {
  assert.equal(reported('http-basic.pcap', '--all').sessions.length, 2);
  assert.deepEqual(reported('tcp-reset.pcap', '--reset').sessions.map((s) => s[1]), [['tcp.reset'], ['tcp.reset']]);
  assert.deepEqual(reported('http-lossy.pcap', '--retransmit', '0').sessions.map((s) => s[0]), [40172, 40188]);
  assert.deepEqual(reported('http-slow.pcap', '--long-connect=1000').sessions, [[34276, ['tcp.duration']]]);
  assert.deepEqual(reported('http-slow.pcap', '--long-delay=1000').sessions, [[34276, ['tcp.delay']]]);
});

function problems(name, text) {
  const file = config(name, text);
  const run = runPakeana(['config', 'validate', file]);
  assert.equal(run.status, 2);
  assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
  return run.stderr.trim().split('\n').map((line) => line.replace(`${file}:`, ''));
}

test('bad configs: every problem, with its line and column', () => {
  assert.deepEqual(problems('type.yaml', 'limits:\n  sessions: many\n'), ['2:13: limits.sessions: Invalid input: expected number, received string']);
  assert.deepEqual(problems('key.yaml', 'output:\n  format: json\n  colour: true\n'), ['3:3: output.colour: unknown key "colour"']);
  assert.deepEqual(problems('unknown.yaml', 'triggers:\n  - tcp.reset\n  - tcp.retransmitt\n'), [
    '3:5: triggers.1: unknown trigger "tcp.retransmitt" (known: all, http.latency, http.status, ip.fragment, mark, match, record, tcp.delay, tcp.duration, tcp.reset, tcp.retransmit, tcp.syn-retransmit, tls.alert, tls.certificate, tls.handshake, tls.version)',
  ]);
  assert.deepEqual(problems('option.yaml', 'triggers:\n  - tcp.retransmit: { after: soon }\n  - tcp.reset: { mod: all }\n'), [
    '2:30: triggers.0.tcp.retransmit.after: not a duration: "soon" (write 300ms, 10s, 2m)',
    '3:16: triggers.1.tcp.reset: Unrecognized key: "mod"',
  ]);
  assert.deepEqual(problems('syntax.yaml', 'triggers:\n  - tcp.reset\n bad: [\n'), [
    '3:1: All mapping items must start at the same column',
    '4:1: Flow sequence in block collection must be sufficiently indented and end with a ]',
  ]);
});

test('a bad config stops read with status 2 and the same lines', () => {
  const file = config('read.yaml', 'output:\n  format: xml\n');
  const run = runPakeana(['read', join(corpus, 'tcp-reset.pcap'), '--config', file]);
  assert.equal(run.status, 2);
  assert.equal(run.stderr.trim(), `${file}:2:11: output.format: Invalid option: expected one of "pretty"|"json"`);
});

test('the example config validates, and the JSON Schema names every trigger', () => {
  const example = new URL('../examples/triggers.yaml', import.meta.url).pathname;
  const run = runPakeana(['config', 'validate', example]);
  assert.equal(run.status, 0, run.stderr);
  const schema = JSON.parse(runPakeana(['config', 'schema']).stdout);
  const names = schema.properties.triggers.items.anyOf[0].enum;
  assert.deepEqual(names, ['all', 'http.latency', 'http.status', 'ip.fragment', 'mark', 'match', 'record', 'tcp.delay', 'tcp.duration', 'tcp.reset', 'tcp.retransmit', 'tcp.syn-retransmit', 'tls.alert', 'tls.certificate', 'tls.handshake', 'tls.version']);
});

test('the default and shortcut triggers, built without their schemas, have the options the schemas give', async () => {
  const { DEFAULT_TRIGGERS, shortcutTriggers } = await import('../packages/cli/dist/trigger-setup.js');
  const { PluginRegistry, defaultServices, optionsSchema } = await import('@pakeana/framework/internal');
  const registry = new PluginRegistry(defaultServices());
  await registry.load(['trigger-tcp']);
  const check = (built, asConfig) => {
    assert.deepEqual(built.map(([name]) => name), asConfig.map(([name]) => name));
    built.forEach(([name, parsed], i) => assert.deepEqual(parsed, optionsSchema(registry.trigger(name)).parse(asConfig[i][1]), name));
  };
  check(DEFAULT_TRIGGERS, [['tcp.reset', {}], ['tcp.syn-retransmit', {}], ['tcp.retransmit', { after: '1000ms' }], ['ip.fragment', {}]]);
  const flags = { all: true, reset: 'all', retransmit: 250, syn: true, 'long-connect': 5000, 'long-delay': 9, fragment: true };
  check(shortcutTriggers(flags), [
    ['all', {}],
    ['tcp.reset', { mode: 'all' }],
    ['tcp.retransmit', { after: '250ms' }],
    ['tcp.syn-retransmit', {}],
    ['tcp.duration', { over: '5000ms' }],
    ['tcp.delay', { over: '9ms' }],
    ['ip.fragment', {}],
  ]);
  check(shortcutTriggers({ reset: 'default' }), [['tcp.reset', {}]]);
});
