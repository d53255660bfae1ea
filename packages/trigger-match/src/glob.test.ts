import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Glob } from './glob.js';

const matches = (glob: string, value: string, ignoreCase = false) => new Glob(glob, ignoreCase).matches(value);

test('glob: * is any run (empty, or with /), ? one character, anchored at both ends', () => {
  assert.equal(matches('/api/*', '/api/'), true);
  assert.equal(matches('/api/*', '/api/v1/users'), true);
  assert.equal(matches('/api/*', '/v2/api/x'), false);
  assert.equal(matches('*.css', '/a/b.css'), true);
  assert.equal(matches('*.css', '/a/b.css.map'), false);
  assert.equal(matches('/a?c', '/abc'), true);
  assert.equal(matches('/a?c', '/ac'), false);
  assert.equal(matches('/a?c', '/abbc'), false);
  assert.equal(matches('*', ''), true);
  assert.equal(matches('', ''), true);
  assert.equal(matches('', 'x'), false);
  assert.equal(matches('/x', '/x'), true);
  assert.equal(matches('/x', '/xy'), false);
});

test('glob: the parts between stars do not overlap, and each takes its leftmost place', () => {
  assert.equal(matches('ab*ba', 'aba'), false);
  assert.equal(matches('ab*ba', 'abba'), true);
  assert.equal(matches('*a*a*', 'a'), false);
  assert.equal(matches('*a*a*', 'xaxa'), true);
  assert.equal(matches('/*/*/', '//'), false);
  assert.equal(matches('/*/*/', '///'), true);
  assert.equal(matches('*a?c*', 'xaaxc'), true);
  assert.equal(matches('*a?c*', 'xxabxac'), false);
  assert.equal(matches('*a?c*x', 'abcx'), true);
  assert.equal(matches('*a?c*x', 'abx'), false);
  assert.equal(matches('*ab*ab', 'abab'), true);
  assert.equal(matches('*ab*ab', 'aab'), false);
});

test('glob: brackets, braces and backslashes are plain characters', () => {
  assert.equal(matches('/a[1]/*', '/a[1]/b'), true);
  assert.equal(matches('/a[1]/*', '/a1/b'), false);
  assert.equal(matches('/{a,b}\\x', '/{a,b}\\x'), true);
  assert.equal(matches('/a.c', '/abc'), false);
});

test('glob: ignoring case, for ASCII letters only', () => {
  assert.equal(matches('*.Example.COM', 'WWW.EXAMPLE.com', true), true);
  assert.equal(matches('p?t', 'PUT', true), true);
  assert.equal(matches('*.example.com', 'WWW.EXAMPLE.com'), false);
  assert.equal(matches('é*', 'É', true), false);
});

test('glob: matching up to an end (a path without its query string)', () => {
  const glob = new Glob('/*.php', false);
  const uri = '/index.php?next=/x';
  assert.equal(glob.matches(uri, uri.indexOf('?')), true);
  assert.equal(glob.matches(uri), false);
  assert.equal(new Glob('/index.php', false).matches(uri, 10), true);
  assert.equal(new Glob('*?', false).matches('ab', 0), false);
});

test('glob: agrees with the equivalent regex on 5,000 random short globs and values', () => {
  let seed = 12;
  const random = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) % n;
  let matched = 0;
  const word = (alphabet: string, length: number) => Array.from({ length }, () => alphabet[random(alphabet.length)]).join('');
  for (let i = 0; i < 5_000; i++) {
    const glob = word('ab/*?A', random(7));
    const value = word('ab/Ax', random(9));
    const ignoreCase = random(2) === 1;
    const source = glob.replace(/[/?*]/g, (c) => (c === '*' ? '[^]*' : c === '?' ? '[^]' : '\\/'));
    const expected = new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
    matched += +expected;
    assert.equal(new Glob(glob, ignoreCase).matches(value), expected, `${glob} on ${value}${ignoreCase ? ', ignoring case' : ''}`);
  }
  assert.ok(matched > 250, `only ${matched} matches: the cases are too easy`);
});
