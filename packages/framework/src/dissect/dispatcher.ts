import type { StreamReceiver } from '../reassembly/tcp-stream.js';
import type { TcpSession } from '../sessions/tcp-session.js';
import type { Direction, Dissector, DissectorSession, EndReason, Services, SessionContext, DisplayLine } from './api.js';

/** What a binding reports back to the session tracker. */
export interface DispatchHost {
  readonly services: Services;
  /** Capture time of the packet being processed. */
  now(): number;
  emitted(session: TcpSession, protocol: string, record: object): void;
  displayed(session: TcpSession, line: DisplayLine): void;
  /** Marks the session (once per reason) and tells the observers. */
  mark(session: TcpSession, reason: string): void;
  /** Swaps the session's client and server (see `SessionContext.swapRoles`); false when they are fixed. */
  swapRoles(session: TcpSession): boolean;
  /** A dissector threw: counts and reports it; returns the message for the session's mark. */
  dissectorFailed(dissector: string, error: unknown): string;
  /**
   * The binding whose dissector is being called, null between calls: when a watchdog stops a
   * call that never returned, this says whom to isolate (a `finally` would not run then).
   */
  calling: DissectorBinding | null;
}

const NONE: readonly Dissector[] = [];
const EMPTY = Buffer.alloc(0);

/** Bytes kept per session so that a dissector that rejects can be replaced by another. */
const REPLAY_LIMIT = 16 * 1024;
/** Bytes of each direction given to probes before detection gives up. */
const PROBE_LIMIT = 1024;

interface ReplayEntry {
  dir: Direction;
  bytes: Buffer | null;
  gap: number;
  at: number;
}

/**
 * The dissector table: dissectors by port, and the ones that can probe content.
 * `bind` gives a session its dispatcher binding (or null when no dissector could apply).
 */
export class DissectorTable {
  private readonly byPort = new Map<number, Dissector[]>();
  private readonly probing: Dissector[] = [];

  constructor(readonly dissectors: readonly Dissector[]) {
    for (const d of dissectors) {
      for (const port of d.ports ?? []) {
        const list = this.byPort.get(port) ?? [];
        if (!list.includes(d)) list.push(d); // each once: sessions share these lists as their candidates
        this.byPort.set(port, list);
      }
      if (d.probe) this.probing.push(d);
    }
  }

  /**
   * Candidates for a session, best first: server port, client port, then content probes.
   * The common case, dissectors by the server port alone, shares the table's list.
   */
  candidates(serverPort: number, clientPort: number): readonly Dissector[] {
    const byServer = this.byPort.get(serverPort) ?? NONE;
    const byClient = this.byPort.get(clientPort) ?? NONE;
    if (byClient === NONE && this.probing.length === 0) return byServer;
    const ordered = [...byServer, ...byClient, ...this.probing];
    return ordered.filter((d, i) => ordered.indexOf(d) === i);
  }

  /** True when a dissector claims `port`: the likely server side of a session seen mid-stream. */
  claimsPort(port: number): boolean {
    return this.byPort.has(port);
  }

  /** True when `d` claims one of the session's ports. */
  claims(d: Dissector, session: TcpSession): boolean {
    return (this.byPort.get(session.serverPort) ?? NONE).includes(d) || (this.byPort.get(session.clientPort) ?? NONE).includes(d);
  }

  /** True when some dissector may take the session (`bind` gives a binding). */
  applies(session: TcpSession): boolean {
    return this.dissectors.length > 0 && this.candidates(session.serverPort, session.clientPort).length > 0;
  }

  bind(session: TcpSession, host: DispatchHost): DissectorBinding | null {
    if (this.dissectors.length === 0) return null;
    const candidates = this.candidates(session.serverPort, session.clientPort);
    return candidates.length === 0 ? null : new DissectorBinding(session, candidates, this, host);
  }
}

/**
 * Drives one session's dissector: picks it (port, then probes), feeds it, replaces it when
 * it rejects before confirming, and isolates it when it throws.
 */
export class DissectorBinding implements TwoWayReceiver<Direction> {
  private active: DissectorSession | null = null;
  private activeDissector: Dissector | null = null;
  private activeContext: SessionContext | null = null;
  private confirmed = false;
  private done = false;
  /** The active dissector asked for the roles to be swapped: done once its call returns. */
  private swapRequested = false;
  private replay: ReplayEntry[] | null = [];
  private replayBytes = 0;
  /** The first bytes of each direction, while probing. */
  private heads: Record<Direction, Buffer> | null = null;
  private readonly tried: Dissector[] = [];
  /** Stream receivers for the session's two directions. */
  readonly clientReceiver: StreamReceiver = new DirectionReceiver(this, 'client');
  readonly serverReceiver: StreamReceiver = new DirectionReceiver(this, 'server');

  constructor(
    private readonly session: TcpSession,
    private readonly candidates: readonly Dissector[],
    private readonly table: DissectorTable,
    private readonly host: DispatchHost,
  ) {
    const first = candidates[0];
    if (first && table.claims(first, session)) this.activate(first);
  }

  data(dir: Direction, buf: Buffer, offset: number, length: number): void {
    if (this.done) return;
    const at = this.host.now();
    if (this.replay) this.remember({ dir, bytes: Buffer.from(buf.subarray(offset, offset + length)), gap: 0, at });
    if (!this.active) {
      this.probe(dir, buf.subarray(offset, offset + length));
      return;
    }
    const host = this.host;
    host.calling = this;
    try {
      const active = this.active;
      if (active.dataRange) active.dataRange(dir, buf, offset, length, at);
      else active.data(dir, buf.subarray(offset, offset + length), at);
    } catch (error) {
      this.fail(this.activeDissector, error);
    }
    host.calling = null;
    if (this.swapRequested) this.restartSwapped();
  }

  /** The dissector's current call was cut off (`why`: it ran too long, or Ctrl-C): isolate it. */
  stopped(why: string): void {
    this.fail(this.activeDissector, new Error(why));
  }

  gap(dir: Direction, length: number): void {
    if (this.done) return;
    const at = this.host.now();
    if (this.replay) this.remember({ dir, bytes: null, gap: length, at });
    if (this.active) this.call(() => this.active?.gap(dir, length, at));
  }

  end(reason: EndReason): void {
    if (this.done) return;
    this.replay = null;
    // Still current during end(): the dissector may emit its last records.
    if (this.active) this.call(() => this.active?.end(reason));
    this.done = true;
    this.active = null;
  }

  private remember(entry: ReplayEntry): void {
    this.replayBytes += entry.bytes?.length ?? 0;
    if (this.replayBytes > REPLAY_LIMIT) {
      // Too much to replay: whatever is active now stays without the option to step back.
      this.replay = null;
      return;
    }
    this.replay!.push(entry);
  }

  private probe(dir: Direction, bytes: Buffer): void {
    const heads = (this.heads ??= { client: EMPTY, server: EMPTY });
    const head = heads[dir];
    if (head.length < PROBE_LIMIT) {
      heads[dir] = Buffer.concat([head, bytes.subarray(0, PROBE_LIMIT - head.length)]);
    }
    let undecided = false;
    for (const d of this.candidates) {
      if (this.tried.includes(d) || !d.probe) continue;
      const verdict = this.safeProbe(d, dir, heads[dir]);
      if (verdict === 'yes') {
        this.activate(d);
        this.replayInto();
        return;
      }
      if (verdict === 'more') undecided = true;
    }
    const full = heads.client.length >= PROBE_LIMIT || heads.server.length >= PROBE_LIMIT;
    const bothDirectionsSeen = heads.client.length > 0 && heads.server.length > 0;
    if ((!undecided || full) && bothDirectionsSeen) this.giveUp();
    else if (!this.replay) this.giveUp();
  }

  private safeProbe(d: Dissector, dir: Direction, head: Buffer) {
    this.host.calling = this;
    try {
      return d.probe!(dir, head);
    } catch (error) {
      // Isolated like a throw from data(): not asked again for this session, and visible.
      this.tried.push(d);
      this.host.mark(this.session, `dissector-error: ${d.name}: ${this.host.dissectorFailed(d.name, error)}`);
      return 'no' as const;
    } finally {
      this.host.calling = null;
    }
  }

  private activate(d: Dissector): void {
    if (!this.tried.includes(d)) this.tried.push(d);
    this.activeDissector = d;
    this.confirmed = false;
    const context = this.contextFor(d);
    this.activeContext = context;
    this.call(() => {
      this.active = d.create(context);
      this.session.protocol = d.name;
    });
  }

  private replayInto(): void {
    const active = this.active;
    for (const entry of this.replay ?? []) {
      // Stops when the dissector was replaced meanwhile (a swap replays everything itself).
      if (!active || this.active !== active) return;
      this.call(() => (entry.bytes ? active.data(entry.dir, entry.bytes, entry.at) : active.gap(entry.dir, entry.gap, entry.at)));
    }
  }

  private contextFor(d: Dissector): SessionContext {
    const session = this.session;
    const host = this.host;
    // This context's session only: a dissector restarted by `swapRoles` gets a new one.
    const isCurrent = () => this.activeContext === context && !this.done;
    const context: SessionContext = {
      id: session.id,
      client: session.client,
      server: session.server,
      services: host.services,
      options: host.services.options(d.name),
      displaying: session.displayLines !== null,
      emit: (record) => {
        if (isCurrent()) host.emitted(session, d.name, record);
      },
      display: (line) => {
        if (isCurrent()) host.displayed(session, line);
      },
      mark: (reason) => host.mark(session, reason),
      confirm: () => {
        if (!isCurrent()) return;
        this.confirmed = true;
        this.replay = null;
      },
      reject: (reason) => {
        if (isCurrent() && !this.confirmed) this.stepBack(d, reason);
      },
      swapRoles: () => {
        if (!isCurrent() || this.confirmed || !this.replay || this.swapRequested || !host.swapRoles(session)) return false;
        this.swapRequested = true;
        return true;
      },
    };
    return context;
  }

  /**
   * The roles were swapped during the active dissector's call: it is replaced by a new session
   * of the same dissector, which gets the bytes seen so far with their directions swapped.
   */
  private restartSwapped(): void {
    this.swapRequested = false;
    const d = this.activeDissector;
    if (!d || this.done || !this.replay) return;
    for (const entry of this.replay) entry.dir = entry.dir === 'client' ? 'server' : 'client';
    this.active = null;
    this.activate(d);
    this.replayInto();
  }

  /** The active dissector rejected the bytes: try the next candidate on what was seen. */
  private stepBack(d: Dissector, reason: string): void {
    this.active = null;
    this.activeDissector = null;
    if (this.session.protocol === d.name) this.session.protocol = null;
    this.host.services.logger.debug(`session ${this.session.id}: ${d.name} stepped back: ${reason}`);
    if (!this.replay) {
      this.giveUp();
      return;
    }
    const next = this.candidates.find((c) => !this.tried.includes(c) && (this.table.claims(c, this.session) || c.probe));
    if (!next) {
      this.giveUp();
      return;
    }
    if (this.table.claims(next, this.session)) {
      this.activate(next);
      this.replayInto();
      return;
    }
    this.heads = null;
    for (const entry of this.replay) if (entry.bytes && !this.active && !this.done) this.probe(entry.dir, entry.bytes);
  }

  private giveUp(): void {
    this.done = true;
    this.replay = null;
    this.active = null;
  }

  private call(fn: () => void): void {
    this.host.calling = this;
    try {
      fn();
    } catch (error) {
      this.fail(this.activeDissector, error);
    }
    this.host.calling = null;
    if (this.swapRequested) this.restartSwapped();
  }

  private fail(d: Dissector | null, error: unknown): void {
    const message = this.host.dissectorFailed(d?.name ?? '?', error);
    this.host.mark(this.session, `dissector-error: ${d?.name ?? '?'}: ${message}`);
    this.done = true;
    this.active = null;
    this.replay = null;
  }
}

/** What takes both directions' streams, told which direction each call is for. */
export interface TwoWayReceiver<Side> {
  data(side: Side, buf: Buffer, offset: number, length: number): void;
  gap(side: Side, length: number): void;
}

/** One direction's stream receiver: `target`'s calls with the direction added (no closures per session). */
export class DirectionReceiver<Side> implements StreamReceiver {
  constructor(
    private readonly target: TwoWayReceiver<Side>,
    private readonly side: Side,
  ) {}

  data(buf: Buffer, offset: number, length: number): void {
    this.target.data(this.side, buf, offset, length);
  }

  gap(length: number): void {
    this.target.gap(this.side, length);
  }

  end(): void {}
}
