// The floor of any dissector on tls-bench.mjs's capture: it claims the bench's port (8443), so
// the framework reassembles and hands over every byte, and does nothing with them. TLS minus
// this is the TLS dissector's own cost.
module.exports = {
  apiVersion: 1,
  name: 'null',
  description: 'takes port 8443 and ignores its bytes (benchmark floor)',
  ports: [8443],
  create: () => ({ data() {}, dataRange() {}, gap() {}, end() {} }), // dataRange: no view per segment, as the TLS dissector
};
