/**
 * Injection tokens for what the run gives a dissector class. Its constructor asks for them:
 *
 *   @injectable()
 *   export default class SmtpDissector implements Dissector<SmtpOptions> {
 *     constructor(
 *       @inject(Tokens.Options) private readonly options: SmtpOptions,
 *       @inject(Tokens.Logger) private readonly logger: Logger,
 *     ) {}
 *   }
 *
 * The tokens are `Symbol.for` symbols: the same in every copy of the framework.
 */
export const Tokens = {
  /** `Clock`: capture time of the packet being processed. */
  Clock: Symbol.for('pakeana.Clock'),
  /** `Logger`: the dissector's own; its lines start with the dissector's name. */
  Logger: Symbol.for('pakeana.Logger'),
  /** The dissector's options, validated by its static `options` schema (defaults applied). */
  Options: Symbol.for('pakeana.Options'),
  /** `Services`: the run's clock, logger and every dissector's options (`context.services`). */
  Services: Symbol.for('pakeana.Services'),
} as const;
