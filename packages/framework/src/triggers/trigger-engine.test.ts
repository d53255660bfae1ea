import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dissectFrames } from '../testing/dissect-capture.js';
import { Conversation } from '../testing/packet-builder.js';
import type { Trigger } from './api.js';
import { TriggerEngine } from './trigger-engine.js';

test("a watch's fire reports the session being called; a fire from outside a call is ignored", async () => {
  const late: (() => void)[] = [];
  const onSecondSegment: Trigger = {
    name: 'second-segment',
    watch: (_session, fire) => {
      late.push(fire);
      let segments = 0;
      return { segment: () => void (++segments === 2 && fire()) };
    },
  };
  const fired: [number, string][] = [];
  const engine = new TriggerEngine([onSecondSegment], (session, name) => void fired.push([session.clientPort, name]));
  const one = new Conversation('10.0.0.1:1000', '10.0.0.2:80').handshake();
  const other = new Conversation('10.0.0.1:1001', '10.0.0.2:80');
  other.segment('client', 'S', '', { consume: 1 });
  const { sessions } = await dissectFrames([...one.frames, ...other.frames], { observers: [engine] });
  late.forEach((fire) => fire()); // after the run: no session is being called
  assert.deepEqual(fired, [[1000, 'second-segment']]);
  assert.deepEqual(sessions.map((s) => s.triggers), [['second-segment'], []]);
});
