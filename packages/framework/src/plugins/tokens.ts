/**
 * Injection tokens for framework services. A plugin class asks for them in its constructor:
 *
 *   @injectable()
 *   export default class RedisDissector implements Dissector {
 *     constructor(@inject(Tokens.Logger) private readonly logger: Logger) {}
 *   }
 */
export const Tokens = {
  /** `Clock`: capture time of the packet being processed. */
  Clock: Symbol.for('pakeana.Clock'),
  /** `Logger`. */
  Logger: Symbol.for('pakeana.Logger'),
  /** `Services`: clock, logger and per-plugin options together. */
  Services: Symbol.for('pakeana.Services'),
} as const;
