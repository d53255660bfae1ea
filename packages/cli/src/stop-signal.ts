/**
 * Ctrl-C (SIGINT) and SIGTERM as an AbortSignal, so that a run ends cleanly: sessions so far
 * are finished and reported, the export is completed, the summary printed. `release` stops
 * listening.
 */
export function stopOnSignals(): { signal: AbortSignal; release(): void } {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: stop.signal,
    release() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
