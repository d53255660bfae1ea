import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lazySchema, type TcpSession, type TriggerKind } from '@pakeana/framework';
import { PluginRegistry, TriggerBuilder, defaultServices } from '@pakeana/framework/internal';
import { LINEAR_RATIO, growth } from '@pakeana/framework/testing';
import plugin from './index.js';
import { parseCidr } from './cidr.js';
import { compilePattern } from './pattern.js';

test('CIDR for IPv4 and IPv6, and single addresses', () => {
  const v4 = parseCidr('10.0.0.0/8')!;
  assert.equal(v4.contains('10.77.1.1'), true);
  assert.equal(v4.contains('11.0.0.1'), false);
  assert.equal(v4.contains('fd00::1'), false);
  const v6 = parseCidr('fd77::/16')!;
  assert.equal(v6.contains('fd77:1::1'), true);
  assert.equal(v6.contains('fd78::1'), false);
  assert.equal(parseCidr('::ffff:10.0.0.1/128')!.contains('::ffff:10.0.0.1'), true);
  assert.equal(parseCidr('192.0.2.7')!.contains('192.0.2.7'), true);
  assert.equal(parseCidr('10.0.0.0/33'), null);
  assert.equal(parseCidr('example.com'), null);
});

test('patterns: globs and /regex/; a path glob ignores the query string', () => {
  assert.equal(compilePattern('/status/*', true)('/status/500?x=1'), true);
  assert.equal(compilePattern('/status/*', true)('/small'), false);
  assert.equal(compilePattern('/^\\/api\\/v[12]\\//', true)('/api/v2/users'), true);
  assert.equal(compilePattern('/^\\/api\\/v[12]\\//', true)('/api/v3/users'), false);
  assert.equal(compilePattern('*.example.com', false)('WWW.Example.com'), true);
  assert.equal(compilePattern('/^(GET|HEAD)$/', false)('POST'), false);
  assert.equal(compilePattern('/^(get|head)$/i', false)('HEAD'), true);
  assert.equal(compilePattern('P?T', false)('put'), true);
  assert.equal(compilePattern('/*.php', true)('/index.php?q=1'), true);
  assert.equal(compilePattern('/*.php', true)('/index.php5'), false);
  assert.equal(compilePattern('/\\.(php|asp)$/', true)('/a/b.asp'), true);
  assert.equal(compilePattern('/(?<=\\/v)\\d+$/', true)('/api/v12'), true);
});

/** Asserts that `run(2n)` takes at most LINEAR_RATIO times `run(n)` (see growth). */
function assertLinear(run: (size: number) => void, n: number): void {
  const { ratio, small, large } = growth(run, n);
  assert.ok(ratio <= LINEAR_RATIO, `size ${n}: ${small.toFixed(2)} ms, size ${2 * n}: ${large.toFixed(2)} ms`);
}

test('the glob /*/*/*/*.php on 1,000 and 2,000 slashes: the right answer, in linear time', () => {
  const glob = compilePattern('/*/*/*/*.php', true);
  assert.equal(glob('/'.repeat(1000)), false);
  assert.equal(glob('/'.repeat(1000) + 'x.php'), true);
  assert.equal(glob('/'.repeat(1000) + '.php?a=/b'), true);
  assert.equal(glob('/a/b.php'), false);
  assert.equal(glob('/a/b/c/d.php'), true);
  const timed = (slashes: number) => {
    const uris = ['/'.repeat(slashes), '/'.repeat(slashes) + 'x.php', '/a'.repeat(slashes) + '.php', '/' + 'a'.repeat(slashes) + '.php'];
    for (let i = 0; i < 400; i++) for (const uri of uris) glob(uri);
  };
  assertLinear(timed, 1000);
});

test('the regex /(a+)+$/ on 40 and 80 characters finishes in milliseconds', () => {
  for (const length of [40, 80]) {
    const start = performance.now();
    const regex = compilePattern('/(a+)+$/', false);
    assert.equal(regex('a'.repeat(length) + '!'), false);
    assert.equal(regex('a'.repeat(length)), true);
    assert.ok(performance.now() - start < 100, `${length} characters: ${performance.now() - start} ms`);
  }
});

test('regexes that need backtracking are refused, saying why', () => {
  assert.throws(() => compilePattern('/(a)\\1/', false), { message: '/(a)\\1/: the backreference \\1 cannot be matched in linear time (regexes run on RE2)' });
  assert.throws(() => compilePattern('/(?<x>a)\\k<x>/', false), /named backreference \\k<...> cannot be matched in linear time/);
  assert.throws(() => compilePattern('/^\\/(?!admin)/', true), /the lookahead \(\?!...\) cannot be matched in linear time/);
  assert.throws(() => compilePattern('/a(?=b)/', false), /the lookahead \(\?=...\)/);
  assert.throws(() => compilePattern('/(/', false), { message: /^\/\(\/: .*missing closing \)/ });
  assert.throws(() => compilePattern('/a/y', false), /the y \(sticky\) flag/);
  // Escaped or inside a class, the same characters are plain.
  assert.equal(compilePattern('/\\\\1[(?=]/', false)('\\1?'), true);
});

/** A nested trigger for the tests: fires on a record with `flag: true`. */
const flag: TriggerKind<object> = {
  name: 'test.flag',
  description: 'fires on a record with flag: true',
  options: lazySchema((z) => z.object({}).strict()),
  create: () => ({ name: 'test.flag', watch: (_session, fire) => ({ record: (_protocol, record) => (record as { flag?: boolean }).flag && fire() }) }),
};

const registry = new PluginRegistry(defaultServices());
registry.add(plugin, 'trigger-match');
registry.add({ triggers: [flag] }, 'test');
const builder = new TriggerBuilder(registry, defaultServices());
const session = { client: { ip: '192.0.2.1', port: 40000 }, server: { ip: '10.0.0.1', port: 80 } } as unknown as TcpSession;

/** Whether a `match` watch fired (1) or not (0) once started, after each record, and at the end. */
function firedAfter(conditions: object, records: object[]): number[] {
  let fired = 0;
  const watch = builder.build({ match: conditions }).watch(session, () => (fired = 1));
  const steps = [fired];
  for (const record of records) {
    watch.record?.('flag' in record ? 'test' : 'http', record);
    steps.push(fired);
  }
  watch.end?.();
  return [...steps, fired];
}

test('match composition: any, all, not and nested triggers, as the records arrive', () => {
  const get = (uri: string) => ({ method: 'GET', host: 'example.com', uri });
  assert.deepEqual(firedAfter({ server: '10.0.0.0/8' }, [get('/')]), [1, 1, 1]);
  assert.deepEqual(firedAfter({ all: [{ server: '10.0.0.0/8' }, { path: '/admin/*' }] }, [get('/'), get('/admin/x'), get('/')]), [0, 0, 1, 1, 1]);
  assert.deepEqual(firedAfter({ any: [{ client: '198.51.100.0/24' }, { host: '*.EXAMPLE.com' }] }, [get('/')]), [0, 0, 0]);
  assert.deepEqual(firedAfter({ any: [{ path: '/login' }, 'test.flag'] }, [get('/'), { flag: true }]), [0, 0, 1, 1]);
  assert.deepEqual(firedAfter({ all: [{ method: 'GET' }, { 'test.flag': {} }] }, [{ flag: true }, get('/')]), [0, 0, 1, 1]);
  // With `not`, decided at the end: over every record seen.
  assert.deepEqual(firedAfter({ all: [{ path: '/*' }, { not: { method: 'POST' } }] }, [get('/a'), get('/b')]), [0, 0, 0, 1]);
  assert.deepEqual(firedAfter({ all: [{ path: '/*' }, { not: { method: 'POST' } }] }, [get('/a'), { ...get('/b'), method: 'POST' }]), [0, 0, 0, 0]);
  assert.deepEqual(firedAfter({ not: 'test.flag' }, [get('/')]), [0, 0, 1]);
  assert.deepEqual(firedAfter({ not: 'test.flag' }, [{ flag: true }]), [0, 0, 0]);
});

test('sni: a glob or /regex/ on the TLS server name (case-insensitive), not on an HTTP host', () => {
  /** Whether `match: { sni: pattern }` fired over records given as [protocol, record]. */
  const fires = (pattern: string, ...records: [string, object][]) => {
    let fired = false;
    const watch = builder.build({ match: { sni: pattern } }).watch(session, () => (fired = true));
    for (const [protocol, record] of records) watch.record?.(protocol, record);
    return fired;
  };
  const hello = (serverName: string | null): [string, object] => ['tls', { serverName, version: 'TLSv13' }];
  assert.equal(fires('*.example.com', hello('WWW.Example.COM')), true);
  assert.equal(fires('*.example.com', hello('example.com')), false);
  assert.equal(fires('/^api\\d+\\./', hello(null), hello('api7.example.net')), true);
  assert.equal(fires('*', hello(null)), false);
  assert.equal(fires('www.example.com', ['http', { method: 'GET', host: 'www.example.com', uri: '/', serverName: 'www.example.com' }]), false);
  assert.deepEqual(builder.check({ match: { sni: ['a'] } }), [{ path: ['match'], message: 'sni: expected a pattern (glob or /regex/)' }]);
});

test('a bad pattern is a config problem at its place in the tree', () => {
  assert.deepEqual(builder.check({ match: { any: [{ port: 80 }, { path: '/^(a)\\1$/' }] } }), [
    { path: ['match'], message: 'any.1.path: /^(a)\\1$/: the backreference \\1 cannot be matched in linear time (regexes run on RE2)' },
  ]);
});

test('match checks each record once: 25k and 50k exchanges on one session grow linearly', () => {
  const trigger = builder.build({ match: { all: [{ server: '10.0.0.0/8' }, { any: [{ path: '/admin/*' }, { path: '/\\.php$/' }, { host: 'evil.*' }] }] } });
  const requests = Array.from({ length: 64 }, (_, i) => ({ method: 'GET', host: `www${i}.example.com`, uri: `/static/${i}.css?v=${i}` }));
  const exchanges = (n: number) => {
    // A few sessions per timing, for timings long enough to compare.
    for (let repeat = 0; repeat < 5; repeat++) {
      let fired = false;
      const watch = trigger.watch(session, () => (fired = true));
      for (let i = 0; i < n; i++) watch.record?.('http', requests[i & 63]!);
      watch.end?.();
      assert.equal(fired, false);
    }
  };
  assertLinear(exchanges, 25_000);
});
