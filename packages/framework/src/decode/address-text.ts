/** Canonical text of an IP address held in a buffer: dotted quad, or RFC 5952 for IPv6. */
export function formatAddress(buf: Buffer, offset: number, length: number): string {
  if (length === 4) return `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(buf.readUInt16BE(offset + i));
  return formatIpv6Groups(groups);
}

/**
 * The same from 32-bit words (as the flow table keeps addresses): `count` words from `first`,
 * one for IPv4, four for IPv6.
 */
export function formatAddressWords(words: ArrayLike<number>, first: number, count: number): string {
  if (count === 1) {
    const w = words[first]!;
    return `${w >>> 24}.${(w >>> 16) & 255}.${(w >>> 8) & 255}.${w & 255}`;
  }
  const groups: number[] = [];
  for (let i = 0; i < count; i++) groups.push(words[first + i]! >>> 16, words[first + i]! & 0xffff);
  return formatIpv6Groups(groups);
}

function formatIpv6Groups(groups: number[]): string {
  // RFC 5952: compress the longest run (>= 2) of zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) => groups.slice(from, to).map((g) => g.toString(16)).join(':');
  if (isIpv4Mapped(groups)) return `::ffff:${groups[6]! >> 8}.${groups[6]! & 255}.${groups[7]! >> 8}.${groups[7]! & 255}`;
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

function isIpv4Mapped(groups: number[]): boolean {
  return groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
}
