import type * as V8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/** RSS allowed on top of the memory account's limit: Node, V8 and the loaded code. */
export const RUNTIME_ALLOWANCE = 100 * 1024 * 1024;
/** Share of the RSS budget from which V8 is asked to collect sooner. */
const TIGHT_FROM = 0.5;
/** V8's heap may grow this many percent over its live size between collections while tight. */
const TIGHT_GROWING_PERCENT = 50;

/**
 * Keeps Node's heap close to what the memory account holds. Between major collections V8 lets
 * the heap grow to several times its live size when allocation is fast (measured on a stress
 * capture: 577 MB of heap for 164 MB live), and under a memory limit that slack, not what
 * pakeana holds, is what breaks the promise. Once RSS passes half of the budget (the account's
 * limit plus the runtime's allowance), V8's heap growth is capped with --heap-growing-percent,
 * which V8 reads at each collection, and one collection is run at once, so it collects sooner
 * from then on. It costs collection time only while
 * memory is tight; a run that stays small never pays it.
 */
export class HeapPressure {
  private tight = false;
  private readonly budget: number;

  constructor(memoryLimit: number) {
    this.budget = memoryLimit + RUNTIME_ALLOWANCE;
  }

  /** Called now and then (the pipeline's housekeeping): caps V8's heap growth once memory is tight. */
  check(): void {
    if (this.tight || process.memoryUsage.rss() < this.budget * TIGHT_FROM) return;
    this.tight = true;
    v8().setFlagsFromString(`--heap-growing-percent=${TIGHT_GROWING_PERCENT}`);
    collectNow();
  }
}

/**
 * One full collection now, so that the capped growth counts from the live size rather than
 * from the limit V8 set at its last collection. Node exposes gc() only under --expose-gc: the
 * flag set now makes new contexts get it.
 */
function collectNow(): void {
  v8().setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
}

/** node:v8, loaded once memory is tight: loading it costs every start ~1 ms. */
function v8(): typeof V8 {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load; `import type` above gives the types
  return require('node:v8') as typeof V8;
}
