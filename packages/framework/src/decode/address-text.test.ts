import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAddress, formatAddressWords } from './address-text.js';

const v6 = (text: string) => {
  const [head, tail] = text.split('::') as [string, string | undefined];
  const part = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const h = part(head);
  const t = part(tail);
  const groups = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
  const buf = Buffer.alloc(16);
  groups.forEach((g, i) => buf.writeUInt16BE(g, i * 2));
  return buf;
};

test('IPv4 dotted quad', () => {
  assert.equal(formatAddress(Buffer.from([10, 77, 1, 1]), 0, 4), '10.77.1.1');
});

test('IPv6 compressed as RFC 5952 says', () => {
  const cases: [string, string][] = [
    ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['fe80:0:0:0:0:0:0:0', 'fe80::'],
  ];
  for (const [input, want] of cases) assert.equal(formatAddress(v6(input), 0, 16), want);
  assert.equal(formatAddress(v6('0:0:0:0:0:ffff:a4d:101'), 0, 16), '::ffff:10.77.1.1');
});

test('addresses from the flow table\'s 32-bit words read as from the bytes', () => {
  assert.equal(formatAddressWords([0x0a000001, 0xc0a80a02], 1, 1), '192.168.10.2');
  const v6 = Buffer.from('20010db8000000000000ff0000420001', 'hex');
  const words = [0, 1, 2, 3].map((i) => v6.readUInt32BE(i * 4));
  assert.equal(formatAddressWords(words, 0, 4), formatAddress(v6, 0, 16));
  assert.equal(formatAddressWords(words, 0, 4), '2001:db8::ff00:42:1');
});
