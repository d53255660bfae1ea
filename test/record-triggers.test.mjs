// `record:` and `mark:` triggers end to end: `pakeana read` on crafted captures with YAML
// configs, on HTTP and on a third-party dissector written here (an SMTP reply reader) loaded
// by path; alone and inside match/any/not; a field the records never have is a config
// problem at its line and column when the dissector declares its record schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPakeana } from './helpers.mjs';

const require = createRequire(import.meta.url);
const frameworkPath = require.resolve('@pakeana/framework');
const { Conversation, pcapFile } = require('@pakeana/framework/testing');
const dir = mkdtempSync(join(tmpdir(), 'pakeana-records-'));

function write(name, content) {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

/** One session per [request, response], from client ports 40001, 40002, ... to port 80. */
function httpCapture(exchanges) {
  const frames = exchanges.flatMap(([request, response], i) => {
    const c = new Conversation(`192.0.2.1:${40001 + i}`, '10.0.0.1:80', { start: 1_700_000_000 + i });
    c.handshake();
    c.send('client', request);
    c.send('server', response);
    return c.close().frames;
  });
  return write('http.pcap', pcapFile(frames));
}

const http = httpCapture([
  ['GET /ok HTTP/1.1\r\nHost: a\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'],
  ['POST /api/users HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}', 'HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n'],
  ['GET /api/x HTTP/1.1\r\nHost: a\r\n\r\n', 'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n'],
  ['GET /other HTTP/1.1\r\nHost: a\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\nbody'],
]);

/** The reported sessions of a run with this config: [client port, triggers]. */
function reported(capture, yaml, ...args) {
  const run = runPakeana(['read', capture, '--config', write('config.yaml', yaml), '--format', 'json', ...args]);
  assert.equal(run.status, 0, run.stderr);
  return run.sessions.map((s) => [s.client.port, s.triggers]).sort((a, b) => a[0] - b[0]);
}

test('record: on HTTP records: a status range, a method and a URI glob', () => {
  assert.deepEqual(reported(http, 'plugins: [http]\ntriggers:\n  - record: { protocol: http, where: { status: { min: 500 } } }\n'), [[40003, ['record']]]);
  assert.deepEqual(reported(http, "plugins: [http]\ntriggers:\n  - record: { protocol: http, where: { method: POST, uri: '/api/*' } }\n"), [[40002, ['record']]]);
  assert.deepEqual(reported(http, "plugins: [http]\ntriggers:\n  - record: { protocol: http, where: { uri: '/api/*', status: { in: [200, 503] } } }\n"), [[40003, ['record']]]);
});

test('mark: an HTTP mark by glob; record and mark inside match any and not', () => {
  assert.deepEqual(reported(http, "plugins: [http]\ntriggers:\n  - mark: 'http.bad-*'\n"), [[40004, ['mark']]]);
  const any = "plugins: [http]\ntriggers:\n  - match: { any: [ { mark: 'http.*' }, { record: { protocol: http, where: { status: { min: 500 } } } } ] }\n";
  assert.deepEqual(reported(http, any), [[40003, ['match']], [40004, ['match']]]);
  const not = 'plugins: [http]\ntriggers:\n  - match: { all: [ { serverPort: 80 }, { not: { record: { protocol: http, where: { method: GET } } } } ] }\n';
  assert.deepEqual(reported(http, not), [[40002, ['match']]]);
});

test('a field HTTP records never have is a problem at its key, with FILE:LINE:COL; a bad type at its value', () => {
  const yaml = `plugins: [http]
triggers:
  - record:
      protocol: http
      where:
        status: { min: 500 }
        stauts: 503
        method: 404
`;
  const config = write('unknown-field.yaml', yaml);
  const fields =
    'method, uri, host, version, status, statusText, requestBodyBytes, responseBodyBytes, requestTime, responseTime, userAgent, referrer, contentType, transDepth, interim, tunnel, incompleteStatus, ' +
    'requestDecodedBodyBytes, responseDecodedBodyBytes, requestMimeType, responseMimeType, requestBodyHead, requestBodyHeadBase64, responseBodyHead, responseBodyHeadBase64, requestFile, responseFile';
  const expected = [
    `${config}:7:9: triggers.0.record.where.stauts: http records have no field "stauts" (fields: ${fields})`,
    `${config}:8:17: triggers.0.record.where.method: "method" of http records is string or null: a number condition never matches it`,
  ];
  const validate = runPakeana(['config', 'validate', config]);
  assert.equal(validate.status, 2);
  assert.deepEqual(validate.stderr.trim().split('\n'), expected);
  const read = runPakeana(['read', http, '--config', config]);
  assert.equal(read.status, 2);
  assert.deepEqual(read.stderr.trim().split('\n'), expected);
  // Without the HTTP dissector there is no schema to check against: a condition that never holds.
  assert.equal(runPakeana(['config', 'validate', write('no-http.yaml', yaml.replace('plugins: [http]\n', ''))]).status, 0);
});

/**
 * A third-party dissector as a plugin author writes it: SMTP replies (`250 ok`) as records
 * `{ code, text }`, a mark for 5xx replies; `declared` says whether it declares its records.
 */
function smtpPlugin(declared) {
  return write(
    `smtp-${declared ? 'declared' : 'undeclared'}.js`,
    `const { lazySchema } = require(${JSON.stringify(frameworkPath)});
module.exports = {
  apiVersion: 1,
  dissectors: [{
    name: 'smtp',
    ports: [25],
    ${declared ? "records: lazySchema((z) => z.object({ code: z.number().int(), text: z.string() }).strict())," : ''}
    create(context) {
      let pending = '';
      return {
        data(dir, bytes) {
          if (dir !== 'server') return;
          pending += Buffer.from(bytes).toString('latin1');
          let end;
          while ((end = pending.indexOf('\\r\\n')) >= 0) {
            const line = pending.slice(0, end);
            pending = pending.slice(end + 2);
            const code = Number(line.slice(0, 3));
            context.emit({ code, text: line.slice(4) });
            if (code >= 500) context.mark('smtp.error-reply');
          }
        },
        gap() {},
        end() {},
      };
    },
  }],
};
`,
  );
}

/** Two SMTP sessions: 41001 accepted, 41002 refused with 550. */
const smtp = (() => {
  const frames = [['250 ok'], ['550 no such user']].flatMap(([reply], i) => {
    const c = new Conversation(`192.0.2.7:${41001 + i}`, '10.0.0.25:25', { start: 1_700_000_100 + i });
    c.handshake();
    c.send('server', '220 mx ready\r\n');
    c.send('client', 'RCPT TO:<x@example.com>\r\n');
    c.send('server', `${reply}\r\n`);
    return c.close().frames;
  });
  return write('smtp.pcap', pcapFile(frames));
})();

test("a third-party dissector's records and marks: record, mark, and both inside match", () => {
  const plugins = `plugins: [${smtpPlugin(true)}]\ntriggers:\n`;
  assert.deepEqual(reported(smtp, `${plugins}  - mark: smtp.error-reply\n`), [[41002, ['mark']]]);
  assert.deepEqual(reported(smtp, `${plugins}  - record: { protocol: smtp, where: { code: { min: 500 } } }\n`), [[41002, ['record']]]);
  assert.deepEqual(reported(smtp, `${plugins}  - record: { protocol: smtp, where: { text: '/^mx/' } }\n`), [[41001, ['record']], [41002, ['record']]]);
  assert.deepEqual(reported(smtp, `${plugins}  - match: { not: { mark: 'smtp.*' } }\n`), [[41001, ['match']]]);
  assert.deepEqual(reported(smtp, `${plugins}  - match: { any: [ { mark: http.bad-content-length }, { record: { protocol: smtp, where: { code: 550 } } } ] }\n`), [
    [41002, ['match']],
  ]);
});

test("a field a plugin's declared records never have is a problem; undeclared, it never matches", () => {
  const yaml = (plugin) => `plugins: [${plugin}]\ntriggers:\n  - record: { protocol: smtp, where: { cdoe: { min: 500 } } }\n`;
  const config = write('smtp-typo.yaml', yaml(smtpPlugin(true)));
  const validate = runPakeana(['config', 'validate', config]);
  assert.equal(validate.status, 2);
  assert.equal(validate.stderr.trim(), `${config}:3:40: triggers.0.record.where.cdoe: smtp records have no field "cdoe" (fields: code, text)`);
  assert.deepEqual(reported(smtp, yaml(smtpPlugin(false))), []);
});

test('a plain run with the HTTP dissector does not load zod (record schemas are built on first use)', () => {
  const hook = write('zod-loaded.cjs', "process.on('exit', () => { if (Object.keys(require.cache).some((f) => /[\\\\/]zod[\\\\/]/.test(f))) process.stderr.write('zod loaded\\n'); });\n");
  const plain = runPakeana(['read', http, '--plugin', 'http', '--all'], { env: { NODE_OPTIONS: `--require ${hook}` } });
  assert.equal(plain.status, 0, plain.stderr);
  assert.doesNotMatch(plain.stderr, /zod loaded/);
  // The hook does see zod when a config is checked.
  const configured = runPakeana(['read', http, '--config', write('status.yaml', 'plugins: [http]\ntriggers: [ { record: { protocol: http } } ]\n')], {
    env: { NODE_OPTIONS: `--require ${hook}` },
  });
  assert.match(configured.stderr, /zod loaded/);
});

test("the README's record and mark example is a valid config", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const [, yaml] = /`record` and `mark` reach[^]*?```yaml\n([^]*?)```/.exec(readme);
  const run = runPakeana(['read', http, '--config', write('readme.yaml', `plugins: [http]\n${yaml}`), '--format', 'json']);
  assert.equal(run.status, 0, run.stderr);
  // 40002 posted to /api/, 40003 answered 503; the `not` of an SMTP record holds on every HTTP session.
  assert.deepEqual(run.sessions.map((s) => [s.client.port, s.triggers]).sort((a, b) => a[0] - b[0]), [
    [40001, ['match']],
    [40002, ['record', 'match']],
    [40003, ['record', 'match']],
    [40004, ['match']],
  ]);
});
