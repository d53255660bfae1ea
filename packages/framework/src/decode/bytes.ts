// Multi-byte reads by hand for the per-packet path: Buffer's readUInt16BE/readUInt32BE cost a
// call and a range check each, several times per packet. Callers check bounds first.

export function u16be(buf: Uint8Array, at: number): number {
  return (buf[at]! << 8) | buf[at + 1]!;
}

export function u32be(buf: Uint8Array, at: number): number {
  return buf[at]! * 0x1000000 + ((buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!);
}

export function u32le(buf: Uint8Array, at: number): number {
  return buf[at + 3]! * 0x1000000 + ((buf[at + 2]! << 16) | (buf[at + 1]! << 8) | buf[at]!);
}
