import { lazySchema, type PluginModule, type SegmentEvent, type SessionWatch, type TcpSession, type Trigger, type TriggerContext, type TriggerKind } from '@pakeana/framework';
import { parseCidr, type Cidr } from './cidr.js';
import { compilePattern } from './pattern.js';
import { markTrigger, recordTrigger } from './record-triggers.js';

/**
 * `match`: address, port, HTTP and TLS conditions, composable with `any`, `all` and `not`, where
 * any item may also be another trigger (`{ tcp.duration: { over: 10s } }`), true once it fired.
 *
 *   match: { all: [ { server: 10.0.0.0/8 }, { tcp.duration: { over: 10s } } ] }
 *   match: { any: [ { mark: 'http.*' }, { record: { protocol: smtp, where: { code: { min: 500 } } } } ] }
 *
 * Without `not`, the expression can only become true, so it fires as soon as it holds; with
 * `not` it is decided when the session ends.
 */
type Node = { kind: 'all' | 'any'; items: Node[] } | { kind: 'not'; item: Node } | { kind: 'leaf'; slot: number };

/** The record field each record leaf reads: HTTP's method, host and URI, TLS's server name (SNI). */
const RECORD_FIELDS = { method: ['http', 'method'], host: ['http', 'host'], path: ['http', 'uri'], sni: ['tls', 'serverName'] } as const;
type RecordLeaf = keyof typeof RECORD_FIELDS;

/**
 * The compiled expression. Every leaf has a slot, where each session's watch keeps whether it
 * holds: address and port leaves are decided when the watch starts, HTTP and TLS leaves on the
 * first record that matches, trigger leaves when the nested trigger fires. Leaves only ever
 * become true, so each record is tested once, and the tree is evaluated only when a slot changes.
 */
interface Compiled {
  root: Node;
  slots: number;
  statics: { slot: number; test: (session: TcpSession) => boolean }[];
  fields: { slot: number; protocol: string; field: string; test: (value: string) => boolean }[];
  triggers: { slot: number; trigger: Trigger }[];
  decidedAtEnd: boolean;
}

type Leaves = Omit<Compiled, 'root'>;

const LEAVES = ['client', 'server', 'address', 'port', 'clientPort', 'serverPort', 'method', 'host', 'path', 'sni'] as const;
// Schemas are built on first use: a run without `match` needs none.
const port = lazySchema((z) => z.union([z.number().int().min(0).max(65535), z.array(z.number().int().min(0).max(65535))]));

/** The options are a condition tree; its shape is checked while compiling it. */
const options = lazySchema((z) =>
  z
    .record(z.string(), z.unknown())
    .describe(
      `a condition: ${LEAVES.join(', ')} (addresses as IP or CIDR, ports as a number or a list, method/host/path/sni as a glob or /regex/), any: [...], all: [...], not: {...}, or another trigger`,
    ),
);

function compile(node: unknown, context: TriggerContext, compiled: Leaves, path: (string | number)[]): Node {
  if (typeof node === 'string') return nested(node, context, compiled, path);
  if (!node || typeof node !== 'object' || Array.isArray(node)) throw new Error(`${path.join('.') || 'match'}: expected a condition object`);
  const entries = Object.entries(node);
  const nodes = entries.map(([key, value]) => compileEntry(key, value, context, compiled, [...path, key]));
  return nodes.length === 1 ? nodes[0]! : { kind: 'all', items: nodes };
}

function compileEntry(key: string, value: unknown, context: TriggerContext, compiled: Leaves, path: (string | number)[]): Node {
  const list = (): Node[] => {
    if (!Array.isArray(value)) throw new Error(`${path.join('.')}: expected a list of conditions`);
    return value.map((item, i) => compile(item, context, compiled, [...path, i]));
  };
  switch (key) {
    case 'all':
    case 'any':
      return { kind: key, items: list() };
    case 'not':
      compiled.decidedAtEnd = true;
      return { kind: 'not', item: compile(value, context, compiled, path) };
    case 'client':
    case 'server':
    case 'address':
      return addressNode(key, value, compiled, path);
    case 'port':
    case 'clientPort':
    case 'serverPort':
      return portNode(key, value, compiled, path);
    case 'method':
    case 'host':
    case 'path':
    case 'sni':
      if (typeof value !== 'string') throw new Error(`${path.join('.')}: expected a pattern (glob or /regex/)`);
      return fieldNode(key, value, compiled, path);
    default:
      return nested({ [key]: value }, context, compiled, path.slice(0, -1));
  }
}

function nested(node: unknown, context: TriggerContext, compiled: Leaves, path: (string | number)[]): Node {
  const slot = compiled.slots++;
  compiled.triggers.push({ slot, trigger: context.build(node, path) });
  return { kind: 'leaf', slot };
}

function fieldNode(leaf: RecordLeaf, pattern: string, compiled: Leaves, path: (string | number)[]): Node {
  let test: (value: string) => boolean;
  try {
    test = compilePattern(pattern, leaf === 'path');
  } catch (error) {
    throw new Error(`${path.join('.')}: ${(error as Error).message}`);
  }
  const slot = compiled.slots++;
  const [protocol, field] = RECORD_FIELDS[leaf];
  compiled.fields.push({ slot, protocol, field, test });
  return { kind: 'leaf', slot };
}

function staticNode(test: (session: TcpSession) => boolean, compiled: Leaves): Node {
  const slot = compiled.slots++;
  compiled.statics.push({ slot, test });
  return { kind: 'leaf', slot };
}

function addressNode(key: 'client' | 'server' | 'address', value: unknown, compiled: Leaves, path: (string | number)[]): Node {
  const texts = Array.isArray(value) ? value : [value];
  const cidrs: Cidr[] = texts.map((t) => {
    const cidr = typeof t === 'string' ? parseCidr(t) : null;
    if (!cidr) throw new Error(`${path.join('.')}: not an IP address or CIDR: ${JSON.stringify(t)}`);
    return cidr;
  });
  const hit = (ip: string) => cidrs.some((c) => c.contains(ip));
  const test =
    key === 'client' ? (s: TcpSession) => hit(s.client.ip) : key === 'server' ? (s: TcpSession) => hit(s.server.ip) : (s: TcpSession) => hit(s.client.ip) || hit(s.server.ip);
  return staticNode(test, compiled);
}

function portNode(key: 'port' | 'clientPort' | 'serverPort', value: unknown, compiled: Leaves, path: (string | number)[]): Node {
  const parsed = port().safeParse(value);
  if (!parsed.success) throw new Error(`${path.join('.')}: expected a port number or a list of them`);
  const ports = new Set(Array.isArray(parsed.data) ? parsed.data : [parsed.data]);
  const test =
    key === 'clientPort' ? (s: TcpSession) => ports.has(s.client.port) : key === 'serverPort' ? (s: TcpSession) => ports.has(s.server.port) : (s: TcpSession) => ports.has(s.client.port) || ports.has(s.server.port);
  return staticNode(test, compiled);
}

/** One session's view of the expression: which leaves hold so far. */
class MatchWatch implements SessionWatch {
  private readonly holds: boolean[];
  private readonly watches: SessionWatch[];

  constructor(
    private readonly compiled: Compiled,
    session: TcpSession,
    private readonly fire: () => void,
  ) {
    this.holds = new Array<boolean>(compiled.slots).fill(false);
    for (const { slot, test } of compiled.statics) this.holds[slot] = test(session);
    this.watches = compiled.triggers.map(({ slot, trigger }) => trigger.watch(session, () => this.hold(slot)));
    this.check();
  }

  segment(event: SegmentEvent): void {
    const watches = this.watches;
    for (let i = 0; i < watches.length; i++) watches[i]!.segment?.(event);
  }

  record(protocol: string, record: object): void {
    for (const w of this.watches) w.record?.(protocol, record);
    const values = record as Record<string, unknown>;
    let changed = false;
    const leaves = this.compiled.fields;
    for (let i = 0; i < leaves.length; i++) {
      const { slot, protocol: leafProtocol, field, test } = leaves[i]!;
      if (leafProtocol !== protocol || this.holds[slot]) continue;
      const value = values[field];
      if (typeof value === 'string' && test(value)) changed = this.holds[slot] = true;
    }
    if (changed) this.check();
  }

  mark(reason: string): void {
    for (const w of this.watches) w.mark?.(reason);
  }

  end(): void {
    for (const w of this.watches) w.end?.();
    if (this.evaluate(this.compiled.root)) this.fire();
  }

  private hold(slot: number): void {
    if (this.holds[slot]) return;
    this.holds[slot] = true;
    this.check();
  }

  private check(): void {
    if (!this.compiled.decidedAtEnd && this.evaluate(this.compiled.root)) this.fire();
  }

  private evaluate(node: Node): boolean {
    switch (node.kind) {
      case 'all':
        return node.items.every((n) => this.evaluate(n));
      case 'any':
        return node.items.some((n) => this.evaluate(n));
      case 'not':
        return !this.evaluate(node.item);
      case 'leaf':
        return this.holds[node.slot]!;
    }
  }
}

export const match: TriggerKind<Record<string, unknown>> = {
  name: 'match',
  description: 'address/CIDR, port, HTTP method/host/path, TLS sni conditions and other triggers, composed with any, all, not',
  options: options,
  create(conditions, context) {
    const partial: Leaves = { slots: 0, statics: [], fields: [], triggers: [], decidedAtEnd: false };
    const root = compile(conditions, context, partial, []);
    const compiled: Compiled = { ...partial, root };
    return { name: 'match', watch: (session, fire) => new MatchWatch(compiled, session, () => fire()) };
  },
};

const plugin: PluginModule = { apiVersion: 1, triggers: [match, recordTrigger, markTrigger] };
export default plugin;
export { markTrigger, recordTrigger };
