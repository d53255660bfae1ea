// A large capture made of copies of a smaller one, one after another in time: each copy is
// shifted (editcap -t) past the end of the one before plus a gap, so a 4-tuple comes back only
// after its earlier session closed, and the copies are joined in order (mergecap -a). Sessions
// grow with the copies, live sessions at any moment do not: what a long capture looks like.
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { onPath } from './measure.mjs';

const TOOLS = ['capinfos', 'editcap', 'mergecap'];
/** Quiet time between copies: longer than any timer of a session's end (the 2 s linger, a FIN's wait). */
const GAP_SECONDS = 60;

/** Why a large capture cannot be made here, or null. */
export function cannotMakeBigCapture() {
  const missing = TOOLS.filter((tool) => !onPath(tool));
  return missing.length ? `needs ${missing.join(', ')} (Wireshark's tools)` : null;
}

function tool(name, args) {
  const r = spawnSync(name, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`${name} ${args.join(' ')} failed: ${r.error?.message ?? r.stderr.trim()}`);
  return r.stdout;
}

/** Seconds from the first packet of `file` to its last. */
function durationSeconds(file) {
  return Number(tool('capinfos', ['-u', '-T', '-r', '-M', file]).trim().split('\t').pop());
}

/**
 * Writes `copies` copies of the pcap `source` to `target`, unless `target` is already there
 * and newer than `source` (it is kept as a cache).
 */
export function makeBigCapture(source, target, copies) {
  if (existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs) return;
  const shift = Math.ceil(durationSeconds(source)) + GAP_SECONDS;
  const parts = [source];
  try {
    for (let k = 1; k < copies; k++) {
      parts.push(`${target}.${k}.tmp`);
      tool('editcap', ['-F', 'pcap', '-t', String(k * shift), source, parts[k]]);
    }
    tool('mergecap', ['-a', '-F', 'pcap', '-w', `${target}.tmp`, ...parts]);
    renameSync(`${target}.tmp`, target);
  } finally {
    for (const part of [...parts.slice(1), `${target}.tmp`]) rmSync(part, { force: true });
  }
}
