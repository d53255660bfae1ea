import type { Dissector, SchemaSource } from '../dissect/api.js';
import type { TriggerKind } from '../triggers/api.js';
import type { API_VERSION } from './api-version.js';

/**
 * What a plugin package exports (as its default export, or as the module itself): a
 * `PluginModule` listing dissectors and trigger kinds, a single `Dissector` (with its own
 * `apiVersion`), or a single `DissectorClass` (with a static `apiVersion`).
 */
export interface PluginModule {
  /** The plugin API version the plugin was built for: write the literal (`apiVersion: 1`). */
  readonly apiVersion: typeof API_VERSION;
  readonly dissectors?: readonly (Dissector<any> | DissectorClass<any>)[];
  readonly triggers?: readonly TriggerKind[];
}

/**
 * A dissector written as a class: the registry builds it through the run's tsyringe container
 * once the options are validated, so that its constructor can ask for services by token
 * (`Tokens.Options`, `Tokens.Logger`, `Tokens.Clock`, `Tokens.Services`). Its name and
 * options schema are static, since they are needed before it is built:
 *
 *   @injectable()
 *   export default class SmtpDissector implements Dissector<SmtpOptions> {
 *     static readonly apiVersion = 1;
 *     static readonly dissectorName = 'smtp';
 *     static readonly options = smtpOptions;
 *     readonly name = SmtpDissector.dissectorName;
 *     constructor(@inject(Tokens.Options) private readonly options: SmtpOptions) {}
 *     ...
 *   }
 */
export interface DissectorClass<Options extends object = Readonly<Record<string, unknown>>> {
  new (...args: never[]): Dissector<Options>;
  /** The dissector's name, as its instances' `name`. */
  readonly dissectorName: string;
  /** The options it takes, validated before the class is built (see `Dissector.options`). */
  readonly options?: SchemaSource<Options>;
  /** `Dissector.defaultOptions`, for the class. */
  readonly defaultOptions?: Readonly<Options>;
  /** When the class is the module's export: the API version it was built for. */
  readonly apiVersion?: typeof API_VERSION;
}
