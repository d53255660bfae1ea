// A capture of many short HTTP sessions for the report's tests and measures: `sessions`
// exchanges over `seconds` of capture time, to three hosts and several paths, with every kind
// of status class, some retransmitted responses and some resets, so that every chart of the
// report has something to draw. The rate of new sessions comes and goes, and from 60% to 68%
// of the way an incident answers every third request 503, slowly.
// Usage: node test/bench/report-capture.mjs OUT.pcap [SESSIONS] [SECONDS]
import { closeSync, openSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Conversation, pcapFile } from '../../packages/framework/dist/testing/index.js';

const HOSTS = ['api.example.com', 'www.example.com', 'static.example.com'];
const PATHS = ['/api/items', '/api/users/7', '/login', '/static/app.js', '/'];

/** Where the incident is, as fractions of the sessions. */
const INCIDENT = [0.6, 0.68];

/** The session's status line, by its number `i` of `sessions`; null for a reset session (no response). */
export function statusOf(i, sessions) {
  if (i % 53 === 0) return null;
  const u = i / sessions;
  if (u >= INCIDENT[0] && u < INCIDENT[1] && i % 3 === 0) return '503 Service Unavailable';
  return i % 41 === 0 ? '500 Internal Server Error' : i % 13 === 0 ? '404 Not Found' : i % 7 === 0 ? '304 Not Modified' : i % 97 === 0 ? '101 Switching Protocols' : '200 OK';
}

/** One session's frames: a GET answered after a delay; a reset, a retransmission or a status by its number. */
function session(i, sessions, start) {
  const client = `10.${1 + ((i >> 16) & 63)}.${(i >> 8) & 255}.${i & 255}:${40000 + (i % 20000)}`;
  const c = new Conversation(client, '192.0.2.80:80', { start, step: 0.0002 });
  const host = HOSTS[i % HOSTS.length];
  const path = PATHS[i % PATHS.length];
  const status = statusOf(i, sessions);
  c.handshake().send('client', `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
  if (status === null) return c.wait(0.01).reset('server').frames;
  const body = status.startsWith('200') ? 'x'.repeat(200 + (i % 5) * 300) : '';
  const response = `HTTP/1.1 ${status}\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  // Response times from about 1 ms to 200 ms, slower for some hosts and paths.
  c.wait(0.001 + ((i * 7919) % 100) / 1000 + (host === 'api.example.com' ? 0.05 : 0) + (path === '/login' ? 0.1 : 0) + (status.startsWith('503') ? 0.8 : 0));
  c.segment('server', 'PA', response);
  if (i % 37 === 0) c.wait(0.2).segment('server', 'PA', response, { seq: c.seq('server') - response.length });
  c.segment('client', 'A', '');
  return c.close().frames;
}

/** Where session `i` of `sessions` starts, in [0, 1): the rate of new sessions goes from 40% to 160% of the mean, three times. */
function startOf(i, sessions) {
  const u = i / sessions;
  return u - (0.6 * Math.sin(2 * Math.PI * 3 * u)) / (2 * Math.PI * 3);
}

/** Writes the capture: sessions start over `seconds`, their frames merged in time order. */
export function writeReportCapture(file, sessions, seconds) {
  const frames = [];
  for (let i = 0; i < sessions; i++) frames.push(...session(i, sessions, 1_700_000_000 + startOf(i, sessions) * seconds));
  frames.sort((a, b) => a.time - b.time);
  const fd = openSync(file, 'w');
  try {
    for (let at = 0; at < frames.length; at += 50_000) {
      const chunk = pcapFile(frames.slice(at, at + 50_000));
      writeSync(fd, at === 0 ? chunk : chunk.subarray(24));
    }
  } finally {
    closeSync(fd);
  }
  return frames.length;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, sessions = '100000', seconds = '300'] = process.argv.slice(2);
  console.log(`${file}: ${writeReportCapture(file, Number(sessions), Number(seconds))} frames`);
}
