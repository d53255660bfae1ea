import type { Logger, Services, Timestamp } from '../dissect/api.js';

/** A logger that writes warnings to stderr, and debug lines only when PAKEANA_DEBUG is set. */
export const stderrLogger: Logger = {
  warn: (message) => process.stderr.write(`pakeana: warning: ${message}\n`),
  debug: (message) => {
    if (process.env.PAKEANA_DEBUG) process.stderr.write(`pakeana: debug: ${message}\n`);
  },
};

/** Services for a run: the capture clock, a logger, and per-plugin options. */
export function defaultServices(
  now: () => Timestamp,
  pluginOptions: Record<string, Record<string, unknown>> = {},
  logger: Logger = stderrLogger,
): Services {
  return {
    clock: { now },
    logger,
    options: (name) => pluginOptions[name] ?? {},
  };
}
