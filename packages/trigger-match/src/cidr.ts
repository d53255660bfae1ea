import { isIP } from 'node:net';

/** An IPv4 or IPv6 network; `contains` takes an address in text form. */
export interface Cidr {
  contains(ip: string): boolean;
}

/** `10.0.0.0/8`, `fd00::/8`, or a single address. Null when it is neither. */
export function parseCidr(text: string): Cidr | null {
  const [address, bitsText] = text.split('/') as [string, string | undefined];
  const version = isIP(address);
  if (!version) return null;
  const width = version === 4 ? 32 : 128;
  const bits = bitsText === undefined ? width : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > width) return null;
  const network = toBigInt(address);
  const mask = bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(width - bits);
  return {
    contains(ip: string) {
      if (isIP(ip) !== version) return false;
      return (toBigInt(ip) & mask) === (network & mask);
    },
  };
}

function toBigInt(ip: string): bigint {
  if (isIP(ip) === 4) return ip.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const groups = (s: string | undefined) => (s ? s.split(':') : []);
  let h = groups(head);
  let t = groups(tail);
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups.
  const expand = (list: string[]) => list.flatMap((g) => (g.includes('.') ? ipv4Groups(g) : [g]));
  h = expand(h);
  t = expand(t);
  const all = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

function ipv4Groups(dotted: string): string[] {
  const n = dotted.split('.').map(Number);
  return [((n[0]! << 8) | n[1]!).toString(16), ((n[2]! << 8) | n[3]!).toString(16)];
}
