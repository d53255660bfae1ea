import type { Logger } from '../dissect/api.js';
import type { Statistics } from './statistics.js';

/**
 * Where a plugin's exceptions go: each is counted per plugin (`stats.pluginErrors`, in both
 * summaries) and printed once per plugin and message as a warning, so that a plugin failing on
 * every session shows one line, not thousands. The caller isolates the plugin (the failing
 * dissector or trigger gets no more calls for that session) and marks the session.
 */
export class PluginFailures {
  private readonly shown = new Set<string>();

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
    const key = `${plugin}\n${message}`;
    if (!this.shown.has(key)) {
      this.shown.add(key);
      const stack = this.withStack && error instanceof Error && error.stack ? `\n${error.stack}` : '';
      this.logger.warn(`${kind} ${plugin} failed: ${message} (isolated for that session; counted in the summary)${stack}`);
    }
    return message;
  }
}
