// The floor of any dissector on tls-bench.mjs's capture: it claims the bench's port (8443) and
// confirms on its first bytes, as TLS does on its ClientHello (an unconfirmed dissector makes
// the framework keep every byte for a replay), so the framework reassembles and hands over
// every byte, and nothing is done with them. TLS minus this is the TLS dissector's own cost.
module.exports = {
  apiVersion: 1,
  name: 'null',
  description: 'takes port 8443, confirms, and ignores its bytes (benchmark floor)',
  ports: [8443],
  create: (context) => {
    let confirmed = false;
    const take = () => {
      if (!confirmed) context.confirm();
      confirmed = true;
    };
    // dataRange: no view per segment, as the TLS dissector
    return { data: take, dataRange: take, gap() {}, end() {} };
  },
};
