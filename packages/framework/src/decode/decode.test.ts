import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAddress } from './address-text.js';
import { describePath } from './encapsulation.js';
import { decodeLink, LinkType } from './link.js';
import { transportKnownAfterReassembly } from './ipv6.js';
import { DecodedPacket, DecodeStatus } from './packet.js';
import { decodeTcp, formatTcpOptions } from './tcp.js';
import { TcpHeader } from './tcp-header.js';
import { newFrame } from '../sources/frame.js';
import { ethernetHeader, ipv4Header, ipv6Header, tcpFrame } from '../testing/packet-builder.js';

function decode(data: Buffer, linkType: number, wireLen = data.length) {
  const frame = newFrame();
  Object.assign(frame, { data, offset: 0, caplen: data.length, wireLen, linkType });
  const pkt = new DecodedPacket();
  const status = decodeLink(frame, pkt);
  return { status, pkt, src: status === DecodeStatus.Ok ? formatAddress(pkt.buf, pkt.srcOffset, pkt.addrLen) : '' };
}

const v4 = tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', srcPort: 1234, dstPort: 80, seq: 1, payload: 'hello' });
const ipPart = v4.subarray(14);

test('Ethernet, raw IP (101, 12, 14, 228), IPv6 raw (229)', () => {
  for (const [data, link] of [[v4, LinkType.ETHERNET], [ipPart, LinkType.RAW], [ipPart, LinkType.RAW_BSD], [ipPart, LinkType.RAW_OPENBSD], [ipPart, LinkType.IPV4]] as const) {
    const { status, pkt, src } = decode(data, link);
    assert.equal(status, DecodeStatus.Ok);
    assert.equal(src, '10.0.0.1');
    assert.equal(pkt.protocol, 6);
    assert.equal(pkt.l4Length, 25);
  }
  const v6 = tcpFrame({ src: '2001:db8::1', dst: '2001:db8::2', srcPort: 1, dstPort: 2, seq: 1 }).subarray(14);
  assert.equal(decode(v6, LinkType.IPV6).src, '2001:db8::1');
});

test('802.1Q and QinQ tags: in the path and the context; a priority tag (VLAN 0) in neither', () => {
  const tag = (tpid: number, vlan: number) => Buffer.from([tpid >> 8, tpid & 255, vlan >> 8, vlan & 255]);
  const qinq = Buffer.concat([v4.subarray(0, 12), tag(0x88a8, 100), tag(0x8100, 200), v4.subarray(12)]);
  const { status, pkt, src } = decode(qinq, LinkType.ETHERNET);
  assert.equal(status, DecodeStatus.Ok);
  assert.deepEqual([describePath(pkt), src], [[{ type: 'vlan', id: 100 }, { type: 'vlan', id: 200 }], '10.0.0.1']);
  assert.notEqual(pkt.context, 0);
  assert.equal(decode(v4, LinkType.ETHERNET).pkt.context, 0, 'no VLAN, no context');
  const priorityTagged = decode(Buffer.concat([v4.subarray(0, 12), tag(0x8100, 0x6000), v4.subarray(12)]), LinkType.ETHERNET);
  assert.deepEqual([priorityTagged.src, priorityTagged.pkt.pathLength, priorityTagged.pkt.context], ['10.0.0.1', 0, 0], 'VLAN 0: a priority tag, no VLAN');
  assert.equal(decode(Buffer.concat([v4.subarray(0, 12), tag(0x8100, 5)]), LinkType.ETHERNET).status, DecodeStatus.LinkError);
});

test('Linux SLL and SLL2', () => {
  const sll = Buffer.alloc(16);
  sll.writeUInt16BE(0x0800, 14);
  assert.equal(decode(Buffer.concat([sll, ipPart]), LinkType.LINUX_SLL).src, '10.0.0.1');
  const sll2 = Buffer.alloc(20);
  sll2.writeUInt16BE(0x0800, 0);
  sll2.writeUInt32BE(3, 4); // interface index
  assert.equal(decode(Buffer.concat([sll2, ipPart]), LinkType.LINUX_SLL2).src, '10.0.0.1');
});

test('BSD NULL and LOOP: the address family in either byte order', () => {
  const v6 = tcpFrame({ src: 'fe80::1', dst: 'fe80::2', srcPort: 1, dstPort: 2, seq: 1 }).subarray(14);
  for (const link of [LinkType.NULL, LinkType.LOOP]) {
    assert.equal(decode(Buffer.concat([Buffer.from([2, 0, 0, 0]), ipPart]), link).src, '10.0.0.1');
    assert.equal(decode(Buffer.concat([Buffer.from([0, 0, 0, 2]), ipPart]), link).src, '10.0.0.1');
    for (const af of [10, 24, 28, 30]) assert.equal(decode(Buffer.concat([Buffer.from([af, 0, 0, 0]), v6]), link).src, 'fe80::1');
    assert.equal(decode(Buffer.concat([Buffer.from([7, 0, 0, 0]), ipPart]), link).status, DecodeStatus.NotIp);
  }
});

test('unsupported link type, ARP, damaged IPv4', () => {
  assert.equal(decode(v4, 105).status, DecodeStatus.UnsupportedLink);
  assert.equal(decode(Buffer.concat([ethernetHeader(0x0806), Buffer.alloc(28)]), LinkType.ETHERNET).status, DecodeStatus.NotIp);
  const badVersion = Buffer.from(ipPart);
  badVersion[0] = 0x55;
  assert.equal(decode(badVersion, LinkType.IPV4).status, DecodeStatus.IpError);
  const badIhl = Buffer.from(ipPart);
  badIhl[0] = 0x44;
  assert.equal(decode(badIhl, LinkType.IPV4).status, DecodeStatus.IpError);
  assert.equal(decode(ipPart.subarray(0, 12), LinkType.IPV4).status, DecodeStatus.IpError);
});

test('IPv4 options, Ethernet padding, and a length field larger than the frame', () => {
  const tcp = v4.subarray(34);
  const ip = ipv4Header({ src: '1.2.3.4', dst: '5.6.7.8' }, tcp.length);
  const withOptions = Buffer.concat([Buffer.from([0x47]), ip.subarray(1, 20), Buffer.from([1, 1, 1, 1, 1, 1, 1, 0])]);
  withOptions.writeUInt16BE(28 + tcp.length, 2);
  const padded = Buffer.concat([ethernetHeader(0x0800), withOptions, tcp, Buffer.alloc(6)]);
  const { pkt } = decode(padded, LinkType.ETHERNET);
  assert.equal(pkt.l4Offset, 14 + 28);
  assert.equal(pkt.l4Length, tcp.length, 'padding is not payload');
  const lying = Buffer.from(ipPart);
  lying.writeUInt16BE(ipPart.length + 100, 2);
  assert.equal(decode(lying, LinkType.IPV4).pkt.l4WireLength, 25, 'uncut frame: the bytes present win');
  assert.equal(decode(lying, LinkType.IPV4, lying.length + 100).pkt.l4WireLength, 125, 'cut frame: the header says what was sent');
});

test('IPv4 fragment fields', () => {
  const frag = Buffer.from(ipPart);
  frag.writeUInt16BE(0x2000 | 3, 6); // MF, offset 24
  const { pkt } = decode(frag, LinkType.IPV4);
  assert.deepEqual([pkt.isFragment, pkt.moreFragments, pkt.fragmentOffset, pkt.fragmentId], [true, true, 24, 1]);
});

test('IPv6 extension headers: hop-by-hop, destination options, fragment', () => {
  const tcp = v4.subarray(34);
  const hop = Buffer.from([60, 0, 1, 4, 0, 0, 0, 0]); // next: destination options
  const dest = Buffer.from([44, 1, 1, 12, ...new Array(12).fill(0)]); // 16 bytes, next: fragment
  const frag = Buffer.from([6, 0, 0, 0, 0, 0, 0, 42]); // next: TCP, offset 0, last fragment... but see below
  frag.writeUInt16BE(1, 2); // M flag: more fragments
  const body = Buffer.concat([hop, dest, frag, tcp]);
  const ip = ipv6Header({ src: '2001:db8::a', dst: '2001:db8::b' }, body.length, 0);
  const { status, pkt } = decode(Buffer.concat([ip, body]), LinkType.IPV6);
  assert.equal(status, DecodeStatus.Ok);
  assert.deepEqual([pkt.protocol, pkt.isFragment, pkt.moreFragments, pkt.fragmentId, pkt.l4Offset], [6, true, true, 42, 40 + 32]);
});

test('IPv6: a chain of extension headers is bounded by the packet, not by a count', () => {
  const tcp = v4.subarray(34);
  const chain = (count: number) => Buffer.concat(Array.from({ length: count }, (_, i) => Buffer.from([i + 1 < count ? 60 : 6, 0, 1, 4, 0, 0, 0, 0])));
  const packet = (headers: Buffer, body: Buffer) => Buffer.concat([ipv6Header({ src: '2001:db8::a', dst: '2001:db8::b' }, headers.length + body.length, 60), headers, body]);
  for (const count of [20, 1000]) {
    const { status, pkt } = decode(packet(chain(count), tcp), LinkType.IPV6);
    assert.deepEqual([status, pkt.protocol, pkt.l4Offset, pkt.l4Length], [DecodeStatus.Ok, 6, 40 + 8 * count, tcp.length], `${count} headers`);
  }
  const endless = chain(30).subarray(0, 8 * 29); // the last header says another one follows, and none does
  assert.equal(decode(packet(endless, Buffer.alloc(0)), LinkType.IPV6).status, DecodeStatus.IpError);
});

test('IPv6 fragment starting with destination options: its transport is known after reassembly', () => {
  const fragmentOf = (next: number) => {
    const body = Buffer.concat([Buffer.from([next, 0, 0, 1, 0, 0, 0, 7]), Buffer.from([6, 0, 1, 4, 0, 0, 0, 0])]);
    return decode(Buffer.concat([ipv6Header({ src: '2001:db8::a', dst: '2001:db8::b' }, body.length, 44), body]), LinkType.IPV6).pkt;
  };
  const withOptions = fragmentOf(60);
  assert.deepEqual([withOptions.isFragment, withOptions.protocol, transportKnownAfterReassembly(withOptions)], [true, 60, true]);
  assert.equal(transportKnownAfterReassembly(fragmentOf(6)), false, 'TCP right after the fragment header');
  const v4Fragment = Buffer.from(ipPart);
  v4Fragment.writeUInt16BE(0x2000, 6);
  assert.equal(transportKnownAfterReassembly(decode(v4Fragment, LinkType.IPV4).pkt), false);
});

test('TCP header with every option, and options cut by the snap length', () => {
  const options = Buffer.from([2, 4, 5, 180, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 1, 3, 3, 7, 5, 10, 0, 0, 0, 1, 0, 0, 0, 9]);
  const frame = tcpFrame({ src: '1.1.1.1', dst: '2.2.2.2', srcPort: 5, dstPort: 6, seq: 0xfffffff0, ack: 7, flags: 'SA', options, payload: 'ab' });
  const tcp = new TcpHeader();
  const at = 34;
  assert.ok(decodeTcp(frame, at, frame.length - at, frame.length - at, tcp));
  assert.deepEqual(
    [tcp.srcPort, tcp.dstPort, tcp.seq, tcp.ack, tcp.flags, tcp.mss, tcp.sackPermitted, tcp.tsVal, tcp.tsEcr, tcp.windowScale, tcp.sackBlocks, tcp.payloadLength],
    [5, 6, 0xfffffff0, 7, 0x12, 1460, true, 1, 2, 7, 1, 2],
  );
  assert.equal(formatTcpOptions(frame, tcp.optionsOffset, tcp.optionsLength), 'mss=1460, sackOK, timestamp 1 2, nop, wscale=7, sack 1:9, nop, nop');
  const cut = new TcpHeader();
  assert.ok(decodeTcp(frame, at, 26, frame.length - at, cut), 'a header cut inside the options still decodes');
  assert.deepEqual([cut.mss, cut.hasTimestamp, cut.payloadLength, cut.payloadWireLength], [1460, false, 0, 2]);
  assert.equal(decodeTcp(frame, at, 19, 19, new TcpHeader()), false);
  const badOffset = Buffer.from(frame);
  badOffset[at + 12] = 0x40;
  assert.equal(decodeTcp(badOffset, at, frame.length - at, frame.length - at, new TcpHeader()), false);
});
