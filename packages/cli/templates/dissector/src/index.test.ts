// Unit tests on crafted traffic: Conversation keeps the TCP sequence numbers, dissectFrames runs
// the frames through pakeana's pipeline (with options as a config file gives them), and
// fakeContext drives the dissector alone. Run with `npm test`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Conversation, dissectFrames, fakeContext } from '@pakeana/framework/testing';
import __IDENT__, { type __TYPE__Record } from './index.js';

/** A greeting, two commands and their replies (one an error by default), then FIN. */
function conversation(): Conversation {
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:2525').handshake();
  c.send('server', '220 service ready\r\n');
  c.send('client', 'NOOP\r\n').send('server', '250 ok\r\n');
  c.send('client', 'VRFY bob\r\n').wait(0.2).send('server', '450 try again later\r\n');
  return c.close();
}

const summary = (records: __TYPE__Record[]) => records.map((r) => [r.command, r.argument, r.code, r.error]);

test('commands and replies are paired; the greeting is a reply alone; errors are marked', async () => {
  const { sessions } = await dissectFrames(conversation().frames, { dissectors: [__IDENT__] });
  const [session] = sessions;
  assert.equal(session!.protocol, '__NAME__');
  const records = session!['__NAME__'] as __TYPE__Record[];
  assert.deepEqual(summary(records), [
    [null, null, 220, false],
    ['NOOP', null, 250, false],
    ['VRFY', 'bob', 450, true],
  ]);
  assert.ok(records[2]!.replyTime! - records[2]!.requestTime! >= 0.2);
  assert.deepEqual(session!.marks, ['__NAME__.error-reply']);
  assert.deepEqual(session!.display.map((d) => `${d.label}: ${d.text}`).slice(0, 2), ['Reply: 220 service ready', 'Command: NOOP']);
});

test('options: errorFrom moves the line between success and error', async () => {
  const { sessions } = await dissectFrames(conversation().frames, { dissectors: [__IDENT__], options: { __NAME__: { errorFrom: 500 } } });
  assert.deepEqual(summary(sessions[0]!['__NAME__'] as __TYPE__Record[]).map((r) => r[3]), [false, false, false]);
  assert.deepEqual(sessions[0]!.marks, []);
});

test('a bad option is one clear error', async () => {
  await assert.rejects(dissectFrames([], { dissectors: [__IDENT__], options: { __NAME__: { errorFrom: 42 } } }), /dissectors\.__NAME__\.errorFrom: Too small/);
});

test('a hole in the client stream loses the line it cut, not the next one', async () => {
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:2525').handshake();
  c.send('server', '220 ready\r\n').send('client', 'HE').lose('client', 20).send('client', 'LO\r\nNOOP\r\n');
  c.send('server', '250 ok\r\n').close();
  const { sessions } = await dissectFrames(c.frames, { dissectors: [__IDENT__] });
  assert.deepEqual(summary(sessions[0]!['__NAME__'] as __TYPE__Record[]), [
    [null, null, 220, false],
    ['NOOP', null, 250, false],
  ]);
});

test('the dissector alone: a multi-line reply split across segments, a long line cut', () => {
  const context = fakeContext<__TYPE__Record>({ dissector: __IDENT__, options: { maxLineLength: 20 } });
  const session = __IDENT__.create(context);
  session.data('server', Buffer.from('220 hi\r\n'), context.now);
  session.data('client', Buffer.from(`HELP ${'x'.repeat(100)}\r\n`), context.now);
  context.now += 1;
  session.data('server', Buffer.from('214-first\r\n21'), context.now);
  session.data('server', Buffer.from('4 last\r\n'), context.now);
  session.end('fin');
  assert.deepEqual(context.calls, ['confirm']);
  assert.deepEqual(
    context.records.map((r) => [r.command, r.argument, r.code, r.reply]),
    [
      [null, null, 220, 'hi'],
      ['HELP', 'x'.repeat(15), 214, 'first\nlast'],
    ],
  );
  assert.deepEqual(context.marks, ['__NAME__.long-line']);
});

test('probe: the server speaks first with a code', () => {
  const probe = __IDENT__.probe!;
  assert.equal(probe('server', Buffer.from('220 ready')), 'yes');
  assert.equal(probe('server', Buffer.from('22')), 'more');
  assert.equal(probe('server', Buffer.from('HTTP/1.1 200')), 'no');
  assert.equal(probe('client', Buffer.from('220 ')), 'no');
});
