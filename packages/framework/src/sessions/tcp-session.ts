import type { DisplayLine, EndReason, Endpoint } from '../dissect/api.js';
import { BufferBudget, TcpStream } from '../reassembly/tcp-stream.js';
import type { StoredFrame } from '../sources/frame.js';
import { FlowLinks, type FlowEntry, type OpenEntry } from './flow-entry.js';
import { formatAddressWords } from '../decode/address-text.js';
import type { PathLayer } from '../decode/encapsulation.js';

const NONE: readonly string[] = Object.freeze([]);
const NO_RECORDS: Readonly<Record<string, object[]>> = Object.freeze({});

/** Per-session TCP counters: the `tcp` object of the session record (a public contract). */
export interface TcpCounters {
  retransmissions: number;
  outOfOrder: number;
  dupAcks: number;
  synRetransmissions: number;
  resets: number;
  zeroWindows: number;
  missingBytes: number;
}

/** `closed`: FIN both ways; `reset`; `timeout`: idle or evicted; `open`: still open at the end. */
export type SessionState = 'open' | 'closed' | 'reset' | 'timeout';

/** A dissector line kept for the pretty output, with the segment it belongs to. */
export interface SessionDisplayLine extends DisplayLine {
  segment: number;
}

/**
 * One TCP connection: both directions' streams, counters, and what plugins said about it.
 * Created by the flow table; fields the hot path touches are plain numbers.
 */
export class TcpSession extends FlowLinks implements FlowEntry {
  // Besides the flow-table links (FlowLinks): creation order.
  agePrev: OpenEntry | null = null;
  ageNext: OpenEntry | null = null;

  /**
   * The client's address as 32-bit words, then the server's (IPv4: one word each, IPv6:
   * four): plain numbers in one array, cheaper to make and keep than typed arrays.
   */
  readonly addressWords: number[];
  /** The encapsulation context of the flow (part of its key, see `FlowEntry`), 0 without. */
  context = 0;
  /** The VLANs and tunnels the session's first packet came through, outer first; null without. */
  path: readonly PathLayer[] | null = null;
  clientPort: number;
  serverPort: number;

  start = 0;
  /** Capture time of the last segment. */
  lastTime = 0;
  touchedAt = 0;
  touchedFrame = 0;
  packets = 0;
  /** Frame index of the session's first frame (export ordering). */
  firstFrame = 0;
  toServer: TcpStream;
  toClient: TcpStream;
  readonly tcp: TcpCounters = {
    retransmissions: 0,
    outOfOrder: 0,
    dupAcks: 0,
    synRetransmissions: 0,
    resets: 0,
    zeroWindows: 0,
    missingBytes: 0,
  };
  state: SessionState = 'open';
  endReason: EndReason | null = null;
  /** Time the connection closed (FIN both ways, or RST); -1 while open. */
  closedAt = -1;
  /** A RST was seen after a FIN (miruo's default reset trigger ignores those). */
  resetAfterFin = false;
  fragmented = false;
  // The three below share one empty value until their first entry: most sessions keep them
  // empty, and a SYN flood holds many thousands of sessions.
  /** Trigger names that fired, in firing order, each once. */
  triggers: readonly string[] = NONE;
  /** Anomalies marked by dissectors or the framework (`dissector-error: ...`). */
  marks: readonly string[] = NONE;
  /** Dissector records by dissector name (emptied once the session was handed to the sinks). */
  records: Readonly<Record<string, object[]>> = NO_RECORDS;
  /** Name of the dissector bound to the session, once one is. */
  protocol: string | null = null;
  /** Original frames, when an export is requested. */
  frames: StoredFrame[] | null = null;
  /** Dissector lines for the pretty output, when it is on. */
  displayLines: SessionDisplayLine[] | null = null;
  /** Per-session state of observers (analyzers, triggers, printers), by observer slot. */
  observerState: unknown[] = [];
  /** Segments seen (also numbers the segments). */
  segments = 0;
  /** True once the session was handed to the sinks (reported while open or finished). */
  reportedOpen = false;
  /** True once finished (a Tombstone takes its place in the flow table). */
  finished = false;
  /** True once a dissector was looked for (at the first payload segment). */
  dissectorBound = false;
  /** True once client and server were swapped (see `swapRoles`). */
  rolesSwapped = false;
  private clientEndpoint: Endpoint | null = null;
  private serverEndpoint: Endpoint | null = null;
  /** The dissector driving this session's streams, or the stream kept for it (`DeferredDissection`), if any. */
  dissector: { end(reason: EndReason): void } | null = null;

  constructor(
    readonly id: number,
    readonly hash: number,
    readonly ipVersion: 4 | 6,
    clientPort: number,
    serverPort: number,
    addressWords: number[],
    budget: BufferBudget,
  ) {
    super();
    this.clientPort = clientPort;
    this.serverPort = serverPort;
    this.addressWords = addressWords;
    this.toServer = new TcpStream(budget);
    this.toClient = new TcpStream(budget);
  }

  /** The client's address and port (the text is made on first use: most sessions are never printed). */
  get client(): Endpoint {
    return (this.clientEndpoint ??= this.endpoint(0, this.clientPort));
  }

  get server(): Endpoint {
    return (this.serverEndpoint ??= this.endpoint(1, this.serverPort));
  }

  private endpoint(side: 0 | 1, port: number): Endpoint {
    const words = this.ipVersion === 4 ? 1 : 4;
    return { ip: formatAddressWords(this.addressWords, side * words, words), port };
  }

  /**
   * Whether client and server may still be swapped: not when a SYN showed them, nor once they
   * were swapped, records were kept or the session was reported.
   */
  get rolesSwappable(): boolean {
    return !this.rolesSwapped && !this.toServer.synSeen && !this.toClient.synSeen && this.records === NO_RECORDS && !this.reportedOpen;
  }

  /**
   * Client and server change places: addresses, ports, the two streams (each keeps its bytes;
   * the receivers stay with the roles) and the direction of display lines. The flow table still
   * finds the session (its key is symmetric); observers are told by the tracker.
   */
  swapRoles(): void {
    this.rolesSwapped = true;
    const words = this.addressWords;
    const half = words.length >> 1;
    for (let i = 0; i < half; i++) [words[i], words[half + i]] = [words[half + i]!, words[i]!];
    [this.clientPort, this.serverPort] = [this.serverPort, this.clientPort];
    this.clientEndpoint = this.serverEndpoint = null;
    const { toServer, toClient } = this;
    [toServer.receiver, toClient.receiver] = [toClient.receiver, toServer.receiver];
    this.toServer = toClient;
    this.toClient = toServer;
    for (const line of this.displayLines ?? []) line.dir = line.dir === 'client' ? 'server' : 'client';
  }

  get duration(): number {
    return this.lastTime - this.start;
  }

  /** Payload bytes per side, each byte once. */
  get clientBytes(): number {
    return this.toServer.bytes;
  }

  get serverBytes(): number {
    return this.toClient.bytes;
  }

  addTrigger(name: string): boolean {
    if (this.triggers.includes(name)) return false;
    this.triggers = [...this.triggers, name];
    return true;
  }

  /**
   * Adds a mark once, last or at index `at`; true when it is new (observers are told by the
   * tracker, see `SessionTracker.mark`).
   */
  addMark(reason: string, at = this.marks.length): boolean {
    if (this.marks.includes(reason)) return false;
    const marks = [...this.marks];
    marks.splice(at, 0, reason);
    this.marks = marks;
    return true;
  }

  addRecord(protocol: string, record: object): void {
    const list = this.records[protocol];
    if (list) list.push(record);
    else this.records = { ...this.records, [protocol]: [record] };
  }
}
