import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from '../dissect/api.js';
import { MESSAGES_SHOWN_PER_PLUGIN, PluginFailures } from './plugin-failures.js';
import { Statistics } from './statistics.js';

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, warn: (message) => void warnings.push(message), debug: () => {} };
}

test('each failure is counted; a warning is printed once per plugin and message', () => {
  const stats = new Statistics();
  const logger = recordingLogger();
  const failures = new PluginFailures(stats, logger);
  assert.equal(failures.report('dissector', 'smtp', new Error('bad reply')), 'bad reply');
  failures.report('dissector', 'smtp', new Error('bad reply'));
  failures.report('dissector', 'smtp', new Error('no greeting'));
  failures.report('dissector', 'imap', new Error('bad reply'));
  assert.equal(failures.report('trigger', 'smtp.slow', 'a string'), 'a string');
  assert.deepEqual(stats.pluginErrors, { smtp: 3, imap: 1, 'smtp.slow': 1 });
  assert.deepEqual(logger.warnings, [
    'dissector smtp failed: bad reply (isolated for that session; counted in the summary)',
    'dissector smtp failed: no greeting (isolated for that session; counted in the summary)',
    'dissector imap failed: bad reply (isolated for that session; counted in the summary)',
    'trigger smtp.slow failed: a string (isolated for that session; counted in the summary)',
  ]);
});

test('with the stack (--debug) the warning carries the stack trace', () => {
  const logger = recordingLogger();
  const error = new Error('bad reply');
  new PluginFailures(new Statistics(), logger, true).report('dissector', 'smtp', error);
  assert.equal(logger.warnings.length, 1);
  assert.ok(logger.warnings[0]!.endsWith(`counted in the summary)\n${error.stack}`), logger.warnings[0]);
  assert.match(logger.warnings[0]!, /\n\s+at .*plugin-failures\.test\.js:\d+:\d+/);
});

test('messages that differ every time (quoting the traffic) stop printing after a few; all are counted', () => {
  const stats = new Statistics();
  const logger = recordingLogger();
  const failures = new PluginFailures(stats, logger);
  for (let i = 0; i < 100; i++) failures.report('dissector', 'smtp', new Error(`bad byte at offset ${i}`));
  failures.report('dissector', 'imap', new Error('other plugin'));
  assert.equal(stats.pluginErrors.smtp, 100);
  assert.equal(logger.warnings.length, MESSAGES_SHOWN_PER_PLUGIN + 2);
  assert.equal(logger.warnings[MESSAGES_SHOWN_PER_PLUGIN - 1], `dissector smtp failed: bad byte at offset ${MESSAGES_SHOWN_PER_PLUGIN - 1} (isolated for that session; counted in the summary)`);
  assert.equal(logger.warnings[MESSAGES_SHOWN_PER_PLUGIN], `dissector smtp failed with ${MESSAGES_SHOWN_PER_PLUGIN} different messages: further ones are only counted`);
  assert.match(logger.warnings.at(-1)!, /^dissector imap failed: other plugin/, 'another plugin still gets its warning');
});
