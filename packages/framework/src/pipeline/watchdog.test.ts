import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Watchdog } from './watchdog.js';

test('work that returns is done; an endless loop is stopped at the bound; exceptions pass through', () => {
  const watchdog = new Watchdog(100);
  let ran = 0;
  assert.equal(watchdog.run(() => ran++), 'done');
  assert.equal(ran, 1);
  const start = Date.now();
  assert.equal(
    watchdog.run(() => {
      for (;;);
    }),
    'timeout',
  );
  const took = Date.now() - start;
  assert.ok(took >= 90 && took < 2000, `stopped after ${took} ms`);
  assert.throws(() => watchdog.run(() => { throw new RangeError('plain'); }), RangeError);
  assert.equal(watchdog.run(() => ran++), 'done', 'usable again after a timeout');
});
