import type { Dissector } from '@pakeana/framework';

/** Placeholder until the HTTP parser lands: claims HTTP ports, parses nothing. */
const http: Dissector = {
  name: 'http',
  ports: [80, 8080],
  create: () => ({ data() {}, gap() {}, end() {} }),
};
export default http;
