// Node's side of the TLS lab (test/lab/tls-lab.sh): one server or one client per scenario.
//   node node-tls.js server https|http2 PORT CERTDIR NAME [maxVersion]
//   node node-tls.js client https|http2 HOST PORT CERTDIR SNI [maxVersion]
// NAME is the certificate pair CERTDIR/NAME.pem + NAME.key; clients trust CERTDIR/ca.pem.
// A server prints `listening` once it accepts; a client makes one request, reads the answer
// and exits 0 (1 on any error, with the error on stderr).
const https = require('https');
const http2 = require('http2');
const fs = require('fs');
const path = require('path');

const [, , role, kind, ...rest] = process.argv;
const read = (dir, file) => fs.readFileSync(path.join(dir, file));

function serve(port, dir, name, maxVersion) {
  const options = { key: read(dir, `${name}.key`), cert: read(dir, `${name}.pem`), maxVersion: maxVersion || 'TLSv1.3' };
  const answer = (req, res) => res.end(`hello from ${kind}\n`);
  const server = kind === 'http2' ? http2.createSecureServer(options, answer) : https.createServer(options, answer);
  server.listen(+port, '0.0.0.0', () => console.log('listening'));
}

function request(host, port, dir, sni, maxVersion) {
  const tls = { ca: read(dir, 'ca.pem'), servername: sni, maxVersion: maxVersion || 'TLSv1.3' };
  const fail = (e) => { console.error(e.message); process.exit(1); };
  if (kind === 'http2') {
    const session = http2.connect(`https://${host}:${port}`, tls);
    session.on('error', fail);
    const stream = session.request({ ':path': '/' });
    stream.on('error', fail);
    stream.resume();
    stream.on('end', () => session.close(() => process.exit(0)));
    return;
  }
  https.get({ host, port: +port, path: '/', agent: false, ...tls }, (res) => {
    res.resume();
    res.on('end', () => process.exit(0));
  }).on('error', fail);
}

if (role === 'server') serve(...rest);
else {
  setTimeout(() => { console.error('timed out'); process.exit(2); }, 10_000).unref();
  request(...rest);
}
