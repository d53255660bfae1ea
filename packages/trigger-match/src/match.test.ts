import { test } from 'node:test';
import assert from 'node:assert/strict';
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
  assert.equal(compilePattern('*.example.com', false)('WWW.Example.com'), true);
  assert.equal(compilePattern('/^(GET|HEAD)$/', false)('POST'), false);
  assert.equal(compilePattern('P?T', false)('put'), true);
});
