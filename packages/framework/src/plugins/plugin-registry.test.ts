import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock, Dissector, Logger, SessionContext } from '../dissect/api.js';
import { lazySchema } from '../config/zod.js';
import { CaptureClock, defaultServices } from '../pipeline/services.js';
import type { TriggerKind } from '../triggers/api.js';
import { inject, injectable } from './injection.js';
import { PluginRegistry } from './plugin-registry.js';
import { Tokens } from './tokens.js';

const greetingOptions = lazySchema((z) => z.object({ greeting: z.string().default('hello'), times: z.number().int().positive().default(1) }).strict());
type GreetingOptions = { greeting: string; times: number };

/** A dissector class: the registry builds it once its options are validated, injecting them, a logger of its own and the clock. */
@injectable()
class GreetingDissector implements Dissector<GreetingOptions> {
  static readonly dissectorName = 'greeting';
  static readonly options = greetingOptions;
  readonly name = GreetingDissector.dissectorName;
  readonly ports = [7070];
  constructor(
    @inject(Tokens.Options) private readonly settings: GreetingOptions,
    @inject(Tokens.Logger) private readonly logger: Logger,
    @inject(Tokens.Clock) private readonly clock: Clock,
  ) {}

  create(context: SessionContext<GreetingOptions>) {
    return {
      data: (_dir: string, bytes: Uint8Array) => {
        this.logger.warn(`saw ${bytes.length} bytes at ${this.clock.now()}`);
        context.emit({ said: Buffer.from(bytes).toString(), expected: this.settings.greeting.repeat(this.settings.times), same: context.options === this.settings });
      },
      gap() {},
      end() {},
    };
  }
}

function recordingServices() {
  const warnings: string[] = [];
  const logger: Logger = { warn: (m) => void warnings.push(m), debug() {} };
  return { warnings, services: defaultServices(new CaptureClock(), {}, logger) };
}

test('a dissector class is built once its options are validated, and gets them, its own logger and the clock by injection', () => {
  const { warnings, services } = recordingServices();
  const registry = new PluginRegistry(services);
  registry.add({ dissectors: [GreetingDissector] }, 'greeting-plugin');
  assert.deepEqual(registry.configure({ greeting: { greeting: 'hi', times: 2 } }), []);
  assert.deepEqual(registry.services.options('greeting'), { greeting: 'hi', times: 2 });
  (services.clock as CaptureClock).time = 50;
  const [dissector] = registry.dissectors;
  const emitted: object[] = [];
  const context = { options: registry.services.options('greeting'), emit: (r: object) => void emitted.push(r) } as unknown as SessionContext<GreetingOptions>;
  dissector!.create(context).data('client', Buffer.from('hihi'), 50);
  assert.deepEqual(emitted, [{ said: 'hihi', expected: 'hihi', same: true }]);
  assert.deepEqual(warnings, ['greeting: saw 4 bytes at 50'], 'the logger names the dissector; the clock is the run\'s');
  assert.equal(registry.container.resolve(Tokens.Services), registry.services, 'the container holds the services the run hands dissectors');
  assert.equal(registry.container.resolve(Tokens.Clock), services.clock);
});

test('options reach an object dissector through the services, defaults applied; none given: the defaults', () => {
  const seen: unknown[] = [];
  const dissector: Dissector<GreetingOptions> = {
    name: 'greeting',
    options: greetingOptions,
    create: (context) => (seen.push(context.options), { data() {}, gap() {}, end() {} }),
  };
  const registry = new PluginRegistry(defaultServices());
  registry.add({ dissectors: [dissector] }, 'p');
  assert.deepEqual(registry.configure({ greeting: { times: 3 } }), []);
  assert.deepEqual(registry.services.options('greeting'), { greeting: 'hello', times: 3 });
  const unconfigured = new PluginRegistry(defaultServices());
  unconfigured.add({ dissectors: [dissector] }, 'p');
  assert.equal(unconfigured.dissectors.length, 1);
  assert.deepEqual(unconfigured.services.options('greeting'), { greeting: 'hello', times: 1 });
});

test('bad options are problems with their path; an unknown dissector lists the known ones; nothing is built then', () => {
  const registry = new PluginRegistry(defaultServices());
  registry.add({ dissectors: [GreetingDissector, { name: 'plain', create: () => ({ data() {}, gap() {}, end() {} }) }] }, 'p');
  const problems = registry.configure({ greeting: { times: 0, gretting: 'x' }, plain: { a: 1 }, smtpp: {} });
  assert.deepEqual(
    problems.map((p) => `${p.path.join('.')}: ${p.message}`),
    ['smtpp: unknown dissector "smtpp" (known: greeting, plain)', 'greeting.times: Too small: expected number to be >0', 'greeting.gretting: unknown key "gretting"', 'plain: dissector "plain" takes no options'],
  );
  assert.throws(() => registry.dissectors, /^PluginError: dissectors\.smtpp: unknown dissector "smtpp"/);
});

test('two plugins with one dissector or trigger name: an error naming both; the same plugin twice is fine', () => {
  const make = (): Dissector => ({ name: 'http', create: () => ({ data() {}, gap() {}, end() {} }) });
  const first = make();
  const registry = new PluginRegistry(defaultServices());
  registry.add({ dissectors: [first] }, { name: 'http', label: '@pakeana/dissector-http' });
  registry.add({ dissectors: [first] }, { name: '@pakeana/dissector-http', label: '@pakeana/dissector-http' });
  assert.throws(
    () => registry.add({ dissectors: [make()] }, { name: './my-http', label: 'pakeana-dissector-myhttp' }),
    /^PluginError: two plugins bring the dissector "http": @pakeana\/dissector-http and pakeana-dissector-myhttp$/,
  );
  const kind = (): TriggerKind => ({ name: 'tcp.reset', description: '', options: lazySchema((z) => z.object({})), create: () => ({ name: 'tcp.reset', watch: () => ({}) }) });
  registry.add({ triggers: [kind()] }, { name: 'trigger-tcp', label: '@pakeana/trigger-tcp' });
  assert.throws(() => registry.add({ triggers: [kind()] }, { name: 'x', label: 'pakeana-trigger-x' }), /two plugins bring the trigger "tcp.reset": @pakeana\/trigger-tcp and pakeana-trigger-x/);
});

test('a dissector class that cannot be built says why in one line', () => {
  class NotInjectable {
    static readonly dissectorName = 'raw';
    readonly name = 'raw';
    constructor(readonly logger: Logger) {}
    create(): never {
      throw new Error('unused');
    }
  }
  const registry = new PluginRegistry(defaultServices());
  registry.add({ dissectors: [NotInjectable] }, 'raw-plugin');
  assert.throws(() => registry.configure({}), /^PluginError: plugin 'raw-plugin' \(raw-plugin\): dissector class NotInjectable could not be built: its constructor takes parameters, so it must be decorated with @injectable\(\) from @pakeana\/framework$/);
  @injectable()
  class Misnamed {
    static readonly dissectorName = 'one';
    readonly name = 'two';
    create(): never {
      throw new Error('unused');
    }
  }
  const other = new PluginRegistry(defaultServices());
  other.add({ dissectors: [Misnamed] }, 'm');
  assert.throws(() => other.configure({}), /dissector class Misnamed must build a dissector with create\(\) and name "one" \(its static dissectorName\)/);
});

test('a module that is no plugin is refused with its name', () => {
  const registry = new PluginRegistry(defaultServices());
  assert.throws(() => registry.add({ dissectors: [{ name: 'x' } as unknown as Dissector] }, 'broken-plugin'), /plugin 'broken-plugin': a dissector needs a name and create\(\)/);
  assert.throws(() => registry.add({ dissectors: [class {} as never] }, 'broken-class'), /plugin 'broken-class': dissector class  ?needs a static dissectorName/);
});
