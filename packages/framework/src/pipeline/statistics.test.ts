import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markKey, Statistics } from './statistics.js';

test('a plugin failure counts under its plugin, every other mark under itself', () => {
  assert.equal(markKey('dissector-error: smtp: bad reply at offset 17'), 'dissector-error: smtp');
  assert.equal(markKey('trigger-error: test.throws: boom: twice'), 'trigger-error: test.throws');
  assert.equal(markKey('http.gap-in-headers'), 'http.gap-in-headers');
  assert.equal(markKey('smtp: odd'), 'smtp: odd');
});

test('marks are counted in sessions: each key once per session, unmarked sessions not at all', () => {
  const stats = new Statistics();
  stats.countMarks([]);
  stats.countMarks(['http.gap-in-headers', 'dissector-error: smtp: a', 'dissector-error: smtp: b']);
  stats.countMarks(['dissector-error: smtp: c', 'tcp.overlap-conflict', 'http.gap-in-headers']);
  assert.equal(stats.markedSessions, 2);
  assert.deepEqual(stats.marks, { 'http.gap-in-headers': 2, 'dissector-error: smtp': 2, 'tcp.overlap-conflict': 1 });
});
