import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inject, injectable } from 'tsyringe';
import type { Dissector, Logger, SessionContext } from '../dissect/api.js';
import { defaultServices } from '../pipeline/services.js';
import { dissectFrames } from '../testing/dissect-capture.js';
import { Conversation } from '../testing/packet-builder.js';
import { PluginRegistry } from './plugin-registry.js';
import { Tokens } from './tokens.js';

const warnings: string[] = [];

/** A dissector class: the registry builds it through the container, injecting the logger. */
@injectable()
class GreetingDissector implements Dissector {
  readonly name = 'greeting';
  readonly ports = [7070];
  constructor(@inject(Tokens.Logger) private readonly logger: Logger) {}

  create(context: SessionContext) {
    return {
      data: (_dir: string, bytes: Uint8Array) => {
        this.logger.warn(`saw ${bytes.length} bytes`);
        context.emit({ greeting: Buffer.from(bytes).toString() });
      },
      gap() {},
      end() {},
    };
  }
}

test('a dissector class gets framework services by injection', async () => {
  const logger: Logger = { warn: (m) => void warnings.push(m), debug() {} };
  const registry = new PluginRegistry(defaultServices(undefined, {}, logger));
  registry.add({ dissectors: [GreetingDissector] }, 'test');
  assert.equal(registry.dissectors[0]!.name, 'greeting');
  const c = new Conversation('10.0.0.1:1000', '10.0.0.2:7070').handshake().send('client', 'hello');
  const { sessions } = await dissectFrames(c.frames, { dissectors: [...registry.dissectors] });
  assert.deepEqual(sessions[0]!.greeting, [{ greeting: 'hello' }]);
  assert.deepEqual(warnings, ['saw 5 bytes']);
});

test('a module that is no plugin is refused with its name', () => {
  const registry = new PluginRegistry(defaultServices());
  assert.throws(() => registry.add({ dissectors: [{ name: 'x' } as unknown as Dissector] }, 'broken-plugin'), /plugin 'broken-plugin': a dissector needs a name and create\(\)/);
});
