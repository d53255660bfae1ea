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
  /** libpcap's buffer in bytes. */
  bufferSize?: number;
  /**
   * Runs the handling of each batch of frames (every frame handler call in it) under a
   * watchdog; after `interrupted` the capture hands on no more frames.
   */
  guard?: FrameGuard;
}

/** libpcap's counters for a capture (`pcap_stats`), as miruo prints them. */
export interface LibpcapCounters {
  /** Packets received (on Linux: those that passed the filter). */
  recv: number;
  /** Packets dropped because libpcap's buffer was full: the process did not keep up. */
  drop: number;
  /** Packets dropped by the interface or its driver. */
  ifdrop: number;
}

/** `@pakeana/cap`: cap 0.2.1 whose addon adds each packet's libpcap timestamp and `stats` (packages/cap). */
interface CapInstance {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  close(): void;
  stats(): LibpcapCounters;
  on(event: 'packet', listener: (nbytes: number, truncated: boolean, tsSec: number, tsNsec: number, wireLength: number) => void): void;
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
  if (typeof cap.Cap.prototype.stats !== 'function') throw new LiveCaptureError(`${INSTALL_HINT} (the addon was built from other sources)`);
  return cap;
}

/**
 * Captures frames from an interface through libpcap (`@pakeana/cap`), each with the time
 * libpcap stamped it (nanoseconds where libpcap has them) and its length on the wire.
 * libpcap's bytes are valid only during its callback, so frames are copied into a batch and
 * handed on some milliseconds later, many under one run of the guard (see FrameBatch). The
 * handler gets a reused Frame object, as from file sources.
 */
export class LiveCapture {
  readonly linkType: number;
  private readonly cap: CapInstance;
  private readonly batch: FrameBatch;
  private closed = false;
  /** libpcap's counters as the capture closed; null before, or when the device keeps none. */
  counters: LibpcapCounters | null = null;

  constructor(options: LiveCaptureOptions, onFrame: FrameHandler) {
    const { Cap } = loadCap();
    const devices = Cap.deviceList().map((d) => d.name);
    if (!devices.includes(options.device)) {
      throw new LiveCaptureError(`no such interface: ${options.device} (interfaces: ${devices.join(', ') || 'none visible'})`);
    }
    this.cap = new Cap();
    const buffer = Buffer.alloc(262144);
    let linkName: string;
    try {
      linkName = this.cap.open(options.device, options.filter ?? '', options.bufferSize ?? 16 * 1024 * 1024, buffer);
    } catch (error) {
      throw new LiveCaptureError(describeOpenError(options, error));
    }
    const linkType = CAP_LINK_TYPES[linkName];
    if (linkType === undefined) {
      this.cap.close();
      throw new LiveCaptureError(`${options.device}: link type not supported for live capture (${linkName})`);
    }
    this.linkType = linkType;
    const batch = new FrameBatch(onFrame, { linkType, guard: options.guard });
    this.batch = batch;
    this.cap.on('packet', (nbytes, _truncated, tsSec, tsNsec, wireLength) => batch.add(buffer, nbytes, wireLength, tsSec, tsNsec));
  }

  /** Frames captured so far. */
  get packets(): number {
    return this.batch.received;
  }

  /** Capture time now, on the clock libpcap stamps frames with (the system's wall clock). */
  static now(): number {
    return Date.now() / 1000;
  }

  /** Hands on the frames captured so far now (before the sessions are expired). */
  flush(): void {
    this.batch.flush();
  }

  /** Stops capturing; the frames captured before are handled first (unless Ctrl-C cut a batch). */
  close(): void {
    if (this.closed) return;
    this.counters = this.readCounters();
    this.closed = true;
    this.cap.close();
    this.batch.flush();
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
