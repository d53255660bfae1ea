import type { Logger } from '../dissect/api.js';
import type { Statistics } from './statistics.js';

/**
 * Different messages printed per plugin. A message that quotes the traffic differs on every
 * session: past this many, the plugin's failures are only counted, so that stderr is not
 * flooded and the messages seen are not kept without bound.
 */
export const MESSAGES_SHOWN_PER_PLUGIN = 10;

/**
 * Where a plugin's exceptions go: each is counted per plugin (`stats.pluginErrors`, in both
 * summaries) and printed once per plugin and message as a warning, so that a plugin failing on
 * every session shows one line, not thousands. The caller isolates the plugin (the failing
 * dissector or trigger gets no more calls for that session) and marks the session.
 */
export class PluginFailures {
  /** The messages printed so far, by plugin. */
  private readonly shown = new Map<string, Set<string>>();

  constructor(
    private readonly stats: Statistics,
    private readonly logger: Logger,
    /** Print the stack trace with the warning (`--debug`). */
    private readonly withStack = false,
  ) {}

  /** Counts and (once per message) prints a failure; returns the message for the session's mark. */
  report(kind: 'dissector' | 'trigger', plugin: string, error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    this.stats.pluginErrors[plugin] = (this.stats.pluginErrors[plugin] ?? 0) + 1;
    let shown = this.shown.get(plugin);
    if (!shown) this.shown.set(plugin, (shown = new Set()));
    if (shown.size < MESSAGES_SHOWN_PER_PLUGIN && !shown.has(message)) {
      shown.add(message);
      const stack = this.withStack && error instanceof Error && error.stack ? `\n${error.stack}` : '';
      this.logger.warn(`${kind} ${plugin} failed: ${message} (isolated for that session; counted in the summary)${stack}`);
      if (shown.size === MESSAGES_SHOWN_PER_PLUGIN) {
        this.logger.warn(`${kind} ${plugin} failed with ${MESSAGES_SHOWN_PER_PLUGIN} different messages: further ones are only counted`);
      }
    }
    return message;
  }
}
