/** TCP flag bits as they sit in the header's 13th byte. */
export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
} as const;

/**
 * A decoded TCP header, filled in place (no allocation). Offsets point into the packet's
 * buffer. Options are parsed into plain fields for the ones analysis needs; the raw options
 * stay at `optionsOffset` for printers.
 */
export class TcpHeader {
  srcPort = 0;
  dstPort = 0;
  seq = 0;
  ack = 0;
  flags = 0;
  window = 0;
  urgentPointer = 0;
  headerLength = 0;
  optionsOffset = 0;
  optionsLength = 0;
  /** Offset of the payload in the packet's buffer. */
  payloadOffset = 0;
  /** Payload bytes present in the buffer. */
  payloadLength = 0;
  /** Payload bytes on the wire (per the IP length); more than payloadLength when truncated. */
  payloadWireLength = 0;
  /** Options read from the header; -1 / false when absent. */
  mss = -1;
  windowScale = -1;
  sackPermitted = false;
  hasTimestamp = false;
  tsVal = 0;
  tsEcr = 0;
  /** Number of SACK blocks. */
  sackBlocks = 0;
}
