import { setTimeout as sleep } from 'node:timers/promises';
import { FrameBatch, type FrameGuard } from './frame-batch.js';
import type { FrameHandler } from './frame.js';

/** Link types as the `cap` binding names them, and their LINKTYPE_* numbers. */
const CAP_LINK_TYPES: Readonly<Record<string, number>> = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LINKTYPE_LINUX_SLL: 113,
  IEEE802_11_RADIO: 127,
};

/** A live capture that cannot start; the message says what to do. */
export class LiveCaptureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LiveCaptureError';
  }
}

export interface LiveCaptureOptions {
  /** Interface name (`eth0`, `lo`, `any`). */
  device: string;
  /** BPF filter, applied in the kernel. */
  filter?: string;
  /** libpcap's buffer in bytes (default `DEFAULT_BUFFER_SIZE`). */
  bufferSize?: number;
  /**
   * Runs the handling of each batch of frames (every frame handler call in it) under a
   * watchdog; after `interrupted` the capture hands on no more frames.
   */
  guard?: FrameGuard;
}

/**
 * libpcap's buffer by default: at 100,000 packets/s of 200 bytes, about half a second of
 * traffic waits there while the process is busy (a burst, garbage collection, a slow plugin).
 */
const DEFAULT_BUFFER_SIZE = 16 * 1024 * 1024;

/**
 * libpcap's buffer timeout: packets are handed over in blocks, a block when it is full or
 * this long after its first packet, so quiet traffic comes in batches of this many ms (one
 * guard run each, see FrameBatch), and the end of a capture waits this long (twice) for the
 * last block.
 */
const BUFFER_TIMEOUT_MS = 20;

/** libpcap's counters for a capture (`pcap_stats`), as miruo prints them. */
export interface LibpcapCounters {
  /** Packets received (on Linux: those that passed the filter), dropped ones included. */
  recv: number;
  /** Packets dropped because libpcap's buffer was full: the process did not keep up. */
  drop: number;
  /** Packets dropped by the interface or its driver. */
  ifdrop: number;
}

/**
 * `@pakeana/cap`: cap 0.2.1 whose addon hands packets over in batches with their libpcap
 * timestamps, and adds `read` and `stats` (packages/cap/PAKEANA.md).
 */
interface CapInstance {
  open(device: string, filter: string, bufferSize: number, arena: Buffer, records: Uint32Array, timeoutMs: number): string;
  /** Reads a batch of the packets ready now (a 'packets' event); returns their count. */
  read(): number;
  close(): void;
  stats(): LibpcapCounters;
  on(event: 'packets', listener: (count: number) => void): void;
}

interface CapModule {
  Cap: { new (): CapInstance; deviceList(): { name: string }[] };
}

const INSTALL_HINT =
  'live capture needs libpcap and the addon of @pakeana/cap built against it: install libpcap ' +
  '(Debian/Ubuntu: apt-get install libpcap-dev; Fedora: dnf install libpcap-devel; macOS has it), then run `npm rebuild @pakeana/cap`';

/** Loads `@pakeana/cap` only when a live capture starts, so reading files never needs libpcap. */
function loadCap(): CapModule {
  let cap: CapModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when a live capture starts
    cap = require('@pakeana/cap') as CapModule;
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new LiveCaptureError(`${INSTALL_HINT} (${detail})`);
  }
  if (typeof cap.Cap.prototype.read !== 'function') throw new LiveCaptureError(`${INSTALL_HINT} (the addon was built from other sources)`);
  return cap;
}

/**
 * Captures frames from an interface through libpcap (`@pakeana/cap`), each with the time
 * libpcap stamped it (nanoseconds where libpcap has them) and its length on the wire. The
 * addon reads every packet libpcap has ready into a FrameBatch at once, and the batch is
 * handed on under one run of the guard: no call into JavaScript per packet. The handler gets
 * a reused Frame object, as from file sources.
 */
export class LiveCapture {
  readonly linkType: number;
  private readonly cap: CapInstance;
  private readonly batch: FrameBatch;
  private closed = false;
  /**
   * libpcap's counters when the capture was stopped: every packet received then and not
   * dropped was handed on (`recv - drop` frames); null before, or when the device keeps none.
   */
  counters: LibpcapCounters | null = null;

  constructor(options: LiveCaptureOptions, onFrame: FrameHandler) {
    const { Cap } = loadCap();
    const devices = Cap.deviceList().map((d) => d.name);
    if (!devices.includes(options.device)) {
      throw new LiveCaptureError(`no such interface: ${options.device} (interfaces: ${devices.join(', ') || 'none visible'})`);
    }
    this.cap = new Cap();
    const batch = new FrameBatch(onFrame, options.guard);
    let linkName: string;
    try {
      const bufferSize = options.bufferSize ?? DEFAULT_BUFFER_SIZE;
      linkName = this.cap.open(options.device, options.filter ?? '', bufferSize, batch.arena, batch.records, BUFFER_TIMEOUT_MS);
    } catch (error) {
      throw new LiveCaptureError(describeOpenError(options, error));
    }
    const linkType = CAP_LINK_TYPES[linkName];
    if (linkType === undefined) {
      this.cap.close();
      throw new LiveCaptureError(`${options.device}: link type not supported for live capture (${linkName})`);
    }
    this.linkType = linkType;
    batch.linkType = linkType;
    this.batch = batch;
    this.cap.on('packets', batch.handle);
  }

  /** Capture time now, on the clock libpcap stamps frames with (the system's wall clock). */
  static now(): number {
    return Date.now() / 1000;
  }

  /**
   * Stops capturing: the packets libpcap received up to now are handed on first (those that
   * wait in libpcap's buffer, and in the block being filled: it is handed over within two
   * buffer timeouts), unless Ctrl-C cut a batch; later ones are not.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.counters = this.readCounters();
    const taken = this.counters ? this.counters.recv - this.counters.drop : Infinity;
    this.batch.limit = taken;
    await sleep(2 * BUFFER_TIMEOUT_MS);
    // Where `recv` counts packets the filter rejected (BSD), the buffer runs empty first.
    while (!this.batch.interrupted && this.batch.received < taken && this.cap.read() > 0);
    this.cap.close();
  }

  private readCounters(): LibpcapCounters | null {
    try {
      return this.cap.stats();
    } catch {
      return null; // a device whose driver keeps no counters
    }
  }
}

function describeOpenError(options: LiveCaptureOptions, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/permi|not permitted|EPERM|EACCES/i.test(message)) {
    return `${options.device}: permission denied: capture as root, or give node the capability (setcap cap_net_raw,cap_net_admin=eip "$(command -v node)")`;
  }
  if (/syntax|filter/i.test(message)) return `bad filter "${options.filter}": ${message}`;
  return `${options.device}: cannot capture: ${message}`;
}
