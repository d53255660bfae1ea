import { lazySchema, type PluginModule, type SegmentEvent, type SessionWatch, type TcpSession, type Trigger, type TriggerContext, type TriggerKind } from '@pakeana/framework';
import { parseCidr, type Cidr } from './cidr.js';
import { compilePattern } from './pattern.js';

/**
 * `match`: address, port and HTTP conditions, composable with `any`, `all` and `not`, where
 * any item may also be another trigger (`{ tcp.duration: { over: 10s } }`), true once it fired.
 *
 *   match: { all: [ { server: 10.0.0.0/8 }, { tcp.duration: { over: 10s } } ] }
 *
 * Without `not`, the expression can only become true, so it fires as soon as it holds; with
 * `not` it is decided when the session ends.
 */
type Node =
  | { kind: 'all' | 'any'; items: Node[] }
  | { kind: 'not'; item: Node }
  | { kind: 'static'; test: (session: TcpSession) => boolean }
  | { kind: 'http'; field: 'method' | 'host' | 'uri'; test: (value: string) => boolean }
  | { kind: 'trigger'; index: number };

const LEAVES = ['client', 'server', 'address', 'port', 'clientPort', 'serverPort', 'method', 'host', 'path'] as const;
// Schemas are built on first use: a run without `match` needs none.
const port = lazySchema((z) => z.union([z.number().int().min(0).max(65535), z.array(z.number().int().min(0).max(65535))]));

/** The options are a condition tree; its shape is checked while compiling it. */
const options = lazySchema((z) =>
  z
    .record(z.string(), z.unknown())
    .describe(
      `a condition: ${LEAVES.join(', ')} (addresses as IP or CIDR, ports as a number or a list, method/host/path as a glob or /regex/), any: [...], all: [...], not: {...}, or another trigger`,
    ),
);

interface Compiled {
  root: Node;
  triggers: Trigger[];
  decidedAtEnd: boolean;
}

function compile(node: unknown, context: TriggerContext, compiled: Omit<Compiled, 'root'>, path: (string | number)[]): Node {
  if (typeof node === 'string') return nested(node, context, compiled, path);
  if (!node || typeof node !== 'object' || Array.isArray(node)) throw new Error(`${path.join('.') || 'match'}: expected a condition object`);
  const entries = Object.entries(node);
  const nodes = entries.map(([key, value]) => compileEntry(key, value, context, compiled, [...path, key]));
  return nodes.length === 1 ? nodes[0]! : { kind: 'all', items: nodes };
}

function compileEntry(key: string, value: unknown, context: TriggerContext, compiled: Omit<Compiled, 'root'>, path: (string | number)[]): Node {
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
      return addressNode(key, value, path);
    case 'port':
    case 'clientPort':
    case 'serverPort':
      return portNode(key, value, path);
    case 'method':
    case 'host':
    case 'path':
      if (typeof value !== 'string') throw new Error(`${path.join('.')}: expected a pattern (glob or /regex/)`);
      return { kind: 'http', field: key === 'path' ? 'uri' : key, test: compilePattern(value, key === 'path') };
    default:
      return nested({ [key]: value }, context, compiled, path.slice(0, -1));
  }
}

function nested(node: unknown, context: TriggerContext, compiled: Omit<Compiled, 'root'>, path: (string | number)[]): Node {
  compiled.triggers.push(context.build(node, path));
  return { kind: 'trigger', index: compiled.triggers.length - 1 };
}

function addressNode(key: 'client' | 'server' | 'address', value: unknown, path: (string | number)[]): Node {
  const texts = Array.isArray(value) ? value : [value];
  const cidrs: Cidr[] = texts.map((t) => {
    const cidr = typeof t === 'string' ? parseCidr(t) : null;
    if (!cidr) throw new Error(`${path.join('.')}: not an IP address or CIDR: ${JSON.stringify(t)}`);
    return cidr;
  });
  const hit = (ip: string) => cidrs.some((c) => c.contains(ip));
  const test =
    key === 'client' ? (s: TcpSession) => hit(s.client.ip) : key === 'server' ? (s: TcpSession) => hit(s.server.ip) : (s: TcpSession) => hit(s.client.ip) || hit(s.server.ip);
  return { kind: 'static', test };
}

function portNode(key: 'port' | 'clientPort' | 'serverPort', value: unknown, path: (string | number)[]): Node {
  const parsed = port().safeParse(value);
  if (!parsed.success) throw new Error(`${path.join('.')}: expected a port number or a list of them`);
  const ports = new Set(Array.isArray(parsed.data) ? parsed.data : [parsed.data]);
  const test =
    key === 'clientPort' ? (s: TcpSession) => ports.has(s.client.port) : key === 'serverPort' ? (s: TcpSession) => ports.has(s.server.port) : (s: TcpSession) => ports.has(s.client.port) || ports.has(s.server.port);
  return { kind: 'static', test };
}

/** One session's view of the expression: which nested triggers fired, which HTTP values were seen. */
class MatchWatch implements SessionWatch {
  private readonly fired: boolean[];
  private readonly watches: SessionWatch[];
  private readonly seen = { method: [] as string[], host: [] as string[], uri: [] as string[] };

  constructor(
    private readonly compiled: Compiled,
    private readonly session: TcpSession,
    private readonly fire: () => void,
  ) {
    this.fired = compiled.triggers.map(() => false);
    this.watches = compiled.triggers.map((t, i) => t.watch(session, () => this.nestedFired(i)));
    this.check();
  }

  segment(event: SegmentEvent): void {
    const watches = this.watches;
    for (let i = 0; i < watches.length; i++) watches[i]!.segment?.(event);
  }

  record(protocol: string, record: object): void {
    for (const w of this.watches) w.record?.(protocol, record);
    if (protocol !== 'http') return;
    const r = record as { method?: string | null; host?: string | null; uri?: string | null };
    for (const field of ['method', 'host', 'uri'] as const) {
      const value = r[field];
      if (typeof value === 'string') this.seen[field].push(value);
    }
    this.check();
  }

  end(): void {
    for (const w of this.watches) w.end?.();
    if (this.evaluate(this.compiled.root)) this.fire();
  }

  private nestedFired(index: number): void {
    this.fired[index] = true;
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
      case 'static':
        return node.test(this.session);
      case 'http':
        return this.seen[node.field].some(node.test);
      case 'trigger':
        return this.fired[node.index]!;
    }
  }
}

export const match: TriggerKind<Record<string, unknown>> = {
  name: 'match',
  description: 'address/CIDR, port, HTTP method/host/path conditions and other triggers, composed with any, all, not',
  options: options,
  create(conditions, context) {
    const partial = { triggers: [] as Trigger[], decidedAtEnd: false };
    const root = compile(conditions, context, partial, []);
    const compiled: Compiled = { ...partial, root };
    return { name: 'match', watch: (session, fire) => new MatchWatch(compiled, session, () => fire()) };
  },
};

const plugin: PluginModule = { triggers: [match] };
export default plugin;
