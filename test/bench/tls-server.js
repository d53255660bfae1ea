// HTTPS twin of ../shared/lab/server.js for the TLS benchmark capture: the routes its `many`
// client uses, over Node's https (TLS 1.2 and 1.3 both accepted).
//   node tls-server.js PORT CERT.pem KEY.pem
const https = require('https');
const fs = require('fs');

const [, , port, cert, key] = process.argv;
const server = https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key), minVersion: 'TLSv1.2' }, (req, res) => {
  const path = new URL(req.url, 'https://h').pathname;
  req.resume();
  req.on('end', () => {
    if (path === '/small') res.end('hello world\n');
    else if (path === '/chunked') { res.write('part-one;'); setTimeout(() => { res.write('part-two;'); res.end('end'); }, 20); }
    else if (path === '/echo') res.end('{"got":200}');
    else { res.statusCode = 404; res.end('not found\n'); }
  });
});
server.keepAliveTimeout = 2000;
server.listen(+port, '0.0.0.0', () => console.log('listening'));
