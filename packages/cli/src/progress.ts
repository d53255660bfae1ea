import { statSync } from 'node:fs';

/** How often the progress line is redrawn, at most. */
const REDRAW_MS = 200;

/**
 * A progress line for long file reads, on stderr when it is a terminal: bytes and packets read,
 * percent of the file, packets per second. Redrawn in place and cleared when done; silent when
 * stderr is piped.
 */
export class Progress {
  private readonly enabled: boolean;
  private readonly total: number | undefined;
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(file: string, private readonly out: NodeJS.WriteStream = process.stderr) {
    this.enabled = out.isTTY === true;
    this.total = file === '-' ? undefined : sizeOf(file);
  }

  readonly update = (bytesRead: number, packets: number): void => {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    const seconds = (now - this.started) / 1000;
    const percent = this.total ? ` ${((100 * bytesRead) / this.total).toFixed(1)}%` : '';
    const rate = seconds > 0 ? Math.round(packets / seconds) : 0;
    this.out.write(`\r\x1b[K${(bytesRead / 1048576).toFixed(1)} MiB${percent}, ${packets} packets, ${rate} packets/s`);
    this.drawn = true;
  };

  done(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
  }
}

function sizeOf(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}
