// HTTPS twin of the `many` client of ../shared/lab/client.js: N requests in sequence over a
// keep-alive connection, a new connection (a full handshake) every K requests.
//   N=.. K=.. TLS=TLSv1.2|TLSv1.3 node tls-client.js HOST PORT CA.pem SNI
const https = require('https');
const fs = require('fs');

const [, , host, port, caFile, servername] = process.argv;
const tls = { ca: fs.readFileSync(caFile), servername, maxVersion: process.env.TLS || 'TLSv1.3' };
const N = +(process.env.N || 200), K = +(process.env.K || 0);
const newAgent = () => new https.Agent({ keepAlive: true, maxSockets: 1, ...tls });
let agent = newAgent();

function request(method, path, body) {
  return new Promise((resolve) => {
    const r = https.request({ host, port: +port, method, path, agent, headers: { 'User-Agent': 'lab-client/1.0' } }, (res) => {
      res.resume();
      res.on('end', resolve);
      res.on('error', resolve);
    });
    r.on('error', resolve);
    r.end(body);
  });
}

async function many() {
  for (let i = 0; i < N; i++) {
    if (K && i && i % K === 0) { agent.destroy(); agent = newAgent(); }
    const post = i % 13 === 5;
    await request(post ? 'POST' : 'GET', i % 7 === 0 ? '/chunked' : i % 11 === 3 ? '/status/404' : post ? '/echo' : '/small?i=' + i, post ? 'x'.repeat(200) : undefined);
  }
  agent.destroy();
}
setTimeout(() => process.exit(2), +(process.env.TIMEOUT_MS || 600_000)).unref();
many().then(() => setTimeout(() => process.exit(0), 100));
