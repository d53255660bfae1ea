/**
 * Ctrl-C (SIGINT) and SIGTERM as an AbortSignal, so that a run ends cleanly: sessions so far
 * are finished and reported, the export is completed, the summary printed. A second signal
 * exits at once (status 128 + the signal's number, as a shell reports it). `release` stops
 * listening.
 */
export function stopOnSignals(): { signal: AbortSignal; release(): void } {
  const stop = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (!stop.signal.aborted) {
      stop.abort();
      return;
    }
    process.stderr.write(`pakeana: ${name} again: exiting without finishing\n`);
    process.exit(name === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: stop.signal,
    release() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
