import type { Clock, Logger, Services, Timestamp } from '../dissect/api.js';

/** The capture clock: the session tracker sets it to each packet's capture time. */
export class CaptureClock implements Clock {
  time: Timestamp = 0;
  now(): Timestamp {
    return this.time;
  }
}

/** A logger that writes warnings to stderr, and debug lines only when PAKEANA_DEBUG is set. */
export const stderrLogger: Logger = {
  warn: (message) => process.stderr.write(`pakeana: warning: ${message}\n`),
  debug: (message) => {
    if (process.env.PAKEANA_DEBUG) process.stderr.write(`pakeana: debug: ${message}\n`);
  },
};

/** Services for a run: the capture clock, a logger, and per-plugin options. */
export function defaultServices(
  clock: Clock = new CaptureClock(),
  pluginOptions: Record<string, Record<string, unknown>> = {},
  logger: Logger = stderrLogger,
): Services {
  return { clock, logger, options: (name) => pluginOptions[name] ?? {} };
}

/** Different warnings a `onceLogger` remembers; past them, further ones are printed as they come. */
const WARNINGS_REMEMBERED = 1000;

/**
 * A logger that prints each different warning once: the threads of a run split in shares
 * (`runSharded`) meet the same plugin failures, and their warnings come through one of these.
 */
export function onceLogger(logger: Logger): Logger {
  const printed = new Set<string>();
  return {
    warn: (message) => {
      if (printed.has(message)) return;
      if (printed.size < WARNINGS_REMEMBERED) printed.add(message);
      logger.warn(message);
    },
    debug: (message) => logger.debug(message),
  };
}

/** The logger a plugin is given: the run's, each line starting with the plugin's name. */
export function pluginLogger(logger: Logger, name: string): Logger {
  return {
    warn: (message) => logger.warn(`${name}: ${message}`),
    debug: (message) => logger.debug(`${name}: ${message}`),
  };
}
