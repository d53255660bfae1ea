import { Script, createContext } from 'node:vm';

/** How a guarded piece of work ended. */
export type GuardOutcome = 'done' | 'timeout' | 'interrupted';

/**
 * Runs synchronous work with a time bound and Ctrl-C: V8 stops the work when it runs longer
 * than `timeoutMs` or when SIGINT arrives, even inside a plugin's endless loop, which no
 * JavaScript timer or signal handler could (they wait for the call stack to unwind).
 *
 * node:vm provides this (`timeout`, `breakOnSigint`); the work itself runs in the main
 * context, vm only supplies the watchdog. Starting one costs about 0.1-0.2 ms, so a run
 * guards a batch of frames (one read chunk), not one call. A stopped piece of work is cut
 * wherever it was: `finally` blocks in it do not run, so the caller must repair what the
 * stopped code was in the middle of (the tracker isolates the plugin that was running).
 */
export class Watchdog {
  private readonly context = createContext({ work: null as (() => void) | null });
  private readonly script = new Script('work()');

  /** `breakOnSigint`: false in a share of a split run, which stops where every share agrees (see runSharded). */
  constructor(
    readonly timeoutMs: number,
    private readonly breakOnSigint = true,
  ) {}

  run(work: () => void): GuardOutcome {
    this.context.work = work;
    try {
      this.script.runInContext(this.context, { timeout: this.timeoutMs, breakOnSigint: this.breakOnSigint });
      return 'done';
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return 'timeout';
      if (code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') return 'interrupted';
      throw error;
    } finally {
      this.context.work = null;
    }
  }
}
