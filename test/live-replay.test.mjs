// Live capture at speed: every packet is analysed, or counted as dropped. A benchmark-like
// capture (320,004 packets: 35,556 HTTP connections, 180 bytes a packet on average, like the
// lab's benchmark) is replayed by tcpreplay on the loopback of a fresh network namespace, while
// `pakeana capture -i lo --filter tcp --all --format json` and tcpdump, the reference, capture:
// - at 100,000 packets/s: pakeana analyses every packet tcpdump saw, the sessions are those
//   `pakeana read` finds in the file, and libpcap received each packet once, dropped none;
// - at tcpreplay's top speed: the same, except that what the kernel dropped is in libpcap's
//   drop counter (packets analysed + dropped = tcpdump's);
// - with pakeana stopped (SIGSTOP) during the replay and told to end before it resumes: its
//   buffer (--buffer-size 4MiB) overflows and holds more than it reads at once; the summary
//   still accounts for each packet: the buffer's content is analysed after the stop, the rest
//   counted as dropped.
// pakeana is ended with SIGTERM: a SIGINT that reaches it in a plugin watchdog's run (as it
// resumes mid-batch) can be taken by node:vm's breakOnSigint after the run, and lost.
// Root only, with tcpreplay and tcpdump: skipped with the reason otherwise.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPakeana } from './helpers.mjs';
import { inNamespace, jsonRecords, sleep, startCapture, whyNotRunnable } from './live-netns.mjs';
import { normal, writeCapture } from './stress/captures.mjs';

const PACKETS = 320_000;
const installed = (tool) => spawnSync(tool, ['--version']).status === 0;
const reason =
  whyNotRunnable() ?? (!installed('tcpreplay') ? 'needs tcpreplay (apt-get install tcpreplay)' : !installed('tcpdump') ? 'needs tcpdump' : null);
if (reason) console.log(`live replay tests skipped: ${reason}`);

let dir;
let capture;
/** What `pakeana read` finds in the capture: its packets and sessions. */
let file;

before(() => {
  if (reason) return;
  dir = mkdtempSync(join(tmpdir(), 'pakeana-replay-'));
  capture = join(dir, 'bench.pcap');
  writeCapture(capture, normal, PACKETS);
  const read = runPakeana(['read', capture, '--all', '--format', 'json']);
  assert.equal(read.status, 0, read.stderr);
  file = read.summary;
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Waits until `count` packet sockets are open in the namespace (the capturing processes). */
async function packetSockets(ns, count) {
  for (let waited = 0; waited < 30_000; waited += 100) {
    const table = spawnSync('ip', ['netns', 'exec', ns, 'cat', '/proc/net/packet'], { encoding: 'utf8' }).stdout;
    if (table.trim().split('\n').length - 1 >= count) return;
    await sleep(100);
  }
  assert.fail(`${count} capturing processes did not start within 30 s`);
}

/** Runs `child` (a spawned process) to its end; its exit code and stderr. */
function completion(child) {
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

/**
 * Replays the capture on lo at `rate` (packets/s, or 'top') while pakeana (with `args`) and
 * tcpdump capture; then ends pakeana (SIGTERM), then tcpdump. With `pause`, pakeana is stopped
 * (SIGSTOP) during the replay and told to end before it resumes. Returns pakeana's exit
 * code, stderr, summary and distinct session ids, and tcpdump's counts.
 */
function replay(rate, { args = [], pause = false } = {}) {
  return inNamespace(async ({ ns, spawnIn }) => {
    // tcpdump's buffer holds the whole replay: the reference drops nothing.
    const tcpdump = spawnIn(['tcpdump', '-i', 'lo', '-B', '131072', '-w', '/dev/null', 'tcp'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const tcpdumpDone = completion(tcpdump);
    const pakeana = startCapture(spawnIn, ['-i', 'lo', '--filter', 'tcp', '--all', '--format', 'json', ...args]);
    await packetSockets(ns, 2);
    await sleep(500); // their filters are set
    if (pause) pakeana.child.kill('SIGSTOP');
    const speed = rate === 'top' ? '--topspeed' : `--pps=${rate}`;
    const sent = await completion(spawnIn(['tcpreplay', '-q', '-i', 'lo', speed, capture], { stdio: ['ignore', 'ignore', 'pipe'] }));
    assert.equal(sent.code, 0, `tcpreplay: ${sent.stderr}`);
    await sleep(200);
    pakeana.child.kill('SIGTERM');
    if (pause) pakeana.child.kill('SIGCONT');
    const { code } = await pakeana.exited(60_000);
    await sleep(500);
    tcpdump.kill('SIGINT'); // `ip netns exec` became tcpdump
    const { stderr } = await tcpdumpDone;
    const count = (what) => Number(new RegExp(`(\\d+) packets ${what}`).exec(stderr)?.[1]);
    const records = jsonRecords(pakeana.stdout);
    return {
      code,
      stderr: pakeana.stderr,
      summary: records.at(-1),
      sessionIds: new Set(records.filter((r) => r.type === 'session').map((r) => r.id)).size,
      tcpdump: { captured: count('captured'), dropped: count('dropped by kernel') },
    };
  });
}

/** The checks of every replay: the reference saw all, and each packet is analysed or counted as dropped. */
function accountFor(run, label) {
  const { summary, tcpdump } = run;
  assert.equal(run.code, 0, run.stderr);
  assert.equal(summary.type, 'summary');
  const { recv, drop } = summary.libpcap;
  console.log(`${label}: tcpdump ${tcpdump.captured} (dropped ${tcpdump.dropped}); pakeana ${summary.packets} packets, ${summary.sessions} sessions; libpcap recv ${recv}, drop ${drop}`);
  assert.deepEqual(tcpdump, { captured: file.packets, dropped: 0 }, 'tcpdump, the reference, saw every packet replayed');
  assert.equal(recv, tcpdump.captured, 'libpcap received each packet once');
  assert.equal(summary.packets + drop, tcpdump.captured, 'each packet received was analysed or counted as dropped');
}

function sameSessions(run) {
  assert.equal(run.summary.sessions, file.sessions, 'the sessions of the capture');
  assert.equal(run.sessionIds, file.sessions, 'each session reported');
}

test('replayed at 100,000 packets/s: every packet tcpdump sees is analysed, each session reported', { skip: reason ?? false, timeout: 120_000 }, async () => {
  const run = await replay(100_000);
  accountFor(run, '100,000 packets/s');
  assert.equal(run.summary.libpcap.drop, 0, 'nothing dropped');
  sameSessions(run);
});

test('replayed at top speed: every packet tcpdump sees is analysed, or in libpcap\'s drop counter', { skip: reason ?? false, timeout: 120_000 }, async () => {
  const run = await replay('top');
  accountFor(run, 'top speed');
  if (run.summary.libpcap.drop === 0) sameSessions(run);
});

test('pakeana stopped during a replay and ended before it resumes: its 4 MiB buffer is analysed, the rest counted as dropped', { skip: reason ?? false, timeout: 120_000 }, async () => {
  const run = await replay('top', { pause: true, args: ['--buffer-size', '4MiB'] });
  accountFor(run, 'stopped');
  assert.ok(run.summary.libpcap.drop > 0, 'the kernel dropped what did not fit in the buffer');
  // 4 MiB hold about 15,000 packets of this capture (the default 16 MiB, about 55,000).
  const { packets } = run.summary;
  assert.ok(packets > 4096 && packets < 20_000, `the buffer's packets, more than one read (a batch) of them: ${packets}`);
});
